"""Case records: the family, its people and network, and the work done with it.

Every case record has a client-generated UUID, a server ``version`` that goes
up by one on each change, who made and last changed it, and a soft-delete
marker. Each carries ``family_id`` (people through their memberships), which
is what access control scopes on.

Notes, decisions, supervision comments and corrections are what a court may
read, so each keeps two clocks: ``device_written_at`` and ``device_signed_at``
(corrections are not signed), when the worker wrote and signed it by their
device (from the sync mutation's ``client_ts``), beside ``created_at`` and
``signed_at``, when the server received them. A record made online through the
API has no device times.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, ClassVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .. import clock
from ..domain.records import RecordKind, SignState
from ..extensions import Model
from .columns import (
    JSONType,
    UTCDateTime,
    json_value,
    timestamp,
    uuid_pk,
    with_defaults,
)

text = sa.Text


class CaseRecord(Model):
    """Columns and behaviour shared by every case record."""

    __abstract__ = True
    kind: ClassVar[RecordKind]
    # Columns that may still change on a signed record: workflow, never content.
    workflow_columns: ClassVar[frozenset[str]] = frozenset()

    id: Mapped[uuid_pk]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[timestamp]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def created_by_id(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(sa.ForeignKey("user_account.id"))

    @declared_attr
    def updated_by_id(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(sa.ForeignKey("user_account.id"))

    def __init__(self, **values: Any) -> None:
        # Column defaults normally appear only when the row is written; a sync
        # batch works with many records before its one flush, so give them now.
        super().__init__(**with_defaults(cast(sa.Table, self.__table__), values))

    @property
    def sign_state(self) -> str | None:
        """Return "draft" or "signed" for signable records, otherwise None."""
        return getattr(self, "state", None)


def family_column(model: type[CaseRecord]) -> sa.ColumnElement[uuid.UUID]:
    """Return the column naming the family of a kind's records; a family is its own."""
    columns = model.__table__.c
    return columns.id if model.kind is RecordKind.FAMILY else columns.family_id


def family_fk() -> Mapped[uuid.UUID]:
    return mapped_column(sa.ForeignKey("family.id"), index=True)


def written_after(target: str, column: str, **options: Any) -> Any:
    """Declare that rows of ``target`` are written before this record's rows.

    A sync batch adds a family, its people and their notes in one flush; the
    unit of work orders INSERTs by relationships, not by bare foreign keys.
    These relationships exist for that alone and are never loaded.
    """
    return relationship(target, foreign_keys=column, lazy="raise", **options)


class Family(CaseRecord):
    __tablename__ = "family"
    kind = RecordKind.FAMILY

    display_name: Mapped[str] = mapped_column(sa.String(200))
    # {"line1", "line2", "town", "postcode", "since"}; earlier ones move to address_history.
    address: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    address_history: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    preferred_language: Mapped[str] = mapped_column(sa.String(80), default="English")
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    local_reference: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    # Set when a supervisor agrees the ending of our work; retention counts from it.
    closed_on: Mapped[date | None]
    closure_reason: Mapped[str | None] = mapped_column(sa.String(40))
    # The family's own goals, in their words: "what matters to us".
    goals: Mapped[list[str]] = mapped_column(JSONType, default=list)
    team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("team.id"), index=True)


class Person(CaseRecord):
    __tablename__ = "person"
    kind = RecordKind.PERSON

    given_name: Mapped[str] = mapped_column(sa.String(120))
    family_name: Mapped[str] = mapped_column(sa.String(120))
    known_as: Mapped[str | None] = mapped_column(sa.String(120))
    date_of_birth: Mapped[date | None]
    dob_accuracy: Mapped[str] = mapped_column(sa.String(10), default="exact")
    sex: Mapped[str | None] = mapped_column(sa.String(20))
    gender: Mapped[str | None] = mapped_column(sa.String(40))
    ethnicity: Mapped[str | None] = mapped_column(sa.String(4))
    disabilities: Mapped[list[str]] = mapped_column(JSONType, default=list)
    communication_needs: Mapped[str | None] = mapped_column(text)
    is_child: Mapped[bool] = mapped_column(default=False)
    local_child_id: Mapped[str | None] = mapped_column(sa.String(40))
    # The statutory returns' identifiers: unique pupil numbers (server.domain.upn),
    # or why there is none (UN1 to UN7); an unborn child's expected date of birth.
    upn: Mapped[str | None] = mapped_column(sa.String(13))
    former_upn: Mapped[str | None] = mapped_column(sa.String(13))
    upn_unknown: Mapped[str | None] = mapped_column(sa.String(3))
    expected_date_of_birth: Mapped[date | None]
    date_of_death: Mapped[date | None]


