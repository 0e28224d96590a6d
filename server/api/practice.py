"""The council's practice settings: decision policy, checklist templates, code lists."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..audit import AuditAction, record_event
from ..domain.errors import Forbidden, InvalidInput
from ..domain.lights import Light, validate_policy
from ..domain.roles import Action, can
from ..domain.timescales import CountsFrom, TimescaleRule, Unit
from ..extensions import db
from ..persistence import ChecklistTemplate, DecisionPolicy
from ..security.sessions import current_user
from ..services.case_records import current_policy
from ..vocabularies import vocabularies
from .common import blueprint
from .fields import code_from

blp = blueprint("practice", "/api", "Decision policy, checklist templates and code lists")


class CategorySchema(Schema):
    key = fields.String(
        required=True, validate=[validate.Length(min=1, max=60), validate.Regexp(r"^[a-z0-9_]+$")]
    )
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))
    light = fields.String(required=True, validate=validate.OneOf([light.value for light in Light]))


class PolicySchema(Schema):
    version = fields.Integer(dump_only=True)
    categories = fields.List(
        fields.Nested(CategorySchema), required=True, validate=validate.Length(min=1, max=200)
    )
    created_at = fields.AwareDateTime(dump_only=True)


class PolicyVersionSchema(PolicySchema):
    created_by_id = fields.UUID(dump_only=True, allow_none=True)


class IntervalSchema(Schema):
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=365))
    unit = fields.String(required=True, validate=validate.OneOf([unit.value for unit in Unit]))


class LongTermSchema(Schema):
    after = fields.Nested(IntervalSchema, required=True)
    every = fields.Nested(IntervalSchema, required=True)
    placement_types = fields.List(code_from("placement_type"), required=True)


class TimescaleSchema(Schema):
    every = fields.Nested(IntervalSchema, required=True)
    first_within = fields.Nested(IntervalSchema, allow_none=True)
    then = fields.List(fields.Nested(IntervalSchema), validate=validate.Length(max=10))
    applies_to = fields.List(
        code_from("plan_type"),
        metadata={"description": "The kinds of plan the timescale applies to; none: every kind"},
    )
    counts_from = fields.String(validate=validate.OneOf([start.value for start in CountsFrom]))
    child_seen = fields.Boolean(
        metadata={"description": "Only visits where the child was recorded as seen count"}
    )
    long_term = fields.Nested(LongTermSchema, allow_none=True)


class TemplateItemSchema(Schema):
    key = fields.String(
        required=True, validate=[validate.Length(min=1, max=60), validate.Regexp(r"^[a-z0-9_]+$")]
    )
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))
    statutory = fields.Boolean(load_default=True)


class TemplateSchema(Schema):
    id = fields.UUID(dump_only=True)
    key = fields.String(
        required=True, validate=[validate.Length(min=1, max=60), validate.Regexp(r"^[a-z0-9_]+$")]
    )
    version = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    purpose = code_from("interaction_purpose", required=True)
    items = fields.List(
        fields.Nested(TemplateItemSchema), required=True, validate=validate.Length(min=1, max=100)
    )
    timescale = fields.Nested(TimescaleSchema, allow_none=True, load_default=None)
    legal_basis = fields.String(load_default="", validate=validate.Length(max=5000))
    active = fields.Boolean(dump_only=True)

    @validates_schema
    def unique_item_keys(self, data: dict[str, Any], **_kwargs: Any) -> None:
        keys = [item["key"] for item in data.get("items", [])]
        if len(keys) != len(set(keys)):
            raise ValidationError("Each item needs its own key.", "items")


def _require(action: Action) -> None:
    if not can(current_user().role, action):
        raise Forbidden()


@blp.route("/decision-policy", methods=["GET"])
@blp.response(200, PolicySchema)
def get_policy() -> Any:
    """Return the current decision policy: each category of decision and its light."""
    current_user()
    return current_policy() or {"version": 0, "categories": [], "created_at": None}


@blp.route("/decision-policy/versions", methods=["GET"])
@blp.response(200, PolicyVersionSchema(many=True))
def list_policy_versions() -> list[DecisionPolicy]:
    """List every version of the decision policy, the newest first."""
    current_user()
    return list(
        db.session.scalars(sa.select(DecisionPolicy).order_by(DecisionPolicy.version.desc()))
    )


@blp.route("/decision-policy", methods=["POST"])
@blp.arguments(PolicySchema)
@blp.response(201, PolicySchema)
def publish_policy(data: dict[str, Any]) -> DecisionPolicy:
    """Publish a new version of the policy; entries keep the version they were logged under."""
    _require(Action.MANAGE_POLICY)
    errors = validate_policy(data["categories"])
    if errors:
        raise InvalidInput(errors=errors)
    latest = db.session.scalar(sa.select(sa.func.max(DecisionPolicy.version))) or 0
    policy = DecisionPolicy(
        version=latest + 1, categories=data["categories"], created_by_id=current_user().id
    )
    db.session.add(policy)
    record_event(AuditAction.CREATE, "decision_policy", detail={"version": policy.version})
    db.session.commit()
    return policy


@blp.route("/checklist-templates", methods=["GET"])
@blp.response(200, TemplateSchema(many=True))
def list_templates() -> list[ChecklistTemplate]:
    """List the active checklist templates."""
    current_user()
    return list(
        db.session.scalars(
            sa.select(ChecklistTemplate)
            .where(ChecklistTemplate.active.is_(True))
            .order_by(ChecklistTemplate.key)
        )
    )


@blp.route("/checklist-templates", methods=["POST"])
@blp.arguments(TemplateSchema)
@blp.response(201, TemplateSchema)
def publish_template(data: dict[str, Any]) -> ChecklistTemplate:
    """Publish a template, or a new version of one (the old version stays for old checklists)."""
    _require(Action.MANAGE_TEMPLATES)
    if data["timescale"] is not None:
        TimescaleRule.parse(data["timescale"])
    previous = db.session.scalars(
        sa.select(ChecklistTemplate).where(ChecklistTemplate.key == data["key"])
    ).all()
    for old in previous:
        old.active = False
    template = ChecklistTemplate(
        version=max((old.version for old in previous), default=0) + 1,
        created_by_id=current_user().id,
        **data,
    )
    db.session.add(template)
    db.session.flush()
    record_event(
        AuditAction.CREATE,
        "checklist_template",
        record_id=template.id,
        detail={"key": template.key, "version": template.version},
    )
    db.session.commit()
    return template


class VocabularySchema(Schema):
    name = fields.String()
    codes = fields.Dict(keys=fields.String(), values=fields.String())


@blp.route("/vocabularies", methods=["GET"])
@blp.response(200, VocabularySchema(many=True))
def list_vocabularies() -> list[dict[str, Any]]:
    """Return the code lists used in forms (ethnicity, disability, relationship types...)."""
    current_user()
    return [{"name": name, "codes": entries} for name, entries in vocabularies().items()]
