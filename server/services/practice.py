"""Peer consultations and practice suggestions."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from .. import access, clock
from ..domain.errors import NotFound
from ..domain.practice import (
    SuggestionStatus,
    asker_key_hash,
    ensure_can_answer_suggestion,
    ensure_can_consult,
)
from ..extensions import db
from ..persistence import Consultation, ConsultationReply, PeerLetter, Suggestion, User
from ..persistence.pages import Page, page_of


def post_consultation(
    actor: User, title: str, dilemma: str, consultation_id: uuid.UUID | None, asker_key: str
) -> Consultation:
    """Post an anonymised dilemma for other teams: the row names neither the asker nor a family."""
    ensure_can_consult(actor.role)
    consultation = Consultation(
        title=title,
        dilemma=dilemma,
        asked_in_team_id=actor.team_id,
        asker_key_hash=asker_key_hash(asker_key),
    )
    if consultation_id is not None:
        consultation.id = consultation_id
    db.session.add(consultation)
    db.session.flush()
    return consultation


def _visible(actor: User, asker_key: str | None = None) -> sa.ColumnElement[bool]:
    ensure_can_consult(actor.role)
    return access.visible_consultation_condition(
        actor, asker_key_hash(asker_key) if asker_key else None
    )


def consultations(actor: User, page: int, size: int) -> Page[Consultation]:
    """Return one page of the consultations the actor may read, newest first."""
    query = (
        sa.select(Consultation)
        .where(_visible(actor))
        .order_by(Consultation.posted_at.desc(), Consultation.id)
    )
    return page_of(query, page, size)


def consultation(
    actor: User, consultation_id: uuid.UUID, asker_key: str | None = None
) -> Consultation:
    """Return a consultation the actor may read: asked in another team, or with the asker's key."""
    found = db.session.scalar(
        sa.select(Consultation).where(
            Consultation.id == consultation_id, _visible(actor, asker_key)
        )
    )
    if found is None:
        raise NotFound()
    return found


def replies(consultation_id: uuid.UUID) -> list[ConsultationReply]:
    """Return the replies to a consultation, oldest first."""
    return list(
        db.session.scalars(
            sa.select(ConsultationReply)
            .where(ConsultationReply.consultation_id == consultation_id)
            .order_by(ConsultationReply.created_at)
        )
    )


def reply(
    actor: User, consultation_id: uuid.UUID, body: str, asker_key: str | None = None
) -> ConsultationReply:
    """Answer a dilemma the actor may read (the reply shows who gave the advice)."""
    consultation(actor, consultation_id, asker_key)
    answer = ConsultationReply(consultation_id=consultation_id, body=body, created_by_id=actor.id)
    db.session.add(answer)
    db.session.flush()
    return answer


def submit_suggestion(
    actor: User,
    title: str,
    body: str,
    *,
    category: str | None = None,
    proposed_light: str | None = None,
    evidence: str | None = None,
) -> Suggestion:
    """Any member of staff puts forward an idea; everyone can follow what became of it.

    From a decision's review, the idea may be a change of light for a category
    of decision, with the evidence for it.
    """
    suggestion = Suggestion(
        title=title,
        body=body,
        created_by_id=actor.id,
        category=category,
        proposed_light=proposed_light,
        evidence=evidence,
    )
    db.session.add(suggestion)
    db.session.flush()
    return suggestion


def suggestions(actor: User, page: int, size: int) -> Page[Suggestion]:
    """Return one page of every suggestion and what became of it: all staff see them all."""
    query = sa.select(Suggestion).order_by(Suggestion.created_at.desc(), Suggestion.id)
    return page_of(query, page, size)


def suggestion(actor: User, suggestion_id: uuid.UUID) -> Suggestion:
    """Return one suggestion and its answer (any member of staff may read it)."""
    found = db.session.get(Suggestion, suggestion_id)
    if found is None:
        raise NotFound()
    return found


def colleagues(actor: User) -> list[User]:
    """Return the active staff by name: who wrote or replied, for an app offline."""
    return list(
        db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.display_name))
    )


def answer_suggestion(
    actor: User, suggestion_id: uuid.UUID, status: str, response: str
) -> Suggestion:
    """A manager answers with a status and reasons."""
    ensure_can_answer_suggestion(actor.role, status, response)
    answered = suggestion(actor, suggestion_id)
    answered.status = SuggestionStatus(status).value
    answered.response = response
    answered.responded_by_id = actor.id
    answered.responded_at = clock.now()
    return answered


def post_peer_letter(actor: User, title: str, body: str, category: str | None) -> PeerLetter:
    """Share learning with peers: the letter names neither its writer nor a family.

    Like a consultation, it is not audited against its writer: the audit log
    would otherwise say who wrote each letter.
    """
    ensure_can_consult(actor.role)
    letter = PeerLetter(title=title, body=body, category=category)
    db.session.add(letter)
    db.session.flush()
    return letter


def peer_letters(actor: User, page: int, size: int) -> Page[PeerLetter]:
    """Return one page of peer letters, newest first."""
    ensure_can_consult(actor.role)
    query = sa.select(PeerLetter).order_by(PeerLetter.posted_at.desc(), PeerLetter.id)
    return page_of(query, page, size)
