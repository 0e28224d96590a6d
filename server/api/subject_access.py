"""Subject access exports (admins): every record about one person, as a bundle to redact."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from marshmallow import Schema, fields, validate

from ..persistence import SubjectAccessExport
from ..persistence.pages import Page
from ..services import subject_access
from .common import PageArgsSchema, StoredMessage, blueprint, current_actor, page_schema

blp = blueprint(
    "subject_access",
    "/api/admin/subject-access",
    "Subject access exports: every record about one person (admins)",
)

ZIP = "application/zip"


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
    error = StoredMessage(allow_none=True)
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
    return subject_access.search_people(current_actor(), args["q"])


@blp.route("", methods=["POST"])
@blp.arguments(ExportRequestSchema)
@blp.response(202, ExportSchema)
def request_export(data: dict[str, Any]) -> SubjectAccessExport:
    """Start a subject access export for one person; poll it, then download the bundle."""
    return subject_access.request_export(current_actor(), data["person_id"], data["received_on"])


@blp.route("", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ExportPage)
def list_exports(args: dict[str, Any]) -> Page[Any]:
    """List your own subject access exports, newest first."""
    return subject_access.exports_of(current_actor(), args["page"], args["page_size"])


@blp.route("/<uuid:export_id>", methods=["GET"])
@blp.response(200, ExportSchema)
def get_export(export_id: uuid.UUID) -> SubjectAccessExport:
    """Return one export's status and what its bundle holds."""
    return subject_access.own_export(current_actor(), export_id)


@blp.route("/<uuid:export_id>/download", methods=["GET"])
@blp.response(200, description="The bundle: a zip of JSON files and an HTML index")
@blp.doc(responses={200: {"content": {ZIP: {"schema": {"type": "string", "format": "binary"}}}}})
def download_export(export_id: uuid.UUID) -> Response:
    """Download the bundle (audited)."""
    export = subject_access.download(current_actor(), export_id)
    return Response(
        export.bundle,
        mimetype=ZIP,
        headers={"Content-Disposition": f'attachment; filename="subject-access-{export.id}.zip"'},
    )
