"""Export rules: summary periods, the monthly period, and when a record mentions a person."""

from __future__ import annotations

from datetime import date

import pytest

from server.domain.errors import InvalidInput
from server.domain.exports import (
    check_summary_period,
    mentions,
    name_pattern,
    names_person,
    previous_month,
)

TODAY = date(2026, 11, 29)


def test_a_period_up_to_366_days_ending_today_is_allowed():
    check_summary_period(date(2025, 11, 29), TODAY, TODAY)  # 366 days, both ends included
    check_summary_period(TODAY, TODAY, TODAY)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (date(2026, 10, 31), date(2026, 10, 1), "The last day must be the same as or after"),
        (date(2026, 11, 1), date(2026, 11, 30), "The last day must be today or earlier."),
        (date(2025, 11, 28), TODAY, "The period must be 366 days or shorter."),
    ],
)
def test_a_bad_period_is_refused_on_the_last_day(first, last, message):
    with pytest.raises(InvalidInput) as refused:
        check_summary_period(first, last, TODAY)
    [text] = refused.value.errors["last_day"]
    assert text.startswith(message)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 1), (date(2026, 10, 1), date(2026, 11, 1))),
        (date(2026, 11, 29), (date(2026, 10, 1), date(2026, 11, 1))),
        (date(2027, 1, 1), (date(2026, 12, 1), date(2027, 1, 1))),
        (date(2024, 3, 1), (date(2024, 2, 1), date(2024, 3, 1))),
    ],
)
def test_the_monthly_summary_covers_the_whole_previous_month(today, expected):
    assert previous_month(today) == expected


def test_a_name_is_found_as_a_whole_word_ignoring_case_in_nested_text():
    pattern = name_pattern(["Tobi", None, "T", "  "])
    assert mentions(pattern, {"child_voice": "tobi said no", "other": ["x"]})
    assert mentions(pattern, [{"option": "Ask TOBI."}])
    assert not mentions(pattern, "Tobias came round")  # another name that starts the same
    assert not mentions(pattern, "T went to school")  # one letter is never a name
    assert not mentions(pattern, 42)
    assert name_pattern([None, "", "X"]) is None
    assert not mentions(None, "Tobi")


def test_a_name_with_regex_characters_is_matched_literally():
    pattern = name_pattern(["Ann-Marie (Annie)"])
    assert mentions(pattern, "Saw ann-marie (annie) today")
    assert not mentions(pattern, "Saw AnnXMarie today")


def test_a_person_id_is_found_anywhere_in_json():
    person = "a0000000-0000-4000-8000-000000000001"
    assert names_person([{"person_id": person, "seen": True}], person)
    assert names_person({"attending": [{"person_id": person}]}, person)
    assert not names_person([{"person_id": "someone else"}, "text"], person)
