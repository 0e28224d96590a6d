"""Producing service summaries: one requested by an analyst, or the monthly one on a schedule."""

from __future__ import annotations

import logging
import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..domain.errors import translatable
from ..domain.exports import ExportStatus, SummaryKind, previous_month
from ..extensions import db
from ..persistence import ServiceSummary
from ..reports.summary import Period, build_summary
from ..transaction import checkpoint
from .context import with_app_context
from .queue import (
    EXPORT_QUEUE,
    enqueue_after_commit,
    runs_on,
    set_job_progress,
    set_progress,
)

log = logging.getLogger(__name__)

# rq's default of 3 minutes is too short for a year of a large council.
SUMMARY_TIMEOUT_SECONDS = 60 * 60
# Stored in English, shown in the reader's language (api/common.py, StoredMessage).
DONE_STAGE = translatable("Done")
FAILED_MESSAGE = translatable(
    "The summary could not be produced. Request it again, or ask the service desk."
)
STOPPED_MESSAGE = translatable(
    "The summary stopped before it was finished. Request it again, or ask the service desk."
)
NOT_STARTED_MESSAGE = translatable(
    "The summary was not started in time. Request it again, or ask the service desk."
)


@runs_on(EXPORT_QUEUE, job_timeout=SUMMARY_TIMEOUT_SECONDS)
@with_app_context
def produce_summary(report_id: str) -> str:
    """Build and store one summary; one done, or given up as failed, is left as it is."""
    report = db.session.get(ServiceSummary, uuid.UUID(report_id))
    if report is None:
        return "gone"
    if report.status in (ExportStatus.DONE, ExportStatus.FAILED):
        # A failed one was asked for again as a new summary, which has its own job.
        return str(report.status)
    report.status = ExportStatus.RUNNING
    report.error = None
    report.started_at = clock.now()
    checkpoint()
    period = Period(start=report.period_start, end=report.period_end)
    try:
        summary = build_summary(
            period,
            progress=lambda percent, stage: set_progress(ServiceSummary, report.id, percent, stage),
        )
    except Exception:
        db.session.rollback()
        report.status = ExportStatus.FAILED
        report.error = FAILED_MESSAGE
        report.finished_at = clock.now()
        checkpoint()  # kept, though the job fails
        log.exception("service summary %s failed", report_id)
        raise
    db.session.refresh(report)  # progress was written by another connection
    if report.status == ExportStatus.FAILED:
        # Swept as stuck while it ran (server/jobs/sweep.py): its retry may be on its way.
        log.warning("service summary %s finished after it was given up", report_id)
        return "failed"
    report.summary = summary
    report.status = ExportStatus.DONE
    report.progress = 100
    report.stage = DONE_STAGE
    report.finished_at = clock.now()
    checkpoint()  # done before the job says so
    set_job_progress(100, DONE_STAGE)
    return "done"


def monthly_summary_for(start: date, end: date) -> ServiceSummary | None:
    """Return the monthly summary of this period that is done or on its way, if there is one."""
    return db.session.scalar(
        sa.select(ServiceSummary).where(
            ServiceSummary.kind == SummaryKind.MONTHLY,
            ServiceSummary.period_start == start,
            ServiceSummary.period_end == end,
            ServiceSummary.status != ExportStatus.FAILED,
        )
    )


@with_app_context
def produce_monthly_summary(today: str | None = None) -> str | None:
    """Queue last month's summary unless it exists already; return its id.

    Runs every night (``server/jobs/schedule.py``): on the 1st it makes last
    month's; later in the month it does nothing unless that one failed, which
    it then tries again. A unique index keeps one summary of a month that is
    done or on its way, so a second cron process or a retry racing this one
    finds the other's summary instead of queuing a second job.
    """
    start, end = previous_month(date.fromisoformat(today) if today else clock.today())
    existing = monthly_summary_for(start, end)
    if existing is not None:
        return str(existing.id)
    report = ServiceSummary(kind=SummaryKind.MONTHLY, period_start=start, period_end=end)
    try:
        with db.session.begin_nested():  # a savepoint: losing the race keeps the transaction
            db.session.add(report)
    except IntegrityError:
        raced = monthly_summary_for(start, end)
        if raced is None:  # the index refused it for another reason: not a race
            raise
        log.info("monthly summary of %s was queued by another process", start.isoformat())
        return str(raced.id)
    enqueue_summary(report)
    return str(report.id)


def enqueue_summary(report: ServiceSummary) -> None:
    """Queue the job that produces this summary, once the summary is committed."""
    enqueue_after_commit(produce_summary, str(report.id))
