"""Subject access exports (admins): every record about one person, as a bundle to redact."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from flask import Response
from marshmallow import Schema, fields, validate

from ..audit import AuditAction, record_event
from ..domain.errors import Forbidden, NotFound, RuleBroken, translatable
from ..domain.exports import ExportStatus
from ..domain.roles import Action, can
from ..extensions import db
from ..persistence import Membership, Person, SubjectAccessExport, User
from ..persistence.pages import Page, page_of
from ..security.sessions import current_user
from ..services import subject_access
from .common import PageArgsSchema, blueprint, current_actor, page_schema

blp = blueprint(
    "subject_access",
    "/api/admin/subject-access",
    "Subject access exports: every record about one person (admins)",
)

ZIP = "application/zip"
SEARCH_LIMIT = 20


def _admin() -> User:
    user = current_user()
    # Managing the service's users is the admin's role; analysts and practice roles may not.
    if not can(user.role, Action.MANAGE_USERS):
        raise Forbidden()
    return user


class ExportRequestSchema(Schema):
    person_id = fields.UUID(required=True)
    received_on = fields.Date(
        load_default=None,
        metadata={
            "description": "The day the council received the request (today if left out): "
            "the statutory month to respond runs from it. Today or within the last year."
        },
    )


class ExportSchema(Schema):
    id = fields.UUID()
    person_id = fields.UUID()
    person_name = fields.Function(
        lambda export: subject_access.person_name(export.person),
        metadata={"description": "Whose bundle it is: the person's given and family name"},
    )
    received_on = fields.Function(
        lambda export: subject_access.received_on(export).isoformat(),
        metadata={
            "type": "string",
            "format": "date",
            "description": "The day the council received the request",
        },
    )
    respond_by = fields.Function(
        lambda export: subject_access.respond_by(export).isoformat(),
        metadata={
            "type": "string",
            "format": "date",
            "description": "The statutory deadline: one calendar month from the day the "
            "request was received, moved to the next working day if it falls on a weekend "
            "or bank holiday",
        },
    )
    requested_by_id = fields.UUID()
    status = fields.String()
    error = fields.String(allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    created_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)
    cleared_at = fields.AwareDateTime(allow_none=True)


class PersonSearchSchema(Schema):
    q = fields.String(required=True, validate=validate.Length(min=2, max=100))


class PersonMatchSchema(Schema):
    id = fields.UUID()
    given_name = fields.String()
    family_name = fields.String()
    known_as = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    families = fields.Integer()


ExportPage = page_schema(ExportSchema, "SubjectAccessExportPage")


@blp.route("/people/search", methods=["POST"])
@blp.arguments(PersonSearchSchema)
@blp.response(200, PersonMatchSchema(many=True))
def search_people(args: dict[str, Any]) -> list[dict[str, Any]]:
    """Find a person by name to export (the search is audited; the text is in the body only)."""
    _admin()
    families = (
        sa.select(sa.func.count(Membership.id))
        .where(Membership.person_id == Person.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Person, families)
        .where(
            sa.or_(
                (Person.given_name + " " + Person.family_name).icontains(
                    args["q"], autoescape=True
                ),
                Person.known_as.icontains(args["q"], autoescape=True),
            )
        )
        .order_by(Person.family_name, Person.given_name, Person.id)
        .limit(SEARCH_LIMIT)
    ).all()
    record_event(
        AuditAction.LIST,
        "person",
        detail={"subject_access_search": True, "count": len(rows)},
        actor=current_actor(),
    )
    return [
        {
            "id": person.id,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "known_as": person.known_as,
            "date_of_birth": person.date_of_birth,
            "families": count,
        }
        for person, count in rows
    ]


@blp.route("", methods=["POST"])
@blp.arguments(ExportRequestSchema)
@blp.response(202, ExportSchema)
def request_export(data: dict[str, Any]) -> SubjectAccessExport:
    """Start a subject access export for one person; poll it, then download the bundle."""
    _admin()
    return subject_access.request_export(current_actor(), data["person_id"], data["received_on"])


@blp.route("", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ExportPage)
def list_exports(args: dict[str, Any]) -> Page[Any]:
    """List your own subject access exports, newest first."""
    admin = _admin()
    query = (
        sa.select(SubjectAccessExport)
        .where(SubjectAccessExport.requested_by_id == admin.id)
        .order_by(SubjectAccessExport.created_at.desc(), SubjectAccessExport.id)
    )
    return page_of(query, args["page"], args["page_size"])


def _own_export(admin: User, export_id: uuid.UUID) -> SubjectAccessExport:
    export = db.session.get(SubjectAccessExport, export_id)
    # Only the admin who asked may fetch it: another admin's bundle is "not found".
    if export is None or export.requested_by_id != admin.id:
        raise NotFound()
    return export


@blp.route("/<uuid:export_id>", methods=["GET"])
@blp.response(200, ExportSchema)
def get_export(export_id: uuid.UUID) -> SubjectAccessExport:
    """Return one export's status and what its bundle holds."""
    return _own_export(_admin(), export_id)


@blp.route("/<uuid:export_id>/download", methods=["GET"])
@blp.response(200, description="The bundle: a zip of JSON files and an HTML index")
@blp.doc(responses={200: {"content": {ZIP: {"schema": {"type": "string", "format": "binary"}}}}})
def download_export(export_id: uuid.UUID) -> Response:
    """Download the bundle (audited)."""
    export = _own_export(_admin(), export_id)
    if export.status != ExportStatus.DONE:
        raise RuleBroken(translatable("The bundle is not ready yet."))
    if export.bundle is None:
        raise RuleBroken(translatable("The bundle has been cleared. Request a new export."))
    record_event(
        AuditAction.EXPORT,
        "subject_access",
        record_id=export.person_id,
        detail={"export_id": str(export.id), "downloaded": True},
        actor=current_actor(),
    )
    return Response(
        export.bundle,
        mimetype=ZIP,
        headers={"Content-Disposition": f'attachment; filename="subject-access-{export.id}.zip"'},
    )
