"""Subject access: gather every record about one person into a bundle to redact before release.

The rule for which records concern a person is in ``docs/security.md``
("Subject access"); the tests in ``tests/api/test_subject_access.py`` hold it.
Nothing here checks roles: the API allows admins only. The bundle is made by
a job, named by its path (``PRODUCE_BUNDLE``) and queued after the commit.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import render_template

from .. import clock, i18n
from ..audit import Actor, AuditAction, record_event
from ..domain.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    RuleBroken,
    field_errors,
    translatable,
)
from ..domain.exports import (
    ExportStatus,
    check_request_received,
    mentions,
    name_pattern,
    names_person,
    subject_access_deadline,
)
from ..domain.roles import Action, can
from ..extensions import Model, db
from ..jobs.queue import enqueue_after_commit
from ..persistence import (
    Amendment,
    Assignment,
    Attachment,
    AuditEvent,
    CaseSummary,
    Checklist,
    ChecklistItem,
    ChronologyEntry,
    Conference,
    Family,
    FamilyCopy,
    Interaction,
    Judgment,
    Membership,
    Note,
    Person,
    PlanAction,
    PlanEpisode,
    RecordHistory,
    Referral,
    Relationship,
    Review,
    StrategyDiscussion,
    SubjectAccessExport,
    SupervisionDiscussion,
    User,
)
from ..persistence.case import CaseRecord, family_column
from ..persistence.pages import Page, page_of
from . import attachments
from .subject_access_index import build_index

# The job that makes the bundle, named so this layer never imports jobs.
PRODUCE_BUNDLE = "server.jobs.subject_access.produce_subject_access_export"

# The text fields searched for the person's names, by kind.
JUDGMENT_TEXT = (
    "question",
    "options",
    "decision",
    "rationale",
    "risks",
    "consulted",
    "disagreed",
    "family_view",
    "child_view",
    "decision_reason",
    "review_outcome",
)
CONFERENCE_TEXT = ("referral", "child_advocate", "invited", "attending", "outcome")
PLAN_ACTION_TEXT = ("task", "who", "checked_by")
# Columns that name a member of staff, so the bundle can say who they were.
STAFF_COLUMNS = (
    "created_by_id",
    "updated_by_id",
    "worker_id",
    "coordinator_id",
    "decided_by_id",
    "addressed_to_id",
    "changed_by_id",
    "user_id",
)
# The order of the files in the bundle and the sections of its index.
CASE_KINDS = (
    "person",
    "membership",
    "plan_episode",
    "referral",
    "family",
    "relationship",
    "assignment",
    "interaction",
    "note",
    "judgment",
    "checklist",
    "checklist_item",
    "review",
    "amendment",
    "conference",
    "plan_action",
    "supervision_discussion",
    "chronology_entry",
    "case_summary",
    "strategy_discussion",
    "family_copy",
    "attachment",
)
KINDS = (*CASE_KINDS, "record_history", "audit_event", "staff")
RULE = translatable(
    "The person's own record; their memberships and the families they belong to; "
    "their plan episodes (a child's plans, without any confidential placement address); "
    "referrals about them as a child, with the assessment that followed each; "
    "relationships from or to them; the workers assigned to those families; interactions "
    "they took part in; notes, judgments and checklists linked to those interactions or "
    "whose text mentions their given name or the name they are known by; the items of "
    "those checklists; supervision reviews of included notes and judgments or that mention "
    "them; amendments of any included record or that mention them (with the record they "
    "amend); family group conferences that invite them, record them attending or mention "
    "them, and every conference of a family where they are a child; plan actions of included "
    "conferences or that mention them; group supervision discussions of their families that "
    "produced an included judgment or whose questions, answers or actions mention them; "
    "chronology entries of their families about them, about the whole family of a child, "
    "or that mention them; every version of the story so far of a family where they are a "
    "child, and any version that mentions them; "
    "strategy discussions about them as a child, or whose information shared mentions them; "
    "family copies drafted from an included note, made for a household they live in, or "
    "that mention them; "
    "photos and documents attached to them or to an included note, contact, decision or "
    "conference, or whose caption mentions them, with the files themselves; "
    "deleted records too; the change history of every "
    "included record; the audit events of every included record, and the list events of "
    "their families."
)


def request_export(
    actor: Actor, person_id: uuid.UUID, received_on: date | None = None
) -> SubjectAccessExport:
    """Record and audit a subject access export for one person, and queue the job that makes it.

    ``received_on`` is the day the council received the request (today if not
    given): the statutory month to respond runs from it.
    """
    admin = _admin(actor)
    received_on = received_on or clock.today()
    check_request_received(received_on, clock.today())
    if db.session.get(Person, person_id) is None:
        raise InvalidInput(errors=field_errors(person_id=translatable("No person has this id.")))
    export = SubjectAccessExport(
        person_id=person_id, requested_by_id=admin.id, received_on=received_on
    )
    db.session.add(export)
    db.session.flush()
    record_event(
        AuditAction.EXPORT,
        "subject_access",
        record_id=person_id,
        detail={"export_id": str(export.id), "requested": True},
        actor=actor,
    )
    enqueue_after_commit(PRODUCE_BUNDLE, str(export.id))
    db.session.flush()
    return export


SEARCH_LIMIT = 20


def _admin(actor: Actor) -> User:
    # Managing the service's users is the admin's role; analysts and practice roles may not.
    if not can(actor.user.role, Action.MANAGE_USERS):
        raise Forbidden()
    return actor.user


def search_people(actor: Actor, text: str) -> list[dict[str, Any]]:
    """Find people by name to export (admins): the first matches, each with how many families.

    The search is audited by its count; the text is never logged.
    """
    _admin(actor)
    families = (
        sa.select(sa.func.count(Membership.id))
        .where(Membership.person_id == Person.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Person, families)
        .where(
            sa.or_(
                (Person.given_name + " " + Person.family_name).icontains(text, autoescape=True),
                Person.known_as.icontains(text, autoescape=True),
            )
        )
        .order_by(Person.family_name, Person.given_name, Person.id)
        .limit(SEARCH_LIMIT)
    ).all()
    record_event(
        AuditAction.LIST,
        "person",
        detail={"subject_access_search": True, "count": len(rows)},
        actor=actor,
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


def exports_of(actor: Actor, page: int, page_size: int) -> Page[Any]:
    """Return one page of the exports this admin asked for, newest first."""
    admin = _admin(actor)
    query = (
        sa.select(SubjectAccessExport)
        .where(SubjectAccessExport.requested_by_id == admin.id)
        .order_by(SubjectAccessExport.created_at.desc(), SubjectAccessExport.id)
    )
    return page_of(query, page, page_size)


def own_export(actor: Actor, export_id: uuid.UUID) -> SubjectAccessExport:
    """Return one export: only the admin who asked may see it (another's is "not found")."""
    admin = _admin(actor)
    export = db.session.get(SubjectAccessExport, export_id)
    if export is None or export.requested_by_id != admin.id:
        raise NotFound()
    return export


def download(actor: Actor, export_id: uuid.UUID) -> SubjectAccessExport:
    """Return an export whose bundle is ready to download, and audit the download."""
    export = own_export(actor, export_id)
    if export.status != ExportStatus.DONE:
        raise RuleBroken(translatable("The bundle is not ready yet."))
    if export.bundle is None:
        raise RuleBroken(translatable("The bundle has been cleared. Request a new export."))
    record_event(
        AuditAction.EXPORT,
        "subject_access",
        record_id=export.person_id,
        detail={"export_id": str(export.id), "downloaded": True},
        actor=actor,
    )
    return export


def received_on(export: SubjectAccessExport) -> date:
    """Return the day the request was received (for an old export, the day it was asked for)."""
    return export.received_on or clock.council_date(export.created_at)


def respond_by(export: SubjectAccessExport) -> date:
    """Return the statutory deadline: one calendar month from the day the request was received."""
    return subject_access_deadline(received_on(export))


def person_name(person: Person) -> str:
    """Return a person's full name as the bundle and the admin's list show it."""
    return f"{person.given_name} {person.family_name}".strip()


@dataclass
class SubjectRecords:
    """Every record about one person, by kind, in the order they were made."""

    person: Person
    records: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, kind: str, rows: Iterable[Any]) -> None:
        known = {row.id for row in self.records.setdefault(kind, [])}
        self.records[kind].extend(row for row in rows if row.id not in known)

    def ids(self, *kinds: str) -> set[uuid.UUID]:
        return {row.id for kind in kinds for row in self.records.get(kind, [])}

    def counts(self) -> dict[str, int]:
        return {kind: len(self.records.get(kind, [])) for kind in KINDS}


