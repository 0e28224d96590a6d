"""The subject access bundle's index: every record about the person, in words a person reads.

A data-protection officer redacts from this page before the bundle is
released, so it reads like a document, not a database: staff by name, people
and families by name, codes by their labels in the code lists
(:mod:`server.vocabularies`), dates and times in plain words (London time),
and each record under a heading, one section per kind, in the order things
happened. The JSON files beside it in the zip hold the same records for tools.
Its words are in the language of the admin who asked (``i18n.say``): the
bundle's job renders it in that language.

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
from ..domain.errors import translatable
from ..extensions import db
from ..i18n import date_and_time, long_date, say
from ..persistence import ChecklistTemplate, DecisionPolicy, Person, Team, User
from ..vocabularies import vocabularies

# Section headings (plural) and the name of one record, by kind.
KIND_NAMES: dict[str, tuple[str, str]] = {
    "person": (translatable("The person"), translatable("Person")),
    "membership": (translatable("Family memberships"), translatable("Family membership")),
    "family": (translatable("Families"), translatable("Family")),
    "relationship": (translatable("Relationships"), translatable("Relationship")),
    "assignment": (translatable("Workers assigned to the family"), translatable("Worker assigned")),
    "interaction": (translatable("Visits and other contacts"), translatable("Contact")),
    "note": (translatable("Notes"), translatable("Note")),
    "judgment": (translatable("Decisions (judgment log)"), translatable("Decision")),
    "checklist": (translatable("Checklists"), translatable("Checklist")),
    "checklist_item": (translatable("Checklist answers"), translatable("Checklist answer")),
    "review": (
        translatable("Supervision comments, questions and approvals"),
        translatable("Supervision comment"),
    ),
    "amendment": (translatable("Corrections"), translatable("Correction")),
    "conference": (
        translatable("Family group conferences"),
        translatable("Family group conference"),
    ),
    "plan_action": (translatable("Family plan actions"), translatable("Plan action")),
    "plan_episode": (translatable("Children's plans"), translatable("Child's plan")),
    "referral": (
        translatable("Referrals and the assessments after them"),
        translatable("Referral"),
    ),
    "strategy_discussion": (
        translatable("Strategy discussions"),
        translatable("Strategy discussion"),
    ),
    "supervision_discussion": (
        translatable("Group supervision discussions"),
        translatable("Group supervision discussion"),
    ),
    "chronology_entry": (
        translatable("Events workers added to the chronology"),
        translatable("Chronology event"),
    ),
    "case_summary": (
        translatable("The story so far, every version"),
        translatable("Version of the story so far"),
    ),
    "family_copy": (
        translatable("Family copies: what we talked about and agreed"),
        translatable("Family copy"),
    ),
    "attachment": (
        translatable("Photos and documents (the files are in the attachments folder)"),
        translatable("Attachment"),
    ),
    "record_history": (translatable("Change history"), translatable("Change")),
    "audit_event": (translatable("Who read or changed these records"), translatable("Audit event")),
    "staff": (translatable("Staff named in this bundle"), translatable("Member of staff")),
}

# Each column's label, in the catalogue so a Welsh bundle has Welsh labels
# (tests/api/test_subject_access.py lists any shown column without one). A column
# added later with no label is shown with its name in words.
FIELD_LABELS: dict[str, str] = {
    "actions": translatable("Actions"),
    "address": translatable("Address"),
    "agreed_at": translatable("When it was agreed"),
    "agreed_by_id": translatable("Agreed by"),
    "assessment_authorised_on": translatable("Assessment authorised"),
    "assessment_started_on": translatable("Assessment started"),
    "attendee_ids": translatable("Who attended"),
    "attending": translatable("Who came"),
    "byte_size": translatable("Size in bytes"),
    "caption": translatable("Caption"),
    "checked_by": translatable("Who checks it is done"),
    "closed_on": translatable("Closed"),
    "closure_reason": translatable("Reason for closure"),
    "communication_needs": translatable("Communication needs"),
    "confirmed": translatable("Checked before sharing"),
    "contact_restrictions": translatable("Restrictions on contact"),
    "content_type": translatable("Type of file"),
    "content_type_found": translatable("Type of file found in it"),
    "coordinator_id": translatable("Coordinator"),
    "date_of_birth": translatable("Date of birth"),
    "date_of_death": translatable("Date of death"),
    "decided_by_id": translatable("Decided by"),
    "discussed_at": translatable("When it was discussed"),
    "ending": translatable("Ending of our work"),
    "ethnicity": translatable("Ethnicity"),
    "expected_date_of_birth": translatable("Expected date of birth"),
    "facilitator_id": translatable("Facilitator"),
    "family_name": translatable("Family name"),
    "filename": translatable("File name"),
    "former_upn": translatable("Former unique pupil number"),
    "gender": translatable("Gender"),
    "given_name": translatable("Given name"),
    "handover_note": translatable("Handover note"),
    "held_at": translatable("When it was held"),
    "household_ids": translatable("Household"),
    "immediate_risk": translatable("Immediate risk"),
    "impact": translatable("Impact"),
    "information_shared": translatable("Information shared"),
    "initial_conference_on": translatable("Initial child protection conference"),
    "interpreter": translatable("Interpreter"),
    "invited": translatable("Who is invited"),
    "known_as": translatable("Known as"),
    "language": translatable("Language"),
    "light": translatable("Light"),
    "local_reference": translatable("Council's reference"),
    "occurred_on": translatable("When it happened"),
    "outcome": translatable("Outcome"),
    "parent_kind": translatable("Attached to"),
    "preferred_language": translatable("Preferred language"),
    "previous_id": translatable("Previous version"),
    "question": translatable("Question"),
    "questions": translatable("Questions"),
    "readability": translatable("Readability"),
    "reason": translatable("Reason"),
    "refused_reason": translatable("Why it was refused"),
    "risks": translatable("Risks"),
    "session_id": translatable("Session"),
    "sex": translatable("Sex"),
    "sha256": translatable("SHA-256 fingerprint"),
    "shared_how": translatable("How it was shared"),
    "shared_with": translatable("Shared with"),
    "source": translatable("Source"),
    "state": translatable("State"),
    "status": translatable("Status"),
    "task": translatable("Task"),
    "title": translatable("Title"),
    "upload_state": translatable("Upload"),
    "upn": translatable("Unique pupil number"),
    "upn_unknown": translatable("Why there is no unique pupil number"),
    "worker_id": translatable("Worker"),
    "dob_accuracy": translatable("How exact the date of birth is"),
    "disabilities": translatable("Disability"),
    "is_child": translatable("A child"),
    "local_child_id": translatable("Local child number"),
    "child_id": translatable("Child"),
    "child_ids": translatable("Children asked about"),
    "from_visit": translatable("Filled in from the visit"),
    "display_name": translatable("Name"),
    "interpreter_needed": translatable("Needs an interpreter"),
    "goals": translatable("What matters to the family"),
    "address_history": translatable("Earlier addresses"),
    "from_person_id": translatable("From"),
    "to_person_id": translatable("To"),
    "to_organisation": translatable("To the organisation"),
    "organisation_kind": translatable("Kind of organisation"),
    "type": translatable("Relationship"),
    "quality": translatable("Quality of the relationship"),
    "support_role": translatable("Support they give"),
    "account_of": translatable("Whose account"),
    "role_in_family": translatable("Role in the family"),
    "valid_from": translatable("From"),
    "valid_to": translatable("Until"),
    "started_on": translatable("Started"),
    "ended_on": translatable("Ended"),
    "change_reason": translatable("Reason for the change"),
    "occurred_at": translatable("When it happened"),
    "duration_minutes": translatable("Length (minutes)"),
    "mode": translatable("How"),
    "purpose": translatable("What for"),
    "announced": translatable("Announced beforehand"),
    "meaningful": translatable("Meaningful contact"),
    "participants": translatable("Who was there"),
    "interaction_id": translatable("Contact"),
    "sections": translatable("What was written"),
    "child_voice": translatable("The child's voice"),
    "family_view": translatable("The family's view"),
    "family_request": translatable("What the family asked for"),
    "child_view": translatable("The child's view"),
    "signed_at": translatable("Signed (when the council received it)"),
    "device_signed_at": translatable("Signed (on the worker's device)"),
    "device_written_at": translatable("Written (on the worker's device)"),
    "review_status": translatable("Supervision"),
    "target_kind": translatable("Kind of record corrected"),
    "target_id": translatable("Record"),
    "changes": translatable("What changed"),
    "category": translatable("Kind of decision"),
    "options": translatable("Options weighed"),
    "rationale": translatable("Why"),
    "consulted": translatable("Who was consulted"),
    "disagreed": translatable("Who disagreed"),
    "policy_version": translatable("Decision policy version"),
    "review_date": translatable("Review by"),
    "decided_at": translatable("Decided"),
    "decision_reason": translatable("Reason given for the decision"),
    "review_outcome": translatable("Outcome of the review"),
    "reviewed_on": translatable("Reviewed"),
    "supervision_discussion_id": translatable("Group supervision discussion"),
    "template_id": translatable("Checklist"),
    "due_on": translatable("Due"),
    "completed_on": translatable("Completed"),
    "timeliness": translatable("On time"),
    "item_key": translatable("Item"),
    "label": translatable("Item"),
    "parent_id": translatable("In reply to"),
    "review_kind": translatable("Kind"),
    "body": translatable("What was written"),
    "answers": translatable("The worker's review of the decision"),
    "addressed_to_id": translatable("Escalated to"),
    "what_happened": translatable("What happened"),
    "hindsight": translatable("Was it right, with hindsight"),
    "differently": translatable("What the worker would do differently"),
    "family_view_now": translatable("The family's view now"),
    "referrer": translatable("Referred by"),
    "referred_on": translatable("Referred"),
    "child_advocate": translatable("Child's advocate"),
    "preparation_on": translatable("Preparation"),
    "information_sharing_on": translatable("Information sharing"),
    "private_family_time_on": translatable("Private family time"),
    "plan_agreed_on": translatable("Plan agreed"),
    "review_on": translatable("Review"),
    "conference_id": translatable("Family group conference"),
    "owner_id": translatable("Who does it"),
    "created_at": translatable("Recorded by the council"),
    "created_by_id": translatable("Recorded by"),
    "updated_at": translatable("Last changed"),
    "updated_by_id": translatable("Last changed by"),
    "deleted_at": translatable("Deleted"),
    "changed_at": translatable("When"),
    "changed_by_id": translatable("Who"),
    "conflict": translatable("Made in a conflict between two devices"),
    "at": translatable("When"),
    "user_id": translatable("Who"),
    "plan_type": translatable("Plan"),
    "cp_category": translatable("Category of the child protection plan"),
    "legal_status": translatable("Legal status"),
    "placement_started_on": translatable("Placement started"),
    "placement_type": translatable("Placement"),
    "end_reason": translatable("Why it ended"),
}
# Labels that depend on the kind of record.
KIND_FIELD_LABELS: dict[tuple[str, str], str] = {
    ("review", "target_kind"): translatable("Kind of record"),
    ("review", "target_id"): translatable("On the record"),
    ("amendment", "target_id"): translatable("Record corrected"),
    ("assignment", "role"): translatable("Role"),
    ("membership", "valid_from"): translatable("Member from"),
    ("membership", "valid_to"): translatable("Member until"),
    ("plan_episode", "started_on"): translatable("Plan started"),
    ("plan_episode", "ended_on"): translatable("Plan ended"),
    ("referral", "referred_on"): translatable("Referred"),
    ("referral", "source"): translatable("Who made the referral"),
    ("referral", "primary_need"): translatable("Primary need"),
    ("referral", "assessment_factors"): translatable("Factors identified at assessment"),
    ("strategy_discussion", "s47_started_on"): translatable("Section 47 enquiry started"),
    ("strategy_discussion", "icpc_due_on"): translatable("Initial child protection conference due"),
    ("strategy_discussion", "icpc_held_on"): translatable(
        "Initial child protection conference held"
    ),
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
    "na": translatable("Not applicable"),
    "not_met": translatable("Not met"),
    "not_yet_due": translatable("Not yet due"),
    "met": translatable("Met on time"),
    "late": translatable("Late"),
    # Staff roles, named beside each member of staff.
    "caseworker": translatable("Caseworker"),
    "supervisor": translatable("Supervisor"),
    "analyst": translatable("Analyst"),
    "admin": translatable("Admin"),
    "practice_lead": translatable("Practice lead"),
    "performance_officer": translatable("Performance officer"),
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
    "read": translatable("Read"),
    "list": translatable("Listed"),
    "create": translatable("Made"),
    "update": translatable("Changed"),
    "delete": translatable("Deleted"),
    "sign": translatable("Signed"),
    "amend": translatable("Corrected"),
    "export": translatable("Exported"),
    "sync": translatable("Synced to a device"),
}
# Kinds of many short records, shown as a table (these columns) rather than under headings,
# and left out of the timeline: a checklist's answers belong to the checklist.
TABLE_KINDS: dict[str, tuple[str, ...]] = {
    "checklist_item": ("checklist_id", "label", "child_id", "answer", "reason"),
}
TABLE_LABELS = {
    "checklist_id": translatable("Checklist"),
    "label": translatable("Item"),
    "child_id": translatable("Child"),
    "answer": translatable("Answer"),
    "reason": translatable("Why"),
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
        return say(own)
    if name in FIELD_LABELS:
        return say(FIELD_LABELS[name])
    # A column with no label of its own: its name in words, in Welsh when the catalogue has them.
    words = re.sub(r"_id$", "", name).replace("_", " ").strip()
    return say(words[:1].upper() + words[1:]) if words else name


def code_words(code: str) -> str:
    """Return an app code in words: "awaiting_approval" as "Awaiting approval"."""
    if code in CODE_WORDS:
        return say(CODE_WORDS[code])
    words = code.replace("_", " ")
    return say(words[:1].upper() + words[1:])


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
            return say(translatable("A member of staff not in this bundle"))
        return say(
            translatable(
                "{name} ({role})", name=user.display_name, role=code_words(user.role).lower()
            )
        )

    def person_name(self, person_id: Any) -> str:
        name = self.people.get(str(person_id))
        if name is None:
            return say(translatable("Someone not named in the records"))
        if str(person_id) == self.subject:
            return name
        return say(translatable("{name} (another person)", name=name))


def describe(kind: str, key: str, value: Any, names: Names) -> Any:
    """Return a value as the page shows it, or None when there is nothing to show."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return Text(say(translatable("Yes")) if value else say(translatable("No")))
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
        return say(lists[name][code])
    if key == "target_kind":
        return say(KIND_NAMES.get(code, (code, code_words(code)))[1])
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
        return Text(names.families.get(value) or say(translatable("A family not in this bundle")))
    if key == "team_id":
        return Text(names.teams.get(value) or say(translatable("A team")))
    if key == "template_id":
        return Text(names.templates.get(value) or say(translatable("A checklist template")))
    if value in names.records:
        return names.records[value]
    if key == "session_id":
        # A session's own record names the team's families, so it stays out of the bundle.
        return Text(
            say(
                translatable(
                    "A group supervision session of the team (its record is not in this bundle)"
                )
            )
        )
    if key in RECORD_KEYS:
        return Text(say(translatable("A record not in this bundle (reference {id})", id=value)))
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
        return say(translatable("nothing"))
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
        return say(translatable("date not recorded"))
    names = (*WHEN.get(kind, ()), *WHEN_FALLBACK)
    first = next(name for name in names if getattr(row, name, None) is not None)
    value = getattr(row, first)
    return long_date(value) if not isinstance(value, datetime) else date_and_time(value)


