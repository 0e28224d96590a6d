"""Lights for one team: the practice lead's trials, newly qualified workers' narrower lights,
and the light a worker's decision gets under them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from .. import clock
from ..audit import Actor, AuditAction, record_event
from ..domain import team_lights
from ..domain.disclosure import Cell, control_counts
from ..domain.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    RuleBroken,
    field_errors,
    translatable,
)
from ..domain.lights import JudgmentStatus, Light
from ..domain.roles import Action, can
from ..extensions import db
from ..persistence import (
    DecisionPolicy,
    Judgment,
    NewlyQualifiedLights,
    PolicyTrial,
    Suggestion,
    Team,
    User,
)
from .lookups import lookups


def ensure_practice_lead(actor: User) -> None:
    """Refuse anyone but a practice lead: they own the decision policy."""
    if not can(actor.role, Action.MANAGE_POLICY):
        raise Forbidden(translatable("Only a practice lead can change the decision policy."))


def ensure_suggestion(suggestion_id: uuid.UUID | None) -> None:
    """Refuse a suggestion id that names no suggestion."""
    if suggestion_id is not None and db.session.get(Suggestion, suggestion_id) is None:
        raise InvalidInput(
            errors=field_errors(suggestion_id=translatable("There is no such suggestion."))
        )


# --- the light a worker's decision gets --------------------------------------------------


@dataclass(frozen=True)
class WorkerLights:
    """What, besides the council's policy, sets the lights of one worker's decisions."""

    team_id: uuid.UUID | None
    trials: list[dict[str, Any]]
    narrower: dict[str, str]
    newly_qualified: bool

    def light(self, categories: Any, category: str) -> Light:
        return team_lights.worker_light(
            categories,
            category,
            team_id=self.team_id,
            trials=self.trials,
            narrower=self.narrower,
            newly_qualified=self.newly_qualified,
            today=clock.today(),
        )


def worker_lights(actor: User) -> WorkerLights:
    """Return the trials and narrower lights of the actor's team (once per request)."""
    known: dict[uuid.UUID, WorkerLights] = lookups().worker_lights
    if actor.id in known:
        return known[actor.id]
    today = clock.today()
    trials: list[dict[str, Any]] = []
    narrower: dict[str, str] = {}
    if actor.team_id is not None:
        trial = PolicyTrial.__table__.c
        trials = [
            dict(row)
            for row in db.session.execute(
                sa.select(
                    trial.team_id, trial.category, trial.light, trial.starts_on, trial.ends_on
                ).where(trial.team_id == actor.team_id, trial.ends_on > today)
            ).mappings()
        ]
        categories = db.session.scalar(
            sa.select(NewlyQualifiedLights.categories).where(
                NewlyQualifiedLights.team_id == actor.team_id
            )
        )
        narrower = {entry["key"]: entry["light"] for entry in categories or []}
    found = WorkerLights(
        actor.team_id,
        trials,
        narrower,
        team_lights.is_newly_qualified(actor.qualified_on, today),
    )
    known[actor.id] = found
    return found


def light_for_worker(actor: User, policy: DecisionPolicy | None, category: str) -> Light:
    """Return the light a decision of this kind gets when the actor makes it today."""
    return worker_lights(actor).light(policy.categories if policy else [], category)


# --- trials ------------------------------------------------------------------------------


def _latest_policy() -> DecisionPolicy | None:
    return db.session.scalar(sa.select(DecisionPolicy).order_by(DecisionPolicy.version.desc()))


def start_trial(actor: Actor, data: Mapping[str, Any]) -> PolicyTrial:
    """Start a trial of another light for one team, after checking it against the policy."""
    user = actor.user
    ensure_practice_lead(user)
    if db.session.get(Team, data["team_id"]) is None:
        raise InvalidInput(errors=field_errors(team_id=translatable("Choose a team.")))
    ensure_suggestion(data.get("suggestion_id"))
    policy = _latest_policy()
    today = clock.today()
    starts_on = data.get("starts_on") or today
    errors = team_lights.validate_trial(
        policy.categories if policy else [],
        category=data["category"],
        light=data["light"],
        starts_on=starts_on,
        ends_on=data["ends_on"],
        today=today,
    )
    if errors:
        raise InvalidInput(errors=errors)
    trial = PolicyTrial(
        team_id=data["team_id"],
        category=data["category"],
        light=data["light"],
        starts_on=starts_on,
        ends_on=data["ends_on"],
        reason=data["reason"].strip(),
        suggestion_id=data.get("suggestion_id"),
        created_by_id=user.id,
    )
    clashing = db.session.scalars(
        sa.select(PolicyTrial).where(
            PolicyTrial.team_id == trial.team_id,
            PolicyTrial.category == trial.category,
            PolicyTrial.ends_on > today,
        )
    )
    if any(team_lights.overlaps(_period(other), _period(trial)) for other in clashing):
        raise RuleBroken(
            translatable(
                "This team already has a trial of this kind of decision at that time. "
                "End it first, or start this one after it."
            )
        )
    db.session.add(trial)
    db.session.flush()
    # The reason is about practice, never about a case, so the log may hold it.
    record_event(
        AuditAction.CREATE,
        "policy_trial",
        record_id=trial.id,
        detail={"team_id": str(trial.team_id), "category": trial.category, "light": trial.light},
        actor=actor,
    )
    return trial


