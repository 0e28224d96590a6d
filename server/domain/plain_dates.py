"""Dates and times as council staff read them: "5 December 2026 at 2:30pm", in London time.

The GOV.UK style: no leading zeros, a 12-hour clock with "am" and "pm", no
":00" on the hour, and "midday" and "midnight" rather than 12pm and 12am.
"""

from __future__ import annotations

from datetime import date, datetime

from ..clock import council_time


def long_date(day: date) -> str:
    """Return a date as "5 December 2026"."""
    return f"{day.day} {day:%B} {day.year}"


def time_of_day(moment: datetime) -> str:
    """Return the London wall-clock time of a moment as "2:30pm", "9am", "midday" or "midnight"."""
    local = council_time(moment)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def date_and_time(moment: datetime) -> str:
    """Return a moment as "5 December 2026 at 2:30pm", the date and time in London."""
    return f"{long_date(council_time(moment).date())} at {time_of_day(moment)}"
