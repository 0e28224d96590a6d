"""Statutory returns for performance officers: the validation report, the CIN census and Annex A."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from marshmallow import Schema, fields, validate

from ..domain.exports import ExportStatus, ReturnKind
from ..persistence import StatutoryReturn
from ..security.sessions import current_user
from ..services import census
from .common import StoredMessage, blueprint, current_actor

blp = blueprint(
    "census",
    "/api/statutory-returns",
    "Statutory returns: the CIN census and Ofsted's Annex A (performance officers)",
)

YEAR = fields.Integer(
    required=True,
    validate=validate.Range(min=1900, max=9999),
    metadata={"description": "The collection year, named by the year it ends in (31 March)"},
)


class YearArgs(Schema):
    year = YEAR


class ListArgs(Schema):
    year = fields.Integer(validate=validate.Range(min=1900, max=9999))


class ReturnRequestSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(ReturnKind.ALL))
    year = YEAR


class IssueSchema(Schema):
    rule = fields.String()
    dfe_code = fields.String(allow_none=True)
    title = fields.String()
    detail = fields.String()
    child_reference = fields.String()
    family_reference = fields.String(allow_none=True)
    person_id = fields.UUID()
    family_id = fields.UUID()
    link = fields.String(metadata={"description": "Where in the app the issue is put right"})


class RuleSchema(Schema):
    key = fields.String()
    dfe_code = fields.String(allow_none=True)
    title = fields.String()


class EmptyListSchema(Schema):
    name = fields.String()
    why = fields.String()


class ValidationReportSchema(Schema):
    year = fields.Integer()
    label = fields.String()
    children = fields.Integer()
    issues = fields.List(fields.Nested(IssueSchema))
    rules = fields.List(fields.Nested(RuleSchema))
    empty_lists = fields.List(fields.Nested(EmptyListSchema))


class ReturnSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    year = fields.Integer()
    status = fields.String()
    progress = fields.Integer()
    stage = StoredMessage(allow_none=True)
    error = StoredMessage(allow_none=True)
    children = fields.Integer(allow_none=True)
    issues = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    created_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)
    ready = fields.Function(lambda item: item.status == ExportStatus.DONE)


class ReturnListSchema(Schema):
    latest_year = fields.Integer()
    items = fields.List(fields.Nested(ReturnSchema))


@blp.route("/validation", methods=["GET"])
@blp.arguments(YearArgs, location="query")
@blp.response(200, ValidationReportSchema)
def validation_report(args: dict[str, Any]) -> dict[str, Any]:
    """The Department's validation rules run over the year's data: one row per issue.

    Each row names the child by their reference (never their name) and gives
    the app's address where it is put right. Reading the report is audited.
    """
    return census.validation_report(current_actor(), args["year"])


@blp.route("", methods=["POST"])
@blp.arguments(ReturnRequestSchema)
@blp.response(202, ReturnSchema)
def request_return(data: dict[str, Any]) -> StatutoryReturn:
    """Produce a return for a collection year in the background (the census XML or Annex A).

    Asking again while your return of the same kind and year is still queued
    or running returns that one.
    """
    return census.request_return(current_actor(), data["kind"], data["year"])


@blp.route("", methods=["GET"])
@blp.arguments(ListArgs, location="query")
@blp.response(200, ReturnListSchema)
def list_returns(args: dict[str, Any]) -> dict[str, Any]:
    """The returns produced, newest first (the latest 50), and the latest collection year."""
    items = census.returns(current_user(), args.get("year"))
    return {"latest_year": census.latest_year(), "items": items}


@blp.route("/<uuid:return_id>", methods=["GET"])
@blp.response(200, ReturnSchema)
def get_return(return_id: uuid.UUID) -> StatutoryReturn:
    """One return's status and progress."""
    return census.get_return(current_user(), return_id)


@blp.route("/<uuid:return_id>/download", methods=["GET"])
@blp.response(200, description="The census XML or the Annex A workbook")
@blp.doc(
    responses={
        200: {
            "content": {
                content_type: {"schema": {"type": "string", "format": "binary"}}
                for content_type, _extension in census.FILES.values()
            }
        }
    }
)
def download_return(return_id: uuid.UUID) -> Response:
    """Download a finished return; every download is audited."""
    item = census.return_file(current_actor(), return_id)
    return Response(
        item.body,
        content_type=item.content_type,
        headers={"Content-Disposition": f'attachment; filename="{item.filename}"'},
    )
