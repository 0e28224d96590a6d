"""The table of timescale cases shared with the app (pwa/test/timescales.test.js).

The app computes due dates offline with its own copy of these rules; both
copies are tested against this one table, so they cannot drift apart.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from server.domain.timescales import (
    Interval,
    TimescaleRule,
    Unit,
    add_interval,
    england_bank_holidays,
    next_visit_due,
)

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "timescales.json").read_text())


def test_bank_holidays_match_the_shared_table():
    for year, days in CASES["holidays"].items():
        assert sorted(d.isoformat() for d in england_bank_holidays(int(year))) == days


def test_intervals_match_the_shared_table():
    for case in CASES["intervals"]:
        start = date.fromisoformat(case["start"])
        result = add_interval(start, Interval(case["count"], Unit(case["unit"])))
        assert result.isoformat() == case["result"], case


def test_due_dates_match_the_shared_table():
    for case in CASES["due"]:
        last = date.fromisoformat(case["last_visit"]) if case["last_visit"] else None
        due = next_visit_due(
            TimescaleRule.parse(case["rule"]),
            started=date.fromisoformat(case["started"]),
            last_visit=last,
        )
        assert due.isoformat() == case["result"], case
