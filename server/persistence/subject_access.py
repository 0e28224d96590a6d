"""Subject access bundles: every record about one person, for redaction before release."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .case import Person
from .columns import JSONType, UTCDateTime, timestamp, uuid_pk


class SubjectAccessExport(Model):
    """One subject access request's bundle, made by a job and downloaded by its opaque id.

    The bundle holds case content, so it is kept only until it is cleared
    (``BUNDLE_KEEP_DAYS`` in ``server/jobs/subject_access.py``); the row stays as a record
    that the export happened.
    """

    __tablename__ = "subject_access_export"

    id: Mapped[uuid_pk]
    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("person.id"), index=True)
    requested_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"))
    # The day the council received the request: its statutory month runs from here.
    # Empty on exports made before it was asked: the day the export was asked for, then.
    received_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    error: Mapped[str | None] = mapped_column(sa.String(500))
    # {kind: number of records} once done: what the bundle holds, without the content.
    counts: Mapped[dict[str, int] | None] = mapped_column(JSONType)
    bundle: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[timestamp]
    # When a worker took it up: how long it has been running (server/jobs/sweep.py).
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Whose bundle it is, for the admin's list of exports; never written through.
    person: Mapped[Person] = relationship(lazy="joined", viewonly=True)
