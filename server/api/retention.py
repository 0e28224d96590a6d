"""Retention: the schedule, legal holds on families and a dry run of the deletion job.

Online only, for the admin and the practice lead (as head of service).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from marshmallow import Schema, fields, validate

from ..domain.errors import Forbidden, translatable
from ..persistence import LegalHold
from ..records.schemas import StrictSchema
from ..security.sessions import current_user
from ..services import retention
from .common import blueprint, current_actor

blp = blueprint(
    "retention",
    "/api/retention",
    "How long records are kept, legal holds, and what the deletion job would delete",
)

REASON = {"description": "Why: the proceedings, request or inquiry the records are held for"}


def _reason() -> fields.String:
    return fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=2000),
            validate.Regexp(r"\S", error=translatable("Say why.")),
        ],
        metadata=REASON,
    )


def _reader() -> None:
    if current_user().role not in retention.HOLD_ROLES:
        raise Forbidden()


class ScheduleSchema(Schema):
    schedule = fields.Dict(
        metadata={"description": "The schedule as server/data/retention.json holds it"}
    )


class HoldCreateSchema(StrictSchema):
    family_id = fields.UUID(required=True)
    reason = _reason()


class HoldLiftSchema(StrictSchema):
    reason = _reason()


class HoldListArgs(StrictSchema):
    show = fields.String(
        load_default="in_force",
        validate=validate.OneOf(["in_force", "all"]),
        metadata={
            "description": "`in_force` (the default): holds not yet lifted; `all`: every one"
        },
    )


class HoldSchema(Schema):
    id = fields.UUID()
    family_id = fields.UUID()
    reason = fields.String()
    set_at = fields.AwareDateTime()
    set_by_id = fields.UUID()
    lifted_at = fields.AwareDateTime(allow_none=True)
    lifted_by_id = fields.UUID(allow_none=True)
    lift_reason = fields.String(allow_none=True)


class HoldListSchema(Schema):
    items = fields.List(fields.Nested(HoldSchema))


class DryRunArgs(StrictSchema):
    on = fields.Date(
        required=True,
        validate=validate.Range(min=date(2000, 1, 1), max=date(2200, 12, 31)),
        metadata={"description": "The day the job would run (YYYY-MM-DD)"},
    )


class DryRunSchema(Schema):
    on = fields.Date()
    families = fields.Integer(metadata={"description": "Families that would be deleted"})
    by_rule = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "By which line"}
    )
    with_assumed_dates = fields.Integer(
        metadata={
            "description": "Of those, families where a child's date of birth was unknown or inexact"
        }
    )
    held = fields.Integer(metadata={"description": "Families past their date kept by a legal hold"})
    rows = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "Rows by table"}
    )


@blp.route("/schedule", methods=["GET"])
@blp.response(200, ScheduleSchema)
def read_schedule() -> dict[str, Any]:
    """Return the retention schedule: how long each kind of record is kept, and then what."""
    _reader()
    return {"schedule": retention.schedule()}


@blp.route("/dry-run", methods=["GET"])
@blp.arguments(DryRunArgs, location="query")
@blp.response(200, DryRunSchema)
def dry_run(args: dict[str, Any]) -> dict[str, Any]:
    """Count what the deletion job would delete on a given day: counts only, never names."""
    _reader()
    return retention.dry_run(args["on"])


@blp.route("/holds", methods=["GET"])
@blp.arguments(HoldListArgs, location="query")
@blp.response(200, HoldListSchema)
def list_holds(args: dict[str, Any]) -> dict[str, Any]:
    """List legal holds, newest first: those in force, or every one with `show=all`."""
    in_force_only = args["show"] == "in_force"
    return {"items": retention.holds(current_user(), in_force_only=in_force_only)}


@blp.route("/holds", methods=["POST"])
@blp.arguments(HoldCreateSchema)
@blp.response(201, HoldSchema)
def set_hold(data: dict[str, Any]) -> LegalHold:
    """Put a legal hold on a family: its records are not deleted until the hold is lifted."""
    hold = retention.set_hold(current_actor(), data["family_id"], data["reason"])
    return hold


@blp.route("/holds/<uuid:hold_id>/lift", methods=["POST"])
@blp.arguments(HoldLiftSchema)
@blp.response(200, HoldSchema)
def lift_hold(data: dict[str, Any], hold_id: uuid.UUID) -> LegalHold:
    """Lift a legal hold, saying why; the family's records fall back under the schedule."""
    hold = retention.lift_hold(current_actor(), hold_id, data["reason"])
    return hold
