"""Export rules: summary periods, when a record mentions a person, subject access deadlines."""

from __future__ import annotations

from datetime import date

import pytest

from server.domain.errors import InvalidInput
from server.domain.exports import (
    check_request_received,
    check_summary_period,
    mentions,
    name_pattern,
    names_person,
    previous_month,
    subject_access_deadline,
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


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2026, 11, 5), date(2026, 12, 7)),  # 5 December is a Saturday: the Monday
        (date(2026, 10, 15), date(2026, 11, 16)),  # 15 November is a Sunday
        (date(2026, 3, 12), date(2026, 4, 13)),  # a Sunday
        (date(2026, 5, 14), date(2026, 6, 15)),  # Sunday 14 June: Monday
        (date(2026, 6, 16), date(2026, 7, 16)),  # a Thursday: as it is
        (date(2026, 1, 31), date(2026, 3, 2)),  # no 31 February: the 28th, a Saturday
        (date(2024, 1, 31), date(2024, 2, 29)),  # a leap year's last day of February
        (date(2026, 12, 31), date(2027, 2, 1)),  # into the next year; 31 January is a Sunday
        (date(2026, 11, 28), date(2026, 12, 29)),  # Monday 28 December is a bank holiday
        (date(2026, 4, 6), date(2026, 5, 6)),  # Easter Monday received: a month on
        (date(2026, 3, 3), date(2026, 4, 7)),  # 3 April is Good Friday; the 6th Easter Monday
    ],
)
def test_a_subject_access_request_is_answered_within_one_calendar_month(received, deadline):
    assert subject_access_deadline(received) == deadline


def test_the_day_a_request_was_received_is_today_or_within_the_last_year() -> None:
    today = date(2026, 12, 5)
    check_request_received(today, today)
    check_request_received(date(2025, 12, 4), today)
    with pytest.raises(InvalidInput) as future:
        check_request_received(date(2026, 12, 6), today)
    assert future.value.errors == {"received_on": ["The date must be today or earlier."]}
    with pytest.raises(InvalidInput) as old:
        check_request_received(date(2025, 12, 3), today)
    assert old.value.errors == {"received_on": ["The date must be within the last year."]}
