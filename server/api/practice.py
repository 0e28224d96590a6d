"""The council's practice settings: decision policy, checklist templates, code lists."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from .. import clock
from ..audit import AuditAction, record_event
from ..domain.bank_holidays import YEARS_EACH_SIDE, bank_holiday_table
from ..domain.errors import Forbidden, InvalidInput, translatable
from ..domain.lights import Light, validate_policy
from ..domain.roles import Action, Role, can
from ..domain.supervision_queue import DEFAULT_GROUP_APPROVER, GroupApprover
from ..domain.timescales import CountsFrom, TimescaleRule, Unit, VisitAnswer
from ..domain.urgent import EMERGENCY_SERVICES, UrgentNumber, check_numbers
from ..extensions import db
from ..persistence import ChecklistTemplate, DecisionPolicy, Suggestion, UrgentContacts, User
from ..records.fields import JsonBoolean, choice, code_from
from ..security.sessions import current_user
from ..services.case_records import current_policy
from ..services.team_lights import ensure_suggestion
from ..vocabularies import edition, vocabularies
from .common import blueprint, current_actor

blp = blueprint(
    "practice",
    "/api",
    "Decision policy, checklist templates, code lists, bank holidays and urgent numbers",
)

# The checklist answers a visit's participants give (see TemplateItemSchema.from_visit).
VISIT_ANSWERS = tuple(answer.value for answer in VisitAnswer)


class CategorySchema(Schema):
    key = fields.String(
        required=True, validate=[validate.Length(min=1, max=60), validate.Regexp(r"^[a-z0-9_]+$")]
    )
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))
    light = fields.String(required=True, validate=validate.OneOf([light.value for light in Light]))
    # Left out, not urgent: stored only where the practice lead marks it.
    urgent = JsonBoolean(
        metadata={
            "description": "A decision that cannot wait: the app shows the council's numbers"
            " to phone, and a supervisor may agree it by phone, to confirm later"
        },
    )


MAX_REASON = 2000
REASON_MISSING = translatable("Enter why you are changing the policy")


class PolicySchema(Schema):
    version = fields.Integer(dump_only=True)
    categories = fields.List(
        fields.Nested(CategorySchema), required=True, validate=validate.Length(min=1, max=200)
    )
    created_at = fields.AwareDateTime(dump_only=True)
    reason = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Why this version was published (none on old versions)"},
    )
    suggestion_id = fields.UUID(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The practice suggestion this version answers, if any"},
    )
    group_supervision_approver = fields.String(
        load_default=None,
        validate=validate.OneOf([rule.value for rule in GroupApprover]),
        metadata={
            "description": "Who approves a red decision made in group supervision: the"
            " session's facilitator, or another supervisor of the team. Left out, the"
            " version in force keeps its choice"
        },
    )


class PublishPolicySchema(PolicySchema):
    """A new version of the policy, and why: the reason is kept with it and in the audit log."""

    reason = fields.String(
        required=True,
        validate=validate.Length(
            max=MAX_REASON,
            error=translatable("The reason must be {most} characters or fewer", most=MAX_REASON),
        ),
        error_messages={"required": REASON_MISSING, "null": REASON_MISSING},
        metadata={"description": "Why the policy is changing, in words the council will read"},
    )

    suggestion_id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "The practice suggestion this version answers, if one led to it"},
    )

    @validates("reason")
    def reason_given(self, value: str, **_kwargs: Any) -> None:
        if not value.strip():
            raise ValidationError(REASON_MISSING)


class PolicyVersionSchema(PolicySchema):
    """A version with who published it and the suggestion it answers, in words."""

    created_by_id = fields.UUID(dump_only=True, allow_none=True)
    created_by_name = fields.Function(
        lambda policy: _name_of(User, policy.created_by_id, "display_name"), dump_only=True
    )
    suggestion_title = fields.Function(
        lambda policy: _name_of(Suggestion, policy.suggestion_id, "title"), dump_only=True
    )


def _name_of(model: type[Any], record_id: Any, attribute: str) -> str | None:
    found = db.session.get(model, record_id) if record_id else None
    return getattr(found, attribute) if found else None


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
    statutory = JsonBoolean(load_default=True)
    per_child = JsonBoolean(
        load_default=False,
        metadata={
            "description": "Asked of each child the checklist is about (seen, wishes and "
            "feelings), one answer each; always so for an item answered from the visit"
        },
    )
    # What the visit's "Who was there" already answers for each child, so the
    # app pre-fills it: seen, seen alone, spoken to.
    from_visit = choice(
        list(VISIT_ANSWERS),
        allow_none=True,
        metadata={"description": "What the visit's participants answer for each child"},
    )

    @post_load
    def answered_per_child(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if data.get("from_visit"):
            data["per_child"] = True
        return data


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
            raise ValidationError(translatable("Each item needs its own key."), "items")


def _require(action: Action) -> None:
    if not can(current_user().role, action):
        raise Forbidden()


@blp.route("/decision-policy", methods=["GET"])
@blp.response(200, PolicySchema)
def get_policy() -> Any:
    """Return the policy in force: each category of decision, its light, and why it was set.

    Every signed-in member of staff may read it (supervisors and admins have a
    screen for it); only practice leads publish. A worker's own light may differ
    by their team's trials and, in their first year, its narrower lights
    (``/api/decision-policy/trials``, ``/api/decision-policy/newly-qualified``).
    """
    current_user()
    return current_policy() or {"version": 0, "categories": [], "created_at": None, "reason": None}


@blp.route("/decision-policy/versions", methods=["GET"])
@blp.response(200, PolicyVersionSchema(many=True))
def list_policy_versions() -> list[DecisionPolicy]:
    """List every version of the decision policy, the newest first, each with its reason."""
    current_user()
    return list(
        db.session.scalars(sa.select(DecisionPolicy).order_by(DecisionPolicy.version.desc()))
    )


@blp.route("/decision-policy", methods=["POST"])
@blp.arguments(PublishPolicySchema)
@blp.response(201, PolicyVersionSchema)
def publish_policy(data: dict[str, Any]) -> DecisionPolicy:
    """Publish a new version of the policy for the whole council, with the reason (practice leads).

    Decisions already logged keep the version they were logged under. The
    reason is required (a field error otherwise), kept with the version and
    written to the audit log, with the suggestion that led to it, if one did.
    """
    _require(Action.MANAGE_POLICY)
    ensure_suggestion(data["suggestion_id"])
    errors = validate_policy(data["categories"])
    if errors:
        raise InvalidInput(errors=errors)
    latest = db.session.scalar(sa.select(sa.func.max(DecisionPolicy.version))) or 0
    previous = db.session.get(DecisionPolicy, latest) if latest else None
    reason = data["reason"].strip()
    policy = DecisionPolicy(
        version=latest + 1,
        categories=data["categories"],
        created_by_id=current_user().id,
        reason=reason,
        group_supervision_approver=data["group_supervision_approver"]
        or (previous.group_supervision_approver if previous else DEFAULT_GROUP_APPROVER.value),
        suggestion_id=data["suggestion_id"],
    )
    db.session.add(policy)
    # The reason is about the council's policy, never about a case, so the log may hold it.
    suggestion = str(policy.suggestion_id) if policy.suggestion_id else None
    record_event(
        AuditAction.CREATE,
        "decision_policy",
        detail={"version": policy.version, "reason": reason, "suggestion_id": suggestion},
        actor=current_actor(),
    )
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
        actor=current_actor(),
    )
    return template


class VocabularyOptionSchema(Schema):
    code = fields.String()
    label = fields.String()


class VocabularySchema(Schema):
    name = fields.String()
    # A JSON object has no order (and Flask sorts its keys), so forms read the
    # order from ``options``: the most common first, "Other" last.
    codes = fields.Dict(keys=fields.String(), values=fields.String())
    options = fields.List(fields.Nested(VocabularyOptionSchema))
    edition = fields.Integer(
        metadata={
            "description": "The list's numbering: 1 unless its codes were renumbered "
            "(closure_reason is 2, the CIN census's own codes); a proposal names the "
            "edition its reason was chosen from"
        }
    )


@blp.route("/vocabularies", methods=["GET"])
@blp.response(200, VocabularySchema(many=True))
def list_vocabularies() -> list[dict[str, Any]]:
    """Return the code lists used in forms (ethnicity, disability, relationship types...)."""
    current_user()
    return [
        {
            "name": name,
            "codes": entries,
            "options": [{"code": code, "label": label} for code, label in entries.items()],
            "edition": edition(name),
        }
        for name, entries in vocabularies().items()
    ]

    return [{"name": name, "codes": entries} for name, entries in vocabularies().items()]


class BankHolidaysSchema(Schema):
    first_year = fields.Integer(metadata={"description": "The first year the table covers"})
    last_year = fields.Integer(metadata={"description": "The last year the table covers"})
    days = fields.List(fields.Date(), metadata={"description": "Every bank holiday, in order"})


@blp.route("/bank-holidays", methods=["GET"])
@blp.response(200, BankHolidaysSchema)
def list_bank_holidays() -> dict[str, Any]:
    """Return the bank holidays of England and Wales: the app counts working days by them."""
    current_user()
    year = clock.today().year
    first, last = year - YEARS_EACH_SIDE, year + YEARS_EACH_SIDE
    return {"first_year": first, "last_year": last, "days": bank_holiday_table(first, last)}


class UrgentContactsSchema(Schema):
    """The council's numbers to phone when a child may be at immediate risk."""

    team_manager = fields.String(
        required=True,
        validate=validate.Length(max=40),
        metadata={"description": "The team manager, in office hours"},
    )
    duty_team = fields.String(
        required=True,
        validate=validate.Length(max=40),
        metadata={"description": "The duty team, in office hours"},
    )
    emergency_duty_team = fields.String(
        required=True,
        validate=validate.Length(max=40),
        metadata={"description": "The emergency duty team, out of hours"},
    )
    emergency_services = fields.Constant(
        EMERGENCY_SERVICES, dump_only=True, metadata={"description": "Immediate danger: 999"}
    )
    configured = fields.Boolean(
        dump_only=True, metadata={"description": "Whether the council has set its numbers"}
    )
    updated_at = fields.AwareDateTime(dump_only=True, allow_none=True)


