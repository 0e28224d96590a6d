"""Reminding workers of decisions that have reached their review date."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from .. import clock
from ..extensions import db
from ..persistence import Assignment, Judgment
from ..services.notifications import NotificationKind, notify
from .context import with_app_context


def decisions_due_for_review(today: date) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Return, per signed decision whose review date is today and not yet reviewed, who to tell.

    The worker who made the decision, while the family is still theirs;
    otherwise the family's workers now. A decision of a family nobody has
    now tells no one (the supervisor's team view still counts it).
    """
    due = db.session.execute(
        sa.select(Judgment.id, Judgment.family_id, Judgment.created_by_id).where(
            Judgment.review_date == today,
            Judgment.reviewed_on.is_(None),
            Judgment.state == "signed",
            Judgment.deleted_at.is_(None),
        )
    ).all()
    if not due:
        return {}
    workers: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for family_id, worker_id in db.session.execute(
        sa.select(Assignment.family_id, Assignment.worker_id).where(
            Assignment.family_id.in_({row.family_id for row in due}),
            Assignment.ended_on.is_(None),
            Assignment.deleted_at.is_(None),
        )
    ):
        workers[family_id].add(worker_id)
    recipients: dict[uuid.UUID, set[uuid.UUID]] = {}
    for judgment_id, family_id, author_id in due:
        now = workers.get(family_id, set())
        people = {author_id} if author_id in now else now
        if people:
            recipients[judgment_id] = people
    return recipients


@with_app_context
def remind_decisions_due_for_review() -> int:
    """Notify workers of each decision whose review date is today; return how many decisions.

    The push names no one: its kind and the decision's id. The device syncs
    and shows the decision from its own store, where the caseload lists it too.
    """
    due = decisions_due_for_review(clock.today())
    for judgment_id, people in due.items():
        notify(people, NotificationKind.DECISION_REVIEW_DUE, judgment_id)
    return len(due)
