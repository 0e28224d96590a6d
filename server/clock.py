"""The server's one clock: every "now" and "today" the server uses is read here.

The council works in England and Wales, so "today" is the date in London,
whatever zone the host is set to: a visit at 00:30 BST on 1 July is a
July visit, though it is still 30 June in UTC. Tests freeze the clock at a
chosen moment (``freeze``) and move it on (``advance``), so no outcome
depends on the day the suite happens to run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

COUNCIL_ZONE = ZoneInfo("Europe/London")

_lock = threading.Lock()
_frozen_at: datetime | None = None


def now() -> datetime:
    """Return the current moment, timezone-aware in UTC."""
    frozen = _frozen_at
    return frozen if frozen is not None else datetime.now(UTC)


def today() -> date:
    """Return today's date in the council's zone (Europe/London)."""
    return council_date(now())


def council_date(moment: datetime) -> date:
    """Return the council's calendar date at a moment."""
    return moment.astimezone(COUNCIL_ZONE).date()


def council_time(moment: datetime) -> datetime:
    """Return a moment as the council's wall-clock time."""
    return moment.astimezone(COUNCIL_ZONE)


def freeze(moment: datetime) -> None:
    """Stop the clock at ``moment`` (timezone-aware) until ``thaw``."""
    if moment.tzinfo is None:
        raise ValueError("freeze needs a timezone-aware moment")
    global _frozen_at
    with _lock:
        _frozen_at = moment.astimezone(UTC)


def advance(by: timedelta) -> datetime:
    """Move a frozen clock on by ``by``; return the new moment."""
    global _frozen_at
    with _lock:
        if _frozen_at is None:
            raise RuntimeError("only a frozen clock can be moved on")
        _frozen_at += by
        return _frozen_at


def thaw() -> None:
    """Let the clock follow the host's time again."""
    global _frozen_at
    with _lock:
        _frozen_at = None


def is_frozen() -> bool:
    """Return whether the clock is stopped (tests, a rehearsal of a given day)."""
    return _frozen_at is not None


@contextmanager
def frozen(moment: datetime) -> Iterator[datetime]:
    """Stop the clock at ``moment`` for the ``with`` block, then restore it."""
    global _frozen_at
    before = _frozen_at
    freeze(moment)
    try:
        yield moment
    finally:
        with _lock:
            _frozen_at = before
