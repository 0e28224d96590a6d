"""One page of a list, through Flask-SQLAlchemy's ``paginate``: every list pages the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from ..extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of one page, which page it is, its size, and how many rows there are in all.

    Its attributes are the list envelope of the API (``page_schema``).
    """

    items: list[T]
    page: int
    page_size: int
    total: int


def page_of(query: sa.Select[Any], page: int, page_size: int) -> Page[Any]:
    """Return one page of ``query`` (ordered by the caller, with a unique last key).

    A page past the end is empty, never an error: the total says how many there are.
    """
    result = db.paginate(query, page=page, per_page=page_size, error_out=False, count=True)
    return Page(list(result.items), page, page_size, result.total or 0)
