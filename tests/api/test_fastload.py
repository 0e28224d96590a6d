"""The compiled loaders accept only what the marshmallow schemas accept, with equal values.

A push's records are read by msgspec types translated from the schemas
(server/records/loaders.py); anything they cannot read goes to the schema. So
the property that matters is one-sided: whatever a fast loader returns, the
schema must load to the same dict. Hypothesis throws well-formed and
malformed records of every kind at both.
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields, validate

from bench.fieldwork import Fieldwork
from server.domain.records import RecordKind
from server.records.fields import UpnField
from server.records.loaders import FastLoader, create_fast_loader, update_fast_loader
from server.records.schemas import create_loader, update_loader

KINDS = list(RecordKind)

JUNK = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4)
    | st.just("5")
    | st.just([])
    | st.just({})
)


def _length_limits(field: fields.Field) -> tuple[int, int | None]:
    low, high = 0, None
    for rule in field.validators:
        if isinstance(rule, validate.Length):
            low = rule.min or rule.equal or 0
            high = rule.max if rule.max is not None else rule.equal
    return low, high


def _text(field: fields.Field, sound: bool) -> st.SearchStrategy[Any]:
    if isinstance(field, UpnField):  # a check letter no generated text would match
        upns = st.sampled_from(["B801200005001", "R30120010100A"])
        return upns if sound else upns | st.just("A801200005001") | st.text(max_size=14)
    low, high = _length_limits(field)
    for rule in field.validators:
        if isinstance(rule, validate.OneOf):
            choices = st.sampled_from(list(rule.choices))
            return choices if sound else choices | st.text(max_size=6)
        if isinstance(rule, validate.Regexp):  # a file name, a hex digest
            matching = st.from_regex(rule.regex, fullmatch=True).filter(
                lambda text: low <= len(text) <= (high or len(text))
            )
            return matching if sound else matching | st.text(max_size=6)
    edges = [st.text(min_size=max(low, 1 if sound else 0), max_size=low + 3)]
    if high is not None:
        # At the limit, in letters and in characters outside the BMP; and one over.
        edges += [st.just("x" * high), st.just("😀" * high)]
        if not sound:
            edges += [st.just("x" * (high + 1)), st.just("😀" * (high + 1))]
    if low and not sound:
        edges.append(st.just("x" * (low - 1)))
    return st.one_of(edges)


def value_for(field: fields.Field, *, sound: bool, depth: int = 0) -> st.SearchStrategy[Any]:
    """Return values a device might send for ``field``: all valid if ``sound``, else any."""
    good: st.SearchStrategy[Any]
    if isinstance(field, fields.Nested) and depth < 3:
        good = record_for(field.schema, sound=sound, depth=depth + 1)
    elif isinstance(field, fields.List) and depth < 3:
        _, high = _length_limits(field)
        inner = value_for(field.inner, sound=sound, depth=depth + 1)
        good = st.lists(inner, min_size=0, max_size=3)
        if high is not None and not sound:
            good |= st.lists(inner, min_size=high + 1, max_size=high + 1)
    elif isinstance(field, fields.UUID):
        forms = [str, lambda u: str(u).upper(), lambda u: u.hex]
        if not sound:
            forms += [lambda u: f"{{{u}}}", lambda u: str(u)[:-1]]
        good = st.builds(lambda u, form: form(u), st.uuids(), st.sampled_from(forms))
    elif isinstance(field, fields.Boolean):
        good = st.booleans() if sound else st.booleans() | st.sampled_from(["true", 1, "yes"])
    elif isinstance(field, fields.Integer):
        ranges = [rule for rule in field.validators if isinstance(rule, validate.Range)]
        low, high = (ranges[0].min, ranges[0].max) if ranges else (None, None)
        numbers = st.integers(low or 0, 1440 if high is None else high)
        good = numbers if sound else numbers | st.sampled_from(["12", 12.0, 12.5, True, 2**70])
    elif isinstance(field, fields.AwareDateTime | fields.DateTime):
        moments = ["2026-11-03T10:00:00+00:00", "2026-11-03T10:00:00Z", "2026-11-03T11:30:00+01:00"]
        if not sound:
            moments += ["2026-11-03T10:00:00", "9999-12-31T23:59:59-05:00", "2026-13-03T10:00Z"]
        good = st.sampled_from(moments)
    elif isinstance(field, fields.Date):
        days = ["2026-11-03", "2024-02-29"]
        good = st.sampled_from(days if sound else [*days, "2026-11-31", "03/11/2026"])
    elif isinstance(field, fields.String):
        good = _text(field, sound)
    elif isinstance(field, fields.Dict):
        good = st.dictionaries(
            st.text(min_size=1, max_size=5), st.text(max_size=5), min_size=1, max_size=3
        )
    else:
        good = JUNK
    return good if sound else st.one_of(good, good, good, JUNK)


def record_for(schema: Schema, *, sound: bool, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Return records for a schema: required fields and any others; now and then a stranger."""
    fields_ = {
        field.data_key or name: (field, value_for(field, sound=sound, depth=depth))
        for name, field in schema.load_fields.items()
    }
    required = {key: value for key, (field, value) in fields_.items() if field.required}
    optional = {key: value for key, (field, value) in fields_.items() if not field.required}
    if not sound:
        optional |= required
        required = {}
    records = st.fixed_dictionaries(required, optional=optional)
    if sound:
        return records
    return st.one_of(records, records, records, records.map(lambda r: {**r, "unexpected": 1}))


