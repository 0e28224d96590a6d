"""The private supervision record: who may read and write a worker's record.

Its own access rule, apart from the families': the worker it is about, and
the supervisors of that worker's team now. No one else: not another worker,
not an admin, not an analyst. Reads and writes are audited without content
and without a family, since it belongs to none.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from ..audit import Actor, AuditAction, record_event
from ..domain.errors import Forbidden, NotFound, translatable
from ..domain.roles import Role
from ..extensions import db
from ..persistence import SupervisionRecord, User

ENTITY = "supervision_record"


def _worker_for(actor: User, worker_id: uuid.UUID | None) -> User:
    """Return the worker whose record the actor means, or refuse as if it did not exist."""
    if actor.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        raise Forbidden(
            translatable("The private supervision record is for workers and their supervisors.")
        )
    if worker_id is None or worker_id == actor.id:
        if actor.role != Role.CASEWORKER:
            raise NotFound(translatable("Choose the worker whose supervision record you mean."))
        return actor
    worker = db.session.get(User, worker_id)
    if (
        worker is None
        or actor.role != Role.SUPERVISOR
        or worker.role != Role.CASEWORKER
        or worker.team_id is None
        or worker.team_id != actor.team_id
    ):
        raise NotFound(translatable("No worker in your team with that id."))
    return worker


def entries(actor: Actor, worker_id: uuid.UUID | None) -> tuple[User, list[SupervisionRecord]]:
    """Return the worker and their record's entries, oldest first (an audited read)."""
    user = actor.user
    worker = _worker_for(user, worker_id)
    rows = list(
        db.session.scalars(
            sa.select(SupervisionRecord)
            .where(SupervisionRecord.worker_id == worker.id)
            .order_by(SupervisionRecord.created_at, SupervisionRecord.id)
        )
    )
    record_event(
        AuditAction.READ,
        ENTITY,
        detail={"worker_id": str(worker.id), "count": len(rows)},
        actor=actor,
    )
    return worker, rows


def add_entry(actor: Actor, worker_id: uuid.UUID | None, body: str) -> SupervisionRecord:
    """Add an entry to a worker's private record; it is never changed afterwards."""
    user = actor.user
    worker = _worker_for(user, worker_id)
    entry = SupervisionRecord(worker_id=worker.id, body=body, created_by_id=user.id)
    db.session.add(entry)
    db.session.flush()
    record_event(
        AuditAction.CREATE,
        ENTITY,
        record_id=entry.id,
        detail={"worker_id": str(worker.id)},
        actor=actor,
    )
    return entry
