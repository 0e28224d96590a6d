"""Dates and times in words, as the council reads them: London time, GOV.UK style."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from server.domain.plain_dates import date_and_time, long_date, time_of_day


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 12, 5, 14, 30, tzinfo=UTC), "5 December 2026 at 2:30pm"),  # GMT
        (datetime(2026, 7, 1, 13, 30, tzinfo=UTC), "1 July 2026 at 2:30pm"),  # BST
        (datetime(2026, 6, 30, 23, 5, tzinfo=UTC), "1 July 2026 at 12:05am"),  # the next day
        (datetime(2026, 11, 2, 9, 0, tzinfo=UTC), "2 November 2026 at 9am"),
        (datetime(2026, 3, 1, 12, 0, tzinfo=UTC), "1 March 2026 at midday"),
        (datetime(2028, 2, 29, 0, 0, tzinfo=UTC), "29 February 2028 at midnight"),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25 October 2026 at 1:30am"),  # clocks back
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25 October 2026 at 1:30am"),  # again
    ],
)
def test_a_moment_reads_as_the_date_and_time_in_london(moment: datetime, words: str) -> None:
    assert date_and_time(moment) == words


def test_a_date_has_no_leading_zero_and_the_month_in_full() -> None:
    assert long_date(date(2027, 1, 9)) == "9 January 2027"


def test_the_hour_after_midday_is_pm() -> None:
    assert time_of_day(datetime(2026, 12, 5, 12, 1, tzinfo=UTC)) == "12:01pm"
    assert time_of_day(datetime(2026, 12, 5, 11, 59, tzinfo=UTC)) == "11:59am"
