"""Statutory visit timescales and working days, for each child from their plan.

Councils set their own timescales (every 10 working days in one, every 4
weeks in another), so a rule is data, kept on the checklist template:
``{"every": {"count": 10, "unit": "working_days"}, "first_within": {"count": 1, "unit": "weeks"}}``.

A rule says which kinds of plan it applies to (``applies_to``), what it counts
from (``counts_from``: the plan's start or the placement's), whether a visit
counts only where the child was seen (``child_seen``), the intervals after the
first few visits (``then``) and a longer interval once a long-term placement
has lasted a while (``long_term``). A child with no running plan has no due
date: ending a plan ends its timescales.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .bank_holidays import england_bank_holidays


class Unit(StrEnum):
    DAYS = "days"
    WORKING_DAYS = "working_days"
    WEEKS = "weeks"
    # Calendar months: the same day of the month, or the month's last day if it is shorter.
    MONTHS = "months"


class CountsFrom(StrEnum):
    PLAN_START = "plan_start"
    # A looked-after child's placement (the plan's start when none is recorded).
    PLACEMENT_START = "placement_start"


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


def _interval(data: object) -> Interval:
    if not isinstance(data, Mapping):
        raise ValueError("every and first_within must be intervals")
    return Interval.parse(data)


@dataclass(frozen=True)
class LongTerm:
    """A longer interval for a long-term placement once it has lasted ``after``."""

    after: Interval
    every: Interval
    placement_types: frozenset[str]

    @classmethod
    def parse(cls, data: Mapping[str, object]) -> LongTerm:
        types = data.get("placement_types")
        if not isinstance(types, list) or not all(isinstance(code, str) for code in types):
            raise ValueError("placement_types must be a list of placement type codes")
        return cls(
            after=_interval(data["after"]),
            every=_interval(data["every"]),
            placement_types=frozenset(types),
        )


@dataclass(frozen=True)
class TimescaleRule:
    every: Interval
    first_within: Interval | None = None
    # The intervals after the first, second... visit, before ``every`` takes over.
    then: tuple[Interval, ...] = ()
    # The kinds of plan the rule applies to; empty: every kind.
    applies_to: frozenset[str] = frozenset()
    counts_from: CountsFrom = CountsFrom.PLAN_START
    # Whether a visit counts only where the child was recorded as seen.
    child_seen: bool = True
    long_term: LongTerm | None = None

    @classmethod
    def parse(cls, data: Mapping[str, object]) -> TimescaleRule:
        every = data["every"]
        first = data.get("first_within")
        if not isinstance(every, Mapping) or (first is not None and not isinstance(first, Mapping)):
            raise ValueError("every and first_within must be intervals")
        then = data.get("then") or []
        applies_to = data.get("applies_to") or []
        long_term = data.get("long_term")
        if not isinstance(then, list):
            raise ValueError("then must be a list of intervals")
        if not isinstance(applies_to, list) or not all(isinstance(t, str) for t in applies_to):
            raise ValueError("applies_to must be a list of plan types")
        if long_term is not None and not isinstance(long_term, Mapping):
            raise ValueError("long_term must say after how long, and how often")
        child_seen = data.get("child_seen", True)
        if not isinstance(child_seen, bool):
            raise ValueError("child_seen must be true or false")
        return cls(
            every=Interval.parse(every),
            first_within=Interval.parse(first) if first is not None else None,
            then=tuple(_interval(interval) for interval in then),
            applies_to=frozenset(applies_to),
            counts_from=CountsFrom(str(data.get("counts_from") or CountsFrom.PLAN_START)),
            child_seen=child_seen,
            long_term=LongTerm.parse(long_term) if long_term is not None else None,
        )

    def applies(self, plan_type: str) -> bool:
        """Return whether the rule applies to a child on this kind of plan."""
        return not self.applies_to or plan_type in self.applies_to


@dataclass(frozen=True)
class Episode:
    """What a timescale needs of a child's plan episode (as amendments corrected it)."""

    plan_type: str
    started_on: date
    ended_on: date | None = None
    placement_started_on: date | None = None
    placement_type: str | None = None


def is_working_day(day: date, extra_holidays: Iterable[date] = ()) -> bool:
    """Return whether a day is a weekday that is not a bank holiday."""
    return (
        day.weekday() < 5
        and day not in england_bank_holidays(day.year)
        and day not in set(extra_holidays)
    )


