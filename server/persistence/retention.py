"""Legal holds on families, and the release the retention job deletes under.

``legal_hold``: a hold stops a family's records being deleted, whatever the
schedule says, until it is lifted. Rows are never deleted: a lifted hold keeps
who lifted it, when and why.

``retention_release``: while the retention job deletes one batch of families it
writes their ids (and the ids of people who belong to no other family) here,
in its own transaction, and removes them before it commits. The database
triggers that keep history rows, signed records and ended plan episodes from
being deleted let a row go only when its family or record is named here, so
nothing else can delete them, and no other transaction ever sees a release.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import UTCDateTime, timestamp, uuid_pk


class LegalHold(Model):
    __tablename__ = "legal_hold"
    __table_args__ = (sa.Index("ix_legal_hold_family_lifted", "family_id", "lifted_at"),)

    id: Mapped[uuid_pk]
    # No foreign key: a hold stops deletion, so its family is always there while it is held,
    # and a lifted hold's row outlives a family deleted later.
    family_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    reason: Mapped[str] = mapped_column(sa.Text)
    set_at: Mapped[timestamp]
    set_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    lift_reason: Mapped[str | None] = mapped_column(sa.Text)


class RetentionRelease(Model):
    __tablename__ = "retention_release"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
