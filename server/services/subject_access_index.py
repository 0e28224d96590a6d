"""The subject access bundle's index: every record about the person, in words a person reads.

A data-protection officer redacts from this page before the bundle is
released, so it reads like a document, not a database: staff by name, people
and families by name, codes by their labels in the code lists
(:mod:`server.vocabularies`), dates and times in plain English (London time),
and each record under a heading, one section per kind, in the order things
happened. The JSON files beside it in the zip hold the same records for tools.

Fields are described generically, so a column added to a record later still
appears, labelled from its name: a time (``*_at``) as a date and time, a date
(``*_on``) as a date, a staff or person id as a name.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa

from ..clock import COUNCIL_ZONE
from ..domain.plain_dates import date_and_time, long_date
from ..extensions import db
from ..persistence import ChecklistTemplate, DecisionPolicy, Person, Team, User
from ..vocabularies import vocabularies

# Section headings (plural) and the name of one record, by kind.
KIND_NAMES: dict[str, tuple[str, str]] = {
    "person": ("The person", "Person"),
    "membership": ("Family memberships", "Family membership"),
    "family": ("Families", "Family"),
    "relationship": ("Relationships", "Relationship"),
    "assignment": ("Workers assigned to the family", "Worker assigned"),
    "interaction": ("Visits and other contacts", "Contact"),
    "note": ("Notes", "Note"),
    "judgment": ("Decisions (judgment log)", "Decision"),
    "checklist": ("Checklists", "Checklist"),
    "checklist_item": ("Checklist answers", "Checklist answer"),
    "review": ("Supervision comments, questions and approvals", "Supervision comment"),
    "amendment": ("Corrections", "Correction"),
    "conference": ("Family group conferences", "Family group conference"),
    "plan_action": ("Family plan actions", "Plan action"),
    "plan_episode": ("Children's plans", "Child's plan"),
    "referral": ("Referrals and the assessments after them", "Referral"),
    "strategy_discussion": ("Strategy discussions", "Strategy discussion"),
    "supervision_discussion": ("Group supervision discussions", "Group supervision discussion"),
    "chronology_entry": ("Events workers added to the chronology", "Chronology event"),
    "case_summary": ("The story so far, every version", "Version of the story so far"),
    "family_copy": ("Family copies: what we talked about and agreed", "Family copy"),
    "attachment": ("Photos and documents (the files are in the attachments folder)", "Attachment"),
    "record_history": ("Change history", "Change"),
    "audit_event": ("Who read or changed these records", "Audit event"),
    "staff": ("Staff named in this bundle", "Member of staff"),
}

# Labels of the columns whose names do not say it well enough; any other is made from its name.
FIELD_LABELS: dict[str, str] = {
    "dob_accuracy": "How exact the date of birth is",
    "disabilities": "Disability",
    "is_child": "A child",
    "local_child_id": "Local child number",
    "child_id": "Child",
    "child_ids": "Children asked about",
    "from_visit": "Filled in from the visit",
    "display_name": "Name",
    "interpreter_needed": "Needs an interpreter",
    "goals": "What matters to the family",
    "address_history": "Earlier addresses",
    "from_person_id": "From",
    "to_person_id": "To",
    "to_organisation": "To the organisation",
    "organisation_kind": "Kind of organisation",
    "type": "Relationship",
    "quality": "Quality of the relationship",
    "support_role": "Support they give",
    "account_of": "Whose account",
    "role_in_family": "Role in the family",
    "valid_from": "From",
    "valid_to": "Until",
    "started_on": "Started",
    "ended_on": "Ended",
    "change_reason": "Reason for the change",
    "occurred_at": "When it happened",
    "duration_minutes": "Length (minutes)",
    "mode": "How",
    "purpose": "What for",
    "announced": "Announced beforehand",
    "meaningful": "Meaningful contact",
    "participants": "Who was there",
    "interaction_id": "Contact",
    "sections": "What was written",
    "child_voice": "The child's voice",
    "family_view": "The family's view",
    "family_request": "What the family asked for",
    "child_view": "The child's view",
    "signed_at": "Signed (when the council received it)",
    "device_signed_at": "Signed (on the worker's device)",
    "device_written_at": "Written (on the worker's device)",
    "review_status": "Supervision",
    "target_kind": "Kind of record corrected",
    "target_id": "Record",
    "changes": "What changed",
    "category": "Kind of decision",
    "options": "Options weighed",
    "rationale": "Why",
    "consulted": "Who was consulted",
    "disagreed": "Who disagreed",
    "policy_version": "Decision policy version",
    "review_date": "Review by",
    "decided_at": "Decided",
    "decision_reason": "Reason given for the decision",
    "review_outcome": "Outcome of the review",
    "reviewed_on": "Reviewed",
    "supervision_discussion_id": "Group supervision discussion",
    "template_id": "Checklist",
    "due_on": "Due",
    "completed_on": "Completed",
    "timeliness": "On time",
    "item_key": "Item",
    "label": "Item",
    "parent_id": "In reply to",
    "review_kind": "Kind",
    "body": "What was written",
    "answers": "The worker's review of the decision",
    "addressed_to_id": "Escalated to",
    "what_happened": "What happened",
    "hindsight": "Was it right, with hindsight",
    "differently": "What the worker would do differently",
    "family_view_now": "The family's view now",
    "referrer": "Referred by",
    "referred_on": "Referred",
    "child_advocate": "Child's advocate",
    "preparation_on": "Preparation",
    "information_sharing_on": "Information sharing",
    "private_family_time_on": "Private family time",
    "plan_agreed_on": "Plan agreed",
    "review_on": "Review",
    "conference_id": "Family group conference",
    "owner_id": "Who does it",
    "created_at": "Recorded by the council",
    "created_by_id": "Recorded by",
    "updated_at": "Last changed",
    "updated_by_id": "Last changed by",
    "deleted_at": "Deleted",
    "changed_at": "When",
    "changed_by_id": "Who",
    "conflict": "Made in a conflict between two devices",
    "at": "When",
    "user_id": "Who",
    "plan_type": "Plan",
    "cp_category": "Category of the child protection plan",
    "legal_status": "Legal status",
    "placement_started_on": "Placement started",
    "placement_type": "Placement",
    "end_reason": "Why it ended",
}
# Labels that depend on the kind of record.
KIND_FIELD_LABELS: dict[tuple[str, str], str] = {
    ("review", "target_kind"): "Kind of record",
    ("review", "target_id"): "On the record",
    ("amendment", "target_id"): "Record corrected",
    ("assignment", "role"): "Role",
    ("membership", "valid_from"): "Member from",
    ("membership", "valid_to"): "Member until",
    ("plan_episode", "started_on"): "Plan started",
    ("plan_episode", "ended_on"): "Plan ended",
    ("referral", "referred_on"): "Referred",
    ("referral", "source"): "Who made the referral",
    ("referral", "primary_need"): "Primary need",
    ("referral", "assessment_factors"): "Factors identified at assessment",
    ("strategy_discussion", "s47_started_on"): "Section 47 enquiry started",
    ("strategy_discussion", "icpc_due_on"): "Initial child protection conference due",
    ("strategy_discussion", "icpc_held_on"): "Initial child protection conference held",
}
# Columns whose value is a code from one of the council's code lists, by kind (None: any kind).
CODE_LISTS: dict[tuple[str | None, str], str] = {
    ("person", "ethnicity"): "ethnicity",
    ("person", "disabilities"): "disability",
    ("person", "sex"): "sex",
    ("person", "dob_accuracy"): "dob_accuracy",
    ("person", "primary_need"): "primary_need",
    ("membership", "role_in_family"): "relationship_type",
    ("relationship", "type"): "relationship_type",
    ("relationship", "quality"): "relationship_quality",
    ("relationship", "organisation_kind"): "organisation_kind",
    ("assignment", "role"): "assignment_role",
    ("assignment", "change_reason"): "handover_reason",
    ("interaction", "mode"): "interaction_mode",
    ("interaction", "purpose"): "interaction_purpose",
    ("checklist", "purpose"): "interaction_purpose",
    ("plan_episode", "plan_type"): "plan_type",
    ("plan_episode", "cp_category"): "cp_category",
    ("plan_episode", "legal_status"): "legal_status",
    ("plan_episode", "placement_type"): "placement_type",
    ("plan_episode", "end_reason"): "plan_end_reason",
    ("strategy_discussion", "decision"): "strategy_decision",
    ("referral", "source"): "cin_referral_source",
    ("referral", "primary_need"): "cin_primary_need",
    ("referral", "assessment_factors"): "cin_assessment_factor",
    (None, "agency"): "strategy_agency",  # who took part in a strategy discussion
    (None, "role"): "relationship_type",  # people invited to a conference, by their relation
}
# Codes of the app's own (states, kinds) that read oddly when only capitalised.
CODE_WORDS: dict[str, str] = {
    "na": "Not applicable",
    "not_met": "Not met",
    "not_yet_due": "Not yet due",
    "met": "Met on time",
    "late": "Late",
}
# Columns holding one of the app's own codes (a state, a kind), shown in words.
APP_CODES = frozenset(
    {
        "state",
        "status",
        "review_status",
        "review_kind",
        "hindsight",
        "timeliness",
        "answer",
        "from_visit",
        "light",
        "account_of",
    }
)
# Columns pointing at another record: a link when it is in the bundle.
RECORD_KEYS = frozenset(
    {
        "interaction_id",
        "checklist_id",
        "conference_id",
        "target_id",
        "parent_id",
        "supervision_discussion_id",
        "session_id",
        "record_id",
    }
)
# Columns shown only as the record's reference, or not at all.
NOT_SHOWN = frozenset({"id", "version", "item_key"})
# Staff columns: a user's id, shown as their name.
STAFF_KEYS = re.compile(r"(^|_)(by|worker|coordinator|owner|user|facilitator|to)_id$")
PERSON_KEYS = re.compile(r"(^|_)(person|child)_ids?$")
# When each kind of record happened, first one found; any record falls back to when it
# was written or signed on the device, then when the council recorded it.
WHEN: dict[str, tuple[str, ...]] = {
    "interaction": ("occurred_at",),
    "assignment": ("started_on",),
    "membership": ("valid_from",),
    "relationship": ("valid_from",),
    "conference": ("referred_on",),
    "checklist": ("completed_on", "due_on"),
    "plan_episode": ("started_on",),
    "referral": ("referred_on",),
    "chronology_entry": ("occurred_on",),
    "strategy_discussion": ("discussed_at",),
    "record_history": ("changed_at",),
    "audit_event": ("at",),
}
WHEN_FALLBACK = ("device_signed_at", "device_written_at", "signed_at", "created_at")
AUDIT_ACTIONS = {
    "read": "Read",
    "list": "Listed",
    "create": "Made",
    "update": "Changed",
    "delete": "Deleted",
    "sign": "Signed",
    "amend": "Corrected",
    "export": "Exported",
    "sync": "Synced to a device",
}
# Kinds of many short records, shown as a table (these columns) rather than under headings,
# and left out of the timeline: a checklist's answers belong to the checklist.
TABLE_KINDS: dict[str, tuple[str, ...]] = {
    "checklist_item": ("checklist_id", "label", "child_id", "answer", "reason"),
}
TABLE_LABELS = {
    "checklist_id": "Checklist",
    "label": "Item",
    "child_id": "Child",
    "answer": "Answer",
    "reason": "Why",
}
# The audit trail of a record goes after what it says.
TRAIL = ("created_at", "created_by_id", "updated_at", "updated_by_id", "deleted_at")


# --- what the template draws -----------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Words, kept as written (line breaks too)."""

    text: str
    kind: str = "text"


