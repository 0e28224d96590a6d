"""Ending our work with a family, moving it to another team, and reopening it.

A proposal is a decision carrying an ``ending`` (domain.endings): the family's
worker writes and signs it on their device, and it reaches the server through
the outbox like any decision. It then waits in the supervisor's queue. When
the family's supervisor agrees (an ``approve`` review), ``agreed`` applies it:

- a step down or a closure ends each child's running plan, ends the worker's
  allocation, closes the family with the council date and the census reason,
  and closes the family's case episode. Devices keep the family for the
  council's clearing period (``access.visible_family_ids(on_device=True)``);
- a transfer waits for the receiving team's supervisor (``accept_transfer``):
  then the family moves team and its allocations end, so the old worker's
  devices forget it at their next pull; the receiving supervisor allocates.

A supervisor reopens a closed family (``reopen``): a new episode follows the
closed one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .. import access, clock
from ..audit import Actor, AuditAction, record_event
from ..domain import endings, lights
from ..domain.endings import EndingKind
from ..domain.errors import InvalidInput, NotFound, RuleBroken, field_errors, translatable
from ..domain.roles import Action, Role, can
from ..extensions import db
from ..persistence import (
    Assignment,
    CaseEpisode,
    Family,
    FamilyTransfer,
    Interaction,
    Judgment,
    PlanEpisode,
    Team,
    User,
)
from . import case_records


def _text_ids(ending: dict[str, Any]) -> dict[str, Any]:
    """Return the ending as stored: ids as their canonical text."""
    return {
        name: str(value) if isinstance(value, uuid.UUID) else value
        for name, value in ending.items()
    }


def check_proposal(actor: User, family_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Check a new decision that proposes an ending, and file it under the ending's category."""
    ending = _text_ids(dict(values["ending"]))
    # Stored as the census code it means, whichever list the worker chose from.
    ending["closure_reason"] = endings.read_closure_reason(
        ending.get("closure_reason"), ending.pop("closure_reason_edition", None)
    )
    family = db.session.get(Family, family_id)
    if family is None:
        raise NotFound()
    endings.ensure_open(family.status)
    endings.ensure_can_propose(
        actor_id=actor.id, current_workers=case_records.current_workers(family_id)
    )
    waiting = db.session.scalar(
        sa.select(Judgment.id)
        .where(
            Judgment.family_id == family_id,
            Judgment.ending.is_not(None),
            Judgment.deleted_at.is_(None),
            Judgment.status == lights.JudgmentStatus.AWAITING_APPROVAL.value,
        )
        .limit(1)
    )
    moving = db.session.scalar(
        sa.select(FamilyTransfer.id)
        .where(FamilyTransfer.family_id == family_id, FamilyTransfer.accepted_at.is_(None))
        .limit(1)
    )
    endings.ensure_none_waiting(waiting is not None or moving is not None)
    visit = ending.get("closing_visit_id")
    if visit is not None:
        found = db.session.get(Interaction, uuid.UUID(visit))
        if found is None or found.family_id != family_id or found.deleted_at is not None:
            raise InvalidInput(
                errors={"ending.closing_visit_id": [translatable("Choose a visit to this family.")]}
            )
    endings.check_proposal(
        ending,
        family_view=values.get("family_view"),
        child_view=values.get("child_view"),
        team_id=family.team_id,
        known_teams=db.session.scalars(sa.select(Team.id)),
    )
    values["ending"] = ending
    values["category"] = endings.CATEGORY[EndingKind(ending["kind"])]


def status_when_signed(record: Any) -> lights.JudgmentStatus:
    """Return the status a signed decision takes: an ending always waits for agreement."""
    if getattr(record, "ending", None):
        return lights.JudgmentStatus.AWAITING_APPROVAL
    return lights.status_when_signed(record.light)