def _all(query: sa.Select[Any]) -> list[Any]:
    return list(db.session.scalars(query))


def _of_families(model: type[CaseRecord], family_ids: set[uuid.UUID]) -> list[Any]:
    return _all(
        sa.select(model).where(family_column(model).in_(family_ids)).order_by(model.created_at)
    )


def _in(model: type[Model], column: str, ids: set[uuid.UUID]) -> list[Any]:
    if not ids:
        return []
    return _all(sa.select(model).where(getattr(model, column).in_(ids)))


def collect(person_id: uuid.UUID) -> SubjectRecords:
    """Gather every record that concerns the person, by the rule in ``RULE``."""
    person = db.session.get(Person, person_id)
    if person is None:
        raise LookupError(person_id)
    found = SubjectRecords(person, {"person": [person]})
    subject = str(person.id)
    pattern = name_pattern([person.given_name, person.known_as])

    memberships = _in(Membership, "person_id", {person.id})
    found.add("membership", memberships)
    family_ids = {membership.family_id for membership in memberships}
    found.add("family", _in(Family, "id", family_ids))
    found.add("plan_episode", _in(PlanEpisode, "person_id", {person.id}))
    # A referral is about one child and holds only dates and codes: only the subject's.
    found.add("referral", _in(Referral, "person_id", {person.id}))
    found.add(
        "relationship",
        _all(
            sa.select(Relationship).where(
                sa.or_(
                    Relationship.from_person_id == person.id,
                    Relationship.to_person_id == person.id,
                )
            )
        ),
    )
    found.add("assignment", _of_families(Assignment, family_ids))
    found.add(
        "interaction",
        (
            interaction
            for interaction in _of_families(Interaction, family_ids)
            if names_person(interaction.participants, subject)
        ),
    )
    interaction_ids = found.ids("interaction")
    found.add(
        "note",
        (
            note
            for note in _of_families(Note, family_ids)
            if note.interaction_id in interaction_ids or mentions(pattern, note.sections)
        ),
    )
    found.add(
        "judgment",
        (
            judgment
            for judgment in _of_families(Judgment, family_ids)
            if judgment.interaction_id in interaction_ids
            or mentions(pattern, [getattr(judgment, name) for name in JUDGMENT_TEXT])
        ),
    )
    found.add(
        "checklist",
        (c for c in _of_families(Checklist, family_ids) if c.interaction_id in interaction_ids),
    )
    found.add("checklist_item", _in(ChecklistItem, "checklist_id", found.ids("checklist")))
    note_or_judgment = found.ids("note", "judgment")
    found.add(
        "review",
        (
            review
            for review in _of_families(Review, family_ids)
            if review.target_id in note_or_judgment or mentions(pattern, review.body)
        ),
    )
    included_notes = found.ids("note")
    found.add(
        "family_copy",
        (
            copy
            for copy in _of_families(FamilyCopy, family_ids)
            if copy.note_id in included_notes
            or subject in copy.household_ids
            or mentions(pattern, copy.sections)
        ),
    )
    found.add(
        "strategy_discussion",
        (
            discussion
            for discussion in _of_families(StrategyDiscussion, family_ids)
            if subject in discussion.child_ids or mentions(pattern, discussion.information_shared)
        ),
    )
    _add_amendments(found, family_ids, pattern)
    child_of = {m.family_id for m in memberships if person.is_child}
    found.add(
        "conference",
        (
            conference
            for conference in _of_families(Conference, family_ids)
            if conference.family_id in child_of
            or names_person([conference.invited, conference.attending], subject)
            or mentions(pattern, [getattr(conference, name) for name in CONFERENCE_TEXT])
        ),
    )
    conference_ids = found.ids("conference")
    found.add(
        "plan_action",
        (
            action
            for action in _of_families(PlanAction, family_ids)
            if action.conference_id in conference_ids
            or mentions(pattern, [getattr(action, name) for name in PLAN_ACTION_TEXT])
        ),
    )
    decided = {judgment.supervision_discussion_id for judgment in found.records.get("judgment", [])}
    found.add(
        "supervision_discussion",
        (
            discussion
            for discussion in _of_families(SupervisionDiscussion, family_ids)
            if discussion.id in decided
            or mentions(pattern, [discussion.questions, discussion.actions])
        ),
    )
    record_ids = found.ids(*CASE_KINDS)
    found.add(
        "record_history",
        _all(
            sa.select(RecordHistory)
            .where(RecordHistory.record_id.in_(record_ids))
            .order_by(RecordHistory.id)
        ),
    )
    found.add(
        "audit_event",
        _all(
            sa.select(AuditEvent)
            .where(
                sa.or_(
                    AuditEvent.record_id.in_(record_ids),
                    sa.and_(AuditEvent.family_id.in_(family_ids), AuditEvent.action == "list"),
                )
            )
            .order_by(AuditEvent.id)
        ),
    )
    subject_id = str(person.id)
    found.add(
        "chronology_entry",
        (
            entry
            for entry in _of_families(ChronologyEntry, family_ids)
            if subject_id in (entry.child_ids or [])
            or (not entry.child_ids and entry.family_id in child_of)
            or mentions(pattern, [entry.event, entry.source, entry.impact])
        ),
    )
    found.add(
        "case_summary",
        (
            version
            for version in _of_families(CaseSummary, family_ids)
            if version.family_id in child_of or mentions(pattern, version.sections)
        ),
    )
    _add_attachments(found, family_ids, pattern)
    found.add("staff", _in(User, "id", _staff_ids(found)))
    return found


