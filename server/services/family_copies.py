"""Family copies: the council's plain words, and the check made when sharing is recorded.

The checks themselves are pure (``server/domain/family_copy.py``, the same
as the app's); this module gathers what they read: who lives in the
household receiving the copy, everyone else connected to the family, the
children's placement addresses (restricted: never shared, never shown in a
message), and the glossary (built in, with the council's own words over it).
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .. import clock
from ..audit import Actor, AuditAction, record_event
from ..domain import family_copy
from ..domain.errors import InvalidInput, NotFound, field_errors, translatable
from ..domain.plans import PlanType
from ..extensions import db
from ..persistence import (
    FamilyCopy,
    Membership,
    Person,
    PlacementAddress,
    PlainWord,
    PlanEpisode,
    Relationship,
)

BUILT_IN_FILE = Path(__file__).resolve().parents[1] / "data" / "plain_words.json"
ENTITY = "plain_word"


@cache
def built_in() -> tuple[dict[str, str], ...]:
    """Return the plain words every council starts with."""
    entries: list[dict[str, str]] = json.loads(BUILT_IN_FILE.read_text(encoding="utf-8"))
    return tuple(entries)


def glossary() -> list[dict[str, Any]]:
    """Return the glossary: the council's words, then the built-in ones they do not replace."""
    council = db.session.scalars(
        sa.select(PlainWord).where(PlainWord.removed_at.is_(None)).order_by(PlainWord.created_at)
    ).all()
    own = {word.term.lower() for word in council}
    return [
        *(
            {"id": word.id, "term": word.term, "plain": word.plain, "council": True}
            for word in council
        ),
        *(
            {"id": None, "term": entry["term"], "plain": entry["plain"], "council": False}
            for entry in built_in()
            if entry["term"].lower() not in own
        ),
    ]


def add_plain_word(actor: Actor, term: str, plain: str) -> dict[str, Any]:
    """Add a council word (or the council's suggestion for a built-in one), audited."""
    user = actor.user
    term = " ".join(term.split())
    taken = db.session.scalar(
        sa.select(PlainWord.id).where(
            sa.func.lower(PlainWord.term) == term.lower(), PlainWord.removed_at.is_(None)
        )
    )
    if taken is not None:
        raise InvalidInput(
            errors=field_errors(term=translatable("The council already has plain words for this."))
        )
    word = PlainWord(term=term, plain=plain.strip(), created_by_id=user.id)
    db.session.add(word)
    db.session.flush()
    record_event(AuditAction.CREATE, ENTITY, record_id=word.id, detail={"term": term}, actor=actor)
    return {"id": word.id, "term": word.term, "plain": word.plain, "council": True}


def remove_plain_word(actor: Actor, word_id: uuid.UUID) -> None:
    """Stop suggesting a council word (the row is kept); a built-in one comes back."""
    # The role was checked by the caller; the audit event names the actor.
    word = db.session.get(PlainWord, word_id)
    if word is None or word.removed_at is not None:
        raise NotFound(translatable("No such council word."))
    word.removed_at = clock.now()
    record_event(
        AuditAction.DELETE, ENTITY, record_id=word.id, detail={"term": word.term}, actor=actor
    )


def _names(person: Person) -> tuple[str, ...]:
    full = f"{person.given_name} {person.family_name}".strip()
    names = [full, person.known_as or "", person.given_name]
    return tuple(dict.fromkeys(name for name in names if name.strip()))


def _connected_people(family_id: uuid.UUID) -> list[Person]:
    members = sa.select(Membership.person_id).where(
        Membership.family_id == family_id, Membership.deleted_at.is_(None)
    )
    named = sa.select(Relationship.to_person_id).where(
        Relationship.family_id == family_id,
        Relationship.deleted_at.is_(None),
        Relationship.to_person_id.is_not(None),
    )
    return list(
        db.session.scalars(
            sa.select(Person).where(
                sa.or_(Person.id.in_(members), Person.id.in_(named)), Person.deleted_at.is_(None)
            )
        )
    )


def _placement_details(family_id: uuid.UUID) -> list[str]:
    """Return the lines and postcodes of the family's children's placement addresses."""
    rows = db.session.scalars(
        sa.select(PlacementAddress.address)
        .join(PlanEpisode, PlanEpisode.id == PlacementAddress.episode_id)
        .where(
            PlanEpisode.family_id == family_id,
            PlanEpisode.plan_type == PlanType.LOOKED_AFTER,
            PlanEpisode.deleted_at.is_(None),
        )
    )
    details: list[str] = []
    for address in rows:
        details.extend(str(address.get(part) or "") for part in ("line1", "line2", "postcode"))
    return [detail for detail in details if detail.strip()]


def flags_of(copy: Any) -> list[family_copy.Flag]:
    """Return what the copy flags to check before sharing, restricted details included."""
    household = {str(person_id) for person_id in copy.household_ids or []}
    people = _connected_people(copy.family_id)
    return family_copy.sharing_flags(
        copy.sections or {},
        third_parties=[
            family_copy.ThirdParty(str(person.id), _names(person))
            for person in people
            if str(person.id) not in household
        ],
        household_names=[name for p in people if str(p.id) in household for name in _names(p)],
        restricted=_placement_details(copy.family_id),
    )


def check_before_sharing(copy: FamilyCopy | Any) -> None:
    """Refuse to record sharing until it says how and with whom, and nothing flagged is left.

    Keeps the readability check as it stood on the copy (advice, never a refusal).
    """
    missing: dict[str, str] = {}
    if not (copy.shared_with or "").strip():
        missing["shared_with"] = translatable("Enter who you shared the copy with")
    if copy.shared_how not in family_copy.SHARED_HOW:
        missing["shared_how"] = translatable("Choose how you shared the copy")
    if missing:
        raise InvalidInput(
            translatable("Say with whom and how you shared the copy."), field_errors(**missing)
        )
    left = family_copy.unresolved(flags_of(copy), copy.confirmed or [])
    if left:
        raise InvalidInput(
            translatable(
                "Check before sharing: remove each flagged detail or confirm it is fine to share."
            ),
            {"sections": [family_copy.flag_message(flag) for flag in left]},
        )
    text = "\n".join((copy.sections or {}).get(name) or "" for name in family_copy.SECTIONS)
    copy.readability = family_copy.readability(text, glossary())
