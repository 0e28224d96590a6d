"""Reminding workers of statutory visits falling due, child by child, from their plans."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa

from .. import clock
from ..domain.timescales import working_days_between
from ..extensions import db
from ..persistence import Assignment
from ..services.notifications import NotificationKind, notify
from ..services.statutory import child_dues
from .context import with_app_context

# "Due within 2 working days": today, tomorrow or the working day after.
REMIND_WITHIN_WORKING_DAYS = 2


def visits_due(today: date, within: int = REMIND_WITHIN_WORKING_DAYS) -> dict[uuid.UUID, date]:
    """Return the families with a child's statutory check due in the next ``within`` working days.

    Only children on a running plan have dues, so ending a plan ends its reminders.
    """
    due: dict[uuid.UUID, date] = {}
    for child in child_dues():
        if 0 <= working_days_between(today, child.due) <= within and (
            child.family_id not in due or child.due < due[child.family_id]
        ):
            due[child.family_id] = child.due
    return due


@with_app_context
def remind_visits_due() -> int:
    """Notify each family's current workers of a statutory visit due soon; return how many."""
    due = visits_due(clock.today())
    reminded = 0
    for family_id in due:
        workers = set(
            db.session.scalars(
                sa.select(Assignment.worker_id).where(
                    Assignment.family_id == family_id,
                    Assignment.ended_on.is_(None),
                    Assignment.deleted_at.is_(None),
                )
            )
        )
        if workers:
            notify(workers, NotificationKind.VISIT_DUE, family_id)
            reminded += 1
    db.session.commit()  # the pushes are queued when this commits
    return reminded
