"""The bank holiday table: the maintained ``holidays`` package's list, as the app receives it."""

from __future__ import annotations

from datetime import date

import holidays

from server.domain.bank_holidays import bank_holiday_table, england_bank_holidays


def test_the_table_is_the_holidays_packages_list_for_2015_to_2035() -> None:
    published = holidays.UK(subdiv="ENG", years=range(2015, 2036))
    # Every day the package names, less those at a weekend, whose weekday
    # substitute ("(observed)") it names as well.
    weekdays = sorted(day for day in published if day.weekday() < 5)
    assert bank_holiday_table(2015, 2035) == weekdays
    substitutes = [day for day, name in published.items() if "observed" in name]
    assert substitutes, "weekend holidays have weekday substitutes in these years"
    assert set(substitutes) <= set(weekdays)
    assert len(weekdays) >= 8 * 21


def test_the_table_holds_the_one_off_holidays() -> None:
    table = bank_holiday_table(2019, 2024)
    for one_off in ("2020-05-08", "2022-06-02", "2022-06-03", "2022-09-19", "2023-05-08"):
        assert date.fromisoformat(one_off) in table
    # The usual days those replaced are working days.
    for moved in ("2020-05-04", "2022-05-30"):
        assert date.fromisoformat(moved) not in table


def test_the_table_is_every_year_in_order() -> None:
    table = bank_holiday_table(2024, 2026)
    assert table == sorted(table)
    assert set(table) == set().union(*(england_bank_holidays(y) for y in (2024, 2025, 2026)))
    assert bank_holiday_table(2025, 2024) == []
