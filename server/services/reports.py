"""Service summaries: asking for one, listing them, and rendering a finished one as a file."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from .. import clock
from ..audit import Actor, AuditAction, record_event
from ..domain.errors import NotFound, RuleBroken, translatable
from ..domain.exports import ExportStatus, SummaryKind, check_summary_period
from ..extensions import db
from ..jobs.queue import enqueue_after_commit
from ..persistence import ServiceSummary
from ..persistence.pages import Page, page_of
from ..reports.render import FORMATS, render

# The job that produces a requested summary, named so this layer never imports jobs.
PRODUCE_SUMMARY = "server.jobs.reports.produce_summary"


@dataclass(frozen=True)
class SummaryFile:
    """One rendered summary, ready to send."""

    body: bytes
    content_type: str
    filename: str


def last_day(report: ServiceSummary) -> date:
    """Return the last day the summary covers (its stored end is the day after)."""
    return report.period_end - timedelta(days=1)


def request_summary(actor: Actor, first_day: date, last_day: date) -> ServiceSummary:
    """Record a request for a summary of the period, audit it and queue its job.

    The analyst's own summary of the same period still queued or running is
    returned instead: asking twice (a double click, a second tab) queues one job.
    """
    analyst = actor.user
    check_summary_period(first_day, last_day, clock.today())
    period_end = last_day + timedelta(days=1)
    in_progress = db.session.scalar(
        sa.select(ServiceSummary)
        .where(
            ServiceSummary.kind == SummaryKind.REQUESTED,
            ServiceSummary.requested_by_id == analyst.id,
            ServiceSummary.period_start == first_day,
            ServiceSummary.period_end == period_end,
            ServiceSummary.status.in_([ExportStatus.QUEUED, ExportStatus.RUNNING]),
        )
        .order_by(ServiceSummary.created_at.desc(), ServiceSummary.id)
        .limit(1)
    )
    if in_progress is not None:
        return in_progress
    report = ServiceSummary(
        kind=SummaryKind.REQUESTED,
        period_start=first_day,
        period_end=period_end,
        requested_by_id=analyst.id,
    )
    db.session.add(report)
    db.session.flush()
    record_event(AuditAction.CREATE, "service_summary", record_id=report.id, actor=actor)
    enqueue_after_commit(PRODUCE_SUMMARY, str(report.id))
    db.session.flush()
    return report


def summaries(kind: str | None, page: int, page_size: int) -> Page[ServiceSummary]:
    """Return one page of summaries, latest period first."""
    query = sa.select(ServiceSummary)
    if kind:
        query = query.where(ServiceSummary.kind == kind)
    ordered = query.order_by(
        ServiceSummary.period_start.desc(), ServiceSummary.created_at.desc(), ServiceSummary.id
    )
    return page_of(ordered, page, page_size)


def get_summary(report_id: uuid.UUID) -> ServiceSummary:
    """Return one summary, or raise NotFound."""
    report = db.session.get(ServiceSummary, report_id)
    if report is None:
        raise NotFound()
    return report


def summary_file(actor: Actor, report_id: uuid.UUID, fmt: str) -> SummaryFile:
    """Render a finished summary in one format, and audit the download."""
    report = get_summary(report_id)
    if report.status != ExportStatus.DONE or report.summary is None:
        raise RuleBroken(translatable("The summary is not ready yet."))
    content_type, extension = FORMATS[fmt]
    body = render(report.summary, fmt)
    record_event(
        AuditAction.EXPORT,
        "service_summary",
        actor=actor,
        record_id=report.id,
        detail={"format": fmt},
    )
    db.session.flush()
    # Made only from dates and fixed words: nothing a user typed reaches the header.
    name = f"service-summary-{report.period_start.isoformat()}-to-{last_day(report)}.{extension}"
    return SummaryFile(body, content_type, name)
