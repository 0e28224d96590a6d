"""Rules every case record follows: drafts, signing, amendments and soft delete."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from .errors import RecordEnded, RecordSigned, RuleBroken, translatable


class RecordKind(StrEnum):
    """Every record of the domain, by the name it has on the wire."""

    FAMILY = "family"
    PERSON = "person"
    MEMBERSHIP = "membership"
    RELATIONSHIP = "relationship"
    ASSIGNMENT = "assignment"
    INTERACTION = "interaction"
    NOTE = "note"
    AMENDMENT = "amendment"
    JUDGMENT = "judgment"
    CHECKLIST = "checklist"
    CHECKLIST_ITEM = "checklist_item"
    REVIEW = "review"
    CONFERENCE = "conference"
    PLAN_ACTION = "plan_action"
    # Group supervision: a team-scoped header (no family data) and, per family
    # discussed, a family-scoped discussion (so it follows the family's scope).
    SUPERVISION_SESSION = "supervision_session"
    SUPERVISION_DISCUSSION = "supervision_discussion"
    # A child's plan: early help, child in need, child protection or looked after.
    PLAN_EPISODE = "plan_episode"
    # A significant event a worker adds to the family's chronology.
    CHRONOLOGY_ENTRY = "chronology_entry"
    # One version of the family's "story so far"; each save is a new version.
    CASE_SUMMARY = "case_summary"
    # Agencies deciding together whether to start a section 47 enquiry.
    STRATEGY_DISCUSSION = "strategy_discussion"
    # What we talked about and agreed, in plain words, for the family to keep.
    FAMILY_COPY = "family_copy"
    # A photo or document attached to a note, visit, decision, conference or person.
    ATTACHMENT = "attachment"
    # A referral about a child, and the assessment that followed it: the census's episode start.
    REFERRAL = "referral"


class SignState(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


# Records a person signs; once signed they never change (corrections are amendments).
# A family copy is signed by recording it as shared: what the family got never changes.
SIGNABLE = frozenset(
    {
        RecordKind.NOTE,
        RecordKind.JUDGMENT,
        RecordKind.REVIEW,
        RecordKind.STRATEGY_DISCUSSION,
        RecordKind.FAMILY_COPY,
    }
)
# Records the author signs themselves (a review is signed as it is made).
SIGNED_BY_AUTHOR = frozenset(
    {
        RecordKind.NOTE,
        RecordKind.JUDGMENT,
        RecordKind.STRATEGY_DISCUSSION,
        RecordKind.FAMILY_COPY,
    }
)
# Fields a worker may still set on a signed record: what happened after, never what was
# written (a strategy discussion's ICPC, held weeks later).
SET_AFTER_SIGNING: dict[RecordKind, frozenset[str]] = {
    RecordKind.STRATEGY_DISCUSSION: frozenset({"icpc_held_on"}),
}
# Records that freeze when they end, as a signed record does: their ``sign_state``
# reads "signed" once ended (a child's plan episode).
FROZEN_WHEN_ENDED = frozenset({RecordKind.PLAN_EPISODE})
# Records an amendment may point at. A shared family copy is not corrected: a
# new copy is made and shared.
AMENDABLE = (SIGNABLE - {RecordKind.FAMILY_COPY}) | FROZEN_WHEN_ENDED
# Records that keep when they were written (and signed) on the device, beside
# the server's time of receipt: what a court may read.
DEVICE_TIMED = SIGNABLE | {
    RecordKind.AMENDMENT,
    RecordKind.CHRONOLOGY_ENTRY,
    RecordKind.CASE_SUMMARY,
    RecordKind.ATTACHMENT,
}
# Records that may be deleted at all (softly). Signed records never are.
DELETABLE = frozenset(
    {
        RecordKind.PERSON,
        RecordKind.MEMBERSHIP,
        RecordKind.RELATIONSHIP,
        RecordKind.INTERACTION,
        RecordKind.NOTE,
        RecordKind.JUDGMENT,
        RecordKind.CHECKLIST,
        RecordKind.CONFERENCE,
        RecordKind.PLAN_ACTION,
        RecordKind.SUPERVISION_DISCUSSION,
        RecordKind.PLAN_EPISODE,
        RecordKind.STRATEGY_DISCUSSION,
        RecordKind.FAMILY_COPY,
        RecordKind.REFERRAL,
    }
)
# Records scoped by team, not by family: each is its own unit of sync scope.
TEAM_SCOPED = frozenset({RecordKind.SUPERVISION_SESSION})


def ensure_editable(
    kind: RecordKind | str, state: SignState | str | None, changing: Iterable[str] = ()
) -> None:
    """Refuse a change to a signed record, or to one that has ended.

    ``changing`` names the fields a change sets: on a signed record, only
    those its kind lets be set after signing may be (``SET_AFTER_SIGNING``).
    """
    kind = RecordKind(kind)
    changing = frozenset(changing)
    if state == SignState.SIGNED and changing and changing <= SET_AFTER_SIGNING.get(kind, set()):
        return
    if state == SignState.SIGNED and kind in SIGNABLE:
        raise RecordSigned()
    if state == SignState.SIGNED and kind in FROZEN_WHEN_ENDED:
        raise RecordEnded()


def ensure_deletable(kind: RecordKind | str, state: SignState | str | None) -> None:
    """Refuse deleting a record kind that is kept for good, or a signed record."""
    ensure_editable(kind, state)
    if RecordKind(kind) not in DELETABLE:
        raise RuleBroken(
            translatable(
                "A {kind} cannot be deleted.", kind=RecordKind(kind).value.replace("_", " ")
            )
        )


def ensure_amendable(kind: RecordKind | str, state: SignState | str | None) -> None:
    """Allow amendments only to signed notes, judgments and reviews, and to ended plans."""
    if RecordKind(kind) not in AMENDABLE:
        raise RuleBroken(
            translatable(
                "Only notes, judgments, reviews, strategy discussions "
                "and ended plans can be amended."
            )
        )
    if state != SignState.SIGNED:
        if RecordKind(kind) in FROZEN_WHEN_ENDED:
            raise RuleBroken(translatable("A plan that has not ended can be changed directly."))
        raise RuleBroken(
            translatable("A draft can be edited directly; amend it only once it is signed.")
        )
