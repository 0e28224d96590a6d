"""Field types every schema reuses, with the limits that keep bad input out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError, fields, validate

from ..domain.errors import translatable
from ..domain.upn import MESSAGES as UPN_MESSAGES
from ..domain.upn import upn_problem
from ..vocabularies import codes

SHORT_TEXT = 200
LONG_TEXT = 20_000


def short_text(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=kwargs.pop("max", SHORT_TEXT)), **kwargs)


def long_text(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=LONG_TEXT), **kwargs)


def required_text(max_length: int = SHORT_TEXT, **kwargs: Any) -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=max_length), **kwargs)


class JsonBoolean(fields.Boolean):
    """A JSON true or false and nothing else: 0, 1, "yes" and "true" are refused.

    marshmallow's Boolean reads all of those as booleans, which hides a
    client's mistake; JSON has its own true and false. Query strings, which
    carry only text, keep ``fields.Boolean``.
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(translatable("Send true or false."))
        return value


def _held_in_utc(value: datetime) -> None:
    # A far offset can move a valid local time past year 9999 or before year 1 in UTC.
    try:
        value.astimezone(UTC)
    except OverflowError as error:
        raise ValidationError(
            translatable("Enter a date and time between the years 1 and 9999.")
        ) from error


def moment(**kwargs: Any) -> fields.AwareDateTime:
    """A date and time with its offset, that can be stored (in UTC)."""
    return fields.AwareDateTime(validate=_held_in_utc, **kwargs)


def choice(values: list[str] | tuple[str, ...], **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(values), **kwargs)


def code_from(vocabulary: str, **kwargs: Any) -> fields.String:
    """A field whose value must be a code of one of the vocabularies."""
    return choice(codes(vocabulary), **kwargs)


def text_list(max_items: int = 50, **kwargs: Any) -> fields.List:
    return fields.List(
        fields.String(validate=validate.Length(max=LONG_TEXT)),
        validate=validate.Length(max=max_items),
        **kwargs,
    )


def object_list(schema: Any, max_items: int = 100, **kwargs: Any) -> fields.List:
    return fields.List(fields.Nested(schema), validate=validate.Length(max=max_items), **kwargs)


class StoredDate(fields.Date):
    """A date inside a JSON column: stored as ISO text, shown as it was stored."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


def _good_upn(value: str) -> None:
    problem = upn_problem(value)
    if problem is not None:
        raise ValidationError(UPN_MESSAGES[problem])


class UpnField(fields.String):
    """A unique pupil number whose check letter matches (``server.domain.upn``)."""


def upn(**kwargs: Any) -> fields.String:
    return UpnField(
        validate=_good_upn,
        metadata={"description": "13 characters; the check letter must match"},
        **kwargs,
    )
