"""A family's chronology, per child if asked, and its printable view with the story so far."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

from flask import Response
from marshmallow import Schema, fields

from ..records.schemas import StrictSchema
from ..reports.render import TEMPLATES
from ..security.headers import CONTENT_SECURITY_POLICY
from ..services import chronology
from .common import blueprint, current_actor

blp = blueprint(
    "chronology",
    "/api/families",
    "A family's chronology: events proposed from its records and those workers added",
)


class ChronologyArgs(StrictSchema):
    child_id = fields.UUID(
        load_default=None, metadata={"description": "Only the events that concern this child"}
    )


class EventSchema(Schema):
    key = fields.String(metadata={"description": "Stays the same from one reading to the next"})
    on = fields.Date()
    title = fields.String()
    summary = fields.String()
    child_ids = fields.List(fields.UUID(), metadata={"description": "Empty: the whole family"})
    source_kind = fields.String(metadata={"description": "The kind of record it came from"})
    source_id = fields.UUID()
    proposed = fields.Boolean(metadata={"description": "Proposed from a record, not added"})
    source = fields.String(allow_none=True, metadata={"description": "Who said so (added)"})
    impact = fields.String(allow_none=True, metadata={"description": "Impact on the child"})
    added_by = fields.String(allow_none=True)


class ChronologySchema(Schema):
    family_id = fields.UUID()
    child_id = fields.UUID(allow_none=True)
    events = fields.List(fields.Nested(EventSchema))


@blp.route("/<uuid:family_id>/chronology", methods=["GET"])
@blp.arguments(ChronologyArgs, location="query")
@blp.response(200, ChronologySchema)
def get_chronology(args: dict[str, Any], family_id: uuid.UUID) -> dict[str, Any]:
    """Return the family's significant events, oldest first (audited)."""
    shown = chronology.chronology(current_actor(), family_id, args["child_id"])
    return shown


STYLE = TEMPLATES.loader.get_source(TEMPLATES, "chronology.css")[0]  # type: ignore[union-attr]  # the package loader is always set
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
# The print is a page of its own: only its one inline style may run, nothing else.
PRINT_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", f"style-src 'sha256-{STYLE_HASH}'"
).replace("script-src 'self'", "script-src 'none'")


@blp.route("/<uuid:family_id>/chronology/print", methods=["GET"])
@blp.arguments(ChronologyArgs, location="query")
@blp.response(200, description="The story so far and the chronology as a page to print")
@blp.doc(responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}})
def print_chronology(args: dict[str, Any], family_id: uuid.UUID) -> Response:
    """Return the printable story so far and chronology; every print is audited."""
    shown = chronology.printable(current_actor(), family_id, args["child_id"])
    page = TEMPLATES.get_template("chronology.html").render(style=STYLE, **shown)
    return Response(
        page,
        content_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": PRINT_POLICY},
    )
