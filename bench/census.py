"""The CIN census job at council scale: beside the bare SQL it needs, and its memory.

A synthetic council's children (two per family, each on a child in need plan,
a child protection plan after one for a third of them, with amendments and
closures) is bulk-loaded at ``--first-families`` families, then topped up to
``--families``. At each size the census job (reading every child a batch at
a time through the sources, the validation rules, writing the XML and checking
it against the schema) runs in a fresh child process, so its peak resident
memory (VmHWM) is its own. At the full size the SQL statements the job sent
are replayed straight through the database driver, with nothing else:
``ratio`` = job time / SQL time is what the Python side costs (rules, XML,
schema check). Runs alternate job and SQL; each figure is the median. The
job's own CPU time (``job_cpu_s``) is reported too: on a shared machine its
wall time also counts the time it waited for a core.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.census [--families 5000] [--first-families 500]

Targets: ratio <= 2; peak_rss_mb_large <= 1.5 x peak_rss_mb_small.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import time
from datetime import date, timedelta
from multiprocessing.connection import Connection
from typing import Any

import sqlalchemy as sa

from bench import report
from bench.databases import engine_for, make_app, own_database, server_url, vacuum_analyze
from bench.export_scale import bulk_insert, replay
from bench.statements import shape
from server.domain.upn import check_letter
from server.persistence import Amendment, Family, Person, PlanEpisode, Team
from server.persistence.columns import new_id

TARGET_RATIO = 2.0
TARGET_MEMORY_GROWTH = 1.5
YEAR = 2026  # the collection year 1 April 2025 to 31 March 2026
SMOKE = {"families": 60, "first_families": 20, "repeat": 1, "warm_up": 0}
CATEGORIES = ["NEG", "EMO", "PHY", "SAB", "MUL"]
ETHNICITIES = ["WBRI", "WOTH", "MWBC", "AIND", "BAFR", "BCRB", "CHNE", "OOTH", "NOBT"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: a few seconds")
    parser.add_argument("--families", type=int, default=5_000)
    parser.add_argument("--first-families", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="timed jobs and SQL replays")
    parser.add_argument("--warm-up", type=int, default=1, help="untimed jobs first")
    parser.add_argument("--seed", type=int, default=20260331)
    parser.add_argument("--database-url", help="server to make the database on (DATABASE_URL)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    return args


def add_families(engine: sa.Engine, rng: random.Random, team_id: Any, count: int) -> None:
    """Write ``count`` families, each with two children and their plans in the year."""
    start = date(YEAR - 1, 4, 1)
    families, people, episodes, amendments = [], [], [], []
    for _ in range(count):
        family_id = new_id()
        families.append(
            {
                "id": family_id,
                "display_name": "Bench family",
                "team_id": team_id,
                "local_reference": f"F{rng.randint(10000, 99999)}",
                "goals": [],
                "address_history": [],
            }
        )
        for _child in range(2):
            person_id = new_id()
            rest = (
                f"999{rng.randint(0, 9999):04d}{rng.randint(10, 25):02d}{rng.randint(0, 999):03d}"
            )
            people.append(
                {
                    "id": person_id,
                    "given_name": "Bench",
                    "family_name": "Child",
                    "is_child": True,
                    "date_of_birth": date(2010, 1, 1) + timedelta(days=rng.randint(0, 5000)),
                    "sex": rng.choice(["female", "male"]),
                    "ethnicity": rng.choice(ETHNICITIES),
                    "disabilities": ["NONE"],
                    "local_child_id": f"LC{rng.randint(100000, 999999)}",
                    "upn": check_letter(rest) + rest if rng.random() < 0.95 else None,
                }
            )
            began = start + timedelta(days=rng.randint(0, 120))
            if rng.random() < 0.33:
                stepped = began + timedelta(days=rng.randint(20, 90))
                episodes.append(_episode(family_id, person_id, "child_in_need", began, stepped))
                cp_id = new_id()
                ended = stepped + timedelta(days=rng.randint(60, 180))
                episodes.append(
                    {
                        **_episode(family_id, person_id, "child_protection", stepped, ended),
                        "id": cp_id,
                        "cp_category": rng.choice(CATEGORIES),
                        "initial_conference_on": stepped,
                        "end_reason": "stepped_down",
                    }
                )
                if rng.random() < 0.2:
                    amendments.append(
                        {
                            "family_id": family_id,
                            "target_kind": "plan_episode",
                            "target_id": cp_id,
                            "reason": "Category corrected at review",
                            "changes": {"cp_category": "MUL"},
                        }
                    )
            else:
                ended = began + timedelta(days=rng.randint(90, 300)) if rng.random() < 0.4 else None
                episodes.append(_episode(family_id, person_id, "child_in_need", began, ended))
    bulk_insert(engine, Family, families)
    bulk_insert(engine, Person, people)
    bulk_insert(engine, PlanEpisode, episodes)
    bulk_insert(engine, Amendment, amendments)


def _episode(family_id: Any, person_id: Any, plan: str, began: date, ended: date | None) -> dict:
    return {
        "id": new_id(),
        "family_id": family_id,
        "person_id": person_id,
        "plan_type": plan,
        "started_on": began,
        "ended_on": ended,
        "end_reason": ("aims_met" if ended else None) if plan == "child_in_need" else None,
    }


def _job_in_child(url: str, capture: bool, pipe: Connection) -> None:
    """Run the census job in this (fresh) process; send back its time, memory and SQL."""
    from sqlalchemy import event

    from server.census.collect import CensusYear
    from server.extensions import db
    from server.jobs.census import build_census

    app = make_app(url)
    statements: list[tuple[str, Any]] = []
    with app.app_context():
        if capture:

            def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
                statements.append((statement, parameters))

            event.listen(db.engine, "before_cursor_execute", record)
        started, cpu = time.perf_counter(), time.process_time()
        content, children, issues = build_census(None, CensusYear(YEAR))
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu
        db.engine.dispose()
    pipe.send(
        {
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "peak_rss_mb": report.peak_rss_mb(),
            "statements": statements,
            "bytes": len(content),
            "children": children,
            "issues": issues,
        }
    )
    pipe.close()


def run_job(url: str, *, capture: bool = False) -> dict[str, Any]:
    """Run the job in a fresh process (spawned: its memory peak is its own)."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_job_in_child, args=(url, capture, send))
    child.start()
    send.close()
    result: dict[str, Any] = receive.recv()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"the census job failed (exit {child.exitcode})")
    return result


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = engine_for(url)
    rng = random.Random(args.seed)
    team_id = new_id()
    bulk_insert(engine, Team, [{"id": team_id, "name": "Bench census team"}])
    report.heading(f"{args.first_families:,} families")
    add_families(engine, rng, team_id, args.first_families)
    vacuum_analyze(url)
    for _ in range(args.warm_up):
        run_job(url)
    small = run_job(url)
    report.lines(
        [
            ("children", small["children"]),
            ("job seconds", f"{small['seconds']:.2f}"),
            ("peak RSS (MB)", f"{small['peak_rss_mb']:.1f}"),
        ]
    )

    report.heading(f"Topping up to {args.families:,} families")
    add_families(engine, rng, team_id, args.families - args.first_families)
    engine.dispose()
    vacuum_analyze(url)
    captured = run_job(url, capture=True)  # also warms the cache
    statements = captured["statements"]
    job_times, sql_times, peaks, cpu_times = [], [], [], []
    slowest: list[tuple[float, str]] = []
    job = captured
    for _ in range(args.repeat):
        job = run_job(url)
        job_times.append(job["seconds"])
        cpu_times.append(job["cpu_seconds"])
        peaks.append(job["peak_rss_mb"])
        seconds, timings = replay(url, statements)
        sql_times.append(seconds)
        slowest = sorted(timings, reverse=True)[:5]
    job_s, sql_s = report.median(job_times), report.median(sql_times)
    ratio = job_s / sql_s if sql_s else 0.0
    peak_small, peak_large = small["peak_rss_mb"], max(peaks)
    report.lines(
        [
            ("children", job["children"]),
            ("census file (bytes)", job["bytes"]),
            ("issues by rule", job["issues"]),
            ("SQL statements", len(statements)),
            ("job seconds (each)", ", ".join(f"{s:.2f}" for s in job_times)),
            ("job CPU seconds (each)", ", ".join(f"{s:.2f}" for s in cpu_times)),
            ("SQL seconds (each)", ", ".join(f"{s:.2f}" for s in sql_times)),
            ("ratio (job / SQL)", f"{ratio:.2f}  (target <= {TARGET_RATIO})"),
            ("peak RSS small / large (MB)", f"{peak_small:.1f} / {peak_large:.1f}"),
            (
                "memory growth",
                f"{peak_large / peak_small:.2f}x  (target <= {TARGET_MEMORY_GROWTH}x)",
            ),
        ]
    )
    report.say("  slowest statements:")
    for seconds, statement in slowest:
        report.say(f"    {seconds:7.3f} s  {shape(statement)}")
    return {
        "families": args.families,
        "first_families": args.first_families,
        "children": job["children"],
        "first_children": small["children"],
        "job_s": round(job_s, 3),
        "sql_s": round(sql_s, 3),
        # The job process's own CPU time: steadier than its wall time on a shared machine.
        "job_cpu_s": round(report.median(cpu_times), 3),
        "ratio": round(ratio, 3),
        "peak_rss_mb_small": round(peak_small, 1),
        "peak_rss_mb_large": round(peak_large, 1),
        "statements": len(statements),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not 0 < args.first_families <= args.families:
        raise SystemExit("--first-families must be between 1 and --families")
    report.stop_cleanly_on_sigterm()
    server = server_url(args.database_url)
    with own_database("census", server, keep=args.keep) as url:
        figures = run(url, args)
    report.figures(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
