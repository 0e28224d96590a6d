"""The append-only audit log of every read and write of case records."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import JSONType, timestamp


class AuditEvent(Model):
    """Who did what to which record, when, from which device.

    The application only ever inserts these rows: the ORM refuses updates and
    deletes, and database triggers refuse them too (see the migrations).
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    at: Mapped[timestamp] = mapped_column(index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    action: Mapped[str] = mapped_column(sa.String(20))
    entity: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    family_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    # Identifiers only (counts, filters, field names): never case content.
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
