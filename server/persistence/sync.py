"""Tables of the sync engine: the change feed, pull checkpoints, rejections, the epoch."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import JSONType, timestamp, uuid_pk

BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


class SyncChange(Model):
    """One change to a record, as seen from one family (a person appears once per family).

    ``txid`` is the writing transaction's id on PostgreSQL (0 on SQLite, which
    has one writer at a time). Pulls read rows below the oldest transaction
    still running, ordered by (txid, seq), so a transaction that began earlier
    and commits later is never skipped.
    """

    __tablename__ = "sync_change"
    __table_args__ = (
        sa.Index("ix_sync_change_family_position", "family_id", "txid", "seq"),
        sa.Index("ix_sync_change_record", "record_id"),
    )

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Filled by the database: pg_current_xact_id() on PostgreSQL, 0 on SQLite.
    txid: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.FetchedValue())
    entity: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    # The scope key: the family's id; a team-scoped record's own id (a group
    # supervision session); None for records every device gets (checklist
    # templates, the decision policy).
    family_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)


class SyncCheckpoint(Model):
    """How far one pull brought a device; its id is inside the cursor the device keeps.

    Immutable once written, so a device that lost a response and repeats a
    pull with its older cursor is brought forward again from the same place.
    """

    __tablename__ = "sync_checkpoint"

    id: Mapped[uuid_pk]
    device_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("device.id"), index=True)
    created_at: Mapped[timestamp]
    # Every change at or before (txid, seq) of the families in `families` is delivered.
    txid: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    families: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Families still arriving whole: family id -> [txid, seq] delivered so far.
    pending: Mapped[dict[str, list[int]]] = mapped_column(JSONType, default=dict)
    # Families that arrived whole beyond (txid, seq): family id -> their own position.
    ahead: Mapped[dict[str, list[int]]] = mapped_column(JSONType, default=dict)
    rejection_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class SyncRejection(Model):
    """A pushed change that can never be applied, kept so the user sees it and loses nothing."""

    __tablename__ = "sync_rejection"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    device_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("device.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"))
    mutation_id: Mapped[int] = mapped_column(sa.BigInteger)
    entity: Mapped[str] = mapped_column(sa.String(40))
    op: Mapped[str] = mapped_column(sa.String(10))
    record_id: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.String(30))
    message: Mapped[str] = mapped_column(sa.Text)
    errors: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # What the worker wrote, so it can be shown to them and recovered.
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[timestamp]


class SyncState(Model):
    """Small named values of the sync engine, such as the epoch."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(200))
