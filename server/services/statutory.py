"""Statutory dues: for each child on a plan, when each check the templates set is next due.

The rules are in ``server.domain.timescales`` (the app has the same ones);
this module reads what they need: the active templates with a timescale,
each child's running plan episode, and the visits of their family (where the
child was recorded as seen, when a rule asks: the visit's checklist answers
for that child where given, else "Who was there"; ``child_seen_on_visit``).
A family with no child on a plan has no statutory due at all. docs/metrics.md says how the summary
counts them; the reminders job and the checklists' due dates use them too.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from .. import clock
from ..domain.plans import corrected
from ..domain.timescales import (
    Episode,
    TimescaleRule,
    VisitAnswer,
    child_visit_due,
    counted_visit_days,
    visits_due,
)
from ..extensions import db
from ..persistence import (
    Amendment,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    Family,
    Interaction,
    PlanEpisode,
)


@dataclass(frozen=True)
class ChildDue:
    """One child's next due date under one template."""

    family_id: uuid.UUID
    person_id: uuid.UUID
    episode_id: uuid.UUID
    plan_type: str
    template_key: str
    purpose: str
    due: date


@dataclass(frozen=True)
class _Template:
    key: str
    purpose: str
    rule: TimescaleRule


@dataclass(frozen=True)
class _Visit:
    family_id: uuid.UUID
    purpose: str
    day: date
    participants: tuple[dict[str, Any], ...]
    # The visit's checklist answers about each child seen, in the order made.
    answers: tuple[dict[str, Any], ...]


def statutory_templates() -> list[_Template]:
    """Return the active templates that set a timescale, with their rules read."""
    rows = db.session.execute(
        sa.select(ChecklistTemplate.key, ChecklistTemplate.purpose, ChecklistTemplate.timescale)
        .where(ChecklistTemplate.active.is_(True), ChecklistTemplate.timescale.is_not(None))
        .order_by(ChecklistTemplate.key)
    )
    return [_Template(key, purpose, TimescaleRule.parse(rule)) for key, purpose, rule in rows]


SEEN_ANSWERS = (VisitAnswer.CHILD_SEEN.value, VisitAnswer.CHILD_SEEN_ALONE.value)


def _seen_answers(
    family_ids: Collection[uuid.UUID],
) -> dict[uuid.UUID | None, list[dict[str, Any]]]:
    """Return the per-child "seen" answers of the families' checklists, by visit, in order made."""
    rows = db.session.execute(
        sa.select(
            Checklist.interaction_id,
            ChecklistItem.child_id,
            ChecklistItem.from_visit,
            ChecklistItem.answer,
        )
        .join(Checklist, Checklist.id == ChecklistItem.checklist_id)
        .where(
            Checklist.family_id.in_(family_ids),
            Checklist.interaction_id.is_not(None),
            Checklist.deleted_at.is_(None),
            ChecklistItem.deleted_at.is_(None),
            ChecklistItem.child_id.is_not(None),
            ChecklistItem.from_visit.in_(SEEN_ANSWERS),
            ChecklistItem.answer.is_not(None),
        )
        .order_by(Checklist.created_at, Checklist.id)
    )
    found: dict[uuid.UUID | None, list[dict[str, Any]]] = {}
    for interaction_id, child_id, from_visit, answer in rows:
        found.setdefault(interaction_id, []).append(
            {"child_id": str(child_id), "from_visit": from_visit, "answer": answer}
        )
    return found


def _visits(family_ids: Collection[uuid.UUID], purposes: set[str]) -> list[_Visit]:
    if not family_ids or not purposes:
        return []
    rows = db.session.execute(
        sa.select(
            Interaction.id,
            Interaction.family_id,
            Interaction.purpose,
            Interaction.occurred_at,
            Interaction.participants,
        ).where(
            Interaction.family_id.in_(family_ids),
            Interaction.purpose.in_(purposes),
            Interaction.deleted_at.is_(None),
        )
    )
    answers = _seen_answers(family_ids)
    return [
        _Visit(
            family_id,
            purpose,
            clock.council_date(occurred_at),
            tuple(participants or ()),
            tuple(answers.get(interaction_id, ())),
        )
        for interaction_id, family_id, purpose, occurred_at, participants in rows
    ]


def episode_of(row: Any) -> Episode:
    """Return what a timescale needs of a plan episode row."""
    return Episode(
        plan_type=row.plan_type,
        started_on=row.started_on,
        ended_on=row.ended_on,
        placement_started_on=row.placement_started_on,
        placement_type=row.placement_type,
    )


def running_episodes(family_ids: Collection[uuid.UUID] | None = None) -> list[Any]:
    """Return the running plan episodes of children of open families (all, or these)."""
    query = (
        sa.select(PlanEpisode)
        .join(Family, Family.id == PlanEpisode.family_id)
        .where(
            PlanEpisode.ended_on.is_(None),
            PlanEpisode.deleted_at.is_(None),
            Family.status == "open",
            Family.deleted_at.is_(None),
        )
    )
    if family_ids is not None:
        query = query.where(PlanEpisode.family_id.in_(family_ids))
    return list(db.session.scalars(query))


