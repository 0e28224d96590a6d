"""What waits for supervision, and who approves a red decision made in group supervision.

The supervisor's queue is a short list of conversations, not a sign-off
backlog: red decisions awaiting approval, yellow decisions to talk through,
anything a worker asked to discuss, and a small monthly sample the supervisor
draws. A signed note is complete without any supervisor action; a green
decision never enters the queue. The device builds the queue from what it holds
(``pwa/src/domain/review-queue.js``); the server keeps the records it is made
of and the rules of who may add them.

The two kinds of review record that put something in the queue:

- ``ask_to_discuss``: a worker asks to talk a note or decision through with
  their supervisor, with an optional question.
- ``sampled``: the supervisor drew it into this month's sample.

Either is closed by a later ``discussed`` on the same note or decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .errors import Forbidden, InvalidInput, field_errors, translatable
from .roles import PRACTICE_ROLES, Action, Role, can

ASK_TO_DISCUSS = "ask_to_discuss"
SAMPLED = "sampled"
# Review kinds that put a note or decision in the supervisor's queue.
REQUEST_KINDS = frozenset({ASK_TO_DISCUSS, SAMPLED})


class GroupApprover(StrEnum):
    """Who approves or declines a red decision made in group supervision."""

    # The supervisor who facilitated the session: the group was the second view,
    # and the facilitator records the approval (or decline) afterwards with a reason.
    FACILITATOR = "facilitator"
    # Another supervisor of the team, as for any red decision.
    ANOTHER_SUPERVISOR = "another_supervisor"


DEFAULT_GROUP_APPROVER = GroupApprover.FACILITATOR


@dataclass(frozen=True)
class QueueSettings:
    """A team's settings for its supervision queue."""

    # Unrequested items (yellow decisions, samples) leave the queue after this many days.
    queue_age_days: int = 60
    # Notes and decisions the supervisor may draw for each worker each month.
    sample_size: int = 2
    # The same, for a worker in their first three months.
    sample_size_new: int = 4


DEFAULT_SETTINGS = QueueSettings()
LIMITS = {"queue_age_days": (7, 365), "sample_size": (0, 20), "sample_size_new": (0, 20)}


def check_settings(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Return field errors for a team's queue settings."""
    errors: dict[str, list[str]] = {}
    words = {
        "queue_age_days": translatable(
            "Days before an item leaves the queue must be between {low} and {high}"
        ),
        "sample_size": translatable("The monthly sample must be between {low} and {high}"),
        "sample_size_new": translatable(
            "The monthly sample for new workers must be between {low} and {high}"
        ),
    }
    for name, (low, high) in LIMITS.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            errors[name] = [translatable(words[name], low=low, high=high)]
    if (
        values.get("sample_size") is not None
        and values.get("sample_size_new") is not None
        and values["sample_size_new"] < values["sample_size"]
    ):
        errors["sample_size_new"] = [
            translatable("The sample for new workers must be at least the sample for others")
        ]
    return errors


def ensure_can_change_settings(role: Role | str) -> None:
    """Allow a team's supervisors to change its queue settings."""
    if Role(role) is not Role.SUPERVISOR:
        raise Forbidden(
            translatable("Only a supervisor can change the team's supervision settings.")
        )


def ensure_can_request(
    review_kind: str, *, role: Role | str, target_kind: str, has_open_request: bool
) -> None:
    """Refuse an ask to discuss from anyone but a practitioner, and a sample from a non-supervisor.

    Either may be made once while the item is open: a second ask adds nothing.
    """
    if review_kind == ASK_TO_DISCUSS and Role(role) not in PRACTICE_ROLES:
        raise Forbidden(translatable("Only a practitioner can ask to talk something through."))
    if review_kind == SAMPLED and not can(role, Action.REVIEW):
        raise Forbidden(translatable("Only a supervisor draws the monthly sample."))
    if has_open_request:
        raise InvalidInput(
            errors=field_errors(
                review_kind=translatable("This decision is already waiting to be talked through.")
                if target_kind == "judgment"
                else translatable("This note is already waiting to be talked through.")
            )
        )


def approver_rule(policy_setting: str | None) -> GroupApprover:
    """Return who approves a red decision from group supervision under a policy."""
    try:
        return GroupApprover(policy_setting or DEFAULT_GROUP_APPROVER)
    except ValueError:
        return DEFAULT_GROUP_APPROVER


def ensure_group_approver(
    rule: GroupApprover, *, approver_id: object, facilitator_id: object
) -> bool:
    """Check the approver of a red decision from group supervision.

    Return whether the approver may decide a decision they recorded themselves:
    under the facilitator rule the facilitator records the group's decision
    and is the one the policy names to approve it.
    """
    if rule is GroupApprover.FACILITATOR:
        if approver_id != facilitator_id:
            raise Forbidden(
                translatable(
                    "The decision policy names the session's facilitator to approve this decision."
                )
            )
        return True
    return False
