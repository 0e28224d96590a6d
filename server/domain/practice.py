"""Peer consultation and practice suggestions: support and ideas from the front line."""

from __future__ import annotations

from enum import StrEnum

from .errors import Forbidden, InvalidInput, field_errors
from .roles import PRACTICE_ROLES, Action, Role, can


class SuggestionStatus(StrEnum):
    SUBMITTED = "submitted"
    ADOPTED = "adopted"
    BEING_TRIED = "being_tried"
    NOT_NOW = "not_now"


ANSWERS = frozenset(
    {SuggestionStatus.ADOPTED, SuggestionStatus.BEING_TRIED, SuggestionStatus.NOT_NOW}
)


def ensure_can_consult(role: Role | str) -> None:
    """Allow practitioners (caseworkers and supervisors) to ask and answer peers."""
    if Role(role) not in PRACTICE_ROLES:
        raise Forbidden("Peer consultation is for practitioners.")


def ensure_can_answer_suggestion(role: Role | str, status: str, reasons: str) -> None:
    """A manager answers with a status and the reasons for it; never a bare verdict."""
    if not can(role, Action.ANSWER_SUGGESTION):
        raise Forbidden("Only a manager can answer a suggestion.")
    if status not in ANSWERS:
        raise InvalidInput(errors=field_errors(status="Choose adopted, being tried or not now."))
    if not reasons.strip():
        raise InvalidInput(
            errors=field_errors(response="Say why, so everyone can see the reasons.")
        )
