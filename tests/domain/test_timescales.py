"""Bank holidays, working days and statutory visit due dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.timescales import (
    Episode,
    Interval,
    Timeliness,
    TimescaleRule,
    Unit,
    add_interval,
    child_visit_due,
    england_bank_holidays,
    is_working_day,
    next_visit_due,
    timeliness,
    visits_due,
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


@pytest.mark.parametrize("unit", ["fortnights", "years", "Weeks", "", "working days"])
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


# Timescales per child, from their plan episode

CP_VISITS = TimescaleRule.parse(
    {"applies_to": ["child_protection"], "every": {"count": 10, "unit": "working_days"}}
)
LAC_VISITS = TimescaleRule.parse(
    {
        "applies_to": ["looked_after"],
        "counts_from": "placement_start",
        "first_within": {"count": 1, "unit": "weeks"},
        "every": {"count": 6, "unit": "weeks"},
        "long_term": {
            "after": {"count": 12, "unit": "months"},
            "every": {"count": 3, "unit": "months"},
            "placement_types": ["U1", "U4"],
        },
    }
)
LAC_REVIEWS = TimescaleRule.parse(
    {
        "applies_to": ["looked_after"],
        "child_seen": False,
        "first_within": {"count": 20, "unit": "working_days"},
        "then": [{"count": 3, "unit": "months"}],
        "every": {"count": 6, "unit": "months"},
    }
)
CP_PLAN = Episode(plan_type="child_protection", started_on=d("2026-03-02"))


def test_a_child_protection_visit_is_due_ten_working_days_from_the_plan_start() -> None:
    assert child_visit_due(CP_VISITS, CP_PLAN, []) == d("2026-03-16")


def test_the_next_visit_counts_from_the_last_one_where_the_child_was_seen() -> None:
    assert child_visit_due(CP_VISITS, CP_PLAN, [d("2026-03-04"), d("2026-03-10")]) == d(
        "2026-03-24"
    )


def test_visits_before_the_plan_began_do_not_count() -> None:
    assert child_visit_due(CP_VISITS, CP_PLAN, [d("2026-02-20")]) == d("2026-03-16")


def test_no_plan_an_ended_plan_or_another_kind_of_plan_has_no_due_date() -> None:
    assert child_visit_due(CP_VISITS, None, []) is None
    ended = Episode("child_protection", d("2026-03-02"), ended_on=d("2026-03-20"))
    assert child_visit_due(CP_VISITS, ended, []) is None
    assert child_visit_due(CP_VISITS, Episode("child_in_need", d("2026-03-02")), []) is None


def test_a_rule_for_every_plan_applies_to_any_plan_but_not_to_none() -> None:
    rule = TimescaleRule.parse({"every": {"count": 4, "unit": "weeks"}})
    assert child_visit_due(rule, Episode("early_help", d("2026-03-02")), []) == d("2026-03-30")
    assert child_visit_due(rule, None, []) is None


def test_looked_after_visits_count_from_the_placement_within_a_week_then_six_weekly() -> None:
    placed = Episode(
        "looked_after",
        d("2025-12-01"),
        placement_started_on=d("2026-01-05"),
        placement_type="U6",
    )
    assert child_visit_due(LAC_VISITS, placed, []) == d("2026-01-12")
    assert child_visit_due(LAC_VISITS, placed, [d("2026-01-09")]) == d("2026-02-20")
    # A visit before this placement (in the last one) does not count.
    assert child_visit_due(LAC_VISITS, placed, [d("2025-12-20")]) == d("2026-01-12")
    no_placement_date = Episode("looked_after", d("2025-12-01"))
    assert child_visit_due(LAC_VISITS, no_placement_date, []) == d("2025-12-08")


def test_a_long_term_placement_is_visited_three_monthly_after_its_first_year() -> None:
    def placement(kind: str) -> Episode:
        return Episode(
            "looked_after",
            d("2025-01-06"),
            placement_started_on=d("2025-01-06"),
            placement_type=kind,
        )

    assert child_visit_due(LAC_VISITS, placement("U4"), [d("2026-02-02")]) == d("2026-05-02")
    assert child_visit_due(LAC_VISITS, placement("U6"), [d("2026-02-02")]) == d("2026-03-16")
    # Within the first year even a long-term placement is six-weekly.
    assert child_visit_due(LAC_VISITS, placement("U4"), [d("2025-11-03")]) == d("2025-12-15")


def test_looked_after_reviews_at_20_working_days_3_months_then_6_monthly() -> None:
    plan = Episode("looked_after", d("2026-01-05"))
    assert child_visit_due(LAC_REVIEWS, plan, []) == d("2026-02-02")
    assert child_visit_due(LAC_REVIEWS, plan, [d("2026-01-30")]) == d("2026-04-30")
    assert child_visit_due(LAC_REVIEWS, plan, [d("2026-01-30"), d("2026-04-28")]) == d("2026-10-28")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2026-08-31", 3, "2026-11-30"),
        ("2026-11-15", 3, "2027-02-15"),
        ("2025-01-06", 12, "2026-01-06"),
    ],
)
def test_months_are_calendar_months_held_to_the_months_end(
    start: str, months: int, expected: str
) -> None:
    assert add_interval(d(start), Interval(months, Unit.MONTHS)) == d(expected)


def test_parse_reads_what_a_rule_applies_to_and_counts_from() -> None:
    assert LAC_VISITS.applies_to == {"looked_after"}
    assert LAC_VISITS.child_seen is True
    assert LAC_REVIEWS.child_seen is False
    assert LAC_REVIEWS.then == (Interval(3, Unit.MONTHS),)
    with pytest.raises(ValueError):
        TimescaleRule.parse({"every": {"count": 1, "unit": "weeks"}, "counts_from": "birth"})
    with pytest.raises(ValueError, match="applies_to"):
        TimescaleRule.parse({"every": {"count": 1, "unit": "weeks"}, "applies_to": "cp"})


def test_each_due_date_of_a_plan_is_paired_with_the_visit_that_met_it() -> None:
    # Due 16 March (met 12 March); then 26 March (met late, 30 March); then 15 April
    # (10 working days after 30 March, past Good Friday and Easter Monday).
    visits = [d("2026-03-12"), d("2026-03-30")]
    assert visits_due(CP_VISITS, CP_PLAN, visits, until=d("2026-04-30")) == [
        (d("2026-03-16"), d("2026-03-12")),
        (d("2026-03-26"), d("2026-03-30")),
        (d("2026-04-15"), None),
    ]
    assert visits_due(CP_VISITS, CP_PLAN, visits, until=d("2026-03-20")) == [
        (d("2026-03-16"), d("2026-03-12")),
    ]


def test_no_visit_is_due_after_the_plan_ended() -> None:
    ended = Episode("child_protection", d("2026-03-02"), ended_on=d("2026-03-20"))
    assert visits_due(CP_VISITS, ended, [d("2026-03-12")], until=d("2026-06-01")) == [
        (d("2026-03-16"), d("2026-03-12")),
    ]
    assert (
        visits_due(CP_VISITS, Episode("early_help", d("2026-03-02")), [], until=d("2027-01-01"))
        == []
    )
