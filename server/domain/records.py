"""Rules every case record follows: drafts, signing, amendments and soft delete."""

from __future__ import annotations

from enum import StrEnum

from .errors import RecordSigned, RuleBroken


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


class SignState(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


# Records a person signs; once signed they never change (corrections are amendments).
SIGNABLE = frozenset({RecordKind.NOTE, RecordKind.JUDGMENT, RecordKind.REVIEW})
# Records an amendment may point at.
AMENDABLE = SIGNABLE
# Records that keep when they were written (and signed) on the device, beside
# the server's time of receipt: what a court may read.
DEVICE_TIMED = SIGNABLE | {RecordKind.AMENDMENT}
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
    }
)
# Records scoped by team, not by family: each is its own unit of sync scope.
TEAM_SCOPED = frozenset({RecordKind.SUPERVISION_SESSION})


def ensure_editable(kind: RecordKind | str, state: SignState | str | None) -> None:
    """Refuse a change to a signed record."""
    if RecordKind(kind) in SIGNABLE and state == SignState.SIGNED:
        raise RecordSigned()


def ensure_deletable(kind: RecordKind | str, state: SignState | str | None) -> None:
    """Refuse deleting a record kind that is kept for good, or a signed record."""
    ensure_editable(kind, state)
    if RecordKind(kind) not in DELETABLE:
        raise RuleBroken(f"A {RecordKind(kind).value.replace('_', ' ')} cannot be deleted.")


def ensure_amendable(kind: RecordKind | str, state: SignState | str | None) -> None:
    """Allow amendments only to signed notes, judgments and reviews."""
    if RecordKind(kind) not in AMENDABLE:
        raise RuleBroken("Only notes, judgments and reviews can be amended.")
    if state != SignState.SIGNED:
        raise RuleBroken("A draft can be edited directly; amend it only once it is signed.")