def agreed(actor: Actor, judgment: Judgment) -> None:
    """Apply an ending the family's supervisor has just agreed."""
    ending = judgment.ending or {}
    kind = EndingKind(ending["kind"])
    family = db.session.get(Family, judgment.family_id, with_for_update=True)
    assert family is not None  # the decision is in the supervisor's scope, so its family is
    endings.ensure_open(family.status)
    if kind is EndingKind.TRANSFER:
        db.session.add(
            FamilyTransfer(
                id=uuid.uuid4(),
                family_id=family.id,
                judgment_id=judgment.id,
                from_team_id=family.team_id,
                to_team_id=uuid.UUID(ending["to_team_id"]),
                handover_note=ending["handover_note"],
                agreed_by_id=actor.user.id,
                agreed_at=clock.now(),
            )
        )
        record_event(
            AuditAction.CREATE,
            "family_transfer",
            actor=actor,
            record_id=judgment.id,
            family_id=family.id,
        )
        return
    today = clock.today()
    plan_reason = endings.plan_end_reason(kind, ending.get("closure_reason"))
    for plan in db.session.scalars(
        sa.select(PlanEpisode).where(
            PlanEpisode.family_id == family.id,
            PlanEpisode.ended_on.is_(None),
            PlanEpisode.deleted_at.is_(None),
        )
    ):
        case_records.apply_changes(actor, plan, {"ended_on": today, "end_reason": plan_reason})
    _end_allocations(actor, family.id, kind, judgment)
    case_records.apply_changes(
        actor,
        family,
        {"status": "closed", "closed_on": today, "closure_reason": ending["closure_reason"]},
    )
    episode = current_episode(family)
    episode.closed_on, episode.ending_kind = today, kind.value
    episode.closure_reason = ending["closure_reason"]
    episode.ending_judgment_id, episode.closed_by_id = judgment.id, actor.user.id


def _end_allocations(
    actor: Actor, family_id: uuid.UUID, kind: EndingKind, judgment: Judgment
) -> None:
    note = (judgment.decision or judgment.question).strip() or judgment.question
    for assignment in db.session.scalars(
        sa.select(Assignment).where(
            Assignment.family_id == family_id,
            Assignment.ended_on.is_(None),
            Assignment.deleted_at.is_(None),
        )
    ):
        case_records.apply_changes(
            actor,
            assignment,
            {
                "ended_on": clock.today(),
                "change_reason": endings.ASSIGNMENT_END_REASON[kind],
                "handover_note": note,
            },
        )
    case_records.forget_scope()


def current_episode(family: Family) -> CaseEpisode:
    """Return the family's open case episode, starting one for a family opened before episodes."""
    episode = db.session.scalar(
        sa.select(CaseEpisode)
        .where(CaseEpisode.family_id == family.id, CaseEpisode.closed_on.is_(None))
        .order_by(CaseEpisode.opened_on.desc())
        .limit(1)
    )
    if episode is None:
        episode = CaseEpisode(
            id=uuid.uuid4(), family_id=family.id, opened_on=clock.council_date(family.created_at)
        )
        db.session.add(episode)
    return episode


@dataclass(frozen=True)
class IncomingTransfer:
    id: uuid.UUID
    family_id: uuid.UUID
    family_name: str
    from_team: str
    handover_note: str
    agreed_at: Any


def incoming_transfers(actor: Actor) -> list[IncomingTransfer]:
    """Return the families waiting for the user's team to accept them (supervisors)."""
    user = actor.user
    if Role(user.role) is not Role.SUPERVISOR or user.team_id is None:
        return []
    rows = db.session.execute(
        sa.select(FamilyTransfer, Family.display_name, Team.name)
        .join(Family, Family.id == FamilyTransfer.family_id)
        .join(Team, Team.id == FamilyTransfer.from_team_id)
        .where(FamilyTransfer.to_team_id == user.team_id, FamilyTransfer.accepted_at.is_(None))
        .order_by(FamilyTransfer.agreed_at)
    ).all()
    for transfer, _, _ in rows:
        record_event(
            AuditAction.READ,
            "family_transfer",
            record_id=transfer.id,
            family_id=transfer.family_id,
            actor=actor,
        )
    return [
        IncomingTransfer(
            transfer.id, transfer.family_id, name, team, transfer.handover_note, transfer.agreed_at
        )
        for transfer, name, team in rows
    ]


