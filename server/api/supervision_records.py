"""The private supervision record, and escalations of declined decisions to the next manager."""

from __future__ import annotations

import uuid
from typing import Any

from marshmallow import Schema, fields, validate

from ..domain.records import RecordKind
from ..records.schemas import output_schema
from ..services import escalations, private_supervision
from .common import blueprint, current_actor

records_blp = blueprint(
    "supervision-records",
    "/api/supervision-records",
    "A worker's private supervision record: only the worker and their supervisors",
)
escalations_blp = blueprint(
    "escalations",
    "/api/escalations",
    "Declined decisions a worker escalated to you, as the next manager",
)


class SupervisionRecordArgsSchema(Schema):
    worker_id = fields.UUID(
        load_default=None,
        metadata={"description": "The worker (supervisors); a caseworker reads their own"},
    )


class SupervisionEntrySchema(Schema):
    id = fields.UUID(dump_only=True)
    worker_id = fields.UUID(
        load_default=None,
        metadata={"description": "The worker (supervisors); a caseworker writes their own"},
    )
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    created_at = fields.AwareDateTime(dump_only=True)
    created_by_id = fields.UUID(dump_only=True)


class SupervisionRecordSchema(Schema):
    worker_id = fields.UUID()
    entries = fields.List(fields.Nested(SupervisionEntrySchema))


@records_blp.route("", methods=["GET"])
@records_blp.arguments(SupervisionRecordArgsSchema, location="query")
@records_blp.response(200, SupervisionRecordSchema)
def read_record(args: dict[str, Any]) -> dict[str, Any]:
    """Return a worker's private supervision record, oldest first (the worker or a supervisor)."""
    worker, entries = private_supervision.entries(current_actor(), args["worker_id"])
    return {"worker_id": worker.id, "entries": entries}


@records_blp.route("", methods=["POST"])
@records_blp.arguments(SupervisionEntrySchema)
@records_blp.response(201, SupervisionEntrySchema)
def add_entry(data: dict[str, Any]) -> Any:
    """Add to a worker's private supervision record; never part of any family's record."""
    entry = private_supervision.add_entry(current_actor(), data["worker_id"], data["body"])
    return entry


class EscalatedFamilySchema(Schema):
    display_name = fields.String()
    local_reference = fields.String(allow_none=True)


class EscalationSchema(Schema):
    id = fields.UUID()
    body = fields.String()
    created_at = fields.AwareDateTime()
    created_by_id = fields.UUID(allow_none=True)
    family = fields.Nested(EscalatedFamilySchema)
    judgment = fields.Nested(output_schema(RecordKind.JUDGMENT))
    thread = fields.List(fields.Nested(output_schema(RecordKind.REVIEW)))


class EscalationAnswerSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))


@escalations_blp.route("", methods=["GET"])
@escalations_blp.response(200, EscalationSchema(many=True))
def list_escalations() -> list[dict[str, Any]]:
    """List the declined decisions escalated to you, newest first, each with its thread."""
    shown = escalations.escalations(current_actor())
    return shown


@escalations_blp.route("/<uuid:escalation_id>", methods=["GET"])
@escalations_blp.response(200, EscalationSchema)
def get_escalation(escalation_id: uuid.UUID) -> dict[str, Any]:
    """Return one escalation to you, with the decision and its thread."""
    shown = escalations.shown(current_actor(), escalation_id)
    return shown


@escalations_blp.route("/<uuid:escalation_id>/replies", methods=["POST"])
@escalations_blp.arguments(EscalationAnswerSchema)
@escalations_blp.response(201, output_schema(RecordKind.REVIEW))
def answer_escalation(data: dict[str, Any], escalation_id: uuid.UUID) -> Any:
    """Answer an escalation: your reply joins the decision's thread and the worker is told."""
    reply = escalations.answer(current_actor(), escalation_id, data["body"])
    return reply