@dataclass(frozen=True)
class Link:
    """A pointer to another record in this page."""

    text: str
    href: str
    kind: str = "link"


@dataclass(frozen=True)
class Items:
    """A list of values."""

    values: list[Any]
    kind: str = "items"


@dataclass(frozen=True)
class Pairs:
    """Labelled values: a record's fields, or one entry of a list."""

    fields: list[tuple[str, Any]]
    kind: str = "pairs"


@dataclass
class Entry:
    """One record under its heading."""

    anchor: str
    title: str
    when: datetime | None
    when_text: str
    fields: list[tuple[str, Any]]
    reference: str


@dataclass
class Section:
    """One kind of record: each under its own heading, or, for a kind of many short
    records (``TABLE_KINDS``), one row each in a table."""

    kind: str
    anchor: str
    title: str
    file: str
    entries: list[Entry] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class LogRow:
    """One line of the change history or of the audit log."""

    when_text: str
    who: str
    what: str
    record: Any
    detail: list[Any]


@dataclass
class StaffRow:
    name: str
    username: str
    role: str
    team: str


# --- wording ---------------------------------------------------------------------------------


def humanise(name: str, kind: str | None = None) -> str:
    """Return a column's label: its own, or its name in words ("device_received_at")."""
    own = KIND_FIELD_LABELS.get((kind or "", name))
    if own:
        return own
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    words = re.sub(r"_id$", "", name).replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def code_words(code: str) -> str:
    """Return an app code in words: "awaiting_approval" as "Awaiting approval"."""
    if code in CODE_WORDS:
        return CODE_WORDS[code]
    words = code.replace("_", " ")
    return words[:1].upper() + words[1:]


