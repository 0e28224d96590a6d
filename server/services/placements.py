"""A looked-after child's placement address: seen only by those who must, kept off devices.

The allocated worker and the team's supervisors may read and record it; no
one else, whatever else of the family they see. It is never synced (it is
not a case record, so the change feed never carries it), never in a subject
access bundle or a summary, and every read and change is audited.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from .. import access
from ..audit import Actor, AuditAction, record_event
from ..domain.errors import Forbidden, RuleBroken, translatable
from ..domain.plans import PlanType, may_see_placement_address
from ..extensions import db
from ..persistence import Assignment, Family, PlacementAddress, PlanEpisode, User

ALLOCATED_WORKER = "allocated_worker"
ENTITY = "placement_address"


def _episode(actor: User, episode_id: uuid.UUID) -> PlanEpisode:
    """Return a looked-after episode whose address the actor may see, or refuse."""
    episode = access.get_visible(PlanEpisode, actor, episode_id)  # 404 outside their scope
    if episode.plan_type != PlanType.LOOKED_AFTER:
        raise RuleBroken(translatable("Only a looked-after child's plan has a placement address."))
    family_team_id = db.session.scalar(
        sa.select(Family.team_id).where(Family.id == episode.family_id)
    )
    allocated = set(
        db.session.scalars(
            sa.select(Assignment.worker_id).where(
                Assignment.family_id == episode.family_id,
                Assignment.role == ALLOCATED_WORKER,
                Assignment.ended_on.is_(None),
                Assignment.deleted_at.is_(None),
            )
        )
    )
    if not may_see_placement_address(
        role=actor.role,
        user_id=actor.id,
        user_team_id=actor.team_id,
        family_team_id=family_team_id,
        allocated_worker_ids=allocated,
    ):
        raise Forbidden(
            translatable("Only the allocated worker and the team's supervisors see this address.")
        )
    return episode


def _shown(row: PlacementAddress | None) -> dict[str, Any]:
    if row is None:
        return {"address": None, "recorded_at": None, "recorded_by_id": None}
    return {
        "address": row.address,
        "recorded_at": row.recorded_at,
        "recorded_by_id": row.recorded_by_id,
    }


def placement_address(actor: Actor, episode_id: uuid.UUID) -> dict[str, Any]:
    """Return the placement address now (the latest recorded), auditing the read."""
    user = actor.user
    episode = _episode(user, episode_id)
    row = db.session.scalars(
        sa.select(PlacementAddress)
        .where(PlacementAddress.episode_id == episode.id)
        .order_by(PlacementAddress.recorded_at.desc(), PlacementAddress.id.desc())
        .limit(1)
    ).first()
    record_event(
        AuditAction.READ, ENTITY, record_id=episode.id, family_id=episode.family_id, actor=actor
    )
    return _shown(row)


def record_placement_address(
    actor: Actor, episode_id: uuid.UUID, address: dict[str, Any]
) -> dict[str, Any]:
    """Record the child's placement address now; the earlier ones are kept."""
    user = actor.user
    episode = _episode(user, episode_id)
    if episode.ended_on is not None:
        raise RuleBroken(
            translatable("This plan has ended: its placement address can no longer change.")
        )
    row = PlacementAddress(episode_id=episode.id, address=address, recorded_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    record_event(
        AuditAction.UPDATE, ENTITY, record_id=episode.id, family_id=episode.family_id, actor=actor
    )
    return _shown(row)