def _title(kind: str, row: Any, names: Names) -> str:
    """Return a record's heading: what it is, in a few words."""
    lists = vocabularies()

    def label(code_list: str, code: str) -> str:
        found = lists[code_list].get(code)
        return say(found) if found else code_words(code)

    single = say(KIND_NAMES.get(kind, (None, code_words(kind)))[1])
    if kind == "person":
        return f"{row.given_name} {row.family_name}"
    if kind == "family":
        return str(row.display_name)
    if kind == "membership":
        return say(
            translatable(
                "{person} in {family}",
                person=names.person_name(row.person_id),
                family=names.families.get(str(row.family_id)),
            )
        )
    if kind == "relationship":
        to = names.person_name(row.to_person_id) if row.to_person_id else row.to_organisation
        return say(
            translatable(
                "{person} and {other}: {relationship}",
                person=names.person_name(row.from_person_id),
                other=to,
                relationship=label("relationship_type", row.type),
            )
        )
    if kind == "assignment":
        role = label("assignment_role", row.role)
        return f"{names.staff_name(row.worker_id)}, {role.lower()}"
    if kind == "interaction":
        mode = label("interaction_mode", row.mode)
        purpose = label("interaction_purpose", row.purpose)
        return f"{mode}: {purpose.lower()}"
    if kind == "judgment":
        # The council's own name for the kind of decision, as it wrote it.
        category = names.categories.get((row.policy_version, row.category))
        shown = category or code_words(row.category)
        return say(translatable("Decision: {category}", category=shown))
    if kind == "checklist":
        template = names.templates.get(str(row.template_id)) or say(translatable("checklist"))
        return say(translatable("Checklist: {name}", name=template))
    if kind == "checklist_item":
        return say(translatable("Checklist answer: {item}", item=row.label))
    if kind == "review":
        review = code_words(row.review_kind).lower()
        return say(translatable("Supervision {kind}", kind=review))
    if kind == "referral":
        source = label("cin_referral_source", row.source)
        return say(translatable("Referral: {source}", source=source))
    if kind == "amendment":
        target = say(KIND_NAMES.get(row.target_kind, ("", code_words(row.target_kind)))[1])
        return say(translatable("Correction of a {record}", record=target.lower()))
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
            parts.append(say(translatable("by {name}", name=names.staff_name(who))))
        return Text(", ".join(parts))

    trail: list[tuple[str, Any]] = []
    recorded = when_and_who("created_at", "created_by_id")
    if recorded is not None:
        trail.append((say(FIELD_LABELS["created_at"]), recorded))
    changed = when_and_who("updated_at", "updated_by_id")
    if changed is not None and (recorded is None or changed.text != recorded.text):
        trail.append((say(FIELD_LABELS["updated_at"]), changed))
    deleted = describe("", "deleted_at", getattr(row, "deleted_at", None), names)
    if deleted is not None:
        trail.append((say(FIELD_LABELS["deleted_at"]), deleted))
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
    unknown = Text(say(translatable("Not recorded")))
    return [
        [describe(kind, name, getattr(row, name), names) or unknown for name in columns]
        for row in ordered
    ]