def _as_moment(value: Any) -> datetime | None:
    """Return a value as a moment, whether a datetime, a date (its London midnight) or ISO text."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=COUNCIL_ZONE)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=COUNCIL_ZONE)
    return None


def _time_words(key: str, value: Any) -> str | None:
    """Return a date or time in words, if the value is one (or ISO text under a date's name)."""
    if isinstance(value, datetime):
        return date_and_time(value)
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, str) and (key.endswith(("_at", "_on", "_date")) or key == "at"):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return long_date(date.fromisoformat(value))
        moment = _as_moment(value)
        if moment is not None:
            return date_and_time(moment)
    return None


@dataclass
class Names:
    """Who and what the ids in the records stand for."""

    staff: dict[str, User]
    people: dict[str, str]
    families: dict[str, str]
    teams: dict[str, str]
    templates: dict[str, str]
    categories: dict[tuple[int, str], str]
    subject: str
    records: dict[str, Link] = field(default_factory=dict)

    def staff_name(self, user_id: Any) -> str:
        user = self.staff.get(str(user_id))
        if user is None:
            return "A member of staff not in this bundle"
        return f"{user.display_name} ({code_words(user.role).lower()})"

    def person_name(self, person_id: Any) -> str:
        name = self.people.get(str(person_id))
        if name is None:
            return "Someone not named in the records"
        return name if str(person_id) == self.subject else f"{name} (another person)"


