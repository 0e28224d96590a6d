"""The worker's side of a decision: disagreeing with a decline, escalating it, reviewing it.

A supervisor's decline is not the last word: a worker may record their
professional disagreement on the decision's thread, and escalate it to the
next manager, as local safeguarding escalation protocols expect. A decision's
review is learning, not correction: it sets the outcome and the date of the
review on the decision directly, where an amendment would say the decision
was an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from .errors import Forbidden, InvalidInput, RuleBroken, field_errors, translatable
from .lights import JudgmentStatus


class WorkerReviewKind(StrEnum):
    DISAGREEMENT = "disagreement"  # the author disagrees with a declined decision
    ESCALATION = "escalation"  # ...and takes it to the next manager
    DECISION_REVIEW = "decision_review"  # the decision looked at again on its review date


class Hindsight(StrEnum):
    """With hindsight, was it the right decision?"""

    RIGHT = "right"
    PARTLY = "partly"
    NOT_RIGHT = "not_right"


HINDSIGHT_WORDS = {
    Hindsight.RIGHT: "Yes, it was the right decision",
    Hindsight.PARTLY: "Partly",
    Hindsight.NOT_RIGHT: "No, with hindsight it was not",
}

# The questions of "Review this decision", in the order the form asks them.
REVIEW_QUESTIONS = {
    "what_happened": "What happened",
    "hindsight": "Was it right, with hindsight",
    "differently": "What I would do differently",
    "family_view_now": "The family's view now",
}


def ensure_can_disagree(*, actor_id: object, author_id: object, status: str) -> None:
    """Allow the decision's author, and only on a declined decision, to disagree or escalate."""
    if actor_id != author_id:
        raise Forbidden(
            translatable("Only the worker who made this decision can record disagreement with it.")
        )
    if status != JudgmentStatus.DECLINED:
        raise RuleBroken(
            translatable("You can disagree with a decision only once a supervisor has declined it.")
        )


def escalation_contact(
    *, actor_id: object, decided_by_id: object, contact_id: object | None
) -> object:
    """Return who an escalation goes to: the team's escalation contact, never the decider."""
    if contact_id is None:
        raise RuleBroken(
            translatable(
                "Your team has no escalation contact set, so this could not be escalated. "
                "Your disagreement stays on the decision's thread: ask your admin to name the "
                "manager escalations go to."
            )
        )
    if contact_id in (actor_id, decided_by_id):
        raise RuleBroken(
            translatable(
                "Your team's escalation contact is the person who declined this decision. "
                "Ask your admin to name the next manager."
            )
        )
    return contact_id


def ensure_can_review(*, actor_id: object, author_id: object, current_workers: set[Any]) -> None:
    """Allow the decision's author, or a worker who has the family now, to review it."""
    if actor_id != author_id and actor_id not in current_workers:
        raise Forbidden(
            translatable(
                "Only the worker who made this decision, or the family's worker now, can review it."
            )
        )


def ensure_not_reviewed(reviewed_on: date | None) -> None:
    """A decision is reviewed once; later thoughts are comments on its thread."""
    if reviewed_on is not None:
        raise RuleBroken(
            translatable(
                "This decision has been reviewed already. Add a comment to its thread instead."
            )
        )


def check_review(answers: Mapping[str, Any] | None, reviewed_on: date, today: date) -> None:
    """Refuse a review without what happened and a view with hindsight, or dated in the future."""
    errors: dict[str, str] = {}
    answers = answers or {}
    if not str(answers.get("what_happened") or "").strip():
        errors["answers.what_happened"] = translatable("Say what happened after the decision.")
    if answers.get("hindsight") not in {value.value for value in Hindsight}:
        errors["answers.hindsight"] = translatable(
            "Say whether, with hindsight, it was the right decision."
        )
    if reviewed_on > today:
        errors["answers.reviewed_on"] = translatable(
            "The date of the review cannot be in the future."
        )
    if errors:
        raise InvalidInput(errors=field_errors(**errors))
