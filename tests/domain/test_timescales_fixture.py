"""The table of timescale cases shared with the app (pwa/test/timescales.test.js).

The app computes due dates offline with its own copy of these rules; both
copies are tested against this one table, so they cannot drift apart.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from server.domain.timescales import (
    Episode,
    Interval,
    TimescaleRule,
    Unit,
    add_interval,
    child_seen_on_visit,
    child_visit_due,
    counted_visit_days,
    england_bank_holidays,
    icpc_due,
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


def _episode(data: dict[str, str | None] | None) -> Episode | None:
    if data is None:
        return None

    def day(name: str) -> date | None:
        value = data.get(name)
        return date.fromisoformat(value) if value else None

    started = day("started_on")
    assert started is not None
    return Episode(
        plan_type=str(data["plan_type"]),
        started_on=started,
        ended_on=day("ended_on"),
        placement_started_on=day("placement_started_on"),
        placement_type=data.get("placement_type"),
    )


def test_each_childs_due_dates_match_the_shared_table():
    assert len(CASES["child_due"]) >= 20
    for case in CASES["child_due"]:
        due = child_visit_due(
            TimescaleRule.parse(case["rule"]),
            _episode(case["episode"]),
            [date.fromisoformat(day) for day in case["visits"]],
        )
        assert (due.isoformat() if due else None) == case["result"], case["why"]


def test_the_last_visit_where_each_child_was_seen_matches_the_shared_table():
    """Each child's own checklist answers, else "Who was there", say which visits count."""
    assert len(CASES["seen_due"]) >= 15
    for case in CASES["seen_due"]:
        child, visits = case["child_id"], case["visits"]
        seen = [child_seen_on_visit(child, v["participants"], v["answers"]) for v in visits]
        assert seen == case["seen"], case["why"]
        rule = TimescaleRule.parse(case["rule"])
        days = counted_visit_days(
            rule,
            child,
            [(date.fromisoformat(v["day"]), v["participants"], v["answers"]) for v in visits],
        )
        due = child_visit_due(rule, _episode(case["episode"]), days)
        assert (due.isoformat() if due else None) == case["result"], case["why"]


def test_icpc_due_dates_match_the_shared_table():
    """An ICPC is due 15 working days after the strategy discussion, bank holidays skipped."""
    assert len(CASES["icpc_due"]) >= 8
    for case in CASES["icpc_due"]:
        due = icpc_due(date.fromisoformat(case["discussed_on"]))
        assert due.isoformat() == case["result"], case["why"]
