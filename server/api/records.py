"""REST routes for every case record, made from one description per kind.

Each kind gets: list (paged, filtered, scoped), create, get, update; and
where its rules allow, delete, sign, amend and its change history. Every
read and write is audited; every query is scoped by ``server.access``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from .. import access
from ..audit import record_list_read
from ..domain.records import AMENDABLE, DELETABLE, SIGNED_BY_AUTHOR, RecordKind
from ..extensions import db
from ..persistence import (
    Membership,
    Person,
    RecordHistory,
    Relationship,
    SupervisionDiscussion,
    SupervisionSession,
)
from ..persistence.case import CASE_RECORDS, CaseRecord, families_of_people, family_column
from ..persistence.pages import Page, page_of
from ..records.fields import code_from
from ..records.schemas import WRITABLE, create_schema, output_schema, update_schema
from ..security.sessions import current_user
from ..services import case_records
from .common import PageArgsSchema, current_actor, page_schema

Filter = Callable[[sa.Select[Any], Any], sa.Select[Any]]


@dataclass(frozen=True)
class RecordRoutes:
    """How one kind of record appears in the API."""

    kind: RecordKind
    path: str
    filters: dict[str, tuple[fields.Field, Filter]] = field(default_factory=dict)
    order_by: tuple[str, ...] = ("created_at",)
    creatable: bool = True
    updatable: bool = True
    search: Filter | None = None

    @property
    def model(self) -> type[CaseRecord]:
        return CASE_RECORDS[self.kind]


def by_column(name: str) -> Callable[[type[CaseRecord]], Filter]:
    def make(model: type[CaseRecord]) -> Filter:
        column = getattr(model, name)
        return lambda query, value: query.where(column == value)

    return make


def _family_filter(model: type[CaseRecord]) -> Filter:
    if model is Person:
        # Its members, and the people its relationships name (a child's foster carers).
        return lambda query, value: query.where(
            sa.or_(
                Person.id.in_(
                    sa.select(Membership.person_id).where(
                        Membership.family_id == value, Membership.deleted_at.is_(None)
                    )
                ),
                Person.id.in_(
                    sa.select(Relationship.to_person_id).where(
                        Relationship.family_id == value, Relationship.deleted_at.is_(None)
                    )
                ),
            )
        )
    if model is SupervisionSession:
        # The sessions that discussed the family (through discussions you may see).
        return lambda query, value: query.where(
            SupervisionSession.id.in_(
                sa.select(SupervisionDiscussion.session_id).where(
                    SupervisionDiscussion.family_id == value,
                    SupervisionDiscussion.deleted_at.is_(None),
                    access.in_scope(SupervisionDiscussion, current_user()),
                )
            )
        )
    column = family_column(model)
    return lambda query, value: query.where(column == value)


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


def _families_in_page(kind: RecordKind, items: list[CaseRecord]) -> list[uuid.UUID | None]:
    if kind is RecordKind.PERSON:
        links = families_of_people(item.id for item in items).subquery()
        pairs = db.session.execute(
            sa.select(links.c.person_id, links.c.family_id).where(
                links.c.family_id.in_(access.visible_family_ids(current_user()))
            )
        ).all()
        return [family_id for _, family_id in pairs]
    return [case_records.family_id_of(item) for item in items]


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
        **{key: field_ for key, (field_, _) in spec.filters.items()},
    }
    ListArgs = PageArgsSchema.from_dict(filter_fields, name=f"{model.__name__}ListArgs")

    PageOut = page_schema(Out, f"{model.__name__}Page")

    def list_page(
        page: int, page_size: int, include_deleted: bool, search: str | None, **filters: Any
    ) -> Page[Any]:
        user = current_user()
        query = access.scoped(model, user, include_deleted=include_deleted)
        if filters.get("family_id") is not None:
            query = _family_filter(model)(query, filters.pop("family_id"))
        for key, value in filters.items():
            if value is not None:
                query = spec.filters[key][1](query, value)
        if search is not None and spec.search is not None:
            query = spec.search(query, search)
        ordering = [getattr(model, column).desc() for column in spec.order_by]
        one_page = page_of(query.order_by(*ordering, model.id), page, page_size)
        record_list_read(name, _families_in_page(kind, one_page.items), actor=current_actor())
        return one_page

    @blp.route("", methods=["GET"], endpoint="list")
    @blp.arguments(ListArgs, location="query", as_kwargs=True)
    @blp.response(200, PageOut)
    def list_records(**args: Any) -> Page[Any]:
        """List the records you may see, newest first."""
        return list_page(search=None, **args)

    if spec.search is not None:
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
            record = case_records.create(current_user(), kind, data)
            return record

    if spec.updatable:

        @blp.route("/<uuid:record_id>", methods=["PATCH"], endpoint="update")
        @blp.arguments(update_schema(kind))
        @blp.response(200, Out)
        def update_record(data: dict[str, Any], record_id: uuid.UUID) -> CaseRecord:
            """Change the fields sent; ``base_version`` must be the version you last read."""
            base_version = data.pop("base_version")
            record = case_records.update(current_user(), kind, record_id, base_version, data)
            return record

    if kind in DELETABLE:

        @blp.route("/<uuid:record_id>", methods=["DELETE"], endpoint="delete")
        @blp.response(200, Out)
        def delete_record(record_id: uuid.UUID) -> CaseRecord:
            """Delete a record (it stays as a tombstone so devices learn of it)."""
            record = case_records.delete(current_user(), kind, record_id)
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
            record = case_records.sign(current_user(), kind, record_id)
            return record

    if kind in AMENDABLE:

        @blp.route("/<uuid:record_id>/amendments", methods=["POST"], endpoint="amend")
        @blp.arguments(AmendmentCreateSchema)
        @blp.response(201, output_schema(RecordKind.AMENDMENT))
        def amend_record(data: dict[str, Any], record_id: uuid.UUID) -> CaseRecord:
            """Correct a signed record with a reason; the original stays as it was."""
            amendment = case_records.amend(current_user(), kind, record_id, data)
            return amendment

    if kind is RecordKind.FAMILY:
        register_handover(blp)
    return blp


def _current_assignment(query: sa.Select[Any], current: bool) -> sa.Select[Any]:
    from ..persistence import Assignment

    condition = Assignment.ended_on.is_(None)
    return query.where(condition if current else sa.not_(condition))


def _family_search(query: sa.Select[Any], text: str) -> sa.Select[Any]:
    from ..persistence import Family

    return query.where(
        sa.or_(
            Family.display_name.icontains(text, autoescape=True),
            Family.local_reference.icontains(text, autoescape=True),
        )
    )


def _routes() -> list[RecordRoutes]:
    from ..persistence import (
        Amendment,
        Assignment,
        Attachment,
        ChecklistItem,
        Family,
        FamilyCopy,
        Judgment,
        PlanEpisode,
        Referral,
        Review,
        StrategyDiscussion,
        SupervisionDiscussion,
    )

    return [
        RecordRoutes(
            RecordKind.FAMILY,
            "/api/families",
            search=_family_search,
            filters={
                "status": (
                    fields.String(validate=validate.OneOf(["open", "closed"])),
                    by_column("status")(Family),
                ),
            },
            order_by=("updated_at",),
        ),
        RecordRoutes(RecordKind.PERSON, "/api/people"),
        RecordRoutes(RecordKind.MEMBERSHIP, "/api/memberships"),
        RecordRoutes(RecordKind.RELATIONSHIP, "/api/relationships"),
        RecordRoutes(
            RecordKind.ASSIGNMENT,
            "/api/assignments",
            filters={
                "worker_id": (fields.UUID(), by_column("worker_id")(Assignment)),
                "current": (fields.Boolean(), _current_assignment),
            },
            order_by=("started_on",),
        ),
        RecordRoutes(RecordKind.INTERACTION, "/api/interactions", order_by=("occurred_at",)),
        RecordRoutes(RecordKind.NOTE, "/api/notes"),
        RecordRoutes(
            RecordKind.AMENDMENT,
            "/api/amendments",
            filters={"target_id": (fields.UUID(), by_column("target_id")(Amendment))},
            creatable=False,
            updatable=False,
        ),
        RecordRoutes(
            RecordKind.JUDGMENT,
            "/api/judgments",
            filters={
                "supervision_discussion_id": (
                    fields.UUID(),
                    by_column("supervision_discussion_id")(Judgment),
                )
            },
        ),
        RecordRoutes(RecordKind.CHECKLIST, "/api/checklists"),
        RecordRoutes(
            RecordKind.CHECKLIST_ITEM,
            "/api/checklist-items",
            filters={"checklist_id": (fields.UUID(), by_column("checklist_id")(ChecklistItem))},
            creatable=False,
        ),
        RecordRoutes(
            RecordKind.REVIEW,
            "/api/reviews",
            filters={"target_id": (fields.UUID(), by_column("target_id")(Review))},
            updatable=False,
        ),
        RecordRoutes(RecordKind.CONFERENCE, "/api/conferences"),
        RecordRoutes(RecordKind.PLAN_ACTION, "/api/plan-actions"),
        RecordRoutes(
            RecordKind.SUPERVISION_SESSION, "/api/supervision-sessions", order_by=("held_at",)
        ),
        RecordRoutes(
            RecordKind.SUPERVISION_DISCUSSION,
            "/api/supervision-discussions",
            filters={"session_id": (fields.UUID(), by_column("session_id")(SupervisionDiscussion))},
        ),
        RecordRoutes(
            RecordKind.PLAN_EPISODE,
            "/api/plan-episodes",
            filters={"person_id": (fields.UUID(), by_column("person_id")(PlanEpisode))},
            order_by=("started_on",),
        ),
        RecordRoutes(
            RecordKind.CHRONOLOGY_ENTRY, "/api/chronology-entries", order_by=("occurred_on",)
        ),
        # Each save of the story so far is a new version: never changed, never deleted.
        RecordRoutes(RecordKind.CASE_SUMMARY, "/api/case-summaries", updatable=False),
        RecordRoutes(
            RecordKind.STRATEGY_DISCUSSION,
            "/api/strategy-discussions",
            filters={
                "decision": (
                    fields.String(validate=validate.Length(max=30)),
                    by_column("decision")(StrategyDiscussion),
                )
            },
            order_by=("discussed_at",),
        ),
        RecordRoutes(
            RecordKind.REFERRAL,
            "/api/referrals",
            filters={"person_id": (fields.UUID(), by_column("person_id")(Referral))},
            order_by=("referred_on",),
        ),
        RecordRoutes(
            RecordKind.FAMILY_COPY,
            "/api/family-copies",
            filters={"note_id": (fields.UUID(), by_column("note_id")(FamilyCopy))},
        ),
        # The description of a file, made once; its bytes: server/api/attachments.py.
        RecordRoutes(
            RecordKind.ATTACHMENT,
            "/api/attachments",
            filters={"parent_id": (fields.UUID(), by_column("parent_id")(Attachment))},
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
            current_user(),
            record_id,
            data["worker_id"],
            data["change_reason"],
            data["handover_note"],
            data["role"],
        )
        return assignment
