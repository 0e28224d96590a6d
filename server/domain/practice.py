"""Peer consultation and practice suggestions: support and ideas from the front line."""

from __future__ import annotations

import hashlib
from enum import StrEnum

from .errors import Forbidden, InvalidInput, field_errors, translatable
from .roles import Action, Role, can

# The key an asker's device makes when it posts a consultation: 32 random
# bytes, URL-safe base64 without padding. The server keeps only its hash.
ASKER_KEY_PATTERN = r"^[A-Za-z0-9_-]{43}$"


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
    if not can(role, Action.CONSULT_PEERS):
        raise Forbidden(translatable("Peer consultation is for caseworkers and supervisors."))


def asker_key_hash(key: str) -> str:
    """Return what the server keeps of an asker's key (a high-entropy secret: one SHA-256)."""
    return hashlib.sha256(key.encode()).hexdigest()


def ensure_can_answer_suggestion(role: Role | str, status: str, reasons: str) -> None:
    """A manager answers with a status and the reasons for it; never a bare verdict."""
    if not can(role, Action.ANSWER_SUGGESTION):
        raise Forbidden(translatable("Only a manager can answer a suggestion."))
    if status not in ANSWERS:
        raise InvalidInput(
            errors=field_errors(status=translatable("Choose adopted, being tried or not now."))
        )
    if not reasons.strip():
        raise InvalidInput(
            errors=field_errors(response=translatable("Say why, so everyone can see the reasons."))
        )