class Membership(CaseRecord):
    """A person's dated membership of a family."""

    __tablename__ = "membership"
    kind = RecordKind.MEMBERSHIP

    family_id: Mapped[uuid.UUID] = family_fk()
    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("person.id"), index=True)
    role_in_family: Mapped[str | None] = mapped_column(sa.String(40))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    _family = written_after("Family", "Membership.family_id")
    _person = written_after("Person", "Membership.person_id")


class Relationship(CaseRecord):
    """An edge of the network map: person to person, or person to organisation."""

    __tablename__ = "relationship"
    kind = RecordKind.RELATIONSHIP

    family_id: Mapped[uuid.UUID] = family_fk()
    from_person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("person.id"))
    to_person_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("person.id"))
    to_organisation: Mapped[str | None] = mapped_column(sa.String(200))
    organisation_kind: Mapped[str | None] = mapped_column(sa.String(40))
    type: Mapped[str] = mapped_column(sa.String(20))
    quality: Mapped[str] = mapped_column(sa.String(20), default="strong")
    support_role: Mapped[str | None] = mapped_column(sa.String(80))
    contact_restrictions: Mapped[str | None] = mapped_column(text)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    account_of: Mapped[str] = mapped_column(sa.String(20), default="family")
    _family = written_after("Family", "Relationship.family_id")
    _from_person = written_after("Person", "Relationship.from_person_id")
    _to_person = written_after("Person", "Relationship.to_person_id")


def families_of_people(person_ids: Iterable[uuid.UUID]) -> sa.CompoundSelect:
    """Return (person_id, family_id) for each live link of these people to a family.

    A person is of a family as a member, or as the person a member's relationship
    names: a looked-after child's foster carer is no member of the child's family,
    but is on its network map, so the family's workers and devices need them too.
    """
    ids = list(person_ids)
    members = sa.select(Membership.person_id, Membership.family_id).where(
        Membership.person_id.in_(ids), Membership.deleted_at.is_(None)
    )
    named = sa.select(Relationship.to_person_id, Relationship.family_id).where(
        Relationship.to_person_id.in_(ids), Relationship.deleted_at.is_(None)
    )
    return sa.union(members, named)


class Assignment(CaseRecord):
    """Who works with a family, in what role, from when to when."""

    __tablename__ = "assignment"
    kind = RecordKind.ASSIGNMENT

    family_id: Mapped[uuid.UUID] = family_fk()
    worker_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(40), default="allocated_worker")
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    change_reason: Mapped[str | None] = mapped_column(sa.String(200))
    handover_note: Mapped[str | None] = mapped_column(text)
    _family = written_after("Family", "Assignment.family_id")


class Interaction(CaseRecord):
    """A contact with the family (called interaction: "contact" means a referral)."""

    __tablename__ = "interaction"
    kind = RecordKind.INTERACTION

    family_id: Mapped[uuid.UUID] = family_fk()
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int | None]
    mode: Mapped[str] = mapped_column(sa.String(20))
    purpose: Mapped[str] = mapped_column(sa.String(40))
    announced: Mapped[bool] = mapped_column(default=True)
    meaningful: Mapped[bool] = mapped_column(default=True)
    # [{"person_id", "present", "seen", "seen_alone", "spoken_to"}]
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # Who interpreted at the visit and in which language: {"name", "language"}, or none.
    interpreter: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    _family = written_after("Family", "Interaction.family_id")


class Note(CaseRecord):
    """A relational note; immutable once signed."""

    __tablename__ = "note"
    kind = RecordKind.NOTE

    family_id: Mapped[uuid.UUID] = family_fk()
    interaction_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("interaction.id"))
    # {"what_happened", "child_voice", "family_view", "family_request", "strengths",
    #  "reflection", "next_steps"}
    sections: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    state: Mapped[str] = mapped_column(sa.String(10), default="draft")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    workflow_columns = frozenset({"review_status"})
    review_status: Mapped[str] = mapped_column(sa.String(20), default="not_reviewed")
    _family = written_after("Family", "Note.family_id")
    _interaction = written_after("Interaction", "Note.interaction_id")