def _period(trial: PolicyTrial) -> dict[str, Any]:
    return {"starts_on": trial.starts_on, "ends_on": trial.ends_on}


def end_trial_early(actor: Actor, trial_id: uuid.UUID, reason: str) -> PolicyTrial:
    """End a trial today, before its set end: the council's light applies from today."""
    user = actor.user
    ensure_practice_lead(user)
    trial = db.session.get(PolicyTrial, trial_id)
    if trial is None:
        raise NotFound()
    today = clock.today()
    if trial.ends_on <= today:
        raise RuleBroken(translatable("This trial has already ended."))
    trial.ends_on = max(today, trial.starts_on)
    trial.ended_early_by_id = user.id
    trial.ended_early_reason = reason.strip()
    trial.version += 1
    record_event(
        AuditAction.UPDATE, "policy_trial", record_id=trial.id, detail={"ended": True}, actor=actor
    )
    return trial


def trial_state(trial: PolicyTrial) -> str:
    """Return whether a trial is planned, running or ended, by today's date."""
    today = clock.today()
    if today < trial.starts_on:
        return "planned"
    return "running" if team_lights.trial_running(_period(trial), today) else "ended"


def trial_counts(trial: PolicyTrial) -> dict[str, Cell]:
    """Count the decisions of the trial's kind signed while it ran: its team's and the council's.

    Small counts are suppressed as in the service summary (1 to 5 shown as
    ``c``, and whatever would give them away), so a team of three cannot be
    read off the table.
    """
    until = min(trial.ends_on, clock.today() + timedelta(days=1))
    start, end = _council_midnight(trial.starts_on), _council_midnight(until)
    author = aliased(User)
    in_team = sa.func.coalesce(author.team_id == trial.team_id, sa.false())
    rows = db.session.execute(
        sa.select(in_team, sa.func.count())
        .select_from(Judgment)
        .join(author, author.id == Judgment.created_by_id, isouter=True)
        .where(
            Judgment.category == trial.category,
            Judgment.deleted_at.is_(None),
            Judgment.status != JudgmentStatus.DRAFT.value,
            Judgment.signed_at >= start,
            Judgment.signed_at < end,
        )
        .group_by(in_team)
    ).all()
    by_team = {bool(team): count for team, count in rows}
    table = control_counts(
        [[by_team.get(True, 0)], [by_team.get(False, 0)]], row_totals=False, column_totals=True
    )
    assert table.column_totals is not None  # asked for above
    return {
        "team": table.cells[0][0],
        "rest_of_council": table.cells[1][0],
        "council": table.column_totals[0],
    }


def _council_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=clock.COUNCIL_ZONE)


# --- narrower lights for newly qualified workers -----------------------------------------


def set_newly_qualified_lights(
    actor: Actor, team_id: uuid.UUID, categories: list[dict[str, str]], reason: str
) -> NewlyQualifiedLights:
    """Set a team's lights for its newly qualified workers (an empty list: none narrower)."""
    user = actor.user
    ensure_practice_lead(user)
    if db.session.get(Team, team_id) is None:
        raise NotFound()
    policy = _latest_policy()
    errors = team_lights.validate_narrower(policy.categories if policy else [], categories)
    if errors:
        raise InvalidInput(errors=errors)
    setting = db.session.scalar(
        sa.select(NewlyQualifiedLights).where(NewlyQualifiedLights.team_id == team_id)
    )
    if setting is None:
        setting = NewlyQualifiedLights(team_id=team_id, version=1)
        db.session.add(setting)
    else:
        setting.version += 1
    setting.categories = [{"key": entry["key"], "light": entry["light"]} for entry in categories]
    setting.reason = reason.strip()
    setting.updated_at = clock.now()
    setting.updated_by_id = user.id
    db.session.flush()
    record_event(
        AuditAction.UPDATE,
        "newly_qualified_lights",
        record_id=setting.id,
        detail={"team_id": str(team_id), "categories": setting.categories},
        actor=actor,
    )
    return setting


def trials(actor: Actor) -> list[PolicyTrial]:
    """Return every trial, the newest first: any member of staff may read them."""
    return list(
        db.session.scalars(
            sa.select(PolicyTrial).order_by(
                PolicyTrial.starts_on.desc(), PolicyTrial.created_at.desc()
            )
        )
    )


def team_name(team_id: uuid.UUID) -> str:
    """Return a trial's team's name (the session's identity map asks the database once a team)."""
    team = db.session.get(Team, team_id)
    return team.name if team else ""


def newly_qualified_lights(actor: Actor) -> list[dict[str, Any]]:
    """Return each team, by name, with its narrower lights for newly qualified workers (or none)."""
    settings = {
        setting.team_id: setting for setting in db.session.scalars(sa.select(NewlyQualifiedLights))
    }
    return [
        {"team_id": team.id, "team_name": team.name, "setting": settings.get(team.id)}
        for team in db.session.scalars(sa.select(Team).order_by(Team.name))
    ]
