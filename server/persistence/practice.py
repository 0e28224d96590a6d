"""Records about practice rather than about one family: templates, policy, peer
consultations and practice suggestions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import JSONType, UTCDateTime, timestamp, uuid_pk


class ChecklistTemplate(Model):
    """One version of a council's checklist for an interaction purpose.

    A new version is a new row with the same ``key``; completed checklists
    point at the exact version they were made from.
    """

    __tablename__ = "checklist_template"
    __table_args__ = (
        sa.UniqueConstraint("key", "version", name="uq_checklist_template_key_version"),
    )

    id: Mapped[uuid_pk]
    key: Mapped[str] = mapped_column(sa.String(60))
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(sa.String(200))
    purpose: Mapped[str] = mapped_column(sa.String(40), index=True)
    # [{"key", "label", "statutory": bool}]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    # A TimescaleRule as data, or None when no timescale applies.
    timescale: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))


class DecisionPolicy(Model):
    """One version of the council's decision policy: categories and their lights."""

    __tablename__ = "decision_policy"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # [{"key", "label", "light"}]
    categories: Mapped[list[dict[str, str]]] = mapped_column(JSONType)
    created_at: Mapped[timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Why the admin changed the policy (required since it was asked; empty on older versions).
    reason: Mapped[str | None] = mapped_column(sa.Text)
    # Who approves a red decision made in group supervision
    # (domain.supervision_queue.GroupApprover).
    group_supervision_approver: Mapped[str] = mapped_column(
        sa.String(30), default="facilitator", server_default="facilitator"
    )
    # The practice suggestion this version answers, if one led to it.
    suggestion_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("suggestion.id"))


class UrgentContacts(Model):
    """The council's numbers to phone when a child may be at immediate risk (one row)."""

    __tablename__ = "urgent_contacts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    team_manager: Mapped[str] = mapped_column(sa.String(40))
    duty_team: Mapped[str] = mapped_column(sa.String(40))
    emergency_duty_team: Mapped[str] = mapped_column(sa.String(40))
    updated_at: Mapped[timestamp]
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))


class Consultation(Model):
    """An anonymised dilemma posted to peers in other teams.

    Deliberately holds no link to a family or to the asker. It keeps the team
    it was asked from, so that no one in that team (the asker's supervisor
    included) can read it, and the hash of a key only the asker's device
    holds, so that the asker can follow the replies.
    """

    __tablename__ = "consultation"

    id: Mapped[uuid_pk]
    title: Mapped[str] = mapped_column(sa.String(200))
    dilemma: Mapped[str] = mapped_column(sa.Text)
    posted_at: Mapped[timestamp]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    asked_in_team_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("team.id"), index=True)
    asker_key_hash: Mapped[str | None] = mapped_column(sa.String(64))


class ConsultationReply(Model):
    __tablename__ = "consultation_reply"

    id: Mapped[uuid_pk]
    consultation_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("consultation.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))


class Suggestion(Model):
    """A practice suggestion from staff, the answer, and what became of it."""

    __tablename__ = "suggestion"

    id: Mapped[uuid_pk]
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # submitted, adopted, being_tried, not_now
    status: Mapped[str] = mapped_column(sa.String(20), default="submitted")
    response: Mapped[str | None] = mapped_column(sa.Text)
    responded_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A proposed change of light for a decision category, from a decision's review:
    # the category, the light proposed and the anonymised evidence for it.
    category: Mapped[str | None] = mapped_column(sa.String(60))
    proposed_light: Mapped[str | None] = mapped_column(sa.String(10))
    evidence: Mapped[str | None] = mapped_column(sa.Text)


class PeerLetter(Model):
    """Learning from a decision's review, shared with peers: anonymised, like a consultation.

    Holds no link to a family, a decision or its writer.
    """

    __tablename__ = "peer_letter"

    id: Mapped[uuid_pk]
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    # The decision category it is about, so peers can find learning on the kind of decision.
    category: Mapped[str | None] = mapped_column(sa.String(60))
    posted_at: Mapped[timestamp]


class PlainWord(Model):
    """A word the council asks workers to put plainly in a family copy, and what to say instead.

    Added to the built-in list (``server/data/plain_words.json``); a council
    entry for a built-in term replaces its suggestion. Removing one keeps the row.
    """

    __tablename__ = "plain_word"

    id: Mapped[uuid_pk]
    term: Mapped[str] = mapped_column(sa.String(80))
    plain: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