class Amendment(CaseRecord):
    """A correction of a signed note, judgment or review; the original never changes."""

    __tablename__ = "amendment"
    kind = RecordKind.AMENDMENT

    family_id: Mapped[uuid.UUID] = family_fk()
    target_kind: Mapped[str] = mapped_column(sa.String(20))
    target_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, index=True)
    reason: Mapped[str] = mapped_column(text)
    # Corrected text, by the section or field it replaces.
    changes: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    device_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    _family = written_after("Family", "Amendment.family_id")


class Judgment(CaseRecord):
    """A judgment log entry: a professional decision and how it was reached."""

    __tablename__ = "judgment"
    kind = RecordKind.JUDGMENT

    family_id: Mapped[uuid.UUID] = family_fk()
    interaction_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("interaction.id"))
    question: Mapped[str] = mapped_column(text)
    category: Mapped[str] = mapped_column(sa.String(60))
    options: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    decision: Mapped[str] = mapped_column(text, default="")
    rationale: Mapped[str] = mapped_column(text, default="")
    risks: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    consulted: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    disagreed: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    family_view: Mapped[str | None] = mapped_column(text)
    child_view: Mapped[str | None] = mapped_column(text)
    light: Mapped[str] = mapped_column(sa.String(10))
    policy_version: Mapped[int]
    review_date: Mapped[date | None]
    # The worker said a child may be at immediate risk (domain.urgent).
    immediate_risk: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    state: Mapped[str] = mapped_column(sa.String(10), default="draft")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    workflow_columns = frozenset(
        {
            "status",
            "decided_by_id",
            "decided_at",
            "decision_reason",
            "review_outcome",
            "reviewed_on",
        }
    )
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(text)
    review_outcome: Mapped[str | None] = mapped_column(text)
    reviewed_on: Mapped[date | None]
    # Set when the decision was made in group supervision.
    supervision_discussion_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("supervision_discussion.id"), index=True
    )
    # A proposal to end our work (domain.endings): kind, reason, the closing
    # visit, what changed against the family's goals; None on other decisions.
    ending: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    _family = written_after("Family", "Judgment.family_id")
    _interaction = written_after("Interaction", "Judgment.interaction_id")
    _discussion = written_after("SupervisionDiscussion", "Judgment.supervision_discussion_id")


class Checklist(CaseRecord):
    """A completed compliance checklist, kept apart from notes and judgments."""

    __tablename__ = "checklist"
    kind = RecordKind.CHECKLIST

    family_id: Mapped[uuid.UUID] = family_fk()
    interaction_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("interaction.id"))
    template_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("checklist_template.id"))
    purpose: Mapped[str] = mapped_column(sa.String(40))
    due_on: Mapped[date | None]
    completed_on: Mapped[date | None]
    timeliness: Mapped[str | None] = mapped_column(sa.String(12))
    # The children its items about each child ask after (ids as text); empty on
    # checklists made before answers were per child, whose items are the family's.
    child_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    _family = written_after("Family", "Checklist.family_id")
    _interaction = written_after("Interaction", "Checklist.interaction_id")


class ChecklistItem(CaseRecord):
    """One answered item of a checklist; its own row so edits merge item by item."""

    __tablename__ = "checklist_item"
    kind = RecordKind.CHECKLIST_ITEM

    family_id: Mapped[uuid.UUID] = family_fk()
    checklist_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("checklist.id"), index=True)
    item_key: Mapped[str] = mapped_column(sa.String(60))
    # The child an item about each child answers for; None: the whole checklist.
    child_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("person.id"))
    label: Mapped[str] = mapped_column(sa.String(300))
    # What "Who was there" answers it (the template item's from_visit), kept with the answer.
    from_visit: Mapped[str | None] = mapped_column(sa.String(20))
    answer: Mapped[str | None] = mapped_column(sa.String(4))  # yes, no, na
    reason: Mapped[str | None] = mapped_column(text)
    _family = written_after("Family", "ChecklistItem.family_id")
    _checklist = written_after("Checklist", "ChecklistItem.checklist_id")
    _child = written_after("Person", "ChecklistItem.child_id")


