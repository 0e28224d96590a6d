"""Ending our work with a family: stepping down, closing, transferring, reopening.

The family's worker proposes an ending as a decision that carries it (the
light comes from the decision policy, like any decision's); every ending
waits for a supervisor's agreement, whatever the light. On agreement a step
down or a closure ends the children's plans and closes the family; the
devices that hold the family keep it for the council's clearing period and
then forget it. A transfer waits for the receiving team's supervisor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from .errors import Forbidden, InvalidInput, RuleBroken, translatable


class EndingKind(StrEnum):
    STEP_DOWN = "step_down"
    CLOSE = "close"
    TRANSFER = "transfer"


# The decision policy category each kind of ending is logged under.
CATEGORY = {
    EndingKind.STEP_DOWN: "step_down_to_early_help",
    EndingKind.CLOSE: "close_case",
    EndingKind.TRANSFER: "transfer_to_another_team",
}

# Days a closed family stays on the devices that held it, unless the council sets another.
DEFAULT_CLEARING_DAYS = 28
CLEARING_DAYS_RANGE = (0, 365)

# Why each child's plan ends, by the census reason the family's episode ends with.
PLAN_END_REASON = {
    "RC1": "permanence_order",
    "RC3": "permanence_order",
    "RC4": "moved_away",
    "RC5": "turned_18",
    "RC6": "aims_met",
    "RC8": "stepped_down",
}

# Why the worker's time with the family ends (the handover_reason list).
ASSIGNMENT_END_REASON = {
    EndingKind.STEP_DOWN: "case_stepped_down",
    EndingKind.CLOSE: "case_closed",
    EndingKind.TRANSFER: "team_change",
}


def plan_end_reason(kind: EndingKind | str, closure_reason: str | None) -> str:
    """Return why each child's plan ends when the family's work ends this way."""
    if EndingKind(kind) is EndingKind.STEP_DOWN:
        return "stepped_down"
    return PLAN_END_REASON.get(closure_reason or "", "other")


def check_proposal(
    ending: Mapping[str, Any],
    *,
    family_view: str | None,
    child_view: str | None,
    team_id: object,
    known_teams: Iterable[object],
) -> None:
    """Refuse a proposal that leaves out what the ending needs, with a message per field."""
    kind = EndingKind(ending["kind"])
    problems: dict[str, str] = {}
    if kind is EndingKind.TRANSFER:
        to_team = ending.get("to_team_id")
        if to_team is None:
            problems["ending.to_team_id"] = translatable("Choose the team the family moves to.")
        elif str(to_team) == str(team_id):
            problems["ending.to_team_id"] = translatable("The family is already with this team.")
        elif str(to_team) not in {str(team) for team in known_teams}:
            problems["ending.to_team_id"] = translatable("Choose one of the council's teams.")
        if not (ending.get("handover_note") or "").strip():
            problems["ending.handover_note"] = translatable(
                "Write a handover note: what matters to this family, and what is in hand."
            )
    else:
        if not ending.get("closure_reason"):
            problems["ending.closure_reason"] = translatable("Choose why our work is ending.")
        if ending.get("closing_visit_id") is None:
            problems["ending.closing_visit_id"] = translatable("Choose the closing visit.")
        if not (child_view or "").strip():
            problems["child_view"] = translatable("Say what the children think of our work ending.")
        if not (family_view or "").strip():
            problems["family_view"] = translatable("Say what the family think of our work ending.")
        if not any((change.get("in_their_words") or "").strip() for change in ending["changes"]):
            problems["ending.changes"] = translatable(
                "Say what has changed against at least one of the family's goals, in their words."
            )
        if not (ending.get("if_worries_return") or "").strip():
            problems["ending.if_worries_return"] = translatable(
                "Say what the family can do if worries come back."
            )
    if problems:
        raise InvalidInput(errors={field: [message] for field, message in problems.items()})


def ensure_can_propose(*, actor_id: object, current_workers: Iterable[object]) -> None:
    """Only the family's allocated worker proposes ending our work with them."""
    if actor_id not in set(current_workers):
        raise Forbidden(
            translatable("Only the family's worker can propose ending our work with them.")
        )


def ensure_none_waiting(waiting: bool) -> None:
    """Refuse a second proposal while one waits for a supervisor."""
    if waiting:
        raise RuleBroken(
            translatable(
                "An ending for this family is already waiting for a supervisor, "
                "or a team to accept it."
            )
        )


def ensure_open(status: str) -> None:
    """Refuse to end our work with a family that is already closed."""
    if status == "closed":
        raise RuleBroken(translatable("This family is already closed."))


def ensure_can_reopen(status: str, reason: str) -> None:
    """A supervisor reopens a closed family, saying why."""
    if status != "closed":
        raise RuleBroken(translatable("Only a closed family can be reopened."))
    if not reason.strip():
        raise InvalidInput(
            errors={"reason": [translatable("Say why we are working with the family again.")]}
        )


def cleared_on(closed_on: date, clearing_days: int) -> date:
    """Return the day a closed family leaves the devices that held it."""
    return closed_on + timedelta(days=clearing_days)


def last_day_on_devices(today: date, clearing_days: int) -> date:
    """Return the earliest closing day a family may have and still be on devices today."""
    return today - timedelta(days=clearing_days - 1)


def check_clearing_days(value: int) -> None:
    """Refuse a clearing period outside the range a council may set."""
    low, high = CLEARING_DAYS_RANGE
    if not low <= value <= high:
        raise ValueError(f"The clearing period must be {low} to {high} days.")
