"""A benchmark's report: readable lines, then one JSON line of its figures, last."""

from __future__ import annotations

import cProfile
import json
import math
import pstats
import resource
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any


def stop_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so a stopped benchmark still drops its databases."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))


def say(text: str = "") -> None:
    print(text, flush=True)


STARTED = time.monotonic()


def heading(text: str) -> None:
    """Print a section heading, with the seconds since the benchmark started."""
    text = f"{text}  [{time.monotonic() - STARTED:.1f} s]"
    say()
    say(text)
    say("-" * len(text))


def lines(rows: Sequence[tuple[str, Any]]) -> None:
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        say(f"  {label:<{width}}  {value}")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of ``values`` (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MB.

    VmHWM starts afresh at exec; ru_maxrss keeps the peak of the parent that
    forked the process, so it is only the fallback.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def print_profile(profile: cProfile.Profile, path: str | None, top: int = 30) -> None:
    """Save a profile (for snakeviz or pstats) and print where the time went."""
    if path:
        profile.dump_stats(path)
        say(f"profile saved to {path}")
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def figures(values: dict[str, Any]) -> None:
    """Print the figures as the report's last line: one JSON object."""
    print(json.dumps(values), flush=True)
