"""The council's plain words: the glossary a family copy's readability check reads.

Everyone signed in reads it (the app keeps it with its other reference data,
for use offline); the practice lead and admins add and remove the council's own.
"""

from __future__ import annotations

import uuid
from typing import Any

from marshmallow import Schema, fields, validate

from ..domain.errors import Forbidden, translatable
from ..domain.roles import Action, can
from ..security.sessions import current_user
from ..services import family_copies
from .common import blueprint, current_actor

blp = blueprint("plain_words", "/api/plain-words", "The council's plain words for family copies")


class PlainWordSchema(Schema):
    id = fields.UUID(dump_only=True, allow_none=True)
    term = fields.String(
        required=True,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "The word or phrase to put plainly, such as CIN or contact"},
    )
    plain = fields.String(
        required=True,
        validate=validate.Length(min=1, max=300),
        metadata={"description": "What to say instead"},
    )
    council = fields.Boolean(
        dump_only=True, metadata={"description": "Added by the council (else built in)"}
    )


def _require_manager() -> None:
    if not can(current_user().role, Action.MANAGE_PLAIN_WORDS):
        raise Forbidden(
            translatable("Only the practice lead and admins change the council's plain words.")
        )


@blp.route("", methods=["GET"])
@blp.response(200, PlainWordSchema(many=True))
def list_plain_words() -> list[dict[str, Any]]:
    """Return the glossary: the council's own words, then the built-in ones."""
    current_user()
    return family_copies.glossary()


@blp.route("", methods=["POST"])
@blp.arguments(PlainWordSchema)
@blp.response(201, PlainWordSchema)
def add_plain_word(data: dict[str, Any]) -> dict[str, Any]:
    """Add a word the council wants put plainly, with what to say instead."""
    _require_manager()
    word = family_copies.add_plain_word(current_actor(), data["term"], data["plain"])
    return word


@blp.route("/<uuid:word_id>", methods=["DELETE"])
@blp.response(204)
def remove_plain_word(word_id: uuid.UUID) -> None:
    """Stop suggesting one of the council's words (a built-in word it replaced comes back)."""
    _require_manager()
    family_copies.remove_plain_word(current_actor(), word_id)
