"""The sync endpoints: push a batch of offline changes, pull what changed in scope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from flask import Response, g, jsonify, request
from marshmallow import Schema, fields, validate

from sync.mutations import BatchError, decode_push
from sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_PULL_LIMIT,
    MAX_PUSH_BYTES,
    MAX_PUSH_MUTATIONS,
    ChangeOp,
)

from .. import timing
from ..domain.errors import Forbidden, InvalidInput, TooLarge, translatable
from ..domain.records import RecordKind
from ..records.schemas import dump_row
from ..security.sessions import current_user
from ..services import sync as sync_service
from .common import blueprint
from .practice import PolicySchema, TemplateSchema
from .team_lights import NewlyQualifiedLightsSchema, PolicyTrialSchema

blp = blueprint("sync", "/api/sync", "Offline sync: push changes, pull what changed")


class PushSchema(Schema):
    device_id = fields.UUID(required=True)
    # strict: 1.5 or "1" is refused, never truncated to a version the device did not send.
    schema_version = fields.Integer(required=True, strict=True)
    # The count limit answers 413 (below), so the schema itself allows any length.
    mutations = fields.List(fields.Dict(), required=True)


class ResultSchema(Schema):
    mutation_id = fields.Integer(required=True)
    status = fields.String(required=True)
    version = fields.Integer()
    reason = fields.String()
    message = fields.String()
    errors = fields.Dict()
    overwritten = fields.Dict()


class PushResponseSchema(Schema):
    results = fields.List(fields.Nested(ResultSchema), required=True)
    last_mutation_id = fields.Integer(required=True)


class PullSchema(Schema):
    device_id = fields.UUID(required=True)
    cursor = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    limit = fields.Integer(
        load_default=DEFAULT_PULL_LIMIT, strict=True, validate=validate.Range(min=1)
    )


class ChangeSchema(Schema):
    entity = fields.String(required=True)
    id = fields.String(required=True)
    op = fields.String(required=True)
    version = fields.Integer(allow_none=True)
    family_id = fields.String(allow_none=True)
    data = fields.Dict(allow_none=True)


class PullResponseSchema(Schema):
    changes = fields.List(fields.Nested(ChangeSchema), required=True)
    cursor = fields.String(required=True)
    has_more = fields.Boolean(required=True)
    remaining = fields.Integer(allow_none=True)


class RejectionSchema(Schema):
    mutation_id = fields.Integer()
    entity = fields.String()
    op = fields.String()
    record_id = fields.String()
    reason = fields.String()
    message = fields.String()
    errors = fields.Dict()
    data = fields.Dict()
    created_at = fields.AwareDateTime()


REJECTION_SCHEMA = RejectionSchema()


def _ensure_own_device(device_id: Any) -> None:
    if device_id != g.device.id:
        raise Forbidden(
            translatable("This is not the device you signed in on."),
            errors={"device_id": [translatable("Must be the device of this session.")]},
        )


@blp.before_request
def refuse_oversize_push() -> None:
    if request.endpoint == "sync.push" and len(request.get_data(cache=True)) > MAX_PUSH_BYTES:
        raise TooLarge(
            translatable(
                "A push may be at most {most} KB; send smaller batches.",
                most=MAX_PUSH_BYTES // 1024,
            )
        )


@blp.route("/push", methods=["POST"], endpoint="push")
@blp.described_body(PushSchema)
@blp.response(200, PushResponseSchema)
def push() -> Response:
    """Apply a batch of offline changes, each exactly once, in order."""
    # A sound batch is read in one pass by the compiled decoder; any other is
    # loaded by PushSchema, which answers bad input with field-level messages.
    body = request.get_data(cache=True)
    encoded = decode_push(body) if request.is_json else None
    if encoded is not None:
        device_id, schema_version = encoded.device_id, encoded.schema_version
        batch = sync_service.PushBatch(body=body, encoded=encoded.mutations)
    else:
        data = blp.ARGUMENTS_PARSER.parse(PushSchema, request, location="json")
        device_id, schema_version = data["device_id"], data["schema_version"]
        batch = sync_service.PushBatch(data["mutations"])
    _ensure_own_device(device_id)
    if len(batch.raw if batch.encoded is None else batch.encoded) > MAX_PUSH_MUTATIONS:
        raise TooLarge(
            translatable("A push may hold at most {most} mutations.", most=MAX_PUSH_MUTATIONS)
        )
    try:
        result = sync_service.push(current_user(), g.device, batch, schema_version)
    except BatchError as error:
        raise InvalidInput(str(error), errors=error.errors) from error
    with timing.phase("encode"):
        return jsonify(
            results=[item.to_wire() for item in result.results],
            last_mutation_id=result.last_mutation_id,
        )


@blp.route("/pull", methods=["POST"], endpoint="pull")
@blp.arguments(PullSchema)
@blp.response(200, PullResponseSchema)
def pull(data: dict[str, Any]) -> Response:
    """Return the next page of changes to the records you may see."""
    _ensure_own_device(data["device_id"])
    if data["limit"] > MAX_PULL_LIMIT:
        raise TooLarge(
            translatable("A pull page may hold at most {most} changes.", most=MAX_PULL_LIMIT)
        )
    page = sync_service.pull(current_user(), g.device, data["cursor"], data["limit"])
    with timing.phase("encode"):
        body = {
            "changes": [_wire(entry) for entry in page.entries],
            "cursor": page.cursor,
            "has_more": page.has_more,
            "remaining": page.remaining,
        }
        # Already in its wire shape: skip a second pass through the response schema,
        # and encode it with msgspec, several times faster than the standard library
        # on a page of hundreds of records (Flask's encoder also sorts every object's keys).
        return Response(msgspec.json.encode(body), mimetype="application/json")


def _version(record: Any) -> int | None:
    if record is None:
        return None
    if isinstance(record, Mapping):
        return record.get("version")
    return getattr(record, "version", None)


GLOBAL_SCHEMAS = {
    "checklist_template": TemplateSchema(),
    "decision_policy": PolicySchema(),
    "policy_trial": PolicyTrialSchema(),
    "newly_qualified_lights": NewlyQualifiedLightsSchema(),
}


def _wire(entry: sync_service.FeedEntry) -> dict[str, Any]:
    """Return one change as the device receives it."""
    change: dict[str, Any] = {
        "entity": entry.entity,
        "id": entry.id,
        "op": entry.op.value,
        "version": _version(entry.record),
        "family_id": entry.family_id,
        "data": None,
    }
    if entry.op in (ChangeOp.EVICT, ChangeOp.DELETE):
        return change  # what left or was deleted is named, never sent
    if entry.entity == "rejection":
        change["data"] = REJECTION_SCHEMA.dump(entry.record)
    elif entry.entity in GLOBAL_SCHEMAS:
        change["data"] = GLOBAL_SCHEMAS[entry.entity].dump(entry.record)
    else:
        change["data"] = dump_row(RecordKind(entry.entity), entry.record)
    return change