def describe(kind: str, key: str, value: Any, names: Names) -> Any:
    """Return a value as the page shows it, or None when there is nothing to show."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return Text("Yes" if value else "No")
    words = _time_words(key, value)
    if words is not None:
        return Text(words)
    if isinstance(value, uuid.UUID) or (
        isinstance(value, str) and key.endswith(("_id", "_ids")) and _is_uuid(value)
    ):
        return _reference(kind, key, str(value), names)
    if isinstance(value, Mapping):
        pairs = _pairs(kind, value, names)
        return Pairs(pairs) if pairs else None
    if isinstance(value, list | tuple):
        shown = [describe(kind, key, item, names) for item in value]
        shown = [item for item in shown if item is not None]
        return Items(shown) if shown else None
    if isinstance(value, str):
        return Text(_code_label(kind, key, value) or value)
    return Text(f"{value:,}" if isinstance(value, int) and key != "policy_version" else str(value))


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _code_label(kind: str, key: str, code: str) -> str | None:
    """Return a code's label: from the council's code lists, or the app's own codes in words."""
    lists = vocabularies()
    name = CODE_LISTS.get((kind, key)) or CODE_LISTS.get((None, key))
    if name and code in lists.get(name, {}):
        return lists[name][code]
    if key == "target_kind":
        return KIND_NAMES.get(code, (code, code_words(code)))[1]
    if key in APP_CODES:
        return code_words(code)
    return None


def _reference(kind: str, key: str, value: str, names: Names) -> Any:
    """Return an id as what it stands for: a name, or a link to the record on this page."""
    if STAFF_KEYS.search(key):
        return Text(names.staff_name(value))
    if PERSON_KEYS.search(key):
        return Text(names.person_name(value))
    if key == "family_id":
        return Text(names.families.get(value, "A family not in this bundle"))
    if key == "team_id":
        return Text(names.teams.get(value, "A team"))
    if key == "template_id":
        return Text(names.templates.get(value, "A checklist template"))
    if value in names.records:
        return names.records[value]
    if key == "session_id":
        # A session's own record names the team's families, so it stays out of the bundle.
        return Text("A group supervision session of the team (its record is not in this bundle)")
    if key in RECORD_KEYS:
        return Text(f"A record not in this bundle (reference {value})")
    return Text(value)


def _pairs(kind: str, values: Mapping[str, Any], names: Names) -> list[tuple[str, Any]]:
    shown = []
    for key, value in values.items():
        if key in NOT_SHOWN:
            continue
        described = describe(kind, key, value, names)
        if described is not None:
            shown.append((humanise(key), described))
    return shown


