"""Stored service summaries: the disclosure-controlled figures, rendered on download."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import JSONType, UTCDateTime, timestamp, uuid_pk

# The rows the unique index on monthly periods covers. Literal values, not the enums,
# so the index's SQL is the same in the model and the migration.
MONTHLY_NOT_FAILED = sa.text("kind = 'monthly' AND status <> 'failed'")


class ServiceSummary(Model):
    """One summary of the service over a period: monthly (scheduled) or requested by an analyst.

    ``summary`` holds the figures after disclosure control, with no names or
    record ids; files (CSV, XLSX, JSON, HTML) are rendered from it on download.
    """

    __tablename__ = "service_summary"

    id: Mapped[uuid_pk]
    kind: Mapped[str] = mapped_column(sa.String(10))
    period_start: Mapped[date]
    # The day after the last day: the period is [period_start, period_end).
    period_end: Mapped[date]
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(sa.String(200), default="")
    error: Mapped[str | None] = mapped_column(sa.String(500))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[timestamp] = mapped_column(index=True)
    # When a worker took it up: how long it has been running (server/jobs/sweep.py).
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_service_summary_period", "kind", "period_start", "period_end"),
        # At most one monthly summary of a month that is done or on its way, however many
        # cron processes or retries race; a failed one stays as a record beside its retry.
        sa.Index(
            "uq_service_summary_monthly_period",
            "kind",
            "period_start",
            "period_end",
            unique=True,
            postgresql_where=MONTHLY_NOT_FAILED,
            sqlite_where=MONTHLY_NOT_FAILED,
        ),
    )