def child_dues(
    family_ids: Collection[uuid.UUID] | None = None, *, visits_before: date | None = None
) -> list[ChildDue]:
    """Return every child's next due date under every template that applies to their plan.

    ``visits_before``: count only visits before that day (a checklist's due
    date is the one its visit was meant to meet).
    """
    templates = statutory_templates()
    episodes = running_episodes(family_ids)
    if not templates or not episodes:
        return []
    visits = _visits({e.family_id for e in episodes}, {t.purpose for t in templates})
    if visits_before is not None:
        visits = [visit for visit in visits if visit.day < visits_before]
    by_family: dict[uuid.UUID, list[_Visit]] = {}
    for visit in visits:
        by_family.setdefault(visit.family_id, []).append(visit)
    dues: list[ChildDue] = []
    for row in episodes:
        episode = episode_of(row)
        child = str(row.person_id)
        for template in templates:
            days = counted_visit_days(
                template.rule,
                child,
                (
                    (visit.day, visit.participants, visit.answers)
                    for visit in by_family.get(row.family_id, [])
                    if visit.purpose == template.purpose
                ),
            )
            due = child_visit_due(template.rule, episode, days)
            if due is not None:
                dues.append(
                    ChildDue(
                        row.family_id,
                        row.person_id,
                        row.id,
                        row.plan_type,
                        template.key,
                        template.purpose,
                        due,
                    )
                )
    return sorted(dues, key=lambda d: (d.due, str(d.family_id), str(d.person_id)))


STATUTORY_VISIT = "statutory_visit"


class VisitOutcome(StrEnum):
    MET = "met"  # the child was seen on or before the day the visit was due
    LATE = "late"  # seen, after that day
    NOT_DONE = "not_done"  # not seen since the visit before, and the day has passed


@dataclass(frozen=True)
class DueVisit:
    """One statutory visit a child was due, and what became of it."""

    family_id: uuid.UUID
    team_id: uuid.UUID
    person_id: uuid.UUID
    plan_type: str
    template_key: str
    due: date
    visited: date | None
    outcome: VisitOutcome


def _corrections(episode_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, str]]]:
    if not episode_ids:
        return {}
    found: dict[uuid.UUID, list[dict[str, str]]] = {}
    for target_id, changes in db.session.execute(
        sa.select(Amendment.target_id, Amendment.changes)
        .where(
            Amendment.target_kind == "plan_episode",
            Amendment.target_id.in_(episode_ids),
            Amendment.deleted_at.is_(None),
        )
        .order_by(Amendment.created_at, Amendment.id)
    ):
        found.setdefault(target_id, []).append(changes)
    return found


def statutory_visits_due(start: date, end: date, as_of: date) -> list[DueVisit]:
    """Return every statutory visit a child on a plan was due from ``start`` until ``end``.

    Each is met, late, or not done (no visit where the child was seen since
    the one before, and the due day is before ``as_of``); one due on or after
    ``as_of`` with no visit yet is not due and left out. Ended plans count for
    the days they ran, as their amendments corrected them; deleted families
    and episodes do not count. docs/metrics.md defines the measure.
    """
    templates = [t for t in statutory_templates() if t.purpose == STATUTORY_VISIT]
    if not templates:
        return []
    rows = db.session.execute(
        sa.select(PlanEpisode, Family.team_id)
        .join(Family, Family.id == PlanEpisode.family_id)
        .where(
            PlanEpisode.deleted_at.is_(None),
            Family.deleted_at.is_(None),
            PlanEpisode.started_on < end,
        )
    ).all()
    fixes = _corrections([episode.id for episode, _ in rows])
    visits = _visits({episode.family_id for episode, _ in rows}, {STATUTORY_VISIT})
    by_family: dict[uuid.UUID, list[_Visit]] = {}
    for visit in visits:
        by_family.setdefault(visit.family_id, []).append(visit)
    last_day = end - timedelta(days=1)
    due_visits: list[DueVisit] = []
    for row, team_id in rows:
        values = corrected(
            {name: getattr(row, name) for name in Episode.__dataclass_fields__},
            fixes.get(row.id, []),
        )
        episode = Episode(**values)
        if episode.ended_on is not None and episode.ended_on < start:
            continue
        child = str(row.person_id)
        for template in templates:
            days = counted_visit_days(
                template.rule,
                child,
                (
                    (visit.day, visit.participants, visit.answers)
                    for visit in by_family.get(row.family_id, [])
                ),
            )
            for due, visited in visits_due(template.rule, episode, days, until=last_day):
                if due < start:
                    continue
                if visited is None and due >= as_of:
                    continue
                outcome = (
                    VisitOutcome.NOT_DONE
                    if visited is None
                    else VisitOutcome.MET
                    if visited <= due
                    else VisitOutcome.LATE
                )
                due_visits.append(
                    DueVisit(
                        row.family_id,
                        team_id,
                        row.person_id,
                        episode.plan_type,
                        template.key,
                        due,
                        visited,
                        outcome,
                    )
                )
    return due_visits