class Review(CaseRecord):
    """A supervision comment, question, reply or decision on a note or judgment."""

    __tablename__ = "review"
    kind = RecordKind.REVIEW

    family_id: Mapped[uuid.UUID] = family_fk()
    target_kind: Mapped[str] = mapped_column(sa.String(20))
    target_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("review.id"))
    # comment, question, reply, acknowledgement, discussed, approve, decline;
    # the author's disagreement with a declined decision, its escalation, and the
    # decision's review (domain.decision_reviews)
    review_kind: Mapped[str] = mapped_column(sa.String(20))
    body: Mapped[str] = mapped_column(text)
    # A decision's review: the worker's answers (what happened, with hindsight...).
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # An escalation: the manager it went to, set by the server from the team's settings.
    addressed_to_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # A verbal approval: the supervisor who agreed by phone, and when, by the device's
    # clock as the worker gave it (the server's receipt is ``created_at``).
    agreed_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(sa.String(10), default="signed")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    _family = written_after("Family", "Review.family_id")
    _parent = written_after("Review", "Review.parent_id", remote_side="Review.id")


class Conference(CaseRecord):
    """A family group conference, from referral to review."""

    __tablename__ = "conference"
    kind = RecordKind.CONFERENCE

    family_id: Mapped[uuid.UUID] = family_fk()
    # {"referrer", "reason", "questions": [...], "bottom_lines": [...]}
    referral: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    referred_on: Mapped[date | None]
    coordinator_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    child_advocate: Mapped[str | None] = mapped_column(sa.String(200))
    invited: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    attending: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    preparation_on: Mapped[date | None]
    information_sharing_on: Mapped[date | None]
    private_family_time_on: Mapped[date | None]
    plan_agreed_on: Mapped[date | None]
    review_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="offered")
    outcome: Mapped[str | None] = mapped_column(text)
    _family = written_after("Family", "Conference.family_id")


class PlanAction(CaseRecord):
    """An item of the family's plan: task, who, by when, who checks."""

    __tablename__ = "plan_action"
    kind = RecordKind.PLAN_ACTION

    family_id: Mapped[uuid.UUID] = family_fk()
    conference_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("conference.id"))
    task: Mapped[str] = mapped_column(text)
    who: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[date | None]
    checked_by: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default="not_started")
    _family = written_after("Family", "PlanAction.family_id")
    _conference = written_after("Conference", "PlanAction.conference_id")


class SupervisionSession(CaseRecord):
    """A group supervision session of a team: when, who led it, who came. No family data."""

    __tablename__ = "supervision_session"
    kind = RecordKind.SUPERVISION_SESSION

    team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("team.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(sa.String(200))
    facilitator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"))
    # User ids as text; see access.in_scope for how attendees are matched.
    attendee_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)


class SupervisionDiscussion(CaseRecord):
    """One family discussed in a group supervision session: questions, answers, actions."""

    __tablename__ = "supervision_discussion"
    kind = RecordKind.SUPERVISION_DISCUSSION

    family_id: Mapped[uuid.UUID] = family_fk()
    session_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("supervision_session.id"), index=True
    )
    # [{"id", "question", "answer"}]
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # [{"id", "task", "owner_id", "due_on", "status"}]
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    _family = written_after("Family", "SupervisionDiscussion.family_id")
    _session = written_after("SupervisionSession", "SupervisionDiscussion.session_id")


class PlanEpisode(CaseRecord):
    """One episode of a child's plan; frozen once it has ended (corrections are amendments)."""

    __tablename__ = "plan_episode"
    kind = RecordKind.PLAN_EPISODE

    family_id: Mapped[uuid.UUID] = family_fk()
    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("person.id"), index=True)
    # early_help, child_in_need, child_protection, looked_after (domain.plans.PlanType)
    plan_type: Mapped[str] = mapped_column(sa.String(20))
    # Child protection: the CIN census category of abuse (NEG, PHY, EMO, SAB, MUL).
    cp_category: Mapped[str | None] = mapped_column(sa.String(4))
    # Child protection: the initial child protection conference that made the plan.
    initial_conference_on: Mapped[date | None]
    # Looked after: SSDA903 legal status and placement type, and when the placement began.
    legal_status: Mapped[str | None] = mapped_column(sa.String(4))
    placement_started_on: Mapped[date | None]
    placement_type: Mapped[str | None] = mapped_column(sa.String(4))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(sa.String(40))
    _family = written_after("Family", "PlanEpisode.family_id")
    _person = written_after("Person", "PlanEpisode.person_id")

    @property
    def sign_state(self) -> str | None:
        """Return "signed" once the episode has ended: from then on it is frozen."""
        return SignState.SIGNED.value if self.ended_on is not None else SignState.DRAFT.value


