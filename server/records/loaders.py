"""Reading a pushed record's data: compiled loaders first, the marshmallow schema otherwise.

``load_create`` and ``load_update`` are what the sync engine calls, for every
kind; the rest of this module is how the quick way works.

A push carries up to 500 records, and loading each through its marshmallow
schema costs more than writing it. A ``FastLoader`` translates a schema into a
msgspec type once; a record's JSON is then decoded and checked in C, straight
into the values the schema would load.

A fast loader never decides that input is wrong. Whatever it cannot read (a
value in a form the schema would coerce, such as ``"5"`` for a number; a
field kind it does not translate; anything invalid) makes it answer ``None``,
and the caller loads that input through the marshmallow schema, which gives
the field-level messages. What it does accept, the schema accepts, with equal
values: tests/api/test_fastload.py holds the two to that, on generated input.

Fields it does not translate exactly (dates, date-times, dicts, fields with
custom validators) are decoded as plain JSON and handed to the marshmallow
field itself, so their rules live in one place.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

import msgspec
from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate

from ..domain.records import RecordKind
from .fields import JsonBoolean
from .schemas import (
    AmendmentMutationSchema,
    create_loader,
    create_schema,
    update_loader,
    update_schema,
)

Convert = Callable[[Any], Any]


class Untranslatable(Exception):
    """The schema has a rule msgspec cannot state; load it with marshmallow."""


@dataclass(frozen=True)
class _Slot:
    """One field of a translated schema: where it goes and how its value is finished."""

    attribute: str
    key: str
    field: fields.Field
    convert: Convert | None
    deferred: bool


@dataclass(frozen=True)
class _Plan:
    struct: type[msgspec.Struct]
    slots: tuple[_Slot, ...]

    def to_dict(self, decoded: msgspec.Struct) -> dict[str, Any]:
        """Return the decoded struct as the schema's ``load`` returns it."""
        out: dict[str, Any] = {}
        for slot in self.slots:
            value = getattr(decoded, slot.attribute)
            if value is msgspec.UNSET:
                default = slot.field.load_default
                if default is missing:
                    continue
                value = default() if callable(default) else default
            elif slot.convert is not None and (slot.deferred or value is not None):
                value = slot.convert(value)  # a deferred field decides what None means itself
            out[slot.key] = value
        return out


class FastLoader:
    """Decode one record's JSON the way a marshmallow schema loads it, or answer None."""

    def __init__(self, schema: Schema, *, without: frozenset[str] = frozenset()):
        self.plan = _plan(schema, without)
        self.decoder = msgspec.json.Decoder(self.plan.struct)

    def load(self, data: bytes) -> dict[str, Any] | None:
        try:
            return self.plan.to_dict(self.decoder.decode(data))
        except (msgspec.DecodeError, msgspec.ValidationError, ValidationError):
            return None


def _plan(schema: Schema, without: frozenset[str] = frozenset()) -> _Plan:
    if schema.unknown != RAISE or any(schema._hooks.values()):
        raise Untranslatable(f"{type(schema).__name__} has processors or accepts unknown keys")
    definitions: list[tuple[str, Any, Any]] = []
    slots: list[_Slot] = []
    for index, (name, field) in enumerate(schema.load_fields.items()):
        if name in without:
            continue
        if field.attribute not in (None, name):
            raise Untranslatable(f"{name} loads into another attribute")
        attribute = f"f{index}"  # keys such as "for" are not Python names
        try:
            kind, convert = _translate(field)
            deferred = False
        except Untranslatable:
            kind, convert, deferred = Any, _deferred(field), True
        default: Any = msgspec.NODEFAULT if field.required else msgspec.UNSET
        definitions.append(
            (attribute, kind, msgspec.field(default=default, name=field.data_key or name))
        )
        slots.append(_Slot(attribute, name, field, convert, deferred))
    struct = msgspec.defstruct(
        f"Fast{type(schema).__name__}", definitions, kw_only=True, forbid_unknown_fields=True
    )
    return _Plan(struct, tuple(slots))


def _deferred(field: fields.Field) -> Convert:
    def load(value: Any) -> Any:
        return field.deserialize(value)

    return load


# The field classes translated exactly; a subclass may add rules, so it is not.
_SCALARS: dict[type[fields.Field], type] = {
    fields.String: str,
    fields.Integer: int,
    fields.Boolean: bool,
    JsonBoolean: bool,  # msgspec's bool is JSON's: true or false only
    fields.UUID: uuid.UUID,
}


