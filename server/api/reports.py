"""Service summaries for analysts: request one for a period, follow its progress, download it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Response
from marshmallow import Schema, fields, validate

from ..audit import AuditAction, record_event
from ..domain.errors import Forbidden, NotFound, RuleBroken
from ..domain.exports import ExportStatus, SummaryKind, check_summary_period
from ..domain.roles import Action, can
from ..extensions import db
from ..jobs.reports import enqueue_summary
from ..persistence import ServiceSummary, User
from ..reports.render import FORMATS, render
from ..reports.summary import Period
from ..security.sessions import current_user
from .common import blueprint
from .schemas import PageArgsSchema, page_schema

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
        lambda report: _last_day(report), metadata={"type": "string", "format": "date"}
    )
    label = fields.Function(lambda report: Period(report.period_start, report.period_end).label)
    status = fields.String()
    progress = fields.Integer()
    stage = fields.String()
    error = fields.String(allow_none=True)
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
    """Ask for a summary of a period (up to 366 days, ending today at the latest)."""
    analyst = _analyst()
    check_summary_period(data["first_day"], data["last_day"], date.today())
    report = ServiceSummary(
        kind=SummaryKind.REQUESTED,
        period_start=data["first_day"],
        period_end=data["last_day"] + timedelta(days=1),
        requested_by_id=analyst.id,
    )
    db.session.add(report)
    db.session.flush()
    record_event(AuditAction.CREATE, "service_summary", record_id=report.id)
    db.session.commit()
    enqueue_summary(report)
    return report


@blp.route("", methods=["GET"])
@blp.arguments(SummaryListArgs, location="query")
@blp.response(200, SummaryPage)
def list_summaries(args: dict[str, Any]) -> dict[str, Any]:
    """List the monthly summaries and those requested, newest period first."""
    _analyst()
    query = sa.select(ServiceSummary)
    if args.get("kind"):
        query = query.where(ServiceSummary.kind == args["kind"])
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    page, size = args["page"], args["page_size"]
    items = list(
        db.session.scalars(
            query.order_by(
                ServiceSummary.period_start.desc(),
                ServiceSummary.created_at.desc(),
                ServiceSummary.id,
            )
            .limit(size)
            .offset((page - 1) * size)
        )
    )
    return {"items": items, "page": page, "page_size": size, "total": total}


def _summary(report_id: uuid.UUID) -> ServiceSummary:
    report = db.session.get(ServiceSummary, report_id)
    if report is None:
        raise NotFound()
    return report


@blp.route("/<uuid:report_id>", methods=["GET"])
@blp.response(200, SummarySchema)
def get_summary(report_id: uuid.UUID) -> ServiceSummary:
    """Return one summary's status and progress."""
    _analyst()
    return _summary(report_id)


@blp.route("/<uuid:report_id>/download", methods=["GET"])
@blp.arguments(DownloadArgs, location="query")
@blp.response(
    200,
    description="The summary as CSV, XLSX, JSON or a printable HTML report",
    content_type="application/octet-stream",
)
def download_summary(args: dict[str, Any], report_id: uuid.UUID) -> Response:
    """Download a finished summary in one format."""
    _analyst()
    report = _summary(report_id)
    if report.status != ExportStatus.DONE or report.summary is None:
        raise RuleBroken("The summary is not ready yet.")
    fmt = args["format"]
    content_type, extension = FORMATS[fmt]
    body = render(report.summary, fmt)
    record_event(AuditAction.EXPORT, "service_summary", record_id=report.id, detail={"format": fmt})
    db.session.commit()
    # Built only from dates and a fixed word: nothing a user typed reaches the header.
    name = f"service-summary-{report.period_start.isoformat()}-to-{_last_day(report)}.{extension}"
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _last_day(report: ServiceSummary) -> str:
    return (report.period_end - timedelta(days=1)).isoformat()