class Referral(CaseRecord):
    """A referral about one child, as the duty team records it, and the assessment after it.

    Dates and codes only, from the Department's code lists (vocabularies
    ``cin_referral_source``, ``cin_primary_need``, ``cin_assessment_factor``):
    what the census and Annex A read. The assessment's fields are set as it
    goes on (started, then authorised with the factors it found); a referral
    that ends in no further action has none.
    """

    __tablename__ = "referral"
    kind = RecordKind.REFERRAL

    family_id: Mapped[uuid.UUID] = family_fk()
    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("person.id"), index=True)
    referred_on: Mapped[date]
    # Who made the referral: the census's ReferralSource code (1A to 10).
    source: Mapped[str] = mapped_column(sa.String(3))
    # The census's PrimaryNeedCode (N0 to N9), once the need is known.
    primary_need: Mapped[str | None] = mapped_column(sa.String(2))
    no_further_action: Mapped[bool] = mapped_column(default=False)
    assessment_started_on: Mapped[date | None]
    assessment_authorised_on: Mapped[date | None]
    # The census's factors identified at assessment, as codes (1A, 3B, 21, ...).
    assessment_factors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    _family = written_after("Family", "Referral.family_id")
    _person = written_after("Person", "Referral.person_id")


class ChronologyEntry(CaseRecord):
    """A significant event a worker adds to the family's chronology.

    Events already held elsewhere (a plan starting, a conference, a red
    decision) are proposed from their own records (services/chronology.py);
    this is for the rest: what happened, who said so, what it meant for the
    child. It stays editable; every change is kept in ``record_history``.
    """

    __tablename__ = "chronology_entry"
    kind = RecordKind.CHRONOLOGY_ENTRY

    family_id: Mapped[uuid.UUID] = family_fk()
    occurred_on: Mapped[date]
    event: Mapped[str] = mapped_column(text)
    # Where the information came from: "Told by Ms Ward at the school gate".
    source: Mapped[str] = mapped_column(text)
    impact: Mapped[str | None] = mapped_column(text)
    # The children the event concerns (ids of the family's children); empty: all of them.
    child_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    device_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    _family = written_after("Family", "ChronologyEntry.family_id")


class CaseSummary(CaseRecord):
    """One version of the family's "story so far", as its worker wrote it.

    Append-only: each save is a new row naming the version it follows
    (``previous_id``), so every earlier version stays readable, on the device
    too, and none ever changes. The family's story is its latest version.
    """

    __tablename__ = "case_summary"
    kind = RecordKind.CASE_SUMMARY

    family_id: Mapped[uuid.UUID] = family_fk()
    # {"who", "what_happened", "worries", "going_well", "next_steps"}
    sections: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    previous_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("case_summary.id"))
    device_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    _family = written_after("Family", "CaseSummary.family_id")
    _previous = written_after(
        "CaseSummary", "CaseSummary.previous_id", remote_side="CaseSummary.id"
    )


class StrategyDiscussion(CaseRecord):
    """A strategy discussion: who took part, what they shared, what they decided.

    Signed, then frozen; only the day the initial child protection conference
    was held may still be set (it happens weeks later). ``s47_started_on`` and
    ``icpc_due_on`` are the server's, from the decision and ``discussed_at``.
    """

    __tablename__ = "strategy_discussion"
    kind = RecordKind.STRATEGY_DISCUSSION

    family_id: Mapped[uuid.UUID] = family_fk()
    # When the discussion was held, as the worker's device recorded it.
    discussed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # [{"name", "role", "agency"}]: agency from the strategy_agency code list.
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # The children of the family it concerned, as their person ids (text).
    child_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    information_shared: Mapped[str] = mapped_column(text, default="")
    # A code of the strategy_decision list (domain.strategy.Decision).
    decision: Mapped[str] = mapped_column(sa.String(30))
    s47_started_on: Mapped[date | None]
    icpc_due_on: Mapped[date | None]
    icpc_held_on: Mapped[date | None]
    state: Mapped[str] = mapped_column(sa.String(10), default="draft")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    workflow_columns = frozenset({"icpc_held_on"})
    _family = written_after("Family", "StrategyDiscussion.family_id")


