"""REST routes for every case record, made from one description per kind.

Each kind gets: list (paged, filtered, scoped), create, get, update; and
where its rules allow, delete, sign, amend and its change history. Every
read and write is audited; every query is scoped by ``server.access``, in
the services: listing in ``services.record_lists``, the rest in ``services.case_records``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..domain.records import AMENDABLE, DELETABLE, SIGNED_BY_AUTHOR, RecordKind
from ..persistence import RecordHistory
from ..persistence.case import CASE_RECORDS, CaseRecord
from ..persistence.pages import Page
from ..records.fields import code_from
from ..records.schemas import WRITABLE, create_schema, output_schema, update_schema
from ..services import case_records, record_lists
from .common import PageArgsSchema, current_actor, page_schema


@dataclass(frozen=True)
class RecordRoutes:
    """How one kind of record appears in the API (how it is listed: ``services.record_lists``)."""

    kind: RecordKind
    path: str
    filters: dict[str, fields.Field] = field(default_factory=dict)
    creatable: bool = True
    updatable: bool = True

    @property
    def model(self) -> type[CaseRecord]:
        return CASE_RECORDS[self.kind]


class HistorySchema(Schema):
    version = fields.Integer()
    changed_at = fields.AwareDateTime()
    changed_by_id = fields.UUID(allow_none=True)
    changes = fields.Dict()
    conflict = fields.Boolean()


class AmendmentCreateSchema(Schema):
    id = fields.UUID(load_default=None)
    reason = WRITABLE[RecordKind.AMENDMENT]["reason"]
    changes = WRITABLE[RecordKind.AMENDMENT]["changes"]


def register(
    api_blueprint_factory: Callable[[str, str], Blueprint], spec: RecordRoutes
) -> Blueprint:
    """Build the blueprint of one record kind."""
    kind, model = spec.kind, spec.model
    name = kind.value
    blp = api_blueprint_factory(name, spec.path)
    Out = output_schema(kind)
    filter_fields: dict[str, fields.Field] = {
        "family_id": fields.UUID(metadata={"description": "Only records of this family"}),
        "include_deleted": fields.Boolean(load_default=False),
        **spec.filters,
    }
    ListArgs = PageArgsSchema.from_dict(filter_fields, name=f"{model.__name__}ListArgs")

    PageOut = page_schema(Out, f"{model.__name__}Page")

    def list_page(
        page: int, page_size: int, include_deleted: bool, search: str | None, **filters: Any
    ) -> Page[Any]:
        return record_lists.list_page(
            current_actor(),
            kind,
            page,
            page_size,
            include_deleted=include_deleted,
            search=search,
            filters=filters,
        )

    @blp.route("", methods=["GET"], endpoint="list")
    @blp.arguments(ListArgs, location="query", as_kwargs=True)
    @blp.response(200, PageOut)
    def list_records(**args: Any) -> Page[Any]:
        """List the records you may see, newest first."""
        return list_page(search=None, **args)

    if record_lists.rules(kind).search is not None:
        SearchArgs = ListArgs.from_dict(
            {"q": fields.String(required=True, validate=validate.Length(min=1, max=100))},
            name=f"{model.__name__}SearchArgs",
        )

        @blp.route("/search", methods=["POST"], endpoint="search")
        @blp.arguments(SearchArgs, as_kwargs=True)
        @blp.response(200, PageOut)
        def search_records(q: str, **args: Any) -> Page[Any]:
            """Search the records you may see (in the body: names never go in addresses or logs)."""
            return list_page(search=q, **args)

    @blp.route("/<uuid:record_id>", methods=["GET"], endpoint="get")
    @blp.response(200, Out)
    def get_record(record_id: uuid.UUID) -> CaseRecord:
        """Return one record."""
        return case_records.read(current_actor(), kind, record_id)

    @blp.route("/<uuid:record_id>/history", methods=["GET"], endpoint="history")
    @blp.response(200, HistorySchema(many=True))
    def record_history(record_id: uuid.UUID) -> list[RecordHistory]:
        """Return every change to the record, oldest first, including values lost to conflicts."""
        return case_records.history(current_actor(), kind, record_id)

    if spec.creatable:

        @blp.route("", methods=["POST"], endpoint="create")
        @blp.arguments(create_schema(kind))
        @blp.response(201, Out)
        def create_record(data: dict[str, Any]) -> CaseRecord:
            """Create a record; send your own UUID as ``id`` to make retries safe."""
            record = case_records.create(current_actor(), kind, data)
            return record

    if spec.updatable:

        @blp.route("/<uuid:record_id>", methods=["PATCH"], endpoint="update")
        @blp.arguments(update_schema(kind))
        @blp.response(200, Out)
        def update_record(data: dict[str, Any], record_id: uuid.UUID) -> CaseRecord:
            """Change the fields sent; ``base_version`` must be the version you last read."""
            base_version = data.pop("base_version")
            record = case_records.update(current_actor(), kind, record_id, base_version, data)
            return record

    if kind in DELETABLE:

        @blp.route("/<uuid:record_id>", methods=["DELETE"], endpoint="delete")
        @blp.response(200, Out)
        def delete_record(record_id: uuid.UUID) -> CaseRecord:
            """Delete a record (it stays as a tombstone so devices learn of it)."""
            record = case_records.delete(current_actor(), kind, record_id)
            return record

    if kind in SIGNED_BY_AUTHOR:

        @blp.route("/<uuid:record_id>/sign", methods=["POST"], endpoint="sign")
        @blp.response(200, Out)
        def sign_record(record_id: uuid.UUID) -> CaseRecord:
            """Sign a draft; after this it can only be corrected by an amendment.

            A family copy is signed by recording it as shared (set ``shared_with``
            and ``shared_how`` first): refused while anything it flags to check
            before sharing is neither removed nor confirmed, and always while it
            holds a restricted detail. A shared copy never changes.
            """
            record = case_records.sign(current_actor(), kind, record_id)
            return record

    if kind in AMENDABLE:

        @blp.route("/<uuid:record_id>/amendments", methods=["POST"], endpoint="amend")
        @blp.arguments(AmendmentCreateSchema)
        @blp.response(201, output_schema(RecordKind.AMENDMENT))
        def amend_record(data: dict[str, Any], record_id: uuid.UUID) -> CaseRecord:
            """Correct a signed record with a reason; the original stays as it was."""
            amendment = case_records.amend(current_actor(), kind, record_id, data)
            return amendment

    if kind is RecordKind.FAMILY:
        register_handover(blp)
    return blp


def _routes() -> list[RecordRoutes]:
    return [
        RecordRoutes(
            RecordKind.FAMILY,
            "/api/families",
            filters={"status": fields.String(validate=validate.OneOf(["open", "closed"]))},
        ),
        RecordRoutes(RecordKind.PERSON, "/api/people"),
        RecordRoutes(RecordKind.MEMBERSHIP, "/api/memberships"),
        RecordRoutes(RecordKind.RELATIONSHIP, "/api/relationships"),
        RecordRoutes(
            RecordKind.ASSIGNMENT,
            "/api/assignments",
            filters={"worker_id": fields.UUID(), "current": fields.Boolean()},
        ),
        RecordRoutes(RecordKind.INTERACTION, "/api/interactions"),
        RecordRoutes(RecordKind.NOTE, "/api/notes"),
        RecordRoutes(
            RecordKind.AMENDMENT,
            "/api/amendments",
            filters={"target_id": fields.UUID()},
            creatable=False,
            updatable=False,
        ),
        RecordRoutes(
            RecordKind.JUDGMENT,
            "/api/judgments",
            filters={"supervision_discussion_id": fields.UUID()},
        ),
        RecordRoutes(RecordKind.CHECKLIST, "/api/checklists"),
        RecordRoutes(
            RecordKind.CHECKLIST_ITEM,
            "/api/checklist-items",
            filters={"checklist_id": fields.UUID()},
            creatable=False,
        ),
        RecordRoutes(
            RecordKind.REVIEW, "/api/reviews", filters={"target_id": fields.UUID()}, updatable=False
        ),
        RecordRoutes(RecordKind.CONFERENCE, "/api/conferences"),
        RecordRoutes(RecordKind.PLAN_ACTION, "/api/plan-actions"),
        RecordRoutes(RecordKind.SUPERVISION_SESSION, "/api/supervision-sessions"),
        RecordRoutes(
            RecordKind.SUPERVISION_DISCUSSION,
            "/api/supervision-discussions",
            filters={"session_id": fields.UUID()},
        ),
        RecordRoutes(
            RecordKind.PLAN_EPISODE, "/api/plan-episodes", filters={"person_id": fields.UUID()}
        ),
        RecordRoutes(RecordKind.CHRONOLOGY_ENTRY, "/api/chronology-entries"),
        # Each save of the story so far is a new version: never changed, never deleted.
        RecordRoutes(RecordKind.CASE_SUMMARY, "/api/case-summaries", updatable=False),
        RecordRoutes(
            RecordKind.STRATEGY_DISCUSSION,
            "/api/strategy-discussions",
            filters={"decision": fields.String(validate=validate.Length(max=30))},
        ),
        RecordRoutes(RecordKind.REFERRAL, "/api/referrals", filters={"person_id": fields.UUID()}),
        RecordRoutes(
            RecordKind.FAMILY_COPY, "/api/family-copies", filters={"note_id": fields.UUID()}
        ),
        # The description of a file, made once; its bytes: server/api/attachments.py.
        RecordRoutes(
            RecordKind.ATTACHMENT,
            "/api/attachments",
            filters={"parent_id": fields.UUID()},
            updatable=False,
        ),
    ]


ROUTES = _routes()


def _handover_reasons() -> list[tuple[str, str]]:
    from ..vocabularies import vocabularies

    return list(vocabularies()["handover_reason"].items())


class HandoverSchema(Schema):
    worker_id = fields.UUID(required=True)
    change_reason = fields.String(
        required=True, validate=validate.OneOf([code for code, _ in _handover_reasons()])
    )
    handover_note = fields.String(required=True, validate=validate.Length(max=20_000))
    role = code_from("assignment_role", load_default="allocated_worker")


def register_handover(blp: Blueprint) -> None:
    """Add the handover route to the family blueprint."""
    Out = output_schema(RecordKind.ASSIGNMENT)

    @blp.route("/<uuid:record_id>/handover", methods=["POST"], endpoint="handover")
    @blp.arguments(HandoverSchema)
    @blp.response(201, Out)
    def hand_over(data: dict[str, Any], record_id: uuid.UUID) -> CaseRecord:
        """Hand the family over: the current assignment ends with a note; the next begins."""
        assignment = case_records.hand_over(
            current_actor(),
            record_id,
            data["worker_id"],
            data["change_reason"],
            data["handover_note"],
            data["role"],
        )
        return assignment
