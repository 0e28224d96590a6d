"""Marshmallow schemas of every case record, built from one field list per kind.

Each kind declares its writable fields once; from that come the schema the
API returns, the one it accepts on create (with an optional client-made id)
and the one it accepts on update (every field optional, plus
``base_version``). Fields in ``CREATE_ONLY`` cannot change after creation.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from marshmallow import Schema, fields, validate

from ..domain import family_copy
from ..domain.attachments import ParentKind, UploadState
from ..domain.decision_reviews import Hindsight, WorkerReviewKind
from ..domain.endings import CLOSURE_REASON_EDITION
from ..domain.errors import translatable
from ..domain.group_supervision import ACTION_STATUSES
from ..domain.languages import LANGUAGES
from ..domain.records import RecordKind
from .fields import (
    JsonBoolean,
    StoredDate,
    choice,
    code_from,
    long_text,
    moment,
    object_list,
    required_text,
    short_text,
    text_list,
    upn,
)


class StrictSchema(Schema):
    """Refuse unknown fields (marshmallow's default, stated for the reader)."""

    class Meta:
        ordered = True


class AddressSchema(StrictSchema):
    line1 = required_text()
    line2 = short_text(allow_none=True)
    town = short_text(allow_none=True)
    postcode = short_text(max=10, allow_none=True)
    since = StoredDate(allow_none=True)
    # Set by the server when a family moves: the day this address stopped being theirs.
    until = StoredDate(dump_only=True)


class ParticipantSchema(StrictSchema):
    person_id = fields.UUID(required=True)
    present = JsonBoolean(load_default=True)
    seen = JsonBoolean(load_default=False)
    seen_alone = JsonBoolean(load_default=False)
    spoken_to = JsonBoolean(load_default=False)


class InterpreterSchema(StrictSchema):
    """Who interpreted at a visit, and in which language."""

    name = short_text(required=True)
    language = fields.String(required=True, validate=validate.Length(min=1, max=80))


class NoteSectionsSchema(StrictSchema):
    what_happened = long_text()
    child_voice = long_text()
    family_view = long_text()
    family_request = long_text()  # what the family asked for: the caseload shows it until answered
    strengths = long_text()
    reflection = long_text()
    next_steps = long_text()


class FamilyCopySectionsSchema(StrictSchema):
    """What we talked about and agreed, in plain words (server/domain/family_copy.py)."""

    what_happened = long_text()
    your_view = long_text(metadata={"description": "The family's view, in their words"})
    next_steps = long_text()
    who_does_what = long_text(metadata={"description": "Who does what, by when"})


# "for" is a Python keyword, so this schema is built from a dict: the stored
# JSON, the wire and the schema all use the same key.
OptionSchema = StrictSchema.from_dict(
    {"option": required_text(2000), "for": long_text(), "against": long_text()},
    name="OptionSchema",
)


class RiskSchema(StrictSchema):
    risk = required_text(2000)
    mitigation = long_text()


class ConsulteeSchema(StrictSchema):
    name = required_text()
    role = short_text()
    view = long_text()


class ConferenceReferralSchema(StrictSchema):
    """Who asked for a family group conference, why, and what it must answer."""

    referrer = short_text()
    reason = long_text()
    questions = text_list()
    bottom_lines = text_list()


class ConferenceInviteeSchema(StrictSchema):
    name = required_text()
    person_id = fields.UUID(allow_none=True)
    relationship_id = fields.UUID(allow_none=True)
    role = short_text()


class CaseSummarySectionsSchema(StrictSchema):
    """The story so far, in the order a reader needs it: people first."""

    who = long_text(metadata={"description": "Who is in the family and who matters to them"})
    what_happened = long_text(metadata={"description": "What has happened so far"})
    worries = long_text(metadata={"description": "What we are worried about"})
    going_well = long_text(metadata={"description": "What is going well"})
    next_steps = long_text(metadata={"description": "What happens next"})


class EndingChangeSchema(StrictSchema):
    """One of the family's goals and what has changed against it, in their words."""

    goal = required_text(2000)
    in_their_words = long_text()


class EndingSchema(StrictSchema):
    """A proposal to end our work, carried by a decision (domain.endings)."""

    kind = code_from("ending_kind", required=True)
    closure_reason = code_from(
        "closure_reason",
        allow_none=True,
        metadata={
            "description": "The CIN census reason the episode ends: the Department for "
            "Education's code (RC1 to RC9)"
        },
    )
    closure_reason_edition = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=CLOSURE_REASON_EDITION),
        metadata={
            "description": "The edition of the closure_reason list the worker chose from "
            "(GET /api/vocabularies gives it): 1 numbered reasons from RC4 one below the "
            "census, 2 is the census's own. Left out, codes whose meaning changed are "
            "refused (docs/sync.md)"
        },
    )
    closing_visit_id = fields.UUID(
        allow_none=True, metadata={"description": "The closing visit, where we heard their views"}
    )
    changes = object_list(EndingChangeSchema, max_items=30)
    if_worries_return = long_text(allow_none=True)
    to_team_id = fields.UUID(allow_none=True, metadata={"description": "Transfer: the team"})
    handover_note = long_text(allow_none=True)