class FamilyCopy(CaseRecord):
    """What we talked about and agreed, in plain words: the family's copy, never the note itself.

    Drafted from a signed note and edited before it is shared. It is signed by
    recording with whom, how and when it was shared; from then on it never
    changes (``signed_at`` is the server's receipt, ``device_signed_at`` the
    device's time of sharing).
    """

    __tablename__ = "family_copy"
    kind = RecordKind.FAMILY_COPY

    family_id: Mapped[uuid.UUID] = family_fk()
    note_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("note.id"), index=True)
    # The people living in the household that receives it (members of the family);
    # anyone else connected to the family is a third party.
    household_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # {"what_happened", "your_view", "next_steps", "who_does_what"}
    sections: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    # Keys of flags (domain.family_copy) the worker confirmed as fine to share.
    confirmed: Mapped[list[str]] = mapped_column(JSONType, default=list)
    shared_with: Mapped[str | None] = mapped_column(sa.String(200))
    shared_how: Mapped[str | None] = mapped_column(sa.String(20))
    # The readability check as it stood when sharing was recorded (advice, kept for learning).
    readability: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # The language it is printed in: "en" or "cy" (the Welsh Language Standards' Active Offer).
    language: Mapped[str] = mapped_column(sa.String(2), default="en", server_default="en")
    state: Mapped[str] = mapped_column(sa.String(10), default="draft")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    _family = written_after("Family", "FamilyCopy.family_id")
    _note = written_after("Note", "FamilyCopy.note_id")


class Attachment(CaseRecord):
    """A photo or document attached to a note, visit, decision, conference or person.

    The record describes the file and syncs like any other; the bytes follow
    by resumable upload (``server/api/attachments.py``) and are kept in the
    blob store under ``storage_key``, never in this table. What the device
    said is never changed; only the server's ``upload_state`` moves, once,
    from awaited to stored or refused.
    """

    __tablename__ = "attachment"
    kind = RecordKind.ATTACHMENT
    family_id: Mapped[uuid.UUID] = family_fk()
    # domain.attachments.ParentKind; a visit is an interaction record.
    parent_kind: Mapped[str] = mapped_column(sa.String(20))
    parent_id: Mapped[uuid.UUID] = mapped_column(index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    # As the device declared it; the server's own judgment is content_type_found.
    content_type: Mapped[str] = mapped_column(sa.String(100))
    byte_size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    caption: Mapped[str | None] = mapped_column(text)
    upload_state: Mapped[str] = mapped_column(sa.String(10), default="awaited")
    refused_reason: Mapped[str | None] = mapped_column(sa.String(40))
    content_type_found: Mapped[str | None] = mapped_column(sa.String(100))
    device_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    _family = written_after("Family", "Attachment.family_id")


class PlacementAddress(Model):
    """A looked-after child's placement address: restricted, never synced, never exported.

    Not a case record: it has no place in the change feed, so no device keeps
    it, and subject access bundles and summaries never read it. Each change is
    a new row (the latest is the address now); reads and writes are audited.
    """

    __tablename__ = "placement_address"

    id: Mapped[uuid_pk]
    episode_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plan_episode.id"), index=True)
    # {"line1", "line2", "town", "postcode"}
    address: Mapped[dict[str, Any]] = mapped_column(JSONType)
    recorded_at: Mapped[timestamp]
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"))


class RecordHistory(Model):
    """Each change to a case record: the values before and after, append-only."""

    __tablename__ = "record_history"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    entity: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, index=True)
    family_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    version: Mapped[int]
    changed_at: Mapped[timestamp]
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    device_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    # {field: {"old": ..., "new": ...}}; "overwritten" lists values lost to a conflict.
    changes: Mapped[json_value]
    conflict: Mapped[bool] = mapped_column(default=False)


CASE_RECORDS: dict[RecordKind, type[CaseRecord]] = {
    model.kind: model
    for model in (
        Family,
        Person,
        Membership,
        Relationship,
        Assignment,
        Interaction,
        Note,
        Amendment,
        Judgment,
        Checklist,
        ChecklistItem,
        Review,
        Conference,
        PlanAction,
        SupervisionSession,
        SupervisionDiscussion,
        PlanEpisode,
        ChronologyEntry,
        CaseSummary,
        StrategyDiscussion,
        FamilyCopy,
        Attachment,
        Referral,
    )
}
