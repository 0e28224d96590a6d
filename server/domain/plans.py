"""Children's plan episodes: what each kind of plan records, and how an episode ends.

Statutory work belongs to a child, not a family. Each child has episodes,
one at a time: early help, a child in need plan, a child protection plan
(with its category of abuse, as the CIN census codes it) or looked after
(with a legal status and a placement, as SSDA903 codes them). "No plan" is
no open episode. An episode that has ended is frozen like a signed record:
a correction is an amendment.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from .errors import InvalidInput, RuleBroken, field_errors, translatable
from .roles import Role


class PlanType(StrEnum):
    EARLY_HELP = "early_help"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION = "child_protection"
    LOOKED_AFTER = "looked_after"


# The fields only one kind of plan has, and which of them it must have.
ONLY_FOR: dict[str, PlanType] = {
    "cp_category": PlanType.CHILD_PROTECTION,
    "initial_conference_on": PlanType.CHILD_PROTECTION,
    "legal_status": PlanType.LOOKED_AFTER,
    "placement_started_on": PlanType.LOOKED_AFTER,
    "placement_type": PlanType.LOOKED_AFTER,
}
REQUIRED_FOR: dict[PlanType, dict[str, str]] = {
    PlanType.CHILD_PROTECTION: {
        "cp_category": translatable("Choose the category of the child protection plan.")
    },
    PlanType.LOOKED_AFTER: {"legal_status": translatable("Choose the child's legal status.")},
}
# Fields an amendment of an ended episode may correct, as ISO dates or codes.
AMENDABLE_DATES = frozenset(
    {"started_on", "ended_on", "placement_started_on", "initial_conference_on"}
)
AMENDABLE_CODES = frozenset({"cp_category", "legal_status", "placement_type", "end_reason"})
AMENDABLE = AMENDABLE_DATES | AMENDABLE_CODES


def check_episode(values: Mapping[str, Any], today: date) -> None:
    """Refuse an episode whose fields do not fit its kind of plan, or whose dates are wrong."""
    plan_type = PlanType(values["plan_type"])
    errors: dict[str, str] = {}
    for name, owner in ONLY_FOR.items():
        if values.get(name) is not None and owner is not plan_type:
            errors[name] = ONLY_FOR_MESSAGES[owner]
    for name, message in REQUIRED_FOR.get(plan_type, {}).items():
        if values.get(name) is None:
            errors[name] = message
    started = values.get("started_on")
    if started is not None and started > today:
        errors["started_on"] = translatable("A plan cannot start in the future.")
    conference = values.get("initial_conference_on")
    if conference is not None and started is not None and conference > started:
        errors["initial_conference_on"] = translatable(
            "The initial conference comes before the plan starts."
        )
    placement = values.get("placement_started_on")
    if placement is not None and placement > today:
        errors["placement_started_on"] = translatable("A placement cannot start in the future.")
    ended, reason = values.get("ended_on"), values.get("end_reason")
    if ended is not None:
        if started is not None and ended < started:
            errors["ended_on"] = translatable("A plan cannot end before it starts.")
        elif ended > today:
            errors["ended_on"] = translatable("A plan cannot end in the future.")
        if reason is None:
            errors["end_reason"] = translatable("Say why the plan ended.")
    elif reason is not None:
        errors["ended_on"] = translatable("Give the date the plan ended.")
    if errors:
        raise InvalidInput(errors=field_errors(**errors))


def ensure_one_open_episode(open_elsewhere: bool) -> None:
    """Refuse a second open episode for a child: end the current one first."""
    if open_elsewhere:
        raise RuleBroken(
            translatable("This child already has a plan. End it before starting the next one.")
        )


def check_amendment(changes: Mapping[str, str], codes: Mapping[str, set[str]]) -> None:
    """Refuse an amendment of an episode whose corrected values are not dates or known codes."""
    errors: dict[str, str] = {}
    for name, value in changes.items():
        if name in AMENDABLE_DATES:
            try:
                date.fromisoformat(value)
            except ValueError:
                errors[name] = translatable("Give the corrected date as YYYY-MM-DD.")
        elif name in AMENDABLE_CODES and value not in codes[name]:
            errors[name] = translatable("Choose one of the codes in the list.")
    if errors:
        raise InvalidInput(errors={"changes": field_errors(**errors)})


def corrected(values: Mapping[str, Any], amendments: Iterable[Mapping[str, str]]) -> dict[str, Any]:
    """Return an episode's values as its amendments, oldest first, corrected them."""
    fixed = dict(values)
    for changes in amendments:
        for name, value in changes.items():
            if name in AMENDABLE_DATES:
                fixed[name] = date.fromisoformat(value)
            elif name in AMENDABLE_CODES:
                fixed[name] = value
    return fixed


def may_see_placement_address(
    *,
    role: str,
    user_id: object,
    user_team_id: object,
    family_team_id: object,
    allocated_worker_ids: Collection[object],
) -> bool:
    """Return whether a user may see a placement address (allocated worker, team supervisors)."""
    if role == Role.SUPERVISOR:
        return user_team_id is not None and user_team_id == family_team_id
    return role == Role.CASEWORKER and user_id in allocated_worker_ids


ONLY_FOR_MESSAGES = {
    PlanType.CHILD_PROTECTION: translatable("Only a child protection plan has this."),
    PlanType.LOOKED_AFTER: translatable("Only a looked after child's episode has this."),
}
