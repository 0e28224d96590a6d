"""Empowerment within clear bounds: the light a decision gets under the council's policy.

Green: the worker decides and logs it. Yellow: the worker decides; their
supervisor discusses it. Red: a supervisor must approve it before the worker acts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from .errors import Forbidden, RuleBroken, translatable
from .roles import Role


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class JudgmentStatus(StrEnum):
    DRAFT = "draft"
    LOGGED = "logged"
    AWAITING_DISCUSSION = "awaiting_discussion"
    DISCUSSED = "discussed"
    AWAITING_APPROVAL = "awaiting_approval"
    # Agreed by a supervisor by phone, to be confirmed by them (domain.urgent).
    VERBAL_APPROVAL = "verbal_approval"
    APPROVED = "approved"
    DECLINED = "declined"


# A category the policy does not name is treated as needing discussion: safer
# than green, and never blocks a worker the way red would.
UNLISTED_CATEGORY_LIGHT = Light.YELLOW

STATUS_WHEN_SIGNED = {
    Light.GREEN: JudgmentStatus.LOGGED,
    Light.YELLOW: JudgmentStatus.AWAITING_DISCUSSION,
    Light.RED: JudgmentStatus.AWAITING_APPROVAL,
}


def light_for(categories: Iterable[Mapping[str, Any]], category: str) -> Light:
    """Return the light the policy gives a decision category."""
    for entry in categories:
        if entry["key"] == category:
            return Light(entry["light"])
    return UNLISTED_CATEGORY_LIGHT


def status_when_signed(light: Light | str) -> JudgmentStatus:
    """Return the status a judgment entry takes when its author signs it."""
    return STATUS_WHEN_SIGNED[Light(light)]


def ensure_can_decide_approval(
    *,
    approver_id: object,
    approver_role: Role | str,
    author_id: object,
    status: str,
    own_allowed: bool = False,
) -> None:
    """Refuse an approval by anyone but a supervisor other than the author.

    ``own_allowed``: the policy names this supervisor although they recorded the
    decision (a group supervision decision, recorded by its facilitator).
    """
    if Role(approver_role) is not Role.SUPERVISOR:
        raise Forbidden(
            translatable("Only a supervisor can approve or decline a red-light decision.")
        )
    if approver_id == author_id and not own_allowed:
        raise Forbidden(translatable("You cannot approve or decline your own decision."))
    if status not in (JudgmentStatus.AWAITING_APPROVAL, JudgmentStatus.VERBAL_APPROVAL):
        raise RuleBroken(translatable("This decision is not awaiting approval."))


def ensure_can_mark_discussed(status: str, *, requested: bool = False) -> None:
    """Allow "discussed" only on an entry waiting for discussion, or one asked or sampled."""
    if status != JudgmentStatus.AWAITING_DISCUSSION and not requested:
        raise RuleBroken(translatable("This decision is not waiting for discussion."))


def validate_policy(categories: Iterable[Mapping[str, str]]) -> dict[str, list[str]]:
    """Return field errors for a policy: unique keys, each with a known light."""
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, entry in enumerate(categories):
        key = entry.get("key", "")
        if key in seen:
            errors[f"categories.{index}.key"] = [
                translatable("Category '{key}' appears more than once.", key=key)
            ]
        seen.add(key)
        if entry.get("light") not in {light.value for light in Light}:
            errors[f"categories.{index}.light"] = [
                translatable("Light must be green, yellow or red.")
            ]
    return errors