# The kinds of record an attachment's parent_kind names, as the bundle holds them.
ATTACHED_TO = {
    "note": "note",
    "visit": "interaction",
    "judgment": "judgment",
    "conference": "conference",
    "person": "person",
}


def _add_attachments(found: SubjectRecords, family_ids: set[uuid.UUID], pattern: Any) -> None:
    """Add attachments of the person or of their included records, or that mention them."""
    found.add(
        "attachment",
        (
            attachment
            for attachment in _of_families(Attachment, family_ids)
            if attachment.parent_id in found.ids(ATTACHED_TO[attachment.parent_kind])
            or mentions(pattern, attachment.caption)
        ),
    )


def _add_amendments(found: SubjectRecords, family_ids: set[uuid.UUID], pattern: Any) -> None:
    """Add amendments of included records, and those that mention the person with their target."""
    included = found.ids("note", "judgment", "review", "plan_episode", "strategy_discussion")
    amendments = [
        amendment
        for amendment in _of_families(Amendment, family_ids)
        if amendment.target_id in included
        or mentions(pattern, [amendment.reason, amendment.changes])
    ]
    found.add("amendment", amendments)
    targets: dict[str, type[CaseRecord]] = {
        "note": Note,
        "judgment": Judgment,
        "review": Review,
        "plan_episode": PlanEpisode,
        "strategy_discussion": StrategyDiscussion,
    }
    for amendment in amendments:
        model = targets.get(amendment.target_kind)
        if model is not None and amendment.target_id not in included:
            found.add(amendment.target_kind, _in(model, "id", {amendment.target_id}))


