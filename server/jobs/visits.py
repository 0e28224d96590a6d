"""Reminding workers of statutory visits falling due, from the templates' timescales."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa

from .. import clock
from ..domain.timescales import TimescaleRule, next_visit_due, working_days_between
from ..extensions import db
from ..persistence import Assignment, Checklist, ChecklistTemplate, Family
from ..services.notifications import NotificationKind, notify
from .context import with_app_context

# "Due within 2 working days": today, tomorrow or the working day after.
REMIND_WITHIN_WORKING_DAYS = 2


def visits_due(today: date, within: int = REMIND_WITHIN_WORKING_DAYS) -> dict[uuid.UUID, date]:
    """Return the open families with a statutory visit due in the next ``within`` working days."""
    templates = db.session.scalars(
        sa.select(ChecklistTemplate).where(
            ChecklistTemplate.active.is_(True), ChecklistTemplate.timescale.is_not(None)
        )
    ).all()
    last_visits = {
        (family_id, purpose): completed
        for family_id, purpose, completed in db.session.execute(
            sa.select(Checklist.family_id, Checklist.purpose, sa.func.max(Checklist.completed_on))
            .where(Checklist.deleted_at.is_(None), Checklist.completed_on.is_not(None))
            .group_by(Checklist.family_id, Checklist.purpose)
        )
    }
    due: dict[uuid.UUID, date] = {}
    families = db.session.execute(
        sa.select(Family.id, Family.created_at).where(
            Family.status == "open", Family.deleted_at.is_(None)
        )
    )
    for family_id, created_at in families:
        for template in templates:
            when = next_visit_due(
                TimescaleRule.parse(template.timescale or {}),
                started=clock.council_date(created_at),
                last_visit=last_visits.get((family_id, template.purpose)),
            )
            if 0 <= working_days_between(today, when) <= within and (
                family_id not in due or when < due[family_id]
            ):
                due[family_id] = when
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
