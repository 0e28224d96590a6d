"""Reminding workers of statutory checks, child by child, from their plans.

Each child's check is pushed twice at most: once when it falls due within
``REMIND_WITHIN_WORKING_DAYS`` working days, and once when its day has
passed with no visit. A ``statutory_reminder`` row records each one sent, so
running the job again (or twice at once) tells nobody twice. A visit where
the child was seen moves the due date on, and ending the plan ends its dues,
so neither reminder follows a check that was met or a plan that ended.

The push names no one: its kind and the plan episode's id, which the app
finds on the device (docs/security.md, "Notifications carry no personal data").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import sqlalchemy as sa

from .. import clock
from ..domain.timescales import working_days_between
from ..extensions import db
from ..persistence import Assignment, StatutoryReminder
from ..services.notifications import NotificationKind, notify
from ..services.statutory import ChildDue, child_dues
from .context import with_app_context

# "Due within 2 working days": today, tomorrow or the working day after.
REMIND_WITHIN_WORKING_DAYS = 2


class ReminderStage(StrEnum):
    BEFORE = "before"  # due within REMIND_WITHIN_WORKING_DAYS working days
    PASSED = "passed"  # the day it was due has gone with no visit


KIND_OF_STAGE = {
    ReminderStage.BEFORE: NotificationKind.VISIT_DUE,
    ReminderStage.PASSED: NotificationKind.VISIT_OVERDUE,
}


@dataclass(frozen=True)
class Reminder:
    """One reminder a child's check calls for today."""

    due: ChildDue
    stage: ReminderStage

    @property
    def key(self) -> tuple[uuid.UUID, str, date, str]:
        return (self.due.episode_id, self.due.template_key, self.due.due, self.stage.value)


def stage_on(
    today: date, due: date, within: int = REMIND_WITHIN_WORKING_DAYS
) -> ReminderStage | None:
    """Return which reminder a check due on ``due`` calls for on ``today``, if any."""
    if due < today:
        return ReminderStage.PASSED
    if working_days_between(today, due) <= within:
        return ReminderStage.BEFORE
    return None


def reminders_due(today: date, within: int = REMIND_WITHIN_WORKING_DAYS) -> list[Reminder]:
    """Return the reminders every child's checks call for today, sent before or not.

    Only children on a running plan have dues, so ending a plan ends its reminders.
    """
    found = []
    for child in child_dues():
        stage = stage_on(today, child.due, within)
        if stage is not None:
            found.append(Reminder(child, stage))
    return found


def visits_due(today: date, within: int = REMIND_WITHIN_WORKING_DAYS) -> dict[uuid.UUID, date]:
    """Return the families with a child's check due in the next ``within`` working days."""
    due: dict[uuid.UUID, date] = {}
    for reminder in reminders_due(today, within):
        child = reminder.due
        if reminder.stage is ReminderStage.BEFORE and (
            child.family_id not in due or child.due < due[child.family_id]
        ):
            due[child.family_id] = child.due
    return due


def _already_sent(reminders: list[Reminder]) -> set[tuple[uuid.UUID, str, date, str]]:
    episodes = {reminder.due.episode_id for reminder in reminders}
    if not episodes:
        return set()
    rows = db.session.execute(
        sa.select(
            StatutoryReminder.episode_id,
            StatutoryReminder.template_key,
            StatutoryReminder.due_on,
            StatutoryReminder.stage,
        ).where(StatutoryReminder.episode_id.in_(episodes))
    )
    return {(episode, template, due_on, stage) for episode, template, due_on, stage in rows}


def _current_workers(family_id: uuid.UUID) -> set[uuid.UUID]:
    return set(
        db.session.scalars(
            sa.select(Assignment.worker_id).where(
                Assignment.family_id == family_id,
                Assignment.ended_on.is_(None),
                Assignment.deleted_at.is_(None),
            )
        )
    )


def _record_once(reminder: Reminder) -> bool:
    """Record a reminder as sent; return False if another run recorded it first."""
    try:
        with db.session.begin_nested():
            db.session.add(
                StatutoryReminder(
                    episode_id=reminder.due.episode_id,
                    template_key=reminder.due.template_key,
                    due_on=reminder.due.due,
                    stage=reminder.stage.value,
                )
            )
    except sa.exc.IntegrityError:
        return False
    return True


@with_app_context
def remind_visits_due() -> int:
    """Push each child's checks due soon, or passed, to the family's workers once; return how many.

    One push per child and stage, however many of the child's checks it is
    about. A family with no current worker is not recorded as reminded, so
    the worker who takes it on hears of what is due.
    """
    reminders = reminders_due(clock.today())
    sent = _already_sent(reminders)
    to_send: dict[tuple[uuid.UUID, ReminderStage], set[uuid.UUID]] = {}
    workers_of: dict[uuid.UUID, set[uuid.UUID]] = {}
    for reminder in reminders:
        if reminder.key in sent:
            continue
        family_id = reminder.due.family_id
        if family_id not in workers_of:
            workers_of[family_id] = _current_workers(family_id)
        if workers_of[family_id] and _record_once(reminder):
            to_send[(reminder.due.episode_id, reminder.stage)] = workers_of[family_id]
    for (episode_id, stage), workers in to_send.items():
        notify(workers, KIND_OF_STAGE[stage], episode_id)
    return len(to_send)
