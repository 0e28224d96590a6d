"""Bank holidays, working days and statutory visit due dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.timescales import (
    Interval,
    Timeliness,
    TimescaleRule,
    Unit,
    add_interval,
    england_bank_holidays,
    is_working_day,
    next_visit_due,
    timeliness,
    working_days_between,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None)


def d(text: str) -> date:
    return date.fromisoformat(text)


# Bank holidays of England and Wales, as published on gov.uk/bank-holidays.
GOV_UK = {
    2020: [
        "2020-01-01",
        "2020-04-10",
        "2020-04-13",
        "2020-05-08",  # the early May bank holiday, moved from 4 May for VE Day
        "2020-05-25",
        "2020-08-31",
        "2020-12-25",
        "2020-12-28",  # Boxing Day is a Saturday
    ],
    2022: [
        "2022-01-03",  # New Year's Day is a Saturday
        "2022-04-15",
        "2022-04-18",
        "2022-05-02",
        "2022-06-02",  # the spring bank holiday, moved for the Platinum Jubilee
        "2022-06-03",  # the Platinum Jubilee
        "2022-08-29",
        "2022-09-19",  # the state funeral of Queen Elizabeth II
        "2022-12-26",
        "2022-12-27",  # Christmas Day is a Sunday
    ],
    2023: [
        "2023-01-02",
        "2023-04-07",
        "2023-04-10",
        "2023-05-01",
        "2023-05-08",  # the coronation of King Charles III
        "2023-05-29",
        "2023-08-28",
        "2023-12-25",
        "2023-12-26",
    ],
    2024: [
        "2024-01-01",
        "2024-03-29",
        "2024-04-01",
        "2024-05-06",
        "2024-05-27",
        "2024-08-26",
        "2024-12-25",
        "2024-12-26",
    ],
    2025: [
        "2025-01-01",
        "2025-04-18",
        "2025-04-21",
        "2025-05-05",
        "2025-05-26",
        "2025-08-25",
        "2025-12-25",
        "2025-12-26",
    ],
    2026: [
        "2026-01-01",
        "2026-04-03",
        "2026-04-06",
        "2026-05-04",
        "2026-05-25",
        "2026-08-31",
        "2026-12-25",
        "2026-12-28",  # Boxing Day is a Saturday
    ],
    2027: [
        "2027-01-01",
        "2027-03-26",
        "2027-03-29",
        "2027-05-03",
        "2027-05-31",
        "2027-08-30",
        "2027-12-27",  # Christmas Day is a Saturday
        "2027-12-28",  # Boxing Day is a Sunday
    ],
}


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_bank_holidays_match_gov_uk(year: int) -> None:
    assert england_bank_holidays(year) == {d(text) for text in GOV_UK[year]}


@pytest.mark.parametrize(
    ("year", "substitutes", "not_holidays"),
    [
        # Christmas Day and Boxing Day both at a weekend.
        (2021, ["2021-12-27", "2021-12-28"], ["2021-12-25", "2021-12-26"]),
        # New Year's Day a Saturday; Christmas Day a Sunday, Boxing Day a Monday.
        (2022, ["2022-01-03", "2022-12-26", "2022-12-27"], ["2022-01-01", "2022-12-25"]),
        # New Year's Day a Sunday.
        (2023, ["2023-01-02"], ["2023-01-01"]),
        # Christmas Day a Saturday.
        (2032, ["2032-12-27", "2032-12-28"], ["2032-12-25", "2032-12-26"]),
    ],
)
def test_weekend_holidays_move_to_the_next_weekdays(
    year: int, substitutes: list[str], not_holidays: list[str]
) -> None:
    holidays = england_bank_holidays(year)
    assert {d(text) for text in substitutes} <= holidays
    assert not {d(text) for text in not_holidays} & holidays


@PROPERTY
# From the first early May bank holiday to the last year the holidays package covers.
@given(st.integers(min_value=1978, max_value=2100))
def test_every_year_has_at_least_eight_weekday_bank_holidays(year: int) -> None:
    holidays = england_bank_holidays(year)
    assert len(holidays) >= 8
    assert all(day.year == year and day.weekday() < 5 for day in holidays)


def test_ten_working_days_across_the_coronation() -> None:
    # 1 May 2023 (early May) and 8 May 2023 (the coronation) are both skipped.
    ten = Interval(10, Unit.WORKING_DAYS)
    assert add_interval(d("2023-04-28"), ten) == d("2023-05-16")


# Working days


def test_weekends_and_bank_holidays_are_not_working_days() -> None:
    assert is_working_day(d("2025-04-17"))  # Thursday before Easter
    assert not is_working_day(d("2025-04-18"))  # Good Friday
    assert not is_working_day(d("2025-04-19"))  # Saturday
    assert not is_working_day(d("2025-04-20"))  # Sunday
    assert not is_working_day(d("2025-04-21"))  # Easter Monday
    assert is_working_day(d("2025-04-22"))


def test_extra_council_holidays_are_not_working_days() -> None:
    closure = d("2025-12-24")
    assert is_working_day(closure)
    assert not is_working_day(closure, [closure])
    assert not is_working_day(closure, iter([closure]))


def test_ten_working_days_across_easter_and_early_may() -> None:
    # Good Friday, Easter Monday and the early May bank holiday are skipped.
    ten = Interval(10, Unit.WORKING_DAYS)
    assert add_interval(d("2025-04-17"), ten) == d("2025-05-06")


def test_ten_working_days_across_christmas_and_new_year() -> None:
    ten = Interval(10, Unit.WORKING_DAYS)
    assert add_interval(d("2026-12-23"), ten) == d("2027-01-11")


def test_one_working_day_after_a_friday_before_a_bank_holiday_monday() -> None:
    assert add_interval(d("2025-05-23"), Interval(1, Unit.WORKING_DAYS)) == d("2025-05-27")


def test_working_days_from_a_weekend() -> None:
    assert add_interval(d("2025-03-08"), Interval(1, Unit.WORKING_DAYS)) == d("2025-03-10")


def test_extra_council_holidays_push_working_days_back() -> None:
    ten = Interval(10, Unit.WORKING_DAYS)
    closure = [d("2025-04-22"), d("2025-04-23")]
    assert add_interval(d("2025-04-17"), ten, closure) == d("2025-05-08")
    assert add_interval(d("2025-04-17"), ten, iter(closure)) == d("2025-05-08")


def test_weeks_and_days_are_calendar_time() -> None:
    # Weeks and days ignore weekends and bank holidays.
    assert add_interval(d("2025-04-14"), Interval(1, Unit.WEEKS)) == d("2025-04-21")
    assert add_interval(d("2025-01-06"), Interval(6, Unit.WEEKS)) == d("2025-02-17")
    assert add_interval(d("2025-04-17"), Interval(10, Unit.DAYS)) == d("2025-04-27")
    assert add_interval(d("2025-12-31"), Interval(1, Unit.DAYS)) == d("2026-01-01")


def test_working_days_between() -> None:
    assert working_days_between(d("2025-04-17"), d("2025-05-06")) == 10
    assert working_days_between(d("2025-04-17"), d("2025-04-17")) == 0
    assert working_days_between(d("2025-03-07"), d("2025-03-10")) == 1  # Friday to Monday
    assert working_days_between(d("2025-03-08"), d("2025-03-09")) == 0  # a weekend
    assert working_days_between(d("2025-04-17"), d("2025-04-21")) == 0  # Easter


def test_working_days_between_counts_extra_holidays() -> None:
    closure = [d("2025-04-22")]
    assert working_days_between(d("2025-04-17"), d("2025-05-06"), closure) == 9


def test_working_days_between_backwards_is_negative() -> None:
    assert working_days_between(d("2025-03-14"), d("2025-03-10")) == -4


@st.composite
def start_count_and_closures(draw: st.DrawFn) -> tuple[date, int, frozenset[date]]:
    start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
    count = draw(st.integers(min_value=1, max_value=60))
    offsets = draw(st.lists(st.integers(min_value=0, max_value=100), max_size=10))
    return start, count, frozenset(start + timedelta(days=offset) for offset in offsets)


@PROPERTY
@given(start_count_and_closures())
def test_working_days_always_land_on_a_working_day(
    case: tuple[date, int, frozenset[date]],
) -> None:
    start, count, closures = case
    due = add_interval(start, Interval(count, Unit.WORKING_DAYS), closures)
    assert is_working_day(due, closures)
    assert due > start


@PROPERTY
@given(start_count_and_closures())
def test_working_days_between_undoes_add_interval(
    case: tuple[date, int, frozenset[date]],
) -> None:
    start, count, closures = case
    due = add_interval(start, Interval(count, Unit.WORKING_DAYS))
    assert working_days_between(start, due) == count
    due = add_interval(start, Interval(count, Unit.WORKING_DAYS), closures)
    assert working_days_between(start, due, closures) == count


@PROPERTY
@given(start_count_and_closures())
def test_working_days_take_at_least_as_long_as_days(
    case: tuple[date, int, frozenset[date]],
) -> None:
    start, count, closures = case
    working = add_interval(start, Interval(count, Unit.WORKING_DAYS), closures)
    assert working >= add_interval(start, Interval(count, Unit.DAYS))


@PROPERTY
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(min_value=1, max_value=52),
)
def test_weeks_are_seven_days(start: date, count: int) -> None:
    assert add_interval(start, Interval(count, Unit.WEEKS)) == add_interval(
        start, Interval(7 * count, Unit.DAYS)
    )


# Statutory visit due dates

EVERY_TEN_WORKING_DAYS = {"every": {"count": 10, "unit": "working_days"}}
PLACEMENT = {
    "every": {"count": 6, "unit": "weeks"},
    "first_within": {"count": 1, "unit": "weeks"},
}


def test_first_visit_due_within_first_within_of_the_start() -> None:
    rule = TimescaleRule.parse(PLACEMENT)
    assert next_visit_due(rule, started=d("2025-04-14"), last_visit=None) == d("2025-04-21")


def test_later_visits_due_every_interval_after_the_last() -> None:
    rule = TimescaleRule.parse(PLACEMENT)
    due = next_visit_due(rule, started=d("2025-04-14"), last_visit=d("2025-04-18"))
    assert due == d("2025-05-30")


def test_first_visit_uses_every_when_there_is_no_first_within() -> None:
    rule = TimescaleRule.parse(EVERY_TEN_WORKING_DAYS)
    assert next_visit_due(rule, started=d("2025-04-17"), last_visit=None) == d("2025-05-06")


def test_next_visit_counts_working_days_from_the_last_visit() -> None:
    rule = TimescaleRule.parse(EVERY_TEN_WORKING_DAYS)
    due = next_visit_due(rule, started=d("2025-01-06"), last_visit=d("2025-04-17"))
    assert due == d("2025-05-06")


def test_next_visit_due_with_council_closure_days() -> None:
    rule = TimescaleRule.parse(EVERY_TEN_WORKING_DAYS)
    due = next_visit_due(
        rule,
        started=d("2025-01-06"),
        last_visit=d("2025-04-17"),
        extra_holidays=[d("2025-04-22"), d("2025-04-23")],
    )
    assert due == d("2025-05-08")


@pytest.mark.parametrize(
    ("visited", "today", "expected"),
    [
        ("2025-05-01", "2025-05-20", Timeliness.MET),  # early
        ("2025-05-06", "2025-05-06", Timeliness.MET),  # on the day it is due
        ("2025-05-07", "2025-05-07", Timeliness.LATE),
        ("2025-06-30", "2025-05-01", Timeliness.LATE),
        (None, "2025-05-07", Timeliness.NOT_MET),
        (None, "2025-05-06", Timeliness.NOT_YET_DUE),
        (None, "2025-04-30", Timeliness.NOT_YET_DUE),
    ],
)
def test_timeliness(visited: str | None, today: str, expected: Timeliness) -> None:
    due = d("2025-05-06")
    assert timeliness(due, d(visited) if visited else None, d(today)) is expected


def test_timeliness_wire_values() -> None:
    assert {value.value for value in Timeliness} == {"met", "late", "not_met", "not_yet_due"}


# Timescale rules as data


def test_parse_full_rule() -> None:
    assert TimescaleRule.parse(PLACEMENT) == TimescaleRule(
        every=Interval(6, Unit.WEEKS), first_within=Interval(1, Unit.WEEKS)
    )


def test_parse_rule_without_first_within() -> None:
    expected = TimescaleRule(every=Interval(10, Unit.WORKING_DAYS))
    assert TimescaleRule.parse(EVERY_TEN_WORKING_DAYS) == expected
    assert TimescaleRule.parse({**EVERY_TEN_WORKING_DAYS, "first_within": None}) == expected


@pytest.mark.parametrize("count", [0, -1, "10", 2.5, None, True])
def test_parse_refuses_a_count_that_is_not_a_whole_number_of_at_least_one(
    count: object,
) -> None:
    with pytest.raises(ValueError, match="count must be a whole number of at least 1"):
        TimescaleRule.parse({"every": {"count": count, "unit": "days"}})


@pytest.mark.parametrize("unit", ["fortnights", "months", "Weeks", "", "working days"])
def test_parse_refuses_an_unknown_unit(unit: str) -> None:
    with pytest.raises(ValueError):
        TimescaleRule.parse({"every": {"count": 1, "unit": unit}})


def test_parse_refuses_bad_first_within() -> None:
    with pytest.raises(ValueError):
        TimescaleRule.parse(
            {"every": {"count": 1, "unit": "weeks"}, "first_within": {"count": 0, "unit": "days"}}
        )
    with pytest.raises(ValueError):
        TimescaleRule.parse({"every": {"count": 1, "unit": "weeks"}, "first_within": "1 week"})


@pytest.mark.parametrize("every", [10, "10 working days", [10, "days"], None])
def test_parse_refuses_every_that_is_not_an_interval(every: object) -> None:
    with pytest.raises(ValueError, match="every and first_within must be intervals"):
        TimescaleRule.parse({"every": every})