class StrategyParticipantSchema(StrictSchema):
    name = required_text()
    role = short_text()
    agency = code_from("strategy_agency", required=True)


class DecisionReviewSchema(StrictSchema):
    """The worker's answers when a decision is reviewed (``review_kind`` decision_review)."""

    what_happened = long_text()
    hindsight = choice([value.value for value in Hindsight], allow_none=True)
    differently = long_text(allow_none=True)
    family_view_now = long_text(allow_none=True)
    reviewed_on = StoredDate(
        required=True, metadata={"description": "The day the worker reviewed the decision"}
    )


class ReflectiveQuestionSchema(StrictSchema):
    id = fields.UUID(required=True)
    question = required_text(2000)
    answer = long_text(allow_none=True)


class SupervisionActionSchema(StrictSchema):
    id = fields.UUID(required=True)
    task = required_text(2000)
    owner_id = fields.UUID(required=True)
    due_on = StoredDate(allow_none=True)
    status = choice(ACTION_STATUSES, load_default="not_started")


WRITABLE: dict[RecordKind, dict[str, fields.Field]] = {
    RecordKind.FAMILY: {
        "display_name": required_text(),
        "address": fields.Nested(AddressSchema, allow_none=True),
        "preferred_language": short_text(max=80),
        "interpreter_needed": JsonBoolean(),
        "local_reference": short_text(max=40, allow_none=True),
        "goals": text_list(),
    },
    RecordKind.PERSON: {
        "family_id": fields.UUID(required=True, load_only=True),
        "role_in_family": short_text(max=40, allow_none=True, load_only=True),
        "given_name": required_text(120),
        "family_name": required_text(120),
        "known_as": short_text(max=120, allow_none=True),
        "date_of_birth": fields.Date(allow_none=True),
        "dob_accuracy": code_from("dob_accuracy"),
        "sex": code_from("sex", allow_none=True),
        "gender": short_text(max=40, allow_none=True),
        "ethnicity": code_from("ethnicity", allow_none=True),
        "disabilities": fields.List(code_from("disability"), validate=validate.Length(max=13)),
        "communication_needs": long_text(allow_none=True),
        "is_child": JsonBoolean(),
        "local_child_id": short_text(max=40, allow_none=True),
        "upn": upn(allow_none=True),
        "former_upn": upn(allow_none=True),
        "upn_unknown": code_from("upn_unknown", allow_none=True),
        "expected_date_of_birth": fields.Date(allow_none=True),
        "date_of_death": fields.Date(allow_none=True),
    },
    RecordKind.MEMBERSHIP: {
        "family_id": fields.UUID(required=True),
        "person_id": fields.UUID(required=True),
        "role_in_family": short_text(max=40, allow_none=True),
        "valid_from": fields.Date(allow_none=True),
        "valid_to": fields.Date(allow_none=True),
    },
    RecordKind.RELATIONSHIP: {
        "family_id": fields.UUID(required=True),
        "from_person_id": fields.UUID(required=True),
        "to_person_id": fields.UUID(allow_none=True),
        "to_organisation": short_text(allow_none=True),
        "organisation_kind": code_from("organisation_kind", allow_none=True),
        "type": code_from("relationship_type", required=True),
        "quality": code_from("relationship_quality"),
        "support_role": short_text(max=80, allow_none=True),
        "contact_restrictions": long_text(allow_none=True),
        "valid_from": fields.Date(allow_none=True),
        "valid_to": fields.Date(allow_none=True),
        "account_of": choice(["family", "professional"]),
    },
    RecordKind.ASSIGNMENT: {
        "family_id": fields.UUID(required=True),
        "worker_id": fields.UUID(required=True),
        "role": code_from("assignment_role"),
        "started_on": fields.Date(),
        "ended_on": fields.Date(allow_none=True),
        "change_reason": code_from("handover_reason", allow_none=True),
        "handover_note": long_text(allow_none=True),
    },
    RecordKind.INTERACTION: {
        "family_id": fields.UUID(required=True),
        "occurred_at": moment(required=True),
        "duration_minutes": fields.Integer(
            allow_none=True, validate=validate.Range(min=0, max=24 * 60)
        ),
        "mode": code_from("interaction_mode", required=True),
        "purpose": code_from("interaction_purpose", required=True),
        "announced": JsonBoolean(),
        "meaningful": JsonBoolean(),
        "participants": object_list(ParticipantSchema, max_items=50),
        "interpreter": fields.Nested(
            InterpreterSchema,
            allow_none=True,
            metadata={"description": "Who interpreted at the visit, and in which language"},
        ),
    },
    RecordKind.NOTE: {
        "family_id": fields.UUID(required=True),
        "interaction_id": fields.UUID(allow_none=True),
        "sections": fields.Nested(NoteSectionsSchema),
    },
    RecordKind.AMENDMENT: {
        "family_id": fields.UUID(dump_only=True),
        "target_kind": choice(
            ["note", "judgment", "review", "plan_episode", "strategy_discussion"], dump_only=True
        ),
        "target_id": fields.UUID(dump_only=True),
        "reason": required_text(2000),
        "changes": fields.Dict(
            keys=fields.String(validate=validate.Length(max=60)),
            values=fields.String(validate=validate.Length(max=20_000)),
            required=True,
            validate=validate.Length(min=1, max=20),
        ),
    },
    RecordKind.JUDGMENT: {
        "family_id": fields.UUID(required=True),
        "interaction_id": fields.UUID(allow_none=True),
        "question": required_text(2000),
        "category": required_text(60),
        "options": object_list(OptionSchema, max_items=20),
        "decision": long_text(),
        "rationale": long_text(),
        "risks": object_list(RiskSchema, max_items=20),
        "consulted": object_list(ConsulteeSchema, max_items=20),
        "disagreed": object_list(ConsulteeSchema, max_items=20),
        "family_view": long_text(allow_none=True),
        "child_view": long_text(allow_none=True),
        "review_date": fields.Date(allow_none=True),
        "supervision_discussion_id": fields.UUID(allow_none=True),
        "ending": fields.Nested(EndingSchema, allow_none=True),
        "immediate_risk": JsonBoolean(
            metadata={"description": "The worker says a child may be at immediate risk"}
        ),
    },
    RecordKind.CHECKLIST: {
        "family_id": fields.UUID(required=True),
        "interaction_id": fields.UUID(allow_none=True),
        "template_id": fields.UUID(required=True),
        "completed_on": fields.Date(allow_none=True),
        # The children its items about each child (seen, seen alone, wishes and
        # feelings) ask after: children of the family. None: those items are
        # answered once, for the family, as before answers were per child.
        "child_ids": fields.List(
            fields.UUID(),
            validate=validate.Length(max=30),
            metadata={"description": "The children the checklist asks about, one answer each"},
        ),
    },
    RecordKind.CHECKLIST_ITEM: {
        "checklist_id": fields.UUID(required=True),
        "item_key": required_text(60),
        "answer": choice(["yes", "no", "na"], allow_none=True),
        "reason": long_text(allow_none=True),
    },
    RecordKind.REVIEW: {
        "target_kind": choice(["note", "judgment"], required=True),
        "target_id": fields.UUID(required=True),
        "parent_id": fields.UUID(allow_none=True),
        "review_kind": choice(
            [
                "comment",
                "question",
                "reply",
                "acknowledgement",
                "discussed",
                "approve",
                "decline",
                # A worker asks to talk it through; a supervisor drew it into the monthly sample.
                "ask_to_discuss",
                "sampled",
                *(kind.value for kind in WorkerReviewKind),
                # The worker records that a supervisor agreed an urgent decision by phone.
                "verbal_approval",
            ],
            required=True,
        ),
        "body": required_text(20_000),
        # A decision's review: the answers; its body is the outcome of the review.
        "answers": fields.Nested(DecisionReviewSchema, allow_none=True),
        "agreed_by_id": fields.UUID(
            allow_none=True,
            metadata={"description": "A verbal approval: the supervisor who agreed by phone"},
        ),
        "agreed_at": moment(
            allow_none=True,
            metadata={"description": "A verbal approval: when they agreed, by the device's clock"},
        ),
    },
    RecordKind.CONFERENCE: {
        "family_id": fields.UUID(required=True),
        "referral": fields.Nested(ConferenceReferralSchema),
        "referred_on": fields.Date(allow_none=True),
        "coordinator_id": fields.UUID(allow_none=True),
        "child_advocate": short_text(allow_none=True),
        "invited": object_list(ConferenceInviteeSchema),
        "attending": object_list(ConferenceInviteeSchema),
        "preparation_on": fields.Date(allow_none=True),
        "information_sharing_on": fields.Date(allow_none=True),
        "private_family_time_on": fields.Date(allow_none=True),
        "plan_agreed_on": fields.Date(allow_none=True),
        "review_on": fields.Date(allow_none=True),
        "status": choice(["offered", "declined", "preparing", "held", "reviewed", "closed"]),
        "outcome": long_text(allow_none=True),
    },
    RecordKind.PLAN_ACTION: {
        "family_id": fields.UUID(required=True),
        "conference_id": fields.UUID(allow_none=True),
        "task": required_text(2000),
        "who": required_text(),
        "due_on": fields.Date(allow_none=True),
        "checked_by": short_text(allow_none=True),
        "status": choice(["not_started", "on_track", "off_track", "done"]),
    },
    RecordKind.SUPERVISION_SESSION: {
        "held_at": moment(required=True),
        "title": required_text(),
        "facilitator_id": fields.UUID(),
        "attendee_ids": fields.List(fields.UUID(), validate=validate.Length(max=50)),
    },
    RecordKind.SUPERVISION_DISCUSSION: {
        "session_id": fields.UUID(required=True),
        "family_id": fields.UUID(required=True),
        "questions": object_list(ReflectiveQuestionSchema, max_items=50),
        "actions": object_list(SupervisionActionSchema, max_items=50),
    },
    RecordKind.PLAN_EPISODE: {
        "family_id": fields.UUID(required=True),
        "person_id": fields.UUID(required=True),
        "plan_type": code_from("plan_type", required=True),
        "cp_category": code_from("cp_category", allow_none=True),
        "initial_conference_on": fields.Date(allow_none=True),
        "legal_status": code_from("legal_status", allow_none=True),
        "placement_started_on": fields.Date(allow_none=True),
        "placement_type": code_from("placement_type", allow_none=True),
        "started_on": fields.Date(required=True),
        "ended_on": fields.Date(allow_none=True),
        "end_reason": code_from("plan_end_reason", allow_none=True),
    },
    RecordKind.CHRONOLOGY_ENTRY: {
        "family_id": fields.UUID(required=True),
        "occurred_on": StoredDate(required=True),
        "event": required_text(2000),
        "source": required_text(2000),
        "impact": long_text(allow_none=True),
        "child_ids": fields.List(
            fields.UUID(),
            validate=validate.Length(max=30),
            metadata={"description": "The children it concerns; empty: every child"},
        ),
    },
    RecordKind.CASE_SUMMARY: {
        "family_id": fields.UUID(required=True),
        "sections": fields.Nested(CaseSummarySectionsSchema, required=True),
        "previous_id": fields.UUID(
            allow_none=True, metadata={"description": "The version this one follows"}
        ),
    },
    RecordKind.STRATEGY_DISCUSSION: {
        "family_id": fields.UUID(required=True),
        "discussed_at": moment(
            required=True, metadata={"description": "When it was held, by the worker's device"}
        ),
        "participants": fields.List(
            fields.Nested(StrategyParticipantSchema),
            required=True,
            validate=validate.Length(max=30),
            metadata={"description": "At least one: who took part, by agency"},
        ),
        "child_ids": fields.List(
            fields.UUID(),
            required=True,
            validate=validate.Length(max=30),
            metadata={"description": "At least one: the children of the family it was about"},
        ),
        "information_shared": required_text(20_000),
        "decision": code_from("strategy_decision", required=True),
        "icpc_held_on": fields.Date(
            allow_none=True,
            metadata={"description": "The day the initial child protection conference was held"},
        ),
    },
    RecordKind.REFERRAL: {
        "family_id": fields.UUID(required=True),
        "person_id": fields.UUID(required=True, metadata={"description": "The child referred"}),
        "referred_on": fields.Date(required=True),
        "source": code_from("cin_referral_source", required=True),
        "primary_need": code_from("cin_primary_need", allow_none=True),
        "no_further_action": JsonBoolean(),
        "assessment_started_on": fields.Date(allow_none=True),
        "assessment_authorised_on": fields.Date(allow_none=True),
        "assessment_factors": fields.List(
            code_from("cin_assessment_factor"),
            validate=validate.Length(max=40),
            metadata={"description": "The factors identified at assessment, as census codes"},
        ),
    },
    RecordKind.FAMILY_COPY: {
        "family_id": fields.UUID(required=True),
        "note_id": fields.UUID(
            required=True, metadata={"description": "The signed note it was drafted from"}
        ),
        "household_ids": fields.List(
            fields.UUID(),
            required=True,
            validate=validate.Length(max=30),  # at least one: the kind's rule says so in words
            metadata={"description": "The members of the family living in the home it goes to"},
        ),
        "sections": fields.Nested(FamilyCopySectionsSchema),
        "confirmed": fields.List(
            fields.String(validate=validate.Length(min=1, max=300)),
            validate=validate.Length(max=100),
            metadata={"description": "Flags the worker checked and confirmed as fine to share"},
        ),
        "shared_with": short_text(
            allow_none=True, metadata={"description": "Who it was given or sent to"}
        ),
        "shared_how": choice(list(family_copy.SHARED_HOW), allow_none=True),
        "language": choice(
            list(LANGUAGES), metadata={"description": "The language it is printed in: en or cy"}
        ),
    },
    # The description of a file; its bytes follow by resumable upload (docs/sync.md).
    RecordKind.ATTACHMENT: {
        "family_id": fields.UUID(required=True),
        "parent_kind": choice([kind.value for kind in ParentKind], required=True),
        "parent_id": fields.UUID(
            required=True,
            metadata={"description": "The note, visit, decision, conference or person"},
        ),
        "filename": fields.String(
            required=True,
            validate=[
                validate.Length(min=1, max=255),
                validate.Regexp(
                    r"^[^/\\\x00-\x1f]+$", error=translatable("Give a file name without folders.")
                ),
            ],
        ),
        "content_type": fields.String(
            required=True,
            validate=validate.Length(min=1, max=100),
            metadata={"description": "As the device declared it; the server judges by the bytes"},
        ),
        "byte_size": fields.Integer(
            required=True,
            strict=True,
            validate=validate.Range(min=1, max=2**40),
            metadata={"description": "The size of the bytes to be uploaded"},
        ),
        "sha256": fields.String(
            required=True,
            validate=validate.Regexp(
                r"^[0-9a-f]{64}$", error=translatable("Give the SHA-256 in lower-case hex.")
            ),
            metadata={"description": "Hex SHA-256 of the bytes to be uploaded"},
        ),
        "caption": long_text(allow_none=True),
    },
}

