"""Giving up on exports whose job was lost, so people see them failed and can ask again.

A worker killed outright (SIGKILL, out of memory, a host lost) never records
its job's end, and a job lost from Redis never starts: without this sweep the
summary, bundle or return would show ``running`` or ``queued`` for ever.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from .. import clock
from ..domain.exports import ExportStatus, stuck_cutoffs
from ..extensions import db
from ..persistence import ServiceSummary, StatutoryReturn, SubjectAccessExport
from . import census, reports, subject_access
from .context import with_app_context

log = logging.getLogger(__name__)

# Each kind of export: its table, its job's timeout, and what to tell people.
ExportModel = type[ServiceSummary] | type[SubjectAccessExport] | type[StatutoryReturn]
STUCK_EXPORTS: tuple[tuple[ExportModel, int, str, str], ...] = (
    (
        ServiceSummary,
        reports.SUMMARY_TIMEOUT_SECONDS,
        reports.STOPPED_MESSAGE,
        reports.NOT_STARTED_MESSAGE,
    ),
    (
        SubjectAccessExport,
        subject_access.EXPORT_TIMEOUT_SECONDS,
        subject_access.STOPPED_MESSAGE,
        subject_access.NOT_STARTED_MESSAGE,
    ),
    (
        StatutoryReturn,
        census.RETURN_TIMEOUT_SECONDS,
        census.STOPPED_MESSAGE,
        census.NOT_STARTED_MESSAGE,
    ),
)


def _fail(model: ExportModel, condition: sa.ColumnElement[bool], message: str) -> int:
    result = db.session.execute(
        sa.update(model)
        .where(condition)
        .values(status=ExportStatus.FAILED, error=message, finished_at=clock.now())
        .returning(model.id)
    )
    return len(result.all())


@with_app_context
def fail_stuck_exports() -> int:
    """Mark failed each export running past its job's timeout, or queued far too long."""
    failed = 0
    for model, timeout, stopped, not_started in STUCK_EXPORTS:
        started_before, queued_before = stuck_cutoffs(clock.now(), timeout)
        # Rows from before started_at was recorded count from when they were asked for.
        started = sa.func.coalesce(model.started_at, model.created_at)
        # One UPDATE each, conditional on the state: a job that finishes meanwhile keeps it.
        running = _fail(
            model,
            sa.and_(model.status == ExportStatus.RUNNING, started < started_before),
            stopped,
        )
        queued = _fail(
            model,
            sa.and_(model.status == ExportStatus.QUEUED, model.created_at < queued_before),
            not_started,
        )
        if running or queued:
            log.warning(
                "%s: %d stuck running and %d stuck queued marked failed",
                model.__tablename__,
                running,
                queued,
            )
        failed += running + queued
    return failed