def _log_record(entity: str, record_id: Any, names: Names) -> Any:
    single = say(KIND_NAMES.get(entity, (None, code_words(entity)))[1])
    if record_id is None:
        return Text(single)
    return names.records.get(str(record_id)) or Text(
        say(translatable("{record} (reference {id})", record=single, id=record_id))
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
                    Text(
                        say(
                            translatable(
                                "{field}: from {before} to {after}",
                                field=humanise(key),
                                before=plain_text(before),
                                after=plain_text(after),
                            )
                        )
                    )
                )
            else:
                described = describe(row.entity, key, change, names)
                if described is not None:
                    changes.append(Text(f"{humanise(key)}: {plain_text(described)}"))
        if row.conflict:
            changes.append(
                Text(say(translatable("Two devices changed this at once: both versions are kept.")))
            )
        shown.append(
            LogRow(
                when_text=date_and_time(row.changed_at),
                who=names.staff_name(row.changed_by_id) if row.changed_by_id else say(THE_SYSTEM),
                what=say(translatable("Version {version}", version=row.version)),
                record=_log_record(row.entity, row.record_id, names),
                detail=changes,
            )
        )
    return shown


THE_SYSTEM = translatable("The system")
NO_TEAM = translatable("None")


def _audit_rows(rows: Iterable[Any], names: Names) -> list[LogRow]:
    shown = []
    for row in sorted(rows, key=lambda row: (row.at, row.id)):
        detail = describe(row.entity, "detail", row.detail or {}, names)
        shown.append(
            LogRow(
                when_text=date_and_time(row.at),
                who=names.staff_name(row.user_id) if row.user_id else say(THE_SYSTEM),
                what=say(AUDIT_ACTIONS.get(row.action) or code_words(row.action)),
                record=(
                    Text(
                        say(
                            translatable(
                                "The records of {family}",
                                family=names.families.get(str(row.family_id))
                                or say(translatable("a family")),
                            )
                        )
                    )
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
        plural = say(KIND_NAMES.get(kind, (code_words(kind), code_words(kind)))[0])
        section = Section(kind, f"section-{kind}", plural, f"{kind}.json")
        ordered = sorted(headed.get(kind, []), key=lambda item: _in_order(item[3]))
        if kind in TABLE_KINDS:
            section.columns = [
                say(TABLE_LABELS[name]) if name in TABLE_LABELS else humanise(name)
                for name in TABLE_KINDS[kind]
            ]
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
                teams.get(str(user.team_id), say(NO_TEAM)) if user.team_id else say(NO_TEAM),
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