def assert_agrees(
    fast: FastLoader, schema: Schema, record: dict[str, Any], extra: dict[str, Any], sound: bool
) -> None:
    loaded = fast.load(json.dumps(record).encode())
    if loaded is None:
        # Left to the schema: allowed, but a sound record must not need it.
        assert not sound, "a valid record in the usual form must load fast"
        return
    try:
        expected = schema.load({**record, **extra})
    except ValidationError as error:
        pytest.fail(f"fast loader accepted what the schema refuses: {error.messages}")
    for name in extra:
        expected.pop(name)
    assert loaded == expected


BOUNDED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# Each way a record arrives: its loaders, and what the envelope adds to its data.
WAYS = {
    "create": (create_fast_loader, create_loader, "id", str(uuid.uuid4())),
    "update": (update_fast_loader, update_loader, "base_version", 3),
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.value)
@BOUNDED
@given(data=st.data())
def test_a_record_loads_fast_only_as_the_schema_loads_it(kind, way, data):
    fast_loader, loader, added, value = WAYS[way]
    fast = fast_loader(kind)
    assert fast is not None, "every kind's schemas translate"
    schema = loader(kind)
    sound = data.draw(st.booleans(), label="sound")
    record = data.draw(record_for(schema, sound=sound))
    record.pop(added, None)
    assert_agrees(fast, schema, record, {added: value}, sound)


@pytest.mark.parametrize(
    ("field", "sent"),
    [
        ("duration_minutes", "45"),  # the schema coerces text to a number
        ("duration_minutes", 45.0),
        ("announced", "true"),
        ("family_id", f"{{{uuid.uuid4()}}}"),  # braces: uuid.UUID reads them, msgspec not
        ("id", str(uuid.uuid4())),  # the envelope carries the id, never the data
        ("mode", "carrier pigeon"),
        ("participants", [{"person_id": str(uuid.uuid4()), "seen": "yes"}]),
    ],
)
def test_input_the_fast_loader_leaves_to_the_schema(field, sent):
    visit = {
        "family_id": str(uuid.uuid4()),
        "occurred_at": "2026-11-03T10:00:00+00:00",
        "mode": "home_visit",
        "purpose": "direct_work",
    }
    fast = create_fast_loader(RecordKind.INTERACTION)
    assert fast is not None
    assert fast.load(json.dumps(visit).encode()) is not None
    assert fast.load(json.dumps({**visit, field: sent}).encode()) is None


def test_a_caseworkers_offline_fieldwork_all_loads_fast_and_equal():
    """The fast way must not be a rarity: the benchmark's fieldwork all takes it."""
    families = {uuid.uuid4(): [uuid.uuid4() for _ in range(4)] for _ in range(5)}
    work = Fieldwork(families, random.Random(7))
    work.changes(200)  # made first, so edits of them follow
    for change in work.changes(300):
        kind = RecordKind(change.entity)
        sent = change.wire()
        if change.op == "create":
            fast = create_fast_loader(kind)
            expected = create_loader(kind).load({**sent, "id": str(change.id)})
            expected.pop("id")
        elif change.op == "update":
            fast = update_fast_loader(kind)
            expected = update_loader(kind).load({**sent, "base_version": 1})
            expected.pop("base_version")
        else:
            continue
        assert fast is not None
        assert fast.load(json.dumps(sent).encode()) == expected, (change.entity, change.op)
