"""The supervision queue's team settings: how long unrequested items stay, the monthly sample."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from ..audit import AuditAction, record_event
from ..domain.errors import InvalidInput, RuleBroken, translatable
from ..domain.supervision_queue import LIMITS, check_settings, ensure_can_change_settings
from ..persistence import Team
from ..security.sessions import current_user
from .common import blueprint, current_actor

blp = blueprint(
    "supervision",
    "/api/supervision-settings",
    "The supervision queue's settings for the signed-in person's team",
)


def _whole_number(name: str, description: str) -> fields.Integer:
    low, high = LIMITS[name]
    return fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=low, max=high),
        metadata={"description": description},
    )


class QueueSettingsSchema(Schema):
    team_id = fields.UUID(dump_only=True)
    team_name = fields.String(dump_only=True)
    queue_age_days = _whole_number(
        "queue_age_days",
        "Days after which a yellow decision or a sampled item that nobody asked to discuss"
        " leaves the queue (it can still be found by searching for the family)",
    )
    sample_size = _whole_number(
        "sample_size", "Notes and decisions the supervisor may draw for each worker each month"
    )
    sample_size_new = _whole_number(
        "sample_size_new", "The same, for a worker in their first three months"
    )


def _team() -> Team:
    user = current_user()
    if user.team_id is None or user.team is None:
        raise RuleBroken(translatable("You need to belong to a team to have supervision settings."))
    return user.team


def _settings(team: Team) -> dict[str, Any]:
    return {
        "team_id": team.id,
        "team_name": team.name,
        "queue_age_days": team.queue_age_days,
        "sample_size": team.sample_size,
        "sample_size_new": team.sample_size_new,
    }


@blp.route("", methods=["GET"])
@blp.response(200, QueueSettingsSchema)
def get_settings() -> dict[str, Any]:
    """Return the queue settings of your team (the app keeps them for use offline)."""
    return _settings(_team())


@blp.route("", methods=["PUT"])
@blp.arguments(QueueSettingsSchema)
@blp.response(200, QueueSettingsSchema)
def put_settings(data: dict[str, Any]) -> dict[str, Any]:
    """Change your team's queue settings (supervisors only)."""
    ensure_can_change_settings(current_user().role)
    errors = check_settings(data)
    if errors:
        raise InvalidInput(errors=errors)
    team = _team()
    for name, value in data.items():
        setattr(team, name, value)
    record_event(
        AuditAction.UPDATE,
        "team_settings",
        record_id=team.id,
        detail=dict(data),
        actor=current_actor(),
    )
    return _settings(team)
