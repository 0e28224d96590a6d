"""How long a closed family's records are kept: the rule, counted from its children.

Pure: the schedule itself is data (``server/data/retention.json``), read by
``server.services.retention``. A family's records are kept to the given
birthday of its youngest child (the 75th where any child was looked after,
otherwise the 25th), and at least some years after the family was closed.
When in doubt the rule keeps: a child with no date of birth counts as born a
year after the closure (a child unborn when our work ended), and a date known
only to the month, or estimated, counts as a year later than recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class RetentionRule(StrEnum):
    DEFAULT = "default"
    LOOKED_AFTER = "looked_after"


@dataclass(frozen=True)
class Line:
    until_birthday: int
    at_least_years_after_closure: int


@dataclass(frozen=True)
class Child:
    date_of_birth: date | None
    dob_accuracy: str = "exact"


@dataclass(frozen=True)
class Verdict:
    rule: RetentionRule
    keep_until: date
    # True when some child's date of birth was unknown or inexact, or no child was recorded.
    assumed: bool

    def due(self, on: date) -> bool:
        """Return whether the records may go on this day: the day after the last kept."""
        return self.keep_until < on


def lines_from(schedule: dict[str, Any]) -> dict[RetentionRule, Line]:
    """Read the case records lines of a schedule; a missing or bad line raises ValueError."""
    case = schedule["case_records"]
    lines = {}
    for rule in RetentionRule:
        entry = case[rule.value]
        until, at_least = entry["until_birthday"], entry["at_least_years_after_closure"]
        if not (isinstance(until, int) and isinstance(at_least, int) and until > 0 <= at_least):
            raise ValueError(f"retention line {rule.value} needs whole numbers of years")
        lines[rule] = Line(until, at_least)
    if (
        lines[RetentionRule.LOOKED_AFTER].until_birthday
        < lines[RetentionRule.DEFAULT].until_birthday
    ):
        raise ValueError("looked-after children's records cannot be kept less than others")
    return lines


def add_years(day: date, years: int) -> date:
    """Return the same day ``years`` later; 29 February becomes 1 March (later, so kept)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def keep_until(
    closed_on: date,
    children: list[Child],
    looked_after: bool,
    lines: dict[RetentionRule, Line],
) -> Verdict:
    """Return the last day a closed family's records are kept, and by which rule."""
    rule = RetentionRule.LOOKED_AFTER if looked_after else RetentionRule.DEFAULT
    line = lines[rule]
    unborn = add_years(closed_on, 1)
    births = []
    assumed = not children
    for child in children:
        if child.date_of_birth is None:
            births.append(unborn)
            assumed = True
        elif child.dob_accuracy != "exact":
            births.append(add_years(child.date_of_birth, 1))
            assumed = True
        else:
            births.append(child.date_of_birth)
    youngest = max(births, default=unborn)
    last = max(
        add_years(youngest, line.until_birthday),
        add_years(closed_on, line.at_least_years_after_closure),
    )
    return Verdict(rule, last, assumed)
