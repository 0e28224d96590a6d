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

# Why each child's plan ends, by the census reason the family's episode ends with
# (the Department for Education's CIN census codes: the closure_reason list).
PLAN_END_REASON = {
    "RC1": "permanence_order",  # adopted
    "RC3": "permanence_order",  # child arrangements order
    "RC4": "permanence_order",  # special guardianship order
    "RC5": "moved_away",  # transferred to another council
    "RC6": "turned_18",  # transferred to adult social care
    "RC7": "aims_met",  # services ceased: no longer in need, or another reason
    "RC9": "stepped_down",  # closed after assessment: referred to early help
}

# The numbering of the closure_reason list. Edition 1 (the app's first list)
# numbered from RC4 one below the census's code set and had no special
# guardianship order; edition 2 is the census's own (RC1 to RC9). A proposal
# says which edition the worker chose from (``closure_reason_edition``).
CLOSURE_REASON_EDITION = 2
FIRST_EDITION_REASONS = {
    "RC1": "RC1",  # adopted
    "RC2": "RC2",  # died
    "RC3": "RC3",  # child arrangements order
    "RC4": "RC5",  # transferred to another council
    "RC5": "RC6",  # transferred to adult social care
    "RC6": "RC7",  # services ceased: the child is no longer in need
    "RC7": "RC8",  # closed after assessment: no further action
    "RC8": "RC9",  # closed after assessment: referred to early help
}
# Codes that mean the same in both editions, or exist in one only: read as they are
# even when the proposal does not say its edition.
UNAMBIGUOUS_REASONS = frozenset({"RC1", "RC2", "RC3", "RC9"})
CHOOSE_THE_REASON_AGAIN = translatable(
    "The reasons for ending our work have changed to match the children in need census. "
    "Choose why our work is ending again."
)

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


def read_closure_reason(code: str | None, edition: int | None) -> str | None:
    """Return the census code a proposal's reason means, by the list the worker chose it from.

    A proposal from the current list is read as it is. One from the first
    edition is moved to the code the census gives that reason. One that does
    not say its edition (queued by an app from before the list followed the
    census) is read as it is only where the code means the same in both
    editions; otherwise it is refused, asking the worker to choose again: its
    meaning depends on the list the device held, which the server cannot know.
    """
    if code is None or edition == CLOSURE_REASON_EDITION:
        return code
    if edition == 1 and code in FIRST_EDITION_REASONS:
        return FIRST_EDITION_REASONS[code]
    if edition is None and code in UNAMBIGUOUS_REASONS:
        return code
    raise InvalidInput(errors={"ending.closure_reason": [CHOOSE_THE_REASON_AGAIN]})


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