# When the worker wrote and signed the record by their device's clock; null when
# it was made online through the API (then created_at and signed_at say it).
DEVICE_TIMES: dict[str, fields.Field] = {
    "device_written_at": fields.AwareDateTime(allow_none=True),
    "device_signed_at": fields.AwareDateTime(allow_none=True),
}

# Fields set by the server, shown in responses only.
SERVER_SET: dict[RecordKind, dict[str, fields.Field]] = {
    RecordKind.FAMILY: {
        "team_id": fields.UUID(),
        "address_history": fields.List(fields.Nested(AddressSchema)),
        # Changed only by an agreed ending or a reopening (services.endings).
        "status": fields.String(metadata={"description": "open or closed"}),
        "closed_on": fields.Date(allow_none=True),
        "closure_reason": fields.String(allow_none=True),
    },
    RecordKind.NOTE: {
        "state": fields.String(),
        "signed_at": fields.AwareDateTime(allow_none=True),
        **DEVICE_TIMES,
        "review_status": fields.String(),
    },
    RecordKind.JUDGMENT: {
        "light": fields.String(),
        "policy_version": fields.Integer(),
        "status": fields.String(),
        "state": fields.String(),
        "signed_at": fields.AwareDateTime(allow_none=True),
        **DEVICE_TIMES,
        "decided_by_id": fields.UUID(allow_none=True),
        "decided_at": fields.AwareDateTime(allow_none=True),
        "decision_reason": fields.String(allow_none=True),
        "review_outcome": fields.String(allow_none=True),
        "reviewed_on": fields.Date(allow_none=True),
    },
    RecordKind.AMENDMENT: {
        "device_written_at": fields.AwareDateTime(allow_none=True),
    },
    RecordKind.CHECKLIST: {
        "purpose": fields.String(),
        "due_on": fields.Date(allow_none=True),
        "timeliness": fields.String(allow_none=True),
    },
    RecordKind.CHECKLIST_ITEM: {
        "family_id": fields.UUID(),
        "label": fields.String(),
        "child_id": fields.UUID(
            allow_none=True,
            metadata={"description": "The child this answer is for; null: the whole checklist"},
        ),
        "from_visit": fields.String(
            allow_none=True,
            metadata={"description": "What the visit's participants answer it from"},
        ),
    },
    RecordKind.REVIEW: {
        "family_id": fields.UUID(),
        "state": fields.String(),
        "signed_at": fields.AwareDateTime(allow_none=True),
        **DEVICE_TIMES,
        # An escalation: the manager it went to (the team's escalation contact).
        "addressed_to_id": fields.UUID(allow_none=True),
    },
    RecordKind.SUPERVISION_SESSION: {
        "team_id": fields.UUID(),
    },
    RecordKind.CHRONOLOGY_ENTRY: {
        "device_written_at": fields.AwareDateTime(allow_none=True),
    },
    RecordKind.CASE_SUMMARY: {
        "device_written_at": fields.AwareDateTime(allow_none=True),
    },
    RecordKind.STRATEGY_DISCUSSION: {
        "state": fields.String(),
        "signed_at": fields.AwareDateTime(allow_none=True),
        **DEVICE_TIMES,
        "s47_started_on": fields.Date(
            allow_none=True, metadata={"description": "The day a section 47 enquiry started"}
        ),
        "icpc_due_on": fields.Date(
            allow_none=True,
            metadata={"description": "The last day the initial child protection conference is due"},
        ),
    },
    RecordKind.FAMILY_COPY: {
        # "signed" once sharing is recorded: signed_at is the server's receipt of it,
        # device_signed_at when the worker recorded it on their device.
        "state": fields.String(),
        "signed_at": fields.AwareDateTime(allow_none=True),
        **DEVICE_TIMES,
        "readability": fields.List(fields.Dict()),
    },
    RecordKind.ATTACHMENT: {
        # When the worker attached it by their device's clock (the change's client_ts);
        # created_at is when the server received the record.
        "device_written_at": fields.AwareDateTime(allow_none=True),
        "upload_state": fields.String(
            metadata={"description": " or ".join(state.value for state in UploadState)}
        ),
        "refused_reason": fields.String(
            allow_none=True,
            metadata={"description": "Why the bytes were refused (docs/sync.md#attachments)"},
        ),
    },
}