def _translate(field: fields.Field) -> tuple[Any, Convert | None]:
    """Return the msgspec type of a field and how to finish its decoded value."""
    if field.pre_load or field.post_load:
        raise Untranslatable("field processors")
    convert: Convert | None = None
    field_type = type(field)
    if field_type in _SCALARS:
        if field_type is fields.Integer and getattr(field, "strict", False):
            raise Untranslatable("strict integer")
        base: Any = _SCALARS[field_type]
    elif isinstance(field, fields.Nested) and field_type is fields.Nested and not field.many:
        nested = _plan(field.schema)
        base, convert = nested.struct, nested.to_dict
    elif isinstance(field, fields.List) and field_type is fields.List:
        inner_type, inner_convert = _translate(field.inner)
        base = list[inner_type]  # type: ignore[valid-type]  # built at run time
        if inner_convert is not None:
            convert = _each(inner_convert)
    else:
        raise Untranslatable(field_type.__name__)
    base = _constrained(base, field)
    if field.allow_none:
        base = base | None
    return base, convert


def _each(convert: Convert) -> Convert:
    def each(values: list[Any]) -> list[Any]:
        return [convert(value) for value in values]

    return each


def _constrained(base: Any, field: fields.Field) -> Any:
    """Add the field's validators to its type, or refuse if one cannot be stated."""
    meta: dict[str, Any] = {}
    choices: tuple[str, ...] | None = None
    for rule in field.validators:
        if type(rule) is validate.Length and base is not bool:
            if rule.equal is not None:
                meta.update(min_length=rule.equal, max_length=rule.equal)
            if rule.min is not None:
                meta["min_length"] = rule.min
            if rule.max is not None:
                meta["max_length"] = rule.max
        elif type(rule) is validate.Range and base is int:
            if rule.min is not None:
                meta["ge" if rule.min_inclusive else "gt"] = rule.min
            if rule.max is not None:
                meta["le" if rule.max_inclusive else "lt"] = rule.max
        elif (
            type(rule) is validate.OneOf
            and base is str
            and all(isinstance(choice, str) for choice in rule.choices)
        ):
            choices = tuple(rule.choices)
        else:
            raise Untranslatable(f"validator {type(rule).__name__}")
    if choices is not None:
        if meta:
            raise Untranslatable("a length rule on a choice")
        return Literal[choices]
    return Annotated[base, msgspec.Meta(**meta)] if meta else base


# --- the records a push carries ---------------------------------------------------------

# The envelope's id and base version are added by the sync engine, never sent in data.
_CREATE_WITHOUT = frozenset({"id"})
_UPDATE_WITHOUT = frozenset({"base_version"})


@cache
def create_fast_loader(kind: RecordKind) -> FastLoader | None:
    """Return the compiled loader of a new record's data, or None if the schema resists."""
    return _compiled(create_schema(kind)(), without=_CREATE_WITHOUT)


@cache
def update_fast_loader(kind: RecordKind) -> FastLoader | None:
    """Return the compiled loader of a change's data (fields only, no base version)."""
    return _compiled(update_schema(kind)(), without=_UPDATE_WITHOUT)


def _compiled(schema: Schema, without: frozenset[str]) -> FastLoader | None:
    try:
        return FastLoader(schema, without=without)
    except Untranslatable:
        return None


# --- loading a pushed record's data -----------------------------------------------------

Data = bytes | Mapping[str, Any]


def load_create(kind: RecordKind, data: Data, record_id: uuid.UUID) -> dict[str, Any]:
    """Return a new record's data (JSON bytes or an object) as its schema loads it, with its id.

    Raise marshmallow's ValidationError, naming each field, if the schema refuses it.
    """
    if kind is RecordKind.AMENDMENT:  # sync names the record it amends, as REST's URL does
        sent = _object(data) if isinstance(data, bytes) else data
        amendment: dict[str, Any] = _AMENDMENT.load({**sent, "id": str(record_id)})
        return amendment
    if isinstance(data, bytes):
        fast = create_fast_loader(kind)
        loaded = fast.load(data) if fast is not None else None
        if loaded is not None:
            loaded["id"] = record_id
            return loaded
        data = _object(data)
    created: dict[str, Any] = create_loader(kind).load({**data, "id": str(record_id)})
    return created


_AMENDMENT = AmendmentMutationSchema()


def load_update(kind: RecordKind, data: Data, base_version: int) -> dict[str, Any]:
    """Return a change's data as its schema loads it, with the version it was based on."""
    if isinstance(data, bytes):
        fast = update_fast_loader(kind)
        loaded = fast.load(data) if fast is not None else None
        if loaded is not None:
            loaded["base_version"] = base_version
            return loaded
        data = _object(data)
    changes: dict[str, Any] = update_loader(kind).load({**data, "base_version": base_version})
    return changes


def _object(data: bytes) -> Mapping[str, Any]:
    """Return JSON bytes the push decoder already found to be an object, as one.

    Read by the standard library, which reads a number too large for a float
    (``1e400``) as infinity for the schema to refuse, where msgspec would raise.
    """
    decoded: Mapping[str, Any] = json.loads(data)
    return decoded
