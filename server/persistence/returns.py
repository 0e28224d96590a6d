"""Statutory returns a performance officer produced: the census XML and Annex A."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import JSONType, UTCDateTime, timestamp, uuid_pk


class StatutoryReturn(Model):
    """One return for a collection year: the file, once done, and what the checks found.

    ``content`` is the file as it will be sent; ``issues`` counts the
    validation report's rows by rule when the file was made.
    """

    __tablename__ = "statutory_return"

    id: Mapped[uuid_pk]
    kind: Mapped[str] = mapped_column(sa.String(20))  # cin_census, annex_a
    year: Mapped[int]
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(sa.String(200), default="")
    error: Mapped[str | None] = mapped_column(sa.String(500))
    children: Mapped[int | None]
    issues: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[timestamp] = mapped_column(index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