def plain_text(value: Any) -> str:
    """Return a described value as one line of text (for a table cell)."""
    if value is None:
        return "nothing"
    if isinstance(value, Text | Link):
        return value.text
    if isinstance(value, Items):
        return "; ".join(plain_text(item) for item in value.values)
    if isinstance(value, Pairs):
        return "; ".join(f"{label}: {plain_text(item)}" for label, item in value.fields)
    return str(value)


# --- records ---------------------------------------------------------------------------------


def when(kind: str, row: Any) -> datetime | None:
    """Return when a record happened, for ordering and its heading."""
    for name in (*WHEN.get(kind, ()), *WHEN_FALLBACK):
        moment = _as_moment(getattr(row, name, None))
        if moment is not None:
            return moment
    return None


def _when_text(moment: datetime | None, row: Any, kind: str) -> str:
    if moment is None:
        return "date not recorded"
    names = (*WHEN.get(kind, ()), *WHEN_FALLBACK)
    first = next(name for name in names if getattr(row, name, None) is not None)
    value = getattr(row, first)
    return long_date(value) if not isinstance(value, datetime) else date_and_time(value)


def _title(kind: str, row: Any, names: Names) -> str:
    """Return a record's heading: what it is, in a few words."""
    lists = vocabularies()
    single = KIND_NAMES.get(kind, (None, code_words(kind)))[1]
    if kind == "person":
        return f"{row.given_name} {row.family_name}"
    if kind == "family":
        return row.display_name
    if kind == "membership":
        return f"{names.person_name(row.person_id)} in {names.families.get(str(row.family_id))}"
    if kind == "relationship":
        to = names.person_name(row.to_person_id) if row.to_person_id else row.to_organisation
        label = lists["relationship_type"].get(row.type, code_words(row.type))
        return f"{names.person_name(row.from_person_id)} and {to}: {label}"
    if kind == "assignment":
        role = lists["assignment_role"].get(row.role, code_words(row.role))
        return f"{names.staff_name(row.worker_id)}, {role.lower()}"
    if kind == "interaction":
        mode = lists["interaction_mode"].get(row.mode, code_words(row.mode))
        purpose = lists["interaction_purpose"].get(row.purpose, code_words(row.purpose))
        return f"{mode}: {purpose.lower()}"
    if kind == "judgment":
        category = names.categories.get((row.policy_version, row.category))
        return f"Decision: {category or code_words(row.category)}"
    if kind == "checklist":
        return f"Checklist: {names.templates.get(str(row.template_id), 'checklist')}"
    if kind == "checklist_item":
        return f"Checklist answer: {row.label}"
    if kind == "review":
        return f"Supervision {code_words(row.review_kind).lower()}"
    if kind == "referral":
        source = lists["cin_referral_source"].get(row.source, code_words(row.source))
        return f"Referral: {source}"
    if kind == "amendment":
        target = KIND_NAMES.get(row.target_kind, ("", code_words(row.target_kind)))[1]
        return f"Correction of a {target.lower()}"
    return single


def record_fields(kind: str, row: Any, names: Names) -> list[tuple[str, Any]]:
    """Return a record's fields, labelled and in words; any column, including one added later.

    Who recorded and last changed it, and when, come last, each on one line.
    """
    columns = [column.key for column in row.__table__.columns]
    shown = []
    for name in columns:
        if name in NOT_SHOWN or name in TRAIL:
            continue
        if name == "family_id" and len(names.families) == 1:
            continue  # one family in the bundle: its name on every record says nothing
        value = getattr(row, name)
        if kind == "judgment" and name == "category" and value is not None:
            value = names.categories.get((row.policy_version, value), value)
        described = describe(kind, name, value, names)
        if described is not None:
            shown.append((humanise(name, kind), described))
    return shown + _trail(row, columns, names)