def add_months(start: date, months: int) -> date:
    """Return the same day ``months`` later, or that month's last day if it has fewer."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def add_interval(start: date, interval: Interval, extra_holidays: Iterable[date] = ()) -> date:
    """Return the date an interval after ``start``."""
    if interval.unit is Unit.MONTHS:
        return add_months(start, interval.count)
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


# An initial child protection conference is due within 15 working days of the
# strategy discussion that started the section 47 enquiry (domain.strategy).
ICPC_WITHIN = Interval(15, Unit.WORKING_DAYS)


def icpc_due(discussed_on: date, extra_holidays: Iterable[date] = ()) -> date:
    """Return the last day the ICPC may be held: 15 working days after the discussion."""
    return add_interval(discussed_on, ICPC_WITHIN, extra_holidays)


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


def child_visit_due(
    rule: TimescaleRule,
    episode: Episode | None,
    visits: Iterable[date],
    extra_holidays: Iterable[date] = (),
) -> date | None:
    """Return when a child's next visit under ``rule`` is due, or None if none is.

    ``episode`` is the child's running plan (None: no plan); ``visits`` the
    days of the visits that count (where the child was seen, if the rule asks).
    Visits before the rule's start do not count: a new plan or placement
    starts its timescale afresh.
    """
    if episode is None or episode.ended_on is not None or not rule.applies(episode.plan_type):
        return None
    start = episode.started_on
    if rule.counts_from is CountsFrom.PLACEMENT_START and episode.placement_started_on:
        start = episode.placement_started_on
    counted: Sequence[date] = sorted(day for day in visits if day >= start)
    if not counted:
        return add_interval(start, rule.first_within or rule.every, extra_holidays)
    interval = rule.then[len(counted) - 1] if len(counted) <= len(rule.then) else rule.every
    long_term = rule.long_term
    last = counted[-1]
    if (
        long_term is not None
        and episode.placement_type in long_term.placement_types
        and last >= add_interval(start, long_term.after)
    ):
        interval = long_term.every
    return add_interval(last, interval, extra_holidays)


def visits_due(
    rule: TimescaleRule,
    episode: Episode,
    visits: Iterable[date],
    *,
    until: date,
    extra_holidays: Iterable[date] = (),
) -> list[tuple[date, date | None]]:
    """Return each due date of a child's episode up to ``until``, with the visit that met it.

    The first visit on or after the rule's start answers the first due date,
    the next visit the next due date (counted from the visit before), and so
    on; a due date with no visit after the one before is paired with None. A
    due date after the episode ended is not due.
    """
    running = Episode(
        episode.plan_type,
        episode.started_on,
        None,
        episode.placement_started_on,
        episode.placement_type,
    )
    start = running.started_on
    if rule.counts_from is CountsFrom.PLACEMENT_START and running.placement_started_on:
        start = running.placement_started_on
    remaining = sorted(day for day in visits if day >= start)
    made: list[date] = []
    dues: list[tuple[date, date | None]] = []
    while True:
        due = child_visit_due(rule, running, made, extra_holidays)
        if due is None or due > until or (episode.ended_on is not None and due > episode.ended_on):
            return dues
        answer = remaining[len(made)] if len(made) < len(remaining) else None
        dues.append((due, answer))
        if answer is None:
            return dues
        made.append(answer)


def timeliness(due: date, visited: date | None, today: date) -> Timeliness:
    """Return whether a visit due on ``due`` was met on time, late, or not yet."""
    if visited is not None:
        return Timeliness.MET if visited <= due else Timeliness.LATE
    return Timeliness.NOT_MET if today > due else Timeliness.NOT_YET_DUE


class VisitAnswer(StrEnum):
    """What a checklist item answers from the visit's "Who was there" (an item's ``from_visit``)."""

    CHILD_SEEN = "child_seen"
    CHILD_SEEN_ALONE = "child_seen_alone"
    CHILD_SPOKEN_TO = "child_spoken_to"


def asked_of_each_child(item: Mapping[str, object]) -> bool:
    """Return whether a template item is answered for each child (seen, seen alone, views).

    An item answered from "Who was there" is always about each child, so
    templates published before items said ``per_child`` read the same.
    """
    return bool(item.get("per_child")) or item.get("from_visit") in set(VisitAnswer)


def child_seen_on_visit(
    child_id: str,
    participants: Iterable[Mapping[str, object]],
    answers: Iterable[Mapping[str, object]] = (),
) -> bool:
    """Return whether a child was seen on a visit, for the timescales that ask it.

    The visit's checklist answers for this child decide where the worker gave
    them: "Child seen" yes, or failing that "Child seen alone" yes, is seen;
    "Child seen" no or not applicable is not. Otherwise "Who was there" does
    (seen, or seen alone). ``answers`` are the checklist items of the visit,
    in the order their checklists were made (a later answer stands); items
    answered for the whole family (made before answers were per child) say
    nothing about one child.
    """
    seen: object = None
    alone: object = None
    for item in answers:
        if str(item.get("child_id") or "") != child_id or item.get("answer") is None:
            continue
        if item.get("from_visit") == VisitAnswer.CHILD_SEEN:
            seen = item["answer"]
        elif item.get("from_visit") == VisitAnswer.CHILD_SEEN_ALONE:
            alone = item["answer"]
    if seen == "yes" or (seen is None and alone == "yes"):
        return True
    if seen is not None:
        return False
    return any(
        str(p.get("person_id")) == child_id and bool(p.get("seen") or p.get("seen_alone"))
        for p in participants
    )


def counted_visit_days(
    rule: TimescaleRule,
    child_id: str,
    visits: Iterable[tuple[date, Iterable[Mapping[str, object]], Iterable[Mapping[str, object]]]],
) -> list[date]:
    """Return the days of the visits that count for a child under ``rule``.

    ``visits`` are ``(day, participants, checklist answers)``: every one
    counts for a rule that meets without the child, otherwise those where the
    child was seen (``child_seen_on_visit``).
    """
    return [
        day
        for day, participants, answers in visits
        if not rule.child_seen or child_seen_on_visit(child_id, participants, answers)
    ]
