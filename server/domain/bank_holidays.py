"""The bank holidays of England and Wales, from the maintained ``holidays`` package.

Counting them by rule (Easter, the first and last Mondays of May, substitute
days) misses every one-off a proclamation adds: 8 May 2020 (moved from 4 May),
the Platinum Jubilee (2 and 3 June 2022, moving the spring holiday), the state
funeral of 19 September 2022 and the coronation of 8 May 2023. The ``holidays``
package keeps those as they are announced. The app receives this table with its
reference data (``GET /api/bank-holidays``), so both sides count one list.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays

# The app receives the bank holidays of this many years either side of this
# one: enough for any visit it counts from, and for any due date it shows.
YEARS_EACH_SIDE = 10


@cache
def england_bank_holidays(year: int) -> frozenset[date]:
    """Return the bank holidays of England and Wales in ``year``, as gov.uk publishes them.

    The package covers 1872 to 2100; a year outside has none (weekends only).
    """
    # The package also names a holiday that falls at a weekend on its own day,
    # beside the weekday that replaces it ("(observed)"): the published list,
    # and the working days counted here, know only the weekday.
    return frozenset(day for day in holidays.UK(subdiv="ENG", years=year) if day.weekday() < 5)


def bank_holiday_table(first_year: int, last_year: int) -> list[date]:
    """Return every bank holiday from ``first_year`` to ``last_year`` inclusive, in order."""
    return sorted(
        day for year in range(first_year, last_year + 1) for day in england_bank_holidays(year)
    )