def _trail(row: Any, columns: Sequence[str], names: Names) -> list[tuple[str, Any]]:
    """Return when the record was recorded and last changed, and by whom, and any deletion."""

    def when_and_who(at: str, by: str) -> Text | None:
        moment = getattr(row, at, None) if at in columns else None
        who = getattr(row, by, None) if by in columns else None
        if moment is None and who is None:
            return None
        parts = []
        if moment is not None:
            parts.append(_time_words(at, moment) or str(moment))
        if who is not None:
            parts.append(f"by {names.staff_name(who)}")
        return Text(", ".join(parts))

    trail: list[tuple[str, Any]] = []
    recorded = when_and_who("created_at", "created_by_id")
    if recorded is not None:
        trail.append((FIELD_LABELS["created_at"], recorded))
    changed = when_and_who("updated_at", "updated_by_id")
    if changed is not None and (recorded is None or changed.text != recorded.text):
        trail.append((FIELD_LABELS["updated_at"], changed))
    deleted = describe("", "deleted_at", getattr(row, "deleted_at", None), names)
    if deleted is not None:
        trail.append((FIELD_LABELS["deleted_at"], deleted))
    return trail


EARLIEST = datetime.min.replace(tzinfo=COUNCIL_ZONE)


def _in_order(moment: datetime | None) -> tuple[bool, datetime]:
    """Sort key: earliest first, records with no date last."""
    return (moment is None, moment or EARLIEST)


def _anchor(kind: str, record_id: Any) -> str:
    return f"{kind}-{record_id}"


# --- the index -------------------------------------------------------------------------------


@dataclass
class Index:
    """Everything the index template draws."""

    subject: str
    sections: list[Section]
    timeline: list[Entry]
    history: list[LogRow]
    audit: list[LogRow]
    staff: list[StaffRow]
    counts: list[tuple[str, str, str, int]]  # (anchor, title, file, count)