def _urgent_contacts_out(row: UrgentContacts | None) -> dict[str, Any]:
    numbers = {number.value: getattr(row, number.value) if row else "" for number in UrgentNumber}
    return {**numbers, "configured": row is not None, "updated_at": row.updated_at if row else None}


@blp.route("/urgent-contacts", methods=["GET"])
@blp.response(200, UrgentContactsSchema)
def get_urgent_contacts() -> dict[str, Any]:
    """Return the council's numbers to phone when a child may be at immediate risk.

    Every signed-in member of staff may read them; the app keeps them with its
    reference data, so they show with no network.
    """
    current_user()
    return _urgent_contacts_out(db.session.get(UrgentContacts, 1))


@blp.route("/urgent-contacts", methods=["PUT"])
@blp.arguments(UrgentContactsSchema)
@blp.response(200, UrgentContactsSchema)
def set_urgent_contacts(data: dict[str, Any]) -> dict[str, Any]:
    """Set the council's urgent numbers (admins and practice leads): each a UK phone number."""
    if current_user().role not in (Role.ADMIN, Role.PRACTICE_LEAD):
        raise Forbidden(
            translatable("Only an admin or a practice lead sets the council's numbers.")
        )
    errors = check_numbers(data)
    if errors:
        raise InvalidInput(errors=errors)
    row = db.session.get(UrgentContacts, 1) or UrgentContacts(id=1)
    changed = [
        n.value for n in UrgentNumber if getattr(row, n.value, None) != data[n.value].strip()
    ]
    for number in UrgentNumber:
        setattr(row, number.value, data[number.value].strip())
    row.updated_at, row.updated_by_id = clock.now(), current_user().id
    db.session.add(row)
    # The council's switchboard numbers are not about anyone: the log may hold which changed.
    record_event(
        AuditAction.UPDATE, "urgent_contacts", detail={"changed": changed}, actor=current_actor()
    )
    return _urgent_contacts_out(row)
