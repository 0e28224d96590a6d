"""The retention rule: a closed family's keep-until date, from its children."""

from __future__ import annotations

import json
from datetime import date

import pytest

from server.domain.retention import Child, RetentionRule, add_years, keep_until, lines_from
from server.services.retention import SCHEDULE_FILE

LINES = lines_from(json.loads(SCHEDULE_FILE.read_text(encoding="utf-8")))
CLOSED = date(2012, 6, 30)


def test_the_youngest_childs_25th_birthday_decides():
    verdict = keep_until(CLOSED, [Child(date(1996, 1, 2)), Child(date(2001, 8, 9))], False, LINES)
    assert (verdict.rule, verdict.keep_until, verdict.assumed) == (
        RetentionRule.DEFAULT,
        date(2026, 8, 9),
        False,
    )
    assert not verdict.due(date(2026, 8, 9)) and verdict.due(date(2026, 8, 10))


def test_at_least_eight_years_after_closing_for_a_young_person_of_17():
    verdict = keep_until(CLOSED, [Child(date(1995, 1, 1))], False, LINES)
    assert verdict.keep_until == date(2020, 6, 30)


def test_looked_after_is_the_75th_birthday():
    verdict = keep_until(CLOSED, [Child(date(2001, 8, 9))], True, LINES)
    assert (verdict.rule, verdict.keep_until) == (RetentionRule.LOOKED_AFTER, date(2076, 8, 9))


@pytest.mark.parametrize(
    ("children", "kept_to"),
    [
        ([Child(None)], date(2038, 6, 30)),  # born a year after closing, then 25 years
        ([], date(2038, 6, 30)),  # no child recorded counts the same
        ([Child(date(2001, 8, 1), "month")], date(2027, 8, 1)),  # a year later than recorded
        ([Child(date(2001, 8, 9), "estimated"), Child(None)], date(2038, 6, 30)),
    ],
)
def test_an_unknown_or_inexact_birth_keeps_longer(children, kept_to):
    verdict = keep_until(CLOSED, children, False, LINES)
    assert verdict.keep_until == kept_to and verdict.assumed


def test_29_february_counts_on_to_1_march():
    assert add_years(date(2004, 2, 29), 25) == date(2029, 3, 1)
    assert keep_until(CLOSED, [Child(date(2004, 2, 29))], False, LINES).keep_until == date(
        2029, 3, 1
    )


def test_a_schedule_that_cannot_be_read_is_refused():
    schedule = json.loads(SCHEDULE_FILE.read_text(encoding="utf-8"))
    schedule["case_records"]["looked_after"]["until_birthday"] = 18
    with pytest.raises(ValueError, match="looked-after"):
        lines_from(schedule)
    schedule["case_records"]["default"]["until_birthday"] = "25"
    with pytest.raises(ValueError, match="whole numbers"):
        lines_from(schedule)
