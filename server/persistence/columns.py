"""Column helpers shared by every table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Annotated, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import mapped_column
from uuid6 import uuid7

from .. import clock


def new_id() -> uuid.UUID:
    """Return a new time-ordered UUID (v7), as clients also make them."""
    return uuid7()


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored in UTC on every database.

    SQLite keeps no offset, so values are converted to UTC on the way in and
    marked as UTC on the way out; PostgreSQL's timestamptz does the same itself.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

uuid_pk = Annotated[uuid.UUID, mapped_column(sa.Uuid, primary_key=True, default=new_id)]
timestamp = Annotated[datetime, mapped_column(UTCDateTime, default=clock.now)]
json_value = Annotated[Any, mapped_column(JSONType)]


def with_defaults(
    table: sa.Table, values: dict[str, Any], *, now: datetime | None = None
) -> dict[str, Any]:
    """Fill in the column defaults a row would get when written (in place; returned).

    ``now``, if given, is the time for every timestamp that defaults to the
    current time: rows written in one transaction share it, as ``now()`` does.
    """
    for name, default, is_callable, is_moment in column_defaults(table):
        if name not in values:
            if now is not None and is_moment:
                values[name] = now
            else:
                values[name] = default(None) if is_callable else default
    return values


@cache
def column_defaults(table: sa.Table) -> tuple[tuple[str, Any, bool, bool], ...]:
    """Return each column with a Python-side default.

    Each as (name, value or function, is a function, is a current-time timestamp).
    """
    found = []
    for column in table.columns:
        default = column.default
        if default is not None and hasattr(default, "arg"):
            is_callable = bool(default.is_callable)
            moment = is_callable and isinstance(column.type, UTCDateTime)
            found.append((column.key, default.arg, is_callable, moment))
    return tuple(found)
