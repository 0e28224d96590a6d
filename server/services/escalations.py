"""Escalations of declined decisions: what the next manager may read and answer.

The manager an escalation goes to is often outside the family's team, so
they cannot see the family. They may read the escalated decision and its
thread, and answer on it, and nothing else of the family. Each read is
audited against the family, as any read of its records is.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from .. import clock
from ..audit import Actor, AuditAction, record_event
from ..domain.decision_reviews import WorkerReviewKind
from ..domain.errors import NotFound, translatable
from ..domain.records import RecordKind, SignState
from ..extensions import db
from ..persistence import Family, Judgment, Review, User
from .notifications import NotificationKind, notify


def _escalations_to(actor: User) -> sa.Select[Any]:
    return (
        sa.select(Review)
        .where(
            Review.review_kind == WorkerReviewKind.ESCALATION.value,
            Review.addressed_to_id == actor.id,
            Review.deleted_at.is_(None),
        )
        .order_by(Review.created_at.desc(), Review.id)
    )


def _shown(actor: Actor, escalation: Review) -> dict[str, Any]:
    judgment = db.session.get(Judgment, escalation.target_id)
    family = db.session.get(Family, escalation.family_id)
    assert judgment is not None and family is not None  # an escalation's target is kept for good
    thread = list(
        db.session.scalars(
            sa.select(Review)
            .where(Review.target_id == judgment.id, Review.deleted_at.is_(None))
            .order_by(Review.created_at, Review.id)
        )
    )
    record_event(
        AuditAction.READ,
        RecordKind.JUDGMENT.value,
        record_id=judgment.id,
        family_id=family.id,
        detail={"escalation_id": str(escalation.id)},
        actor=actor,
    )
    return {
        "id": escalation.id,
        "body": escalation.body,
        "created_at": escalation.created_at,
        "created_by_id": escalation.created_by_id,
        "family": {"display_name": family.display_name, "local_reference": family.local_reference},
        "judgment": judgment,
        "thread": thread,
    }


def escalations(actor: Actor) -> list[dict[str, Any]]:
    """Return the escalations sent to the actor, newest first, each with its decision and thread."""
    user = actor.user
    return [_shown(actor, escalation) for escalation in db.session.scalars(_escalations_to(user))]


def escalation(actor: User, escalation_id: uuid.UUID) -> Review:
    """Return one escalation sent to the actor; any other is "not found"."""
    found = db.session.scalar(_escalations_to(actor).where(Review.id == escalation_id))
    if found is None:
        raise NotFound(translatable("No escalation to you with that id."))
    return found


def shown(actor: Actor, escalation_id: uuid.UUID) -> dict[str, Any]:
    user = actor.user
    return _shown(actor, escalation(user, escalation_id))


def answer(actor: Actor, escalation_id: uuid.UUID, body: str) -> Review:
    """Answer an escalation on the decision's thread; the worker is told."""
    user = actor.user
    found = escalation(user, escalation_id)
    now = clock.now()
    reply = Review(
        family_id=found.family_id,
        target_kind=found.target_kind,
        target_id=found.target_id,
        parent_id=found.id,
        review_kind="reply",
        body=body,
        state=SignState.SIGNED.value,
        signed_at=now,
        created_by_id=user.id,
        updated_by_id=user.id,
    )
    db.session.add(reply)
    db.session.flush()
    record_event(
        AuditAction.CREATE,
        RecordKind.REVIEW.value,
        record_id=reply.id,
        family_id=found.family_id,
        detail={"escalation_id": str(found.id)},
        actor=actor,
    )
    if found.created_by_id and found.created_by_id != user.id:
        notify({found.created_by_id}, NotificationKind.REVIEW_REPLY, reply.id)
    return reply
