"""Statutory visit timescales and working days.

Councils set their own timescales (every 10 working days in one, every 4
weeks in another), so a rule is data:
``{"every": {"count": 10, "unit": "working_days"}, "first_within": {"count": 1, "unit": "weeks"}}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .bank_holidays import england_bank_holidays


class Unit(StrEnum):
    DAYS = "days"
    WORKING_DAYS = "working_days"
    WEEKS = "weeks"


class Timeliness(StrEnum):
    MET = "met"
    LATE = "late"
    NOT_MET = "not_met"
    NOT_YET_DUE = "not_yet_due"


@dataclass(frozen=True)
class Interval:
    count: int
    unit: Unit

    @classmethod
    def parse(cls, data: Mapping[str, object]) -> Interval:
        count = data["count"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError("count must be a whole number of at least 1")
        return cls(count=count, unit=Unit(str(data["unit"])))


@dataclass(frozen=True)
class TimescaleRule:
    every: Interval
    first_within: Interval | None = None

    @classmethod
    def parse(cls, data: Mapping[str, object]) -> TimescaleRule:
        every = data["every"]
        first = data.get("first_within")
        if not isinstance(every, Mapping) or (first is not None and not isinstance(first, Mapping)):
            raise ValueError("every and first_within must be intervals")
        return cls(
            every=Interval.parse(every),
            first_within=Interval.parse(first) if first is not None else None,
        )


def is_working_day(day: date, extra_holidays: Iterable[date] = ()) -> bool:
    """Return whether a day is a weekday that is not a bank holiday."""
    return (
        day.weekday() < 5
        and day not in england_bank_holidays(day.year)
        and day not in set(extra_holidays)
    )


def add_interval(start: date, interval: Interval, extra_holidays: Iterable[date] = ()) -> date:
    """Return the date an interval after ``start``."""
    if interval.unit is Unit.DAYS:
        return start + timedelta(days=interval.count)
    if interval.unit is Unit.WEEKS:
        return start + timedelta(weeks=interval.count)
    holidays = frozenset(extra_holidays)
    day, remaining = start, interval.count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, extra_holidays: Iterable[date] = ()) -> int:
    """Return how many working days fall after ``start`` up to and including ``end``."""
    holidays = frozenset(extra_holidays)
    step = 1 if end >= start else -1
    count, day = 0, start
    while day != end:
        day += timedelta(days=step)
        if is_working_day(day, holidays):
            count += step
    return count


def next_visit_due(
    rule: TimescaleRule,
    *,
    started: date,
    last_visit: date | None,
    extra_holidays: Iterable[date] = (),
) -> date:
    """Return when the next statutory visit is due.

    ``started`` is when the timescale began to apply (a plan, a placement);
    the first visit is due ``first_within`` of it (or ``every`` if the rule
    has no separate first interval), later ones ``every`` after the last.
    """
    if last_visit is None:
        return add_interval(started, rule.first_within or rule.every, extra_holidays)
    return add_interval(last_visit, rule.every, extra_holidays)


def timeliness(due: date, visited: date | None, today: date) -> Timeliness:
    """Return whether a visit due on ``due`` was met on time, late, or not yet."""
    if visited is not None:
        return Timeliness.MET if visited <= due else Timeliness.LATE
    return Timeliness.NOT_MET if today > due else Timeliness.NOT_YET_DUE
