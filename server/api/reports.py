"""Service summaries for analysts: request one for a period, follow its progress, download it."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from marshmallow import Schema, fields, validate

from ..domain.errors import Forbidden
from ..domain.exports import ExportStatus, SummaryKind
from ..domain.roles import Action, can
from ..persistence import ServiceSummary, User
from ..persistence.pages import Page
from ..reports.render import FORMATS
from ..reports.summary import Period
from ..security.sessions import current_user
from ..services import reports
from .common import PageArgsSchema, StoredMessage, blueprint, current_actor, page_schema

blp = blueprint("reports", "/api/reports", "Service summaries: aggregates only (analysts)")


def _analyst() -> User:
    user = current_user()
    # Aggregates are the analyst's alone (domain.md); other roles are refused, not hidden:
    # a summary is not a record of anyone's, so 403 tells nothing away.
    if not can(user.role, Action.READ_AGGREGATES):
        raise Forbidden()
    return user


class SummaryRequestSchema(Schema):
    first_day = fields.Date(required=True, metadata={"description": "The first day, included"})
    last_day = fields.Date(required=True, metadata={"description": "The last day, included"})


class SummarySchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    first_day = fields.Date(attribute="period_start")
    last_day = fields.Function(
        lambda report: reports.last_day(report).isoformat(),
        metadata={"type": "string", "format": "date"},
    )
    label = fields.Function(lambda report: Period(report.period_start, report.period_end).label)
    status = fields.String()
    progress = fields.Integer()
    stage = StoredMessage(allow_none=True)
    error = StoredMessage(allow_none=True)
    requested_by_id = fields.UUID(allow_none=True)
    created_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)
    formats = fields.Function(
        lambda report: sorted(FORMATS) if report.status == ExportStatus.DONE else []
    )


class SummaryListArgs(PageArgsSchema):
    kind = fields.String(validate=validate.OneOf([kind.value for kind in SummaryKind]))


class DownloadArgs(Schema):
    format = fields.String(required=True, validate=validate.OneOf(sorted(FORMATS)))


SummaryPage = page_schema(SummarySchema, "ServiceSummaryPage")


@blp.route("", methods=["POST"])
@blp.arguments(SummaryRequestSchema)
@blp.response(202, SummarySchema)
def request_summary(data: dict[str, Any]) -> ServiceSummary:
    """Ask for a summary of a period (up to 366 days, ending today at the latest).

    If you already asked for a summary of the same period and it is still
    queued or running, that summary is returned and no second job is queued.
    Once it is done or has failed, asking again makes a new one.
    """
    _analyst()
    return reports.request_summary(current_actor(), data["first_day"], data["last_day"])


@blp.route("", methods=["GET"])
@blp.arguments(SummaryListArgs, location="query")
@blp.response(200, SummaryPage)
def list_summaries(args: dict[str, Any]) -> Page[ServiceSummary]:
    """List the monthly summaries and those requested, newest period first."""
    _analyst()
    return reports.summaries(args.get("kind"), args["page"], args["page_size"])


@blp.route("/<uuid:report_id>", methods=["GET"])
@blp.response(200, SummarySchema)
def get_summary(report_id: uuid.UUID) -> ServiceSummary:
    """Return one summary's status and progress."""
    _analyst()
    return reports.get_summary(report_id)


def _download_content() -> dict[str, Any]:
    """Describe each format's content type: the body is a file, JSON's an object."""
    content: dict[str, Any] = {}
    for fmt, (content_type, _extension) in sorted(FORMATS.items()):
        media_type = content_type.split(";")[0]
        schema = {"type": "object"} if fmt == "json" else {"type": "string", "format": "binary"}
        content[media_type] = {"schema": schema}
    return content


@blp.route("/<uuid:report_id>/download", methods=["GET"])
@blp.arguments(DownloadArgs, location="query")
@blp.response(200, description="The summary as CSV, XLSX, JSON or a printable HTML report")
# One success response, several content types: the type follows the ``format`` asked for.
@blp.doc(responses={200: {"content": _download_content()}})
def download_summary(args: dict[str, Any], report_id: uuid.UUID) -> Response:
    """Download a finished summary in one format."""
    _analyst()
    summary_file = reports.summary_file(current_actor(), report_id, args["format"])
    return Response(
        summary_file.body,
        content_type=summary_file.content_type,
        headers={"Content-Disposition": f'attachment; filename="{summary_file.filename}"'},
    )