# Fields that place a record; they cannot change once it exists.
CREATE_ONLY = frozenset(
    {
        "family_id",
        "person_id",
        "checklist_id",
        "item_key",
        "template_id",
        # A checklist's children make its items; a child left out is a new checklist.
        "child_ids",
        "target_kind",
        "target_id",
        "parent_id",
        "review_kind",
        "worker_id",
        "session_id",
        "supervision_discussion_id",
        # A decision proposing an ending is one from the start; another never becomes one.
        "ending",
        # A child's next kind of plan is a new episode, not a change to this one.
        "plan_type",
        "previous_id",
        "note_id",
        "parent_kind",
    }
)

COMMON_FIELDS: dict[str, fields.Field] = {
    "id": fields.UUID(),
    "version": fields.Integer(),
    "created_at": fields.AwareDateTime(),
    "created_by_id": fields.UUID(allow_none=True),
    "updated_at": fields.AwareDateTime(),
    "updated_by_id": fields.UUID(allow_none=True),
    "deleted_at": fields.AwareDateTime(allow_none=True),
}


def _name(kind: RecordKind) -> str:
    return "".join(part.title() for part in kind.value.split("_"))


def _optional(field: fields.Field) -> fields.Field:
    loose = copy.copy(field)
    loose.required = False
    return loose


