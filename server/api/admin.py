"""Administration: users, teams, sessions, devices and the audit log."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Response, stream_with_context
from marshmallow import Schema, fields, validate

from ..audit import AuditAction, record_event
from ..domain.errors import Forbidden, InvalidInput, NotFound, field_errors, translatable
from ..domain.roles import Action, Role, can
from ..extensions import db
from ..persistence import AuditEvent, Team, User
from ..persistence.pages import Page, page_of
from ..records.fields import JsonBoolean, moment
from ..security.sessions import EndReason, current_user, end_user_sessions
from ..services import accounts
from .common import DeviceSchema, PageArgsSchema, UserSchema, blueprint, current_actor, page_schema

blp = blueprint("admin", "/api/admin", "Users, teams, devices and the audit log (admins)")
teams_blp = blueprint("teams", "/api/teams", "Teams")


def _admin() -> User:
    user = current_user()
    if not can(user.role, Action.MANAGE_USERS):
        raise Forbidden()
    return user


QUALIFIED_ON = {
    "description": "The day they qualified as a social worker: in the year after it, their "
    "team's narrower lights for newly qualified workers apply"
}


class UserCreateSchema(Schema):
    username = fields.String(
        required=True, validate=[validate.Length(min=3, max=80), validate.Regexp(r"^[a-z0-9._-]+$")]
    )
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    team = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    password = fields.String(required=True, validate=validate.Length(max=256), load_only=True)
    qualified_on = fields.Date(load_default=None, allow_none=True, metadata=QUALIFIED_ON)


class UserUpdateSchema(Schema):
    display_name = fields.String(validate=validate.Length(min=1, max=120))
    role = fields.String(validate=validate.OneOf([r.value for r in Role]))
    team = fields.String(validate=validate.Length(min=1, max=120))
    active = JsonBoolean()
    qualified_on = fields.Date(allow_none=True, metadata=QUALIFIED_ON)


class TeamSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    escalation_contact_id = fields.UUID(
        allow_none=True,
        metadata={"description": "Who a worker's escalation of a declined decision goes to"},
    )


class TeamUpdateSchema(Schema):
    escalation_contact_id = fields.UUID(required=True, allow_none=True)


class EnrolmentCodeSchema(Schema):
    code = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


class EndedSchema(Schema):
    ended = fields.Integer(required=True)


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    user_id = fields.UUID(allow_none=True)
    device_id = fields.UUID(allow_none=True)
    action = fields.String()
    entity = fields.String()
    record_id = fields.UUID(allow_none=True)
    family_id = fields.UUID(allow_none=True)
    detail = fields.Dict()


class AuditFilterSchema(PageArgsSchema):
    user_id = fields.UUID()
    family_id = fields.UUID()
    action = fields.String(validate=validate.Length(max=20))
    since = moment()
    until = moment()


UserPage = page_schema(UserSchema, "UserPage")
AuditPage = page_schema(AuditEventSchema, "AuditPage")


@blp.route("/users", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, UserPage)
def list_users(args: dict[str, Any]) -> Page[Any]:
    """List every user account."""
    _admin()
    query = sa.select(User).order_by(User.username, User.id)
    return page_of(query, args["page"], args["page_size"])


@blp.route("/users", methods=["POST"])
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
def create_user(data: dict[str, Any]) -> User:
    """Create a user; the password must meet the policy."""
    _admin()
    team = accounts.get_or_create_team(data["team"]) if data["team"] else None
    user = accounts.create_user(
        data["username"],
        data["password"],
        role=data["role"],
        display_name=data["display_name"],
        team=team,
    )
    user.qualified_on = data["qualified_on"]
    record_event(
        AuditAction.CREATE,
        "user",
        record_id=user.id,
        detail={"role": user.role},
        actor=current_actor(),
    )
    return user


def _user(user_id: uuid.UUID) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


@blp.route("/users/<uuid:user_id>", methods=["PATCH"])
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
def update_user(data: dict[str, Any], user_id: uuid.UUID) -> User:
    """Change a user's name, role, team or the day they qualified, or disable the account.

    A new role or a disabled account ends the user's sessions: the new role
    starts at a sign-in, with the second factor it needs.
    """
    _admin()
    user = _user(user_id)
    changed = sorted(data)
    if "team" in data:
        user.team_id = accounts.get_or_create_team(data.pop("team")).id
    if "active" in data:
        accounts.set_active(user, data.pop("active"))
    if "role" in data:
        accounts.change_role(user, data.pop("role"))
    for name, value in data.items():
        setattr(user, name, value)
    record_event(
        AuditAction.UPDATE,
        "user",
        record_id=user.id,
        detail={"fields": changed},
        actor=current_actor(),
    )
    return user


@blp.route("/users/<uuid:user_id>/enrolment-code", methods=["POST"])
@blp.response(201, EnrolmentCodeSchema)
def issue_enrolment_code(user_id: uuid.UUID) -> dict[str, Any]:
    """Issue a one-time code the user gives to set up their first authenticator app.

    Shown once, here: the server keeps only its hash. It works once, for an
    hour; issuing another replaces it. Give it to the person directly.
    """
    _admin()
    user = _user(user_id)
    code, expires_at = accounts.issue_enrolment_code(user)
    record_event(AuditAction.CREATE, "enrolment_code", record_id=user.id, actor=current_actor())
    return {"code": code, "expires_at": expires_at}


@blp.route("/users/<uuid:user_id>/end-sessions", methods=["POST"])
@blp.response(200, EndedSchema)
def end_sessions(user_id: uuid.UUID) -> dict[str, int]:
    """End every session of a user at once."""
    _admin()
    ended = end_user_sessions(_user(user_id).id, EndReason.ENDED_BY_ADMIN)
    record_event(
        AuditAction.REVOKE,
        "user",
        record_id=user_id,
        detail={"sessions": ended},
        actor=current_actor(),
    )
    return {"ended": ended}


@blp.route("/users/<uuid:user_id>/devices", methods=["GET"])
@blp.response(200, DeviceSchema(many=True))
def user_devices(user_id: uuid.UUID) -> list[Any]:
    """List a user's devices."""
    _admin()
    return accounts.devices_of(_user(user_id).id)


