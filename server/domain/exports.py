"""Rules of the two kinds of export: service summaries and subject access bundles.

Pure: the period an analyst may ask for, the states an export goes through,
and which records "concern" a person for a subject access request.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

from .errors import InvalidInput, field_errors, translatable
from .timescales import is_working_day

# The longest period a requested summary may cover: a year, leap or not.
MAX_SUMMARY_DAYS = 366


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


# A job still running this long after its timeout, or still queued after this long, was
# lost (its worker killed, or Redis emptied): the sweeper marks it failed.
STUCK_MARGIN = timedelta(minutes=15)
QUEUED_TOO_LONG = timedelta(hours=6)


def stuck_cutoffs(now: datetime, job_timeout_seconds: int) -> tuple[datetime, datetime]:
    """Return the times before which a running export, and a queued one, count as stuck."""
    started_before = now - timedelta(seconds=job_timeout_seconds) - STUCK_MARGIN
    return started_before, now - QUEUED_TOO_LONG


class SummaryKind(StrEnum):
    MONTHLY = "monthly"
    REQUESTED = "requested"


def check_summary_period(first_day: date, last_day: date, today: date) -> None:
    """Refuse a period that is back to front, in the future or longer than a year."""
    if last_day < first_day:
        raise InvalidInput(
            errors=field_errors(
                last_day=translatable("The last day must be the same as or after the first day.")
            )
        )
    if last_day > today:
        raise InvalidInput(
            errors=field_errors(last_day=translatable("The last day must be today or earlier."))
        )
    if (last_day - first_day).days + 1 > MAX_SUMMARY_DAYS:
        raise InvalidInput(
            errors=field_errors(
                last_day=translatable(
                    "The period must be {most} days or shorter.", most=MAX_SUMMARY_DAYS
                )
            )
        )


def previous_month(today: date) -> tuple[date, date]:
    """Return the first day of last month and the first day of this month (exclusive end)."""
    this_month = today.replace(day=1)
    return (this_month - timedelta(days=1)).replace(day=1), this_month


# How far back the day a subject access request was received may be: a year, leap or not.
MAX_REQUEST_AGE_DAYS = 366


def subject_access_deadline(received: date) -> date:
    """Return the last day to respond to a subject access request received on ``received``.

    One calendar month, as the ICO counts it: the same day of the next month,
    or that month's last day when it has no such day (31 January gives 28 or
    29 February); a deadline on a weekend or bank holiday moves to the next
    working day.
    """
    year, month = (
        (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    )
    due = date(year, month, min(received.day, monthrange(year, month)[1]))
    while not is_working_day(due):
        due += timedelta(days=1)
    return due


def check_request_received(received: date, today: date) -> None:
    """Refuse a day the request was received that is in the future or over a year ago."""
    if received > today:
        raise InvalidInput(
            errors=field_errors(received_on=translatable("The date must be today or earlier."))
        )
    if (today - received).days > MAX_REQUEST_AGE_DAYS:
        raise InvalidInput(
            errors=field_errors(received_on=translatable("The date must be within the last year."))
        )


# Names shorter than this are too common as ordinary words to count as a mention.
MIN_NAME_LENGTH = 2


def name_pattern(names: Iterable[str | None]) -> re.Pattern[str] | None:
    """Return a pattern that finds any of a person's names as a whole word, ignoring case."""
    words = sorted(
        {name.strip() for name in names if name and len(name.strip()) >= MIN_NAME_LENGTH},
        key=len,
        reverse=True,
    )
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def mentions(pattern: re.Pattern[str] | None, value: object) -> bool:
    """Return whether any text inside ``value`` (nested lists and dicts too) matches."""
    if pattern is None:
        return False
    if isinstance(value, str):
        return pattern.search(value) is not None
    if isinstance(value, dict):
        return any(mentions(pattern, item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(mentions(pattern, item) for item in value)
    return False


def names_person(value: object, person_id: str) -> bool:
    """Return whether ``value`` (a JSON list or dict) holds this person's id anywhere."""
    if isinstance(value, str):
        return value == person_id
    if isinstance(value, dict):
        return any(names_person(item, person_id) for item in value.values())
    if isinstance(value, list | tuple):
        return any(names_person(item, person_id) for item in value)
    return False


class ReturnKind:
    """The statutory returns a performance officer produces."""

    CIN_CENSUS = "cin_census"
    ANNEX_A = "annex_a"
    ALL = (CIN_CENSUS, ANNEX_A)
