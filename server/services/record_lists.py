"""Listing and searching case records: one page, scoped to the actor, audited per family.

The API parses a list's query and hands it here with its ``Actor``: which
filters each kind takes, what a search matches and the order of a page are
decided here, with the scope of ``server.access``, so a list reads the same
from any caller.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from .. import access
from ..audit import Actor, record_list_read
from ..domain.records import RecordKind
from ..extensions import db
from ..persistence import (
    Amendment,
    Assignment,
    Attachment,
    ChecklistItem,
    Family,
    FamilyCopy,
    Judgment,
    Membership,
    Person,
    PlanEpisode,
    Referral,
    Relationship,
    Review,
    StrategyDiscussion,
    SupervisionDiscussion,
    SupervisionSession,
    User,
)
from ..persistence.case import CASE_RECORDS, CaseRecord, families_of_people, family_column
from ..persistence.pages import Page, page_of
from .case_records import family_id_of

Filter = Callable[[sa.Select[Any], Any], sa.Select[Any]]


@dataclass(frozen=True)
class ListRules:
    """How one kind of record is listed: its filters, its search and its order."""

    filters: dict[str, Filter] = field(default_factory=dict)
    order_by: tuple[str, ...] = ("created_at",)
    search: Filter | None = None


def _by(column: Any) -> Filter:
    return lambda query, value: query.where(column == value)


def _current_assignment(query: sa.Select[Any], current: bool) -> sa.Select[Any]:
    condition = Assignment.ended_on.is_(None)
    return query.where(condition if current else sa.not_(condition))


def _family_search(query: sa.Select[Any], text: str) -> sa.Select[Any]:
    return query.where(
        sa.or_(
            Family.display_name.icontains(text, autoescape=True),
            Family.local_reference.icontains(text, autoescape=True),
        )
    )


LISTS: dict[RecordKind, ListRules] = {
    RecordKind.FAMILY: ListRules(
        filters={"status": _by(Family.status)}, order_by=("updated_at",), search=_family_search
    ),
    RecordKind.ASSIGNMENT: ListRules(
        filters={"worker_id": _by(Assignment.worker_id), "current": _current_assignment},
        order_by=("started_on",),
    ),
    RecordKind.INTERACTION: ListRules(order_by=("occurred_at",)),
    RecordKind.AMENDMENT: ListRules(filters={"target_id": _by(Amendment.target_id)}),
    RecordKind.JUDGMENT: ListRules(
        filters={"supervision_discussion_id": _by(Judgment.supervision_discussion_id)}
    ),
    RecordKind.CHECKLIST_ITEM: ListRules(filters={"checklist_id": _by(ChecklistItem.checklist_id)}),
    RecordKind.REVIEW: ListRules(filters={"target_id": _by(Review.target_id)}),
    RecordKind.SUPERVISION_SESSION: ListRules(order_by=("held_at",)),
    RecordKind.SUPERVISION_DISCUSSION: ListRules(
        filters={"session_id": _by(SupervisionDiscussion.session_id)}
    ),
    RecordKind.PLAN_EPISODE: ListRules(
        filters={"person_id": _by(PlanEpisode.person_id)}, order_by=("started_on",)
    ),
    RecordKind.CHRONOLOGY_ENTRY: ListRules(order_by=("occurred_on",)),
    RecordKind.STRATEGY_DISCUSSION: ListRules(
        filters={"decision": _by(StrategyDiscussion.decision)}, order_by=("discussed_at",)
    ),
    RecordKind.REFERRAL: ListRules(
        filters={"person_id": _by(Referral.person_id)}, order_by=("referred_on",)
    ),
    RecordKind.FAMILY_COPY: ListRules(filters={"note_id": _by(FamilyCopy.note_id)}),
    RecordKind.ATTACHMENT: ListRules(filters={"parent_id": _by(Attachment.parent_id)}),
}


def rules(kind: RecordKind) -> ListRules:
    """Return how a kind is listed (the default: no filters, newest created first)."""
    return LISTS.get(kind, ListRules())


def _of_family(model: type[CaseRecord], user: User) -> Filter:
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
                    access.in_scope(SupervisionDiscussion, user),
                )
            )
        )
    column = family_column(model)
    return lambda query, value: query.where(column == value)


def _families_in_page(
    kind: RecordKind, items: list[CaseRecord], user: User
) -> list[uuid.UUID | None]:
    if kind is RecordKind.PERSON:
        links = families_of_people(item.id for item in items).subquery()
        pairs = db.session.execute(
            sa.select(links.c.person_id, links.c.family_id).where(
                links.c.family_id.in_(access.visible_family_ids(user))
            )
        ).all()
        return [family_id for _, family_id in pairs]
    return [family_id_of(item) for item in items]


def list_page(
    actor: Actor,
    kind: RecordKind,
    page: int,
    page_size: int,
    *,
    include_deleted: bool = False,
    search: str | None = None,
    filters: Mapping[str, Any] | None = None,
) -> Page[Any]:
    """Return one page of the records of a kind the actor may see, and audit it per family.

    ``filters``: ``family_id`` (every kind), and the kind's own (``rules(kind)``);
    one left as ``None`` does not filter. ``search`` is used by a searchable kind only.
    """
    model, how = CASE_RECORDS[kind], rules(kind)
    wanted = dict(filters or {})
    query = access.scoped(model, actor.user, include_deleted=include_deleted)
    family_id = wanted.pop("family_id", None)
    if family_id is not None:
        query = _of_family(model, actor.user)(query, family_id)
    for key, value in wanted.items():
        if value is not None:
            query = how.filters[key](query, value)
    if search is not None and how.search is not None:
        query = how.search(query, search)
    ordering = [getattr(model, column).desc() for column in how.order_by]
    one_page = page_of(query.order_by(*ordering, model.id), page, page_size)
    record_list_read(kind.value, _families_in_page(kind, one_page.items, actor.user), actor=actor)
    return one_page