def _lookups(records: Mapping[str, Sequence[Any]], person: Person) -> Names:
    person_ids: set[str] = set()
    template_ids: set[uuid.UUID] = set()
    team_ids: set[uuid.UUID] = set()

    def gather(key: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for inner_key, inner in value.items():
                gather(inner_key, inner)
        elif isinstance(value, list | tuple):
            for item in value:
                gather(key, item)
        elif value is not None and PERSON_KEYS.search(key):
            person_ids.add(str(value))

    for rows in records.values():
        for row in rows:
            for column in row.__table__.columns:
                value = getattr(row, column.key)
                gather(column.key, value)
                if column.key == "template_id" and value is not None:
                    template_ids.add(value)
                if column.key == "team_id" and value is not None:
                    team_ids.add(value)
    people = {str(person.id): f"{person.given_name} {person.family_name}"}
    wanted = [uuid.UUID(text) for text in person_ids - set(people) if _is_uuid(text)]
    if wanted:
        for other in db.session.scalars(sa.select(Person).where(Person.id.in_(wanted))):
            people[str(other.id)] = f"{other.given_name} {other.family_name}"
    templates = {
        str(template.id): template.name
        for template in db.session.scalars(
            sa.select(ChecklistTemplate).where(ChecklistTemplate.id.in_(template_ids))
        )
    }
    teams = {
        str(team.id): team.name
        for team in db.session.scalars(sa.select(Team).where(Team.id.in_(team_ids)))
    }
    categories = {
        (policy.version, category["key"]): category["label"]
        for policy in db.session.scalars(sa.select(DecisionPolicy))
        for category in policy.categories
    }
    staff = {str(user.id): user for user in records.get("staff", [])}
    families = {str(family.id): family.display_name for family in records.get("family", [])}
    return Names(staff, people, families, teams, templates, categories, str(person.id))


def _table_rows(
    kind: str,
    rows: Sequence[Any],
    names: Names,
    headed: Mapping[str, Sequence[tuple[Any, str, str, datetime | None]]],
) -> list[list[Any]]:
    """Return a table kind's records as rows, in the order of the record each belongs to."""
    columns = TABLE_KINDS[kind]
    parent = columns[0]
    parent_kind = parent.removesuffix("_id")
    order = {
        str(item[0].id): position
        for position, item in enumerate(
            sorted(headed.get(parent_kind, []), key=lambda item: _in_order(item[3]))
        )
    }
    ordered = sorted(
        rows, key=lambda row: (order.get(str(getattr(row, parent)), len(order)), row.created_at)
    )
    unknown = Text("Not recorded")
    return [
        [describe(kind, name, getattr(row, name), names) or unknown for name in columns]
        for row in ordered
    ]


def _log_record(entity: str, record_id: Any, names: Names) -> Any:
    if record_id is None:
        return Text(KIND_NAMES.get(entity, (None, code_words(entity)))[1])
    return names.records.get(str(record_id)) or Text(
        f"{KIND_NAMES.get(entity, (None, code_words(entity)))[1]} (reference {record_id})"
    )


def _history_rows(rows: Iterable[Any], names: Names) -> list[LogRow]:
    shown = []
    for row in sorted(rows, key=lambda row: (row.changed_at, row.id)):
        changes: list[Any] = []
        for key, change in (row.changes or {}).items():
            if isinstance(change, Mapping) and ("old" in change or "new" in change):
                before = describe(row.entity, key, change.get("old"), names)
                after = describe(row.entity, key, change.get("new"), names)
                changes.append(
                    Text(f"{humanise(key)}: from {plain_text(before)} to {plain_text(after)}")
                )
            else:
                described = describe(row.entity, key, change, names)
                if described is not None:
                    changes.append(Text(f"{humanise(key)}: {plain_text(described)}"))
        if row.conflict:
            changes.append(Text("Two devices changed this at once: both versions are kept."))
        shown.append(
            LogRow(
                when_text=date_and_time(row.changed_at),
                who=names.staff_name(row.changed_by_id) if row.changed_by_id else "The system",
                what=f"Version {row.version}",
                record=_log_record(row.entity, row.record_id, names),
                detail=changes,
            )
        )
    return shown


def _audit_rows(rows: Iterable[Any], names: Names) -> list[LogRow]:
    shown = []
    for row in sorted(rows, key=lambda row: (row.at, row.id)):
        detail = describe(row.entity, "detail", row.detail or {}, names)
        shown.append(
            LogRow(
                when_text=date_and_time(row.at),
                who=names.staff_name(row.user_id) if row.user_id else "The system",
                what=AUDIT_ACTIONS.get(row.action, code_words(row.action)),
                record=(
                    Text(f"The records of {names.families.get(str(row.family_id), 'a family')}")
                    if row.action == "list" and row.family_id
                    else _log_record(row.entity, row.record_id, names)
                ),
                detail=[Text(plain_text(detail))] if detail is not None else [],
            )
        )
    return shown


def build_index(
    records: Mapping[str, Sequence[Any]], person: Person, case_kinds: Sequence[str]
) -> Index:
    """Describe every record about the person for the index page."""
    names = _lookups(records, person)
    # First every record's heading and anchor, so any record can link to another.
    headed: dict[str, list[tuple[Any, str, str, datetime | None]]] = {}
    for kind in case_kinds:
        for row in records.get(kind, []):
            anchor = _anchor(kind, row.id)
            moment = when(kind, row)
            title = _title(kind, row, names)
            headed.setdefault(kind, []).append((row, anchor, title, moment))
            words = f"{title}, {_when_text(moment, row, kind)}"
            names.records[str(row.id)] = Link(words, f"#{anchor}")
    sections = []
    timeline = []
    for kind in case_kinds:
        plural = KIND_NAMES.get(kind, (code_words(kind), code_words(kind)))[0]
        section = Section(kind, f"section-{kind}", plural, f"{kind}.json")
        ordered = sorted(headed.get(kind, []), key=lambda item: _in_order(item[3]))
        if kind in TABLE_KINDS:
            section.columns = [TABLE_LABELS.get(name, humanise(name)) for name in TABLE_KINDS[kind]]
            section.rows = _table_rows(kind, [item[0] for item in ordered], names, headed)
            sections.append(section)
            continue
        for row, anchor, title, moment in ordered:
            entry = Entry(
                anchor,
                title,
                moment,
                _when_text(moment, row, kind),
                record_fields(kind, row, names),
                str(row.id),
            )
            section.entries.append(entry)
            timeline.append(entry)
        sections.append(section)
    timeline.sort(key=lambda entry: _in_order(entry.when))
    teams = names.teams
    staff = sorted(
        (
            StaffRow(
                user.display_name,
                user.username,
                code_words(user.role),
                teams.get(str(user.team_id), "None") if user.team_id else "None",
            )
            for user in records.get("staff", [])
        ),
        key=lambda row: (row.name.lower(), row.username),
    )
    counts = [
        (section.anchor, section.title, section.file, len(section.entries) + len(section.rows))
        for section in sections
    ]
    return Index(
        subject=f"{person.given_name} {person.family_name}",
        sections=sections,
        timeline=timeline,
        history=_history_rows(records.get("record_history", []), names),
        audit=_audit_rows(records.get("audit_event", []), names),
        staff=staff,
        counts=counts,
    )
