"""Reading a pushed batch: the envelope of each mutation, before any record rule."""

from __future__ import annotations

import bisect
import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec

from .merge import MERGE_RULES
from .protocol import MAX_MUTATION_ID, MAX_PUSH_MUTATIONS, MAX_VERSION, Mutation, MutationOp

ENTITIES = frozenset(MERGE_RULES)


class BatchError(ValueError):
    """The batch as a whole cannot be read; nothing in it is applied."""

    def __init__(self, message: str, errors: dict[str, Any] | None = None):
        super().__init__(message)
        self.errors = errors or {}


class EnvelopeError(ValueError):
    """One mutation's envelope is malformed; it is rejected on its own."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("malformed mutation")
        self.errors = errors


def unstorable_text(value: Any, path: str = "") -> list[str]:
    """Return the paths of strings no database can store: NUL characters, lone surrogates."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return [path or "_value"]
        return [path or "_value"] if "\x00" in value else []
    if isinstance(value, Mapping):
        return [
            found
            for key, item in value.items()
            for found in unstorable_text(item, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(value, list):
        return [
            found
            for index, item in enumerate(value)
            for found in unstorable_text(item, f"{path}.{index}" if path else str(index))
        ]
    return []


def device_time(client_ts: str | None) -> datetime | None:
    """Return when the device says a mutation was made, in UTC; None if it did not say.

    Raise ValueError unless it is an ISO 8601 time with its offset. The time is
    kept (when a note was written or signed) but never orders anything.
    """
    if client_ts is None:
        return None
    when = datetime.fromisoformat(client_ts)
    if when.tzinfo is None:
        raise ValueError("a device time needs its offset from UTC")
    return when.astimezone(UTC)


def storable(value: Any) -> Any:
    """Return the value with what no JSON column holds replaced, so it can be kept as typed.

    NUL characters and lone surrogates become U+FFFD; numbers JSON does not
    have (NaN, infinities: ``1e400`` reads as one) become their names as text.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, Mapping):
        return {storable(str(key)): storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value


def parse_mutation(raw: Mapping[str, Any]) -> Mutation:
    """Return a mutation from its wire form, or raise EnvelopeError naming each bad field."""
    errors: dict[str, list[str]] = {}
    entity = raw.get("entity")
    if not isinstance(entity, str) or entity not in ENTITIES:  # a list is unhashable
        errors["entity"] = [f"Unknown record kind {entity!r}."]
    try:
        op = MutationOp(str(raw.get("op")))
    except ValueError:
        errors["op"] = ["op must be create, update, delete or sign."]
        op = MutationOp.CREATE
    record_id = raw.get("id")
    try:
        uuid.UUID(str(record_id))
    except ValueError:
        errors["id"] = ["Not a valid UUID."]
    base_version = raw.get("base_version")
    if op is not MutationOp.CREATE and (
        not isinstance(base_version, int) or isinstance(base_version, bool) or base_version < 1
    ):
        errors["base_version"] = ["An update, delete or sign needs the version it was based on."]
    elif (
        op is not MutationOp.CREATE and isinstance(base_version, int) and base_version > MAX_VERSION
    ):
        errors["base_version"] = [f"No record reaches version {base_version}."]
    data = raw.get("data", {})
    if not isinstance(data, dict):
        errors["data"] = ["data must be an object."]
    for path in unstorable_text(data, "data"):
        errors[path] = ["Remove the invisible control characters from this text."]
    client_ts = raw.get("client_ts")
    try:
        device_time(client_ts if isinstance(client_ts, str | None) else "")
    except ValueError:
        errors["client_ts"] = [
            "client_ts must be a date and time with its offset, such as 2026-12-05T12:16:00Z."
        ]
    if errors:
        raise EnvelopeError(errors)
    return Mutation(
        mutation_id=raw["mutation_id"],
        entity=str(entity),
        op=op,
        id=str(uuid.UUID(str(record_id))),
        base_version=base_version if op is not MutationOp.CREATE else None,
        data=data,
        client_ts=client_ts,
    )


def check_batch(raw_mutations: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Check what every mutation needs for ordering: whole-number ids, strictly increasing.

    Anything else wrong with a mutation rejects that mutation alone; a batch
    whose ids cannot be ordered cannot be applied exactly once, so it is refused.
    """
    batch = list(raw_mutations)
    if len(batch) > MAX_PUSH_MUTATIONS:
        raise BatchError(f"A push may hold at most {MAX_PUSH_MUTATIONS} mutations.")
    previous = 0
    for index, raw in enumerate(batch):
        mutation_id = raw.get("mutation_id") if isinstance(raw, Mapping) else None
        if (
            not isinstance(mutation_id, int)
            or isinstance(mutation_id, bool)
            or not 1 <= mutation_id <= MAX_MUTATION_ID
        ):
            raise BatchError(
                f"Each mutation needs a whole-number mutation_id from 1 to {MAX_MUTATION_ID}.",
                {
                    f"mutations.{index}.mutation_id": [
                        f"Must be a whole number from 1 to {MAX_MUTATION_ID}."
                    ]
                },
            )
        if mutation_id <= previous:
            raise BatchError(
                "mutation_id must increase through the batch.",
                {f"mutations.{index}.mutation_id": [f"Must be greater than {previous}."]},
            )
        previous = mutation_id
    return batch


# --- which ids a device has had processed --------------------------------------------------

# Ranges of ids a device skipped that are remembered; beyond this, the oldest are forgotten.
MAX_SKIPPED_RANGES = 1000


@dataclass
class MutationLedger:
    """Which of a device's mutation ids the server has processed.

    Every id up to ``last``, except the ``skipped`` ranges: ids a batch went
    past without sending (``[low, high]``, sorted, disjoint). An id in a
    skipped range that arrives later is new, not a duplicate: it is applied
    once and leaves the range. A device that numbers its changes without gaps
    (as the app does) never has a skipped range.
    """

    last: int
    skipped: list[list[int]]

    def processed(self, mutation_id: int) -> bool:
        if mutation_id > self.last:
            return False
        index = bisect.bisect_right(self.skipped, mutation_id, key=lambda gap: gap[0]) - 1
        return index < 0 or self.skipped[index][1] < mutation_id

    def record(self, mutation_id: int) -> None:
        """Note that ``mutation_id`` has been processed."""
        if mutation_id > self.last:
            if mutation_id > self.last + 1:
                self.skipped.append([self.last + 1, mutation_id - 1])
                del self.skipped[:-MAX_SKIPPED_RANGES]
            self.last = mutation_id
            return
        index = bisect.bisect_right(self.skipped, mutation_id, key=lambda gap: gap[0]) - 1
        if index < 0 or self.skipped[index][1] < mutation_id:
            return  # processed already
        low, high = self.skipped[index]
        rest = [[low, mutation_id - 1]] if low < mutation_id else []
        if mutation_id < high:
            rest.append([mutation_id + 1, high])
        self.skipped[index : index + 1] = rest


# --- reading a batch quickly ------------------------------------------------------------


@dataclass(slots=True)
class Encoded:
    """A mutation whose envelope is read and sound; its data is still the JSON sent."""

    mutation_id: int
    entity: str
    op: MutationOp
    id: uuid.UUID
    base_version: int | None
    data: bytes
    device_time: datetime | None = None


@dataclass(frozen=True)
class EncodedPush:
    device_id: uuid.UUID
    schema_version: int
    mutations: list[Encoded]


class _WireMutation(msgspec.Struct):
    # Keys beyond these are ignored, as parse_mutation ignores them.
    mutation_id: Annotated[int, msgspec.Meta(ge=1, le=MAX_MUTATION_ID)]
    entity: str
    op: str
    id: uuid.UUID
    base_version: Annotated[int, msgspec.Meta(le=MAX_VERSION)] | None = None
    data: msgspec.Raw = msgspec.Raw(b"{}")
    client_ts: str | None = None


class _WirePush(msgspec.Struct, forbid_unknown_fields=True):
    device_id: uuid.UUID
    schema_version: int
    mutations: list[_WireMutation]


_PUSH_DECODER = msgspec.json.Decoder(_WirePush)
_OPS = {op.value: op for op in MutationOp}


def decode_push(body: bytes) -> EncodedPush | None:
    """Read a push whose every envelope is sound, or return None.

    None means "read it the careful way": ``check_batch`` and
    ``parse_mutation`` then say what is wrong, batch or mutation. So this
    accepts only what they accept: known kinds and operations, canonical
    UUIDs, increasing whole-number ids, base versions where needed, and data
    that is an object holding no NUL character (the decoder refuses lone
    surrogates and invalid UTF-8 itself), and device times with an offset.
    """
    try:
        push = _PUSH_DECODER.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if len(push.mutations) > MAX_PUSH_MUTATIONS:
        return None
    mutations: list[Encoded] = []
    previous = 0
    for wire in push.mutations:
        op = _OPS.get(wire.op)
        data = bytes(wire.data)
        if (
            op is None
            or wire.entity not in ENTITIES
            or wire.mutation_id <= previous
            or (op is not MutationOp.CREATE and (wire.base_version or 0) < 1)
            or not data.startswith(b"{")
            or b"\\u0000" in data
        ):
            return None
        try:
            when = device_time(wire.client_ts)
        except ValueError:
            return None
        previous = wire.mutation_id
        base_version = wire.base_version if op is not MutationOp.CREATE else None
        mutations.append(
            Encoded(wire.mutation_id, wire.entity, op, wire.id, base_version, data, when)
        )
    return EncodedPush(push.device_id, push.schema_version, mutations)
