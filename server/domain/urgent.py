"""When a child may be at immediate risk: the council's numbers, and agreement by phone.

A worker who fears for a child now phones: their team manager, the duty
team, the emergency duty team out of hours, or 999 if the child is in
immediate danger. The council keeps those numbers; every device holds them.
A decision of a category the practice lead marks urgent, or one the worker
marks as immediate risk, may be agreed by a supervisor by phone and acted on
at once: the worker records who agreed and when, the decision waits as
"verbal approval, to confirm", and the supervisor who agreed confirms it (or
records that they did not agree, which is a decline) when they can.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .errors import Forbidden, InvalidInput, RuleBroken, field_errors, translatable
from .lights import JudgmentStatus
from .roles import Role


class UrgentNumber(StrEnum):
    """The numbers a council sets, in the order a worker is told to try them."""

    TEAM_MANAGER = "team_manager"
    DUTY_TEAM = "duty_team"
    EMERGENCY_DUTY_TEAM = "emergency_duty_team"


EMERGENCY_SERVICES = "999"

# A UK number as people write it: an optional +44, then digits, spaces, hyphens
# and brackets. What is left once those are taken out is checked below.
_WRITTEN = re.compile(r"^\+?[0-9 ()\-]+$")
# A UK geographic, non-geographic or mobile number: 0, then 9 or 10 digits.
_NATIONAL = re.compile(r"^0[1-9][0-9]{8,9}$")

# A device's clock can run a little ahead of the server's; more than this and
# the time given for the call is a mistake, not drift.
AGREED_AHEAD_ALLOWED = timedelta(minutes=10)
# A verbal approval answers a decision the worker could not wait on: it is
# recorded within a week of the call, or it is not one.
AGREED_LONGEST_BEFORE = timedelta(days=7)

# Decisions a verbal approval may move: signed, and not yet decided.
OPEN_STATUSES = frozenset(
    {
        JudgmentStatus.LOGGED,
        JudgmentStatus.AWAITING_DISCUSSION,
        JudgmentStatus.AWAITING_APPROVAL,
    }
)


def national_number(text: str) -> str | None:
    """Return a UK phone number's national digits (``02079460123``), or None if it is not one."""
    if not _WRITTEN.match(text.strip()):
        return None
    digits = re.sub(r"[^0-9+]", "", text)
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("+"):
        return None
    return digits if _NATIONAL.match(digits) else None


def tel_href(text: str) -> str:
    """Return the ``tel:`` address of a stored number, in international form."""
    national = national_number(text)
    if national is None:
        raise ValueError(f"not a UK phone number: {text!r}")
    return "tel:+44" + national[1:]


def check_numbers(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Return field errors for the council's numbers: each a UK phone number."""
    errors: dict[str, list[str]] = {}
    for number in UrgentNumber:
        text = (values.get(number.value) or "").strip()
        if not text:
            errors[number.value] = [translatable("Enter a phone number")]
        elif national_number(text) is None:
            errors[number.value] = [
                translatable("Enter a UK phone number, like 020 7946 0123 or 0161 496 0123")
            ]
    return errors


def is_urgent(categories: Iterable[Mapping[str, Any]], category: str) -> bool:
    """Return whether the policy marks a decision category urgent."""
    return any(entry["key"] == category and entry.get("urgent") for entry in categories)


def ensure_verbal_approval(
    *,
    actor_id: object,
    author_id: object,
    status: str,
    urgent: bool,
    immediate_risk: bool,
) -> None:
    """Refuse a verbal approval on a decision that may not have one."""
    if actor_id != author_id:
        raise Forbidden(
            translatable("Only the worker who made the decision records agreement by phone.")
        )
    if not (urgent or immediate_risk):
        raise RuleBroken(
            translatable(
                "Agreement by phone is only for decisions of an urgent category, or where a"
                " child may be at immediate risk."
            )
        )
    if status not in OPEN_STATUSES:
        raise RuleBroken(translatable("This decision has already been agreed or decided."))


def check_approver(
    *,
    approver: Any,
    actor_id: object,
    family_team_id: object,
) -> None:
    """Refuse an approver who is not an active supervisor of the family's team."""
    if approver is None or not approver.active:
        raise InvalidInput(
            errors=field_errors(agreed_by_id=translatable("Choose who agreed the decision."))
        )
    if approver.id == actor_id:
        raise InvalidInput(
            errors=field_errors(
                agreed_by_id=translatable("Someone other than you must agree the decision.")
            )
        )
    if Role(approver.role) is not Role.SUPERVISOR or approver.team_id != family_team_id:
        raise InvalidInput(
            errors=field_errors(
                agreed_by_id=translatable("Choose a supervisor or manager of the family's team.")
            )
        )


def check_agreed_at(agreed_at: datetime | None, *, now: datetime) -> None:
    """Refuse a time of the call that is missing, in the future or too long ago."""
    if agreed_at is None:
        raise InvalidInput(errors=field_errors(agreed_at=translatable("Enter when they agreed.")))
    if agreed_at > now + AGREED_AHEAD_ALLOWED:
        raise InvalidInput(
            errors=field_errors(agreed_at=translatable("The time they agreed must be in the past."))
        )
    if agreed_at < now - AGREED_LONGEST_BEFORE:
        raise InvalidInput(
            errors=field_errors(
                agreed_at=translatable("Record agreement by phone within 7 days of the call.")
            )
        )


def ensure_named_approver(*, actor_id: object, approver_id: object) -> None:
    """Allow only the supervisor who agreed by phone to confirm the decision, or decline it."""
    if actor_id != approver_id:
        raise Forbidden(
            translatable("Only the supervisor who agreed by phone can confirm this decision.")
        )
