"""Peer consultations and practice suggestions."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from .. import clock
from ..domain.errors import NotFound
from ..domain.practice import (
    SuggestionStatus,
    ensure_can_answer_suggestion,
    ensure_can_consult,
)
from ..extensions import db
from ..persistence import Consultation, ConsultationReply, Suggestion, User


def post_consultation(
    actor: User, title: str, dilemma: str, consultation_id: uuid.UUID | None
) -> Consultation:
    """Post an anonymised dilemma: the row keeps no link to the asker or a family."""
    ensure_can_consult(actor.role)
    consultation = Consultation(title=title, dilemma=dilemma)
    if consultation_id is not None:
        consultation.id = consultation_id
    db.session.add(consultation)
    db.session.flush()
    return consultation


def consultation(actor: User, consultation_id: uuid.UUID) -> Consultation:
    ensure_can_consult(actor.role)
    found = db.session.get(Consultation, consultation_id)
    if found is None:
        raise NotFound()
    return found


def replies(consultation_id: uuid.UUID) -> list[ConsultationReply]:
    return list(
        db.session.scalars(
            sa.select(ConsultationReply)
            .where(ConsultationReply.consultation_id == consultation_id)
            .order_by(ConsultationReply.created_at)
        )
    )


def reply(actor: User, consultation_id: uuid.UUID, body: str) -> ConsultationReply:
    """Answer a peer's dilemma (the reply shows who gave the advice)."""
    consultation(actor, consultation_id)
    answer = ConsultationReply(consultation_id=consultation_id, body=body, created_by_id=actor.id)
    db.session.add(answer)
    db.session.flush()
    return answer


def submit_suggestion(actor: User, title: str, body: str) -> Suggestion:
    """Any member of staff puts forward an idea; everyone can follow what became of it."""
    suggestion = Suggestion(title=title, body=body, created_by_id=actor.id)
    db.session.add(suggestion)
    db.session.flush()
    return suggestion


def answer_suggestion(
    actor: User, suggestion_id: uuid.UUID, status: str, response: str
) -> Suggestion:
    """A manager answers with a status and reasons."""
    ensure_can_answer_suggestion(actor.role, status, response)
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise NotFound()
    suggestion.status = SuggestionStatus(status).value
    suggestion.response = response
    suggestion.responded_by_id = actor.id
    suggestion.responded_at = clock.now()
    return suggestion
