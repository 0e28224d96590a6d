"""A looked-after child's placement address: online only, allocated worker and supervisors."""

from __future__ import annotations

import uuid
from typing import Any

from marshmallow import Schema, fields

from ..records.fields import required_text, short_text
from ..records.schemas import StrictSchema
from ..services import placements
from .common import blueprint, current_actor

blp = blueprint(
    "placement_address",
    "/api/plan-episodes",
    "A looked-after child's placement address: restricted, never synced or exported",
)


class PlacementAddressSchema(StrictSchema):
    line1 = required_text()
    line2 = short_text(allow_none=True)
    town = short_text(allow_none=True)
    postcode = short_text(max=10, allow_none=True)


class PlacementAddressOut(Schema):
    address = fields.Nested(PlacementAddressSchema, allow_none=True)
    recorded_at = fields.AwareDateTime(allow_none=True)
    recorded_by_id = fields.UUID(allow_none=True)


@blp.route("/<uuid:episode_id>/placement-address", methods=["GET"])
@blp.response(200, PlacementAddressOut)
def get_placement_address(episode_id: uuid.UUID) -> dict[str, Any]:
    """Return the placement address now (allocated worker and team supervisors only)."""
    shown = placements.placement_address(current_actor(), episode_id)
    return shown


@blp.route("/<uuid:episode_id>/placement-address", methods=["POST"])
@blp.arguments(PlacementAddressSchema)
@blp.response(201, PlacementAddressOut)
def record_placement_address(data: dict[str, Any], episode_id: uuid.UUID) -> dict[str, Any]:
    """Record the placement address now; the earlier ones are kept."""
    shown = placements.record_placement_address(current_actor(), episode_id, data)
    return shown
