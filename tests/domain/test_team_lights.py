"""A worker's light: the council's, their team's trial, narrower in their first year."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from server.domain.lights import Light
from server.domain.team_lights import (
    is_newly_qualified,
    newly_qualified_until,
    overlaps,
    stricter,
    trial_running,
    validate_narrower,
    validate_trial,
    worker_light,
)

FIXTURE = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "team_lights.json").read_text()
)
POLICY = FIXTURE["policy"]


def _trial(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        **entry,
        "starts_on": date.fromisoformat(entry["starts_on"]),
        "ends_on": date.fromisoformat(entry["ends_on"]),
    }


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=[c["name"] for c in FIXTURE["cases"]])
def test_the_light_a_worker_gets(case: dict[str, Any]) -> None:
    today = date.fromisoformat(case["today"])
    qualified_on = case["qualified_on"] and date.fromisoformat(case["qualified_on"])
    light = worker_light(
        POLICY,
        case["category"],
        team_id=case["team_id"],
        trials=[_trial(trial) for trial in FIXTURE["trials"]],
        narrower=FIXTURE["narrower"].get(case["team_id"] or "", {}),
        newly_qualified=is_newly_qualified(qualified_on or None, today),
        today=today,
    )
    assert light is Light(case["light"])


def test_stricter_asks_for_more_supervision() -> None:
    assert stricter("green", "yellow") is Light.YELLOW
    assert stricter("red", "yellow") is Light.RED
    assert stricter("green", "green") is Light.GREEN


def test_a_worker_with_no_qualified_date_is_never_newly_qualified() -> None:
    assert newly_qualified_until(None) is None
    assert not is_newly_qualified(None, date(2027, 3, 1))
    # One who qualifies in the future (a student starting) counts as newly qualified.
    assert is_newly_qualified(date(2027, 9, 1), date(2027, 3, 1))


def test_a_trial_runs_to_the_day_before_its_end() -> None:
    trial = {"starts_on": date(2027, 1, 1), "ends_on": date(2027, 1, 3)}
    assert [trial_running(trial, date(2027, 1, d)) for d in (1, 2, 3)] == [True, True, False]


def test_overlapping_trials_share_a_day() -> None:
    first = {"starts_on": date(2027, 1, 1), "ends_on": date(2027, 2, 1)}
    assert overlaps(first, {"starts_on": date(2027, 1, 31), "ends_on": date(2027, 3, 1)})
    assert not overlaps(first, {"starts_on": date(2027, 2, 1), "ends_on": date(2027, 3, 1)})


TODAY = date(2027, 3, 1)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({}, {}),
        (
            {"category": "nothing"},
            {"category": ["Choose a kind of decision from the council's policy"]},
        ),
        (
            {"light": "yellow"},
            {
                "light": [
                    "That is already the council's light for 'Change how often we visit': "
                    "choose a different one"
                ]
            },
        ),
        ({"starts_on": date(2027, 2, 28)}, {"starts_on": ["A trial cannot start in the past"]}),
        ({"ends_on": TODAY}, {"ends_on": ["The trial must end after it starts"]}),
        ({"ends_on": date(2028, 3, 2)}, {"ends_on": ["A trial can run for at most 12 months"]}),
    ],
)
def test_a_trial_is_checked_against_the_policy_and_the_calendar(
    changes: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    trial: dict[str, Any] = {
        "category": "change_visit_frequency",
        "light": "green",
        "starts_on": TODAY,
        "ends_on": date(2027, 6, 1),
        **changes,
    }
    assert validate_trial(POLICY, today=TODAY, **trial) == errors


def test_narrower_lights_are_yellow_or_red_for_kinds_the_policy_has() -> None:
    assert validate_narrower(POLICY, [{"key": "routine_support", "light": "yellow"}]) == {}
    errors = validate_narrower(
        POLICY,
        [
            {"key": "routine_support", "light": "green"},
            {"key": "nothing", "light": "red"},
            {"key": "routine_support", "light": "red"},
        ],
    )
    assert set(errors) == {"categories.0.light", "categories.1.key", "categories.2.key"}