def _audit_query(args: dict[str, Any]) -> sa.Select[AuditEvent]:
    query = sa.select(AuditEvent)
    for name in ("user_id", "family_id", "action"):
        if args.get(name) is not None:
            query = query.where(getattr(AuditEvent, name) == args[name])
    if args.get("since") is not None:
        query = query.where(AuditEvent.at >= args["since"])
    if args.get("until") is not None:
        query = query.where(AuditEvent.at < args["until"])
    return query


def _audit_reader() -> User:
    user = current_user()
    if not can(user.role, Action.READ_AUDIT):
        raise Forbidden()
    return user


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditFilterSchema, location="query")
@blp.response(200, AuditPage)
def list_audit(args: dict[str, Any]) -> Page[Any]:
    """Page through the audit log, newest first."""
    _audit_reader()
    query = _audit_query(args).order_by(AuditEvent.id.desc())
    return page_of(query, args["page"], args["page_size"])


AUDIT_COLUMNS = ("id", "at", "user_id", "device_id", "action", "entity", "record_id", "family_id")


@blp.route("/audit/export", methods=["GET"])
@blp.arguments(AuditFilterSchema, location="query")
@blp.response(200, description="CSV of the matching audit events", content_type="text/csv")
def export_audit(args: dict[str, Any]) -> Response:
    """Download the matching audit events as CSV (every page, oldest first)."""
    _audit_reader()
    query = _audit_query(args).order_by(AuditEvent.id).execution_options(yield_per=1000)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(AUDIT_COLUMNS)
        for event in db.session.scalars(query):
            writer.writerow([getattr(event, column) for column in AUDIT_COLUMNS])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    return Response(
        stream_with_context(rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit.csv"},
    )


@teams_blp.route("", methods=["GET"])
@teams_blp.response(200, TeamSchema(many=True))
def list_teams() -> list[Team]:
    """List the teams."""
    current_user()
    return list(db.session.scalars(sa.select(Team).order_by(Team.name)))


@teams_blp.route("/<uuid:team_id>", methods=["PATCH"])
@teams_blp.arguments(TeamUpdateSchema)
@teams_blp.response(200, TeamSchema)
def update_team(data: dict[str, Any], team_id: uuid.UUID) -> Team:
    """Name the manager this team's escalations go to (admins): a supervisor, or none."""
    _admin()
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound()
    contact_id = data["escalation_contact_id"]
    if contact_id is not None:
        contact = db.session.get(User, contact_id)
        if contact is None or not contact.active or contact.role != Role.SUPERVISOR:
            raise InvalidInput(
                errors=field_errors(
                    escalation_contact_id=translatable("Choose an active supervisor.")
                )
            )
    team.escalation_contact_id = contact_id
    record_event(
        AuditAction.UPDATE,
        "team",
        record_id=team.id,
        detail={"escalation_contact_id": str(contact_id) if contact_id else None},
        actor=current_actor(),
    )
    return team
