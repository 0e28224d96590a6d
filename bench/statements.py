"""A tally of the SQL statements an engine sends: how many of each, and the time they took."""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from bench import report

_SHAPE = re.compile(
    r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|SELECT pg_\w+|SELECT oid|"
    r"INSERT INTO \w+|UPDATE \w+|DELETE FROM \w+|SELECT)",
    re.IGNORECASE,
)
_FROM = re.compile(r"\bFROM (\w+)", re.IGNORECASE)


def shape(statement: str) -> str:
    """Return a statement's kind and table: ``INSERT INTO note``, ``SELECT ... FROM family``."""
    found = _SHAPE.match(statement)
    kind = found.group(1) if found else statement.split(None, 1)[0]
    if kind.upper() == "SELECT":
        tables = _FROM.findall(statement)
        # A label for the report, never sent to a database.
        return "SELECT ... FROM " + (tables[0] if tables else "?")  # noqa: S608 (a label, never run)
    return kind


class StatementTally:
    """Count statements and time them, between ``start`` and ``stop``."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.count: Counter[str] = Counter()
        self.seconds: dict[str, float] = {}
        self._started: dict[int, float] = {}
        self.on = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if self.on:
            self._started[id(cursor)] = time.perf_counter()

    def _after(self, _conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        began = self._started.pop(id(cursor), None)
        if began is not None:
            key = shape(statement)
            self.count[key] += 1
            self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - began

    def print(self, per: int, unit: str) -> None:
        """Print each kind of statement: how many per ``unit``, and its share of the time."""
        total = sum(self.seconds.values()) or 1.0
        report.say(
            f"  {sum(self.count.values()) / per:.1f} statements per {unit}, "
            f"{total:.1f} s waiting on the database in all"
        )
        for key, count in self.count.most_common():
            report.say(
                f"  {count / per:7.2f} per {unit}  {self.seconds[key] / total:6.1%} of DB time"
                f"  {self.seconds[key] / count * 1000:6.2f} ms each  {key}"
            )
