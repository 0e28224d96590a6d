"""Endings of our work: the clearing period, transfers waiting, reopening, case episodes.

Proposing and agreeing an ending are a decision and its approval (the
judgment and review records, through sync). What is here is the supervisors'
online side: accepting a family from another team, reopening a closed one,
and reading a family's episodes.
"""

from __future__ import annotations

import uuid
from typing import Any

from marshmallow import Schema, fields, validate

from ..security.sessions import current_user
from ..services import endings
from .common import blueprint, current_actor

blp = blueprint(
    "endings",
    "/api",
    "Ending our work with a family: transfers between teams, reopening, case episodes",
)


class EndingSettingsSchema(Schema):
    clearing_days = fields.Integer(
        metadata={"description": "Days a closed family stays on the devices that held it"}
    )


class TransferSchema(Schema):
    id = fields.UUID()
    family_id = fields.UUID()
    family_name = fields.String()
    from_team = fields.String()
    handover_note = fields.String()
    agreed_at = fields.AwareDateTime()


class AcceptedSchema(Schema):
    family_id = fields.UUID(attribute="id")
    team_id = fields.UUID()


class ReopenSchema(Schema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=20_000),
        metadata={"description": "Why we are working with the family again"},
    )


class EpisodeSchema(Schema):
    id = fields.UUID()
    opened_on = fields.Date()
    closed_on = fields.Date(allow_none=True)
    ending_kind = fields.String(allow_none=True)
    closure_reason = fields.String(allow_none=True)
    ending_judgment_id = fields.UUID(allow_none=True)
    follows_id = fields.UUID(
        allow_none=True, metadata={"description": "The closed episode a reopening follows"}
    )
    reopen_reason = fields.String(allow_none=True)


@blp.route("/case-endings/settings", methods=["GET"])
@blp.response(200, EndingSettingsSchema)
def ending_settings() -> dict[str, Any]:
    """Return the council's clearing period (the app keeps it, to say when a family leaves)."""
    current_user()
    from .. import access

    return {"clearing_days": access.clearing_days()}


@blp.route("/transfers", methods=["GET"])
@blp.response(200, TransferSchema(many=True))
def list_transfers() -> list[Any]:
    """Return the families other teams have agreed to transfer to your team, waiting for you."""
    found = endings.incoming_transfers(current_actor())
    return found


@blp.route("/transfers/<uuid:transfer_id>/accept", methods=["POST"])
@blp.response(200, AcceptedSchema)
def accept_transfer(transfer_id: uuid.UUID) -> Any:
    """Accept a family into your team: its allocations end, and you allocate a worker."""
    family = endings.accept_transfer(current_actor(), transfer_id)
    return family


@blp.route("/families/<uuid:family_id>/reopen", methods=["POST"])
@blp.arguments(ReopenSchema)
@blp.response(201, EpisodeSchema)
def reopen_family(data: dict[str, Any], family_id: uuid.UUID) -> Any:
    """Reopen a closed family of your team, saying why: a new episode follows the closed one."""
    episode = endings.reopen(current_actor(), family_id, data["reason"])
    return episode


@blp.route("/families/<uuid:family_id>/episodes", methods=["GET"])
@blp.response(200, EpisodeSchema(many=True))
def list_episodes(family_id: uuid.UUID) -> list[Any]:
    """Return the family's case episodes, newest first, each reopening linked to the one before."""
    found = endings.episodes(current_actor(), family_id)
    return found
