"""Making subject access bundles, and clearing them once they have been kept long enough."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import sqlalchemy as sa

from .. import clock
from ..audit import Actor, AuditAction, record_event
from ..domain.errors import translatable
from ..domain.exports import ExportStatus
from ..extensions import db
from ..persistence import SubjectAccessExport, User
from ..services import subject_access
from ..transaction import checkpoint
from .context import with_app_context
from .queue import EXPORT_QUEUE, runs_on

log = logging.getLogger(__name__)

# A bundle holds case content: keep it long enough to redact and release, then clear it.
BUNDLE_KEEP_DAYS = 30
# Someone with years of records in several families: more than rq's default 3 minutes.
EXPORT_TIMEOUT_SECONDS = 30 * 60
# Stored in English, shown in the reader's language (api/common.py, StoredMessage).
FAILED_MESSAGE = translatable("The bundle could not be made. Try again, or ask the service desk.")
STOPPED_MESSAGE = translatable(
    "The bundle stopped before it was finished. Try again, or ask the service desk."
)
NOT_STARTED_MESSAGE = translatable(
    "The bundle was not started in time. Try again, or ask the service desk."
)


@runs_on(EXPORT_QUEUE, job_timeout=EXPORT_TIMEOUT_SECONDS)
@with_app_context
def produce_subject_access_export(export_id: str) -> str:
    """Gather the person's records into the export's bundle; audit each family read."""
    export = db.session.get(SubjectAccessExport, uuid.UUID(export_id))
    if export is None:
        return "gone"
    if export.status in (ExportStatus.DONE, ExportStatus.FAILED):
        # Idempotent: a retried job does not make a second bundle, and one given up as
        # stuck (server/jobs/sweep.py) stays failed: the admin asks again.
        return str(export.status)
    export.status = ExportStatus.RUNNING
    export.started_at = clock.now()
    checkpoint()
    try:
        found = subject_access.collect(export.person_id)
        requester = db.session.get(User, export.requested_by_id)
        data = subject_access.bundle(found, export, requester)
    except Exception:
        db.session.rollback()
        export.status = ExportStatus.FAILED
        export.error = FAILED_MESSAGE
        export.finished_at = clock.now()
        checkpoint()  # kept, though the job fails
        log.exception("subject access export %s failed", export_id)
        raise
    db.session.refresh(export)
    if export.status == ExportStatus.FAILED:
        # Swept as stuck while it ran: the admin has been told to ask again.
        log.warning("subject access export %s finished after it was given up", export_id)
        return "failed"
    assert requester is not None  # requested_by_id is a foreign key that cannot be null
    for family in found.records.get("family", []):
        record_event(
            AuditAction.EXPORT,
            "subject_access",
            record_id=export.person_id,
            family_id=family.id,
            actor=Actor(requester),  # made on no device: by the admin who asked
            detail={"export_id": export_id},
        )
    export.bundle = data
    export.counts = found.counts()
    export.status = ExportStatus.DONE
    export.finished_at = clock.now()
    return "done"


@with_app_context
def clear_old_subject_access_bundles() -> int:
    """Delete the content of bundles older than ``BUNDLE_KEEP_DAYS``; keep the rows."""
    now = clock.now()
    result = db.session.execute(
        sa.update(SubjectAccessExport)
        .where(
            SubjectAccessExport.cleared_at.is_(None),
            SubjectAccessExport.created_at < now - timedelta(days=BUNDLE_KEEP_DAYS),
        )
        .values(bundle=None, cleared_at=now)
        .returning(SubjectAccessExport.id)
    )
    cleared = len(result.all())
    return cleared
