"""Rules the persistence layer enforces whatever the caller: signed records,
ended plan episodes and the audit log never change.

Database triggers (see the migrations) refuse the same on PostgreSQL and
SQLite, for anyone who bypasses the ORM.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..domain.errors import RecordEnded, RecordSigned, RuleBroken, translatable
from ..domain.records import FROZEN_WHEN_ENDED, SIGNABLE, SignState
from .audit import AuditEvent
from .case import CaseRecord, RecordHistory
from .supervision import SupervisionRecord

APPEND_ONLY = (AuditEvent, RecordHistory, SupervisionRecord)
# Bookkeeping that changes whenever a workflow column does.
BOOKKEEPING = frozenset({"version", "updated_at", "updated_by_id"})


class AppendOnlyViolation(RuleBroken):
    """Something tried to change or delete an audit or history row."""

    code = "append_only"
    message = translatable("Audit and history records can never be changed or deleted.")


def _was_signed(record: CaseRecord) -> bool:
    return bool(_value_before(record, "state") == SignState.SIGNED)


def _had_ended(record: CaseRecord) -> bool:
    return _value_before(record, "ended_on") is not None


def _value_before(record: CaseRecord, name: str) -> Any:
    """Return a column's value as the database holds it, before this flush's change.

    A change to an attribute that was never loaded (a record made earlier in the
    same request and written, whose unset columns were not read back) keeps no
    old value in its history: the database is asked, or the new value would be
    taken for the old one and a plan ended offline would read as ended already.
    """
    attribute = sa.inspect(record).attrs[name]
    history = attribute.history
    if history.deleted:
        return history.deleted[0]
    if not history.added:
        return attribute.value
    table = record.__table__
    session = sa.inspect(record).session
    assert session is not None, "a record being flushed belongs to a session"
    return session.connection().scalar(sa.select(table.c[name]).where(table.c.id == record.id))


def _changed_columns(record: Any) -> set[str]:
    state = sa.inspect(record)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


@event.listens_for(Session, "before_flush")
def refuse_forbidden_changes(session: Session, _context: object, _instances: object) -> None:
    for record in session.dirty:
        if isinstance(record, APPEND_ONLY) and session.is_modified(record):
            raise AppendOnlyViolation()
        if (
            isinstance(record, CaseRecord)
            and record.kind in SIGNABLE
            and _was_signed(record)
            and _changed_columns(record) - record.workflow_columns - BOOKKEEPING
        ):
            raise RecordSigned()
        if (
            isinstance(record, CaseRecord)
            and record.kind in FROZEN_WHEN_ENDED
            and _had_ended(record)
            and _changed_columns(record) - BOOKKEEPING
        ):
            raise RecordEnded()
    for record in session.deleted:
        if isinstance(record, APPEND_ONLY):
            raise AppendOnlyViolation()
        if isinstance(record, CaseRecord) and record.kind in SIGNABLE and _was_signed(record):
            raise RecordSigned()
        if (
            isinstance(record, CaseRecord)
            and record.kind in FROZEN_WHEN_ENDED
            and _had_ended(record)
        ):
            raise RecordEnded()