def _staff_ids(found: SubjectRecords) -> set[uuid.UUID]:
    ids: set[uuid.UUID] = set()
    for kind, rows in found.records.items():
        if kind == "staff":
            continue
        for row in rows:
            for column in STAFF_COLUMNS:
                value = getattr(row, column, None)
                if isinstance(value, uuid.UUID):
                    ids.add(value)
    return ids


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


STAFF_FIELDS = ("id", "username", "display_name", "role", "team_id")


def as_dict(kind: str, row: Any) -> dict[str, Any]:
    """Return every column of a row as JSON types (staff: who they are, never credentials)."""
    names: Sequence[str] = (
        STAFF_FIELDS if kind == "staff" else [column.key for column in row.__table__.columns]
    )
    return {name: _jsonable(getattr(row, name)) for name in names}


def bundle(found: SubjectRecords, export: SubjectAccessExport, requester: User | None) -> bytes:
    """Return the zip: a readable index to redact from, and beside it JSON files for tools.

    One JSON file per kind of record, with every column as stored (ids, codes
    and ISO times), and a manifest; the index says the same in words.
    """
    generated = clock.now()
    tables = {kind: [as_dict(kind, row) for row in found.records.get(kind, [])] for kind in KINDS}
    received, deadline = received_on(export), respond_by(export)
    manifest = {
        "export_id": str(export.id),
        "person_id": str(found.person.id),
        "person_name": person_name(found.person),
        "received_on": received.isoformat(),
        "respond_by": deadline.isoformat(),
        "generated_at": generated.isoformat(),
        "requested_by": requester.username if requester else str(export.requested_by_id),
        "rule": RULE,
        "files": {f"{kind}.json": len(rows) for kind, rows in tables.items()},
    }
    # The index is in the language of the admin who asked: the bundle has no
    # language of its own. The JSON files and the manifest stay as stored.
    with i18n.in_language(requester.language if requester else None):
        index = render_template(
            "subject_access_index.html",
            index=build_index(found.records, found.person, CASE_KINDS),
            language=i18n.current_language(),
            rule=i18n.say(RULE),
            made=i18n.date_and_time(generated),
            received=i18n.long_date(received),
            respond_by=i18n.long_date(deadline),
            requester=(
                f"{requester.display_name} ({requester.username})"
                if requester
                else i18n.say(translatable("An administrator no longer on the system"))
            ),
            export_id=str(export.id),
            born=(
                i18n.long_date(found.person.date_of_birth) if found.person.date_of_birth else None
            ),
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", index)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for kind, rows in tables.items():
            archive.writestr(
                f"{kind}.json",
                json.dumps({"kind": kind, "count": len(rows), "records": rows}, indent=2),
            )
        for attachment in found.records.get("attachment", []):
            if attachment.upload_state == "stored":
                with archive.open(attachment_path(attachment), "w", force_zip64=True) as file:
                    for block in attachments.read_all(attachment):
                        file.write(block)
    return buffer.getvalue()


def attachment_path(attachment: Attachment) -> str:
    """Return where an attachment's file is in the bundle: its id, then the name it was given."""
    return f"attachments/{attachment.id}-{attachment.filename}"
