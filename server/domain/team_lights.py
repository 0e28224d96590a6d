"""The light a worker's decision gets: the council's, their team's trial's, or narrower.

The council's policy gives each kind of decision a light. A practice lead can
try a different light for one team for a set time ("Change how often we
visit" green for North for three months): the trial runs from ``starts_on``
to the day before ``ends_on``, and from ``ends_on`` the council's light
applies again, by the clock alone. A team can also give its newly qualified
workers (in the first year after ``qualified_on``) narrower lights for some
kinds of decision, so they try their judgment with a supervisor beside them:
a narrower light only ever adds supervision, never removes it.

The app works the same out on the device (``pwa/src/domain/team-lights.js``);
both are tested against ``tests/fixtures/team_lights.json``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from .errors import field_errors, translatable
from .lights import Light, light_for
from .timescales import add_months

NEWLY_QUALIFIED_MONTHS = 12  # the assessed and supported year in employment
MAX_TRIAL_MONTHS = 12
# Stricter means more supervision: the order a narrower light moves in.
STRICTNESS = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


def stricter(first: Light | str, second: Light | str) -> Light:
    """Return whichever of two lights asks for more supervision."""
    a, b = Light(first), Light(second)
    return a if STRICTNESS[a] >= STRICTNESS[b] else b


def newly_qualified_until(qualified_on: date | None) -> date | None:
    """Return the day a worker stops counting as newly qualified, or None if they never did."""
    if qualified_on is None:
        return None
    return add_months(qualified_on, NEWLY_QUALIFIED_MONTHS)


def is_newly_qualified(qualified_on: date | None, today: date) -> bool:
    """Return whether a worker is in their first year since qualifying."""
    until = newly_qualified_until(qualified_on)
    return until is not None and today < until


def trial_running(trial: Mapping[str, Any], today: date) -> bool:
    """Return whether a trial gives its light today: from its start to the day before its end."""
    starts_on: date = trial["starts_on"]
    ends_on: date = trial["ends_on"]
    return starts_on <= today < ends_on


def worker_light(
    categories: Iterable[Mapping[str, str]],
    category: str,
    *,
    team_id: object,
    trials: Iterable[Mapping[str, Any]],
    narrower: Mapping[str, str],
    newly_qualified: bool,
    today: date,
) -> Light:
    """Return the light a decision of this kind gets when this worker makes it today.

    ``trials`` may hold every team's: only a running trial of the worker's own
    team counts. ``narrower`` is the worker's team's lights for newly
    qualified workers, by category; it applies only if ``newly_qualified``.
    """
    light = light_for(categories, category)
    for trial in trials:
        same_team = team_id is not None and str(trial["team_id"]) == str(team_id)
        if same_team and trial["category"] == category and trial_running(trial, today):
            light = Light(trial["light"])
    if newly_qualified and category in narrower:
        light = stricter(light, narrower[category])
    return light


def validate_trial(
    categories: Iterable[Mapping[str, str]],
    *,
    category: str,
    light: str,
    starts_on: date,
    ends_on: date,
    today: date,
) -> dict[str, list[str]]:
    """Return field errors for a trial: a kind the policy has, a new light, sound dates."""
    known = {entry["key"]: entry for entry in categories}
    errors: dict[str, str] = {}
    if category not in known:
        errors["category"] = translatable("Choose a kind of decision from the council's policy")
    elif known[category]["light"] == light:
        errors["light"] = translatable(
            "That is already the council's light for '{label}': choose a different one",
            label=known[category]["label"],
        )
    if starts_on < today:
        errors["starts_on"] = translatable("A trial cannot start in the past")
    if ends_on <= starts_on:
        errors["ends_on"] = translatable("The trial must end after it starts")
    elif ends_on > add_months(starts_on, MAX_TRIAL_MONTHS):
        errors["ends_on"] = translatable(
            "A trial can run for at most {most} months", most=MAX_TRIAL_MONTHS
        )
    return field_errors(**errors)


def overlaps(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """Return whether two trials share a day (each runs to the day before its end)."""
    first_start: date = first["starts_on"]
    second_start: date = second["starts_on"]
    return first_start < second["ends_on"] and second_start < first["ends_on"]


def validate_narrower(
    categories: Iterable[Mapping[str, str]], entries: Iterable[Mapping[str, str]]
) -> dict[str, list[str]]:
    """Return field errors for a team's lights for newly qualified workers.

    Each names a kind of decision in the policy, once, with yellow or red: a
    green light could never be narrower than anything.
    """
    known = {entry["key"] for entry in categories}
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        key = entry.get("key", "")
        if key not in known:
            errors[f"categories.{index}.key"] = [
                translatable("Choose a kind of decision from the policy.")
            ]
        elif key in seen:
            errors[f"categories.{index}.key"] = [
                translatable("Category '{key}' appears more than once.", key=key)
            ]
        seen.add(key)
        if entry.get("light") not in (Light.YELLOW.value, Light.RED.value):
            errors[f"categories.{index}.light"] = [
                translatable("A narrower light is yellow or red: green could never be narrower.")
            ]
    return errors
