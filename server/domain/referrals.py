"""Referrals about a child and the assessment after each: what a duty team records.

A referral starts a child's episode of need in the Children in Need census:
the day it came in, who made it (the census's referral source), and whether
it ended in no further action. The assessment that follows records when it
started, when a manager authorised it, and the factors it identified (the
census's codes). These checks refuse what cannot be true when it is
entered; the census validation report (``server.census.rules``) lists what
is incomplete or was changed later.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .errors import InvalidInput, field_errors, translatable

# The census's factor meaning "no factors identified": never beside another.
NO_FACTORS = "21"


def check_referral(values: Mapping[str, Any], today: date) -> None:
    """Refuse a referral whose dates are in the future or out of order, or whose factors clash."""
    errors: dict[str, str] = {}
    referred = values.get("referred_on")
    started = values.get("assessment_started_on")
    authorised = values.get("assessment_authorised_on")
    factors = list(values.get("assessment_factors") or [])
    if referred is not None and referred > today:
        errors["referred_on"] = translatable("A referral cannot be in the future.")
    if started is not None:
        if started > today:
            errors["assessment_started_on"] = translatable(
                "An assessment cannot start in the future."
            )
        elif referred is not None and started < referred:
            errors["assessment_started_on"] = translatable(
                "The assessment starts on or after the referral."
            )
        if values.get("no_further_action"):
            errors["no_further_action"] = translatable(
                "A referral with no further action has no assessment. Untick it, or remove"
                " the assessment's dates."
            )
    if authorised is not None:
        if started is None:
            errors["assessment_authorised_on"] = translatable(
                "Give the day the assessment started first."
            )
        elif authorised < started:
            errors["assessment_authorised_on"] = translatable(
                "An assessment is authorised after it starts."
            )
        elif authorised > today:
            errors["assessment_authorised_on"] = translatable(
                "An assessment cannot be authorised in the future."
            )
    if factors and started is None:
        errors["assessment_factors"] = translatable(
            "Factors are identified by an assessment: give its start."
        )
    elif len(set(factors)) != len(factors):
        errors["assessment_factors"] = translatable("Each factor once.")
    elif NO_FACTORS in factors and len(factors) > 1:
        errors["assessment_factors"] = translatable(
            "No factors identified cannot go with other factors."
        )
    if errors:
        raise InvalidInput(errors=field_errors(**errors))
