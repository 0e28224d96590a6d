"""A referral's rules, on the table of cases the app checks too."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from server.domain.errors import InvalidInput
from server.domain.referrals import check_referral

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "referrals.json"
TABLE = json.loads(FIXTURE.read_text())
TODAY = date.fromisoformat(TABLE["today"])
DATES = ("referred_on", "assessment_started_on", "assessment_authorised_on")


def as_entered(values: dict[str, Any]) -> dict[str, Any]:
    """Return a case's values as the schema hands them on: days as dates."""
    return {
        name: date.fromisoformat(value) if name in DATES and value else value
        for name, value in values.items()
    }


@pytest.mark.parametrize("case", TABLE["cases"], ids=[c["why"] for c in TABLE["cases"]])
def test_each_case(case: dict[str, Any]) -> None:
    try:
        check_referral(as_entered(case["values"]), TODAY)
        refused: set[str] = set()
    except InvalidInput as error:
        refused = set(error.errors)
    assert refused == set(case["refused"]), case["why"]