@cache
def output_schema(kind: RecordKind) -> type[Schema]:
    """Return the schema of a record as the API returns it."""
    shown = {name: field for name, field in WRITABLE[kind].items() if not field.load_only}
    return Schema.from_dict(
        {**COMMON_FIELDS, **shown, **SERVER_SET.get(kind, {})}, name=_name(kind)
    )


def wire_value(value: Any) -> Any:
    """Return a column's value as JSON carries it (as the schemas dump it)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


@cache
def output_fields(kind: RecordKind) -> tuple[str, ...]:
    """Return the names of the fields a record of ``kind`` is shown with."""
    return tuple(output_schema(kind)._declared_fields)


def _iso(value: Any) -> Any:
    return value.isoformat()


@cache
def _converters(kind: RecordKind) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """Return, per output field, how to turn its column's value into JSON (None: as it is)."""
    from ..persistence.case import CASE_RECORDS

    columns = CASE_RECORDS[kind].__table__.columns
    converters: list[tuple[str, Callable[[Any], Any] | None]] = []
    for name in output_fields(kind):
        column_type = columns[name].type if name in columns else None
        if isinstance(column_type, sa.Uuid):
            converters.append((name, str))
        elif isinstance(column_type, sa.Date | sa.DateTime | sa.TypeDecorator):
            converters.append((name, _iso))
        else:
            converters.append((name, None))
    return tuple(converters)