def accept_transfer(actor: Actor, transfer_id: uuid.UUID) -> Family:
    """Accept a family into the user's team: its allocations end and the team changes."""
    user = actor.user
    transfer = db.session.get(FamilyTransfer, transfer_id, with_for_update=True)
    if (
        transfer is None
        or Role(user.role) is not Role.SUPERVISOR
        or transfer.to_team_id != user.team_id
    ):
        raise NotFound()
    if transfer.accepted_at is not None:
        raise RuleBroken(translatable("This family has already been accepted."))
    family = db.session.get(Family, transfer.family_id, with_for_update=True)
    judgment = db.session.get(Judgment, transfer.judgment_id)
    assert family is not None and judgment is not None  # foreign keys
    for assignment in db.session.scalars(
        sa.select(Assignment).where(
            Assignment.family_id == family.id,
            Assignment.ended_on.is_(None),
            Assignment.deleted_at.is_(None),
        )
    ):
        case_records.apply_changes(
            actor,
            assignment,
            {
                "ended_on": clock.today(),
                "change_reason": endings.ASSIGNMENT_END_REASON[EndingKind.TRANSFER],
                "handover_note": transfer.handover_note,
            },
        )
    case_records.apply_changes(actor, family, {"team_id": transfer.to_team_id})
    transfer.accepted_by_id, transfer.accepted_at = user.id, clock.now()
    case_records.forget_scope()
    record_event(
        AuditAction.UPDATE,
        "family_transfer",
        record_id=transfer.id,
        family_id=family.id,
        detail={"fields": ["accepted_at"]},
        actor=actor,
    )
    return family


def reopen(actor: Actor, family_id: uuid.UUID, reason: str) -> CaseEpisode:
    """Reopen a closed family of the supervisor's team: a new episode follows the closed one."""
    user = actor.user
    if not can(user.role, Action.ASSIGN_FAMILY):
        raise NotFound()
    family = access.get_visible(Family, user, family_id, for_update=True)
    endings.ensure_can_reopen(family.status, reason)
    closed = db.session.scalar(
        sa.select(CaseEpisode)
        .where(CaseEpisode.family_id == family.id, CaseEpisode.closed_on.is_not(None))
        .order_by(CaseEpisode.closed_on.desc())
        .limit(1)
    )
    case_records.apply_changes(
        actor, family, {"status": "open", "closed_on": None, "closure_reason": None}
    )
    episode = CaseEpisode(
        id=uuid.uuid4(),
        family_id=family.id,
        opened_on=clock.today(),
        follows_id=closed.id if closed else None,
        reopen_reason=reason.strip(),
        opened_by_id=user.id,
    )
    db.session.add(episode)
    return episode


def episodes(actor: Actor, family_id: uuid.UUID) -> list[CaseEpisode]:
    """Return the family's case episodes, newest first (audited as a read of the family)."""
    user = actor.user
    access.get_visible(Family, user, family_id)
    record_event(AuditAction.READ, "case_episode", family_id=family_id, actor=actor)
    return list(
        db.session.scalars(
            sa.select(CaseEpisode)
            .where(CaseEpisode.family_id == family_id)
            .order_by(CaseEpisode.opened_on.desc())
        )
    )


def ensure_agreeable(judgment: Judgment, actor: User) -> None:
    """Refuse to agree an ending whose family has closed since it was proposed."""
    if judgment.ending:
        family = db.session.get(Family, judgment.family_id)
        if family is not None and family.status == "closed":
            raise InvalidInput(
                errors=field_errors(review_kind=translatable("This family is already closed."))
            )
