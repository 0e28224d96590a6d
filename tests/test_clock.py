"""The server's one clock: "today" is the council's date, and nothing else reads the wall clock."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from server import clock

ROOT = Path(__file__).resolve().parents[1]
# Calls that read the host's clock (and, for dates, the host's zone).
WALL_CLOCK = {
    ("date", "today"),
    ("datetime", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("time", "time"),
    ("time", "time_ns"),
}


def wall_clock_reads(source: str, where: str) -> list[str]:
    """Return each read of the wall clock in a module's source, as "where:line call"."""
    tree = ast.parse(source, filename=where)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in WALL_CLOCK:
                found.append(f"{where}:{node.lineno} {name}.{node.func.attr}()")
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            for alias in node.names:
                if ("time", alias.name) in WALL_CLOCK:
                    found.append(f"{where}:{node.lineno} from time import {alias.name}")
    return found


def test_only_the_clock_reads_the_wall_clock() -> None:
    modules = [
        path
        for folder in ("server", "sync")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ROOT / "server" / "clock.py"
    ]
    assert len(modules) > 50
    reads = [
        read
        for path in modules
        for read in wall_clock_reads(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert reads == [], "read the time with server.clock (now(), today(), council_date())"


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import date\nday = date.today()",
        "import datetime\nmoment = datetime.datetime.now()",
        "from datetime import datetime\nmoment = datetime.utcnow()",
        "import time\nseconds = time.time()",
        "from time import time",
    ],
)
def test_the_check_finds_a_read_of_the_wall_clock(source: str) -> None:
    assert len(wall_clock_reads(source, "probe.py")) == 1
    assert wall_clock_reads("from server import clock\nday = clock.today()", "probe.py") == []


def test_today_is_the_date_in_london_whatever_the_utc_date() -> None:
    # 23:30 UTC on 30 June is 00:30 BST on 1 July; in winter London keeps UTC.
    with clock.frozen(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)):
        assert clock.today() == date(2026, 7, 1)
    with clock.frozen(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)):
        assert clock.today() == date(2026, 12, 31)
    assert clock.council_date(datetime(2026, 3, 29, 23, 30, tzinfo=UTC)) == date(2026, 3, 30)