def dump_row(kind: RecordKind, row: Mapping[str, Any]) -> dict[str, Any]:
    """Dump a record's table row as its output schema would, but fast enough for a pull.

    JSON columns are shown as stored: every write passed them through the
    schemas. tests/api/test_wire.py holds this to the schemas' own dump.
    """
    out: dict[str, Any] = {}
    for name, convert in _converters(kind):
        value = row[name]
        out[name] = convert(value) if convert is not None and value is not None else value
    return out


@cache
def record_dumper(kind: RecordKind) -> Schema:
    """Return a reusable instance of the output schema (building one per record is slow)."""
    return output_schema(kind)()


@cache
def create_schema(kind: RecordKind) -> type[Schema]:
    """Return the schema a new record is sent in (the id may be made by the client)."""
    writable = {name: f for name, f in WRITABLE[kind].items() if not f.dump_only}
    return Schema.from_dict(
        {"id": fields.UUID(load_default=None), **writable}, name=f"{_name(kind)}Create"
    )


class AmendmentMutationSchema(Schema):
    """An amendment as a synced mutation sends it: the record it amends, named by kind and id."""

    id = fields.UUID(required=True)
    target_kind = fields.String(
        required=True, validate=lambda v: v in ("note", "judgment", "review", "plan_episode")
    )
    target_id = fields.UUID(required=True)
    reason = WRITABLE[RecordKind.AMENDMENT]["reason"]
    changes = WRITABLE[RecordKind.AMENDMENT]["changes"]


@cache
def create_loader(kind: RecordKind) -> Schema:
    return create_schema(kind)()


@cache
def update_schema(kind: RecordKind) -> type[Schema]:
    """Return the schema of a change: the version it was based on and the fields changed."""
    changeable = {
        name: _optional(f)
        for name, f in WRITABLE[kind].items()
        if name not in CREATE_ONLY and not f.dump_only and not f.load_only
    }
    return Schema.from_dict(
        {
            "base_version": fields.Integer(required=True, validate=validate.Range(min=1)),
            **changeable,
        },
        name=f"{_name(kind)}Update",
    )


@cache
def update_loader(kind: RecordKind) -> Schema:
    return update_schema(kind)()


def describe(kind: RecordKind) -> dict[str, Any]:
    """Return a short description of a kind for the OpenAPI tags."""
    return {"name": kind.value, "description": f"{_name(kind)} records"}
