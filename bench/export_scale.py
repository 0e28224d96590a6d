"""Service summary at council scale: the summary job beside the bare SQL it needs, and its memory.

A synthetic council (``--families`` families in ten teams, two years of
work: interactions each with a relational note, supervision responses,
judgments, statutory visit checklists, conferences with plan actions,
practice suggestions) is bulk-loaded (COPY on PostgreSQL, executemany on
SQLite) first with ``--first-notes`` notes, then topped up to ``--notes``.

At each size the summary job (``build_summary`` for the last month, then
rendering CSV, XLSX, JSON and HTML) runs in a fresh child process, so its
peak resident memory (VmHWM) is its own. At the full size the SQL statements
the job sent are replayed straight through the database driver, with
nothing else, in the same run: ``ratio`` = job time / SQL time is what the
Python side costs. Runs alternate job and SQL; each figure is the median.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.export_scale [--families 5000] [--notes 1000000]

Targets: ratio <= 2; peak_rss_mb_1m <= 1.5 x peak_rss_mb_100k.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any

import sqlalchemy as sa

from bench import report
from bench.databases import (
    engine_for,
    make_app,
    on_postgres,
    own_database,
    server_url,
    vacuum_analyze,
)
from bench.statements import shape
from server.persistence import (
    Assignment,
    Checklist,
    ChecklistTemplate,
    Conference,
    DecisionPolicy,
    Family,
    Interaction,
    Judgment,
    Note,
    Person,
    PlanAction,
    Review,
    Suggestion,
    Team,
    User,
)
from server.persistence.columns import new_id

TARGET_RATIO = 2.0
TARGET_MEMORY_GROWTH = 1.5
SMOKE = {
    "families": 30,
    "notes": 1_000,
    "first_notes": 200,
    "repeat": 1,
    "warm_up": 0,
    "teams": 3,
}
PERIOD = (2026, 10)  # the month summarised: the last of the two years of work
WORK_STARTS = datetime(2024, 11, 1, tzinfo=UTC)
WORK_ENDS = datetime(2026, 11, 1, tzinfo=UTC)
BATCH = 10_000
MODES = ["home_visit", "phone", "video", "school", "office", "community", "message"]
PURPOSES = ["statutory_visit", "direct_work", "family_group_conference", "core_group", "review"]
REASONS = ["worker_left", "workload", "team_change", "family_request", "case_stepped_down"]
CATEGORIES = [
    {"key": "family_time", "label": "Family time arrangements", "light": "green"},
    {"key": "safety_plan", "label": "Safety plan changes", "light": "yellow"},
    {"key": "legal_threshold", "label": "Legal threshold", "light": "red"},
]
SECTION_TEXT = (
    "We sat at the kitchen table and talked about the week. The children showed me their "
    "drawings and said what had gone well. Mum said the school run is easier now."
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: a few seconds")
    parser.add_argument("--families", type=int, default=5_000)
    parser.add_argument("--notes", type=int, default=1_000_000, help="relational notes in all")
    parser.add_argument(
        "--first-notes", type=int, default=100_000, help="notes at the first memory measurement"
    )
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="timed jobs and SQL replays")
    parser.add_argument(
        "--warm-up", type=int, default=1, help="untimed jobs first, to warm the database cache"
    )
    parser.add_argument("--seed", type=int, default=20261101)
    parser.add_argument("--database-url", help="server to make the database on (DATABASE_URL)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    return args


# --- bulk loading -------------------------------------------------------------------------


def _complete(model: type[Any], row: dict[str, Any]) -> dict[str, Any]:
    """Fill in the column defaults the ORM would have given, as ``CaseRecord`` does."""
    for column in model.__table__.columns:
        default = column.default
        if column.key in row or default is None or not hasattr(default, "arg"):
            continue
        row[column.key] = default.arg(None) if default.is_callable else default.arg
    return row


def bulk_insert(engine: sa.Engine, model: type[Any], rows: Iterable[dict[str, Any]]) -> int:
    """Write rows with COPY on PostgreSQL, executemany elsewhere; return how many."""
    table = model.__table__
    batch = [_complete(model, row) for row in rows]
    if not batch:
        return 0
    if on_postgres(str(engine.url)):
        from psycopg.types.json import Jsonb

        columns = list(table.columns.keys())
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cursor:  # type: ignore[attr-defined]  # psycopg's cursor; the DB-API proxy's type hides it
                names = ", ".join(f'"{name}"' for name in columns)
                with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(
                            [
                                Jsonb(value) if isinstance(value, dict | list) else value
                                for value in (row.get(name) for name in columns)
                            ]
                        )
            raw.commit()
        finally:
            raw.close()
    else:
        with engine.begin() as connection:
            connection.execute(table.insert(), batch)
    return len(batch)


@dataclass
class Council:
    """The staff and families the work is spread over."""

    rng: random.Random
    supervisors: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # team -> user
    workers: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)
    families: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]] = field(default_factory=list)
    # family -> (team, child)
    template_id: uuid.UUID = field(default_factory=new_id)


def _moment(rng: random.Random) -> datetime:
    span = (WORK_ENDS - WORK_STARTS).total_seconds()
    return WORK_STARTS + timedelta(seconds=rng.random() * span)


def build_council(engine: sa.Engine, args: argparse.Namespace) -> Council:
    """Write teams, staff, families, their people and allocations, conferences and suggestions."""
    council = Council(random.Random(args.seed))
    rng = council.rng
    teams, users = [], []
    for t in range(args.teams):
        team_id = new_id()
        teams.append({"id": team_id, "name": f"Bench team {t:02d}"})
        supervisor = new_id()
        council.supervisors[team_id] = supervisor
        council.workers[team_id] = [new_id() for _ in range(12)]
        for n, user_id in enumerate([supervisor, *council.workers[team_id]]):
            users.append(
                {
                    "id": user_id,
                    "username": f"bench.export.{t:02d}.{n:02d}",
                    "display_name": f"Bench worker {t}.{n}",
                    "role": "supervisor" if n == 0 else "caseworker",
                    "team_id": team_id,
                    "password_hash": "not-a-real-hash",
                }
            )
    bulk_insert(engine, Team, teams)
    bulk_insert(engine, User, users)
    bulk_insert(engine, DecisionPolicy, [{"version": 1, "categories": CATEGORIES}])
    bulk_insert(
        engine,
        ChecklistTemplate,
        [
            {
                "id": council.template_id,
                "key": "statutory",
                "name": "Statutory visit",
                "purpose": "statutory_visit",
                "items": [{"key": "seen", "label": "Child seen", "statutory": True}],
            }
        ],
    )
    team_ids = list(council.workers)
    families, people, assignments, conferences, actions = [], [], [], [], []
    for n in range(args.families):
        team = team_ids[n % len(team_ids)]
        family_id, child_id, adult_id = new_id(), new_id(), new_id()
        opened = WORK_STARTS - timedelta(days=rng.randint(0, 700))
        families.append(
            {
                "id": family_id,
                "display_name": f"Bench family {n}",
                "team_id": team,
                "status": "open" if rng.random() < 0.85 else "closed",
                "created_at": opened,
            }
        )
        people += [
            {"id": child_id, "given_name": "Child", "family_name": f"{n}", "is_child": True},
            {"id": adult_id, "given_name": "Parent", "family_name": f"{n}"},
        ]
        council.families.append((family_id, team, child_id))
        start = opened.date()
        workers = rng.sample(council.workers[team], rng.choice([1, 1, 1, 2, 2, 3]))
        for k, worker in enumerate(workers):
            last = k == len(workers) - 1
            ended = None if last else start + timedelta(days=rng.randint(60, 300))
            assignments.append(
                {
                    "family_id": family_id,
                    "worker_id": worker,
                    "started_on": start,
                    "ended_on": ended,
                    "change_reason": None if last else rng.choice(REASONS),
                    "handover_note": None if last else "Handover",
                }
            )
            start = ended or start
        if rng.random() < 0.2:
            referred = _moment(rng).date()
            conference_id = new_id()
            held = referred + timedelta(days=rng.randint(10, 60))
            conferences.append(
                {
                    "id": conference_id,
                    "family_id": family_id,
                    "referred_on": referred,
                    "information_sharing_on": held,
                    "review_on": held + timedelta(days=90),
                    "status": rng.choice(["held", "reviewed", "declined"]),
                }
            )
            for _ in range(4):
                actions.append(
                    {
                        "family_id": family_id,
                        "conference_id": conference_id,
                        "task": "Walk to school together",
                        "who": "Family",
                        "due_on": held + timedelta(days=rng.randint(14, 120)),
                        "status": rng.choice(["not_started", "on_track", "off_track", "done"]),
                    }
                )
    bulk_insert(engine, Family, families)
    bulk_insert(engine, Person, people)
    bulk_insert(engine, Assignment, assignments)
    bulk_insert(engine, Conference, conferences)
    bulk_insert(engine, PlanAction, actions)
    bulk_insert(
        engine,
        Suggestion,
        [
            {
                "title": "Try walking meetings",
                "body": "Families talk more freely outside.",
                "created_at": _moment(rng),
                "created_by_id": rng.choice(council.workers[rng.choice(team_ids)]),
                "status": rng.choice(["submitted", "adopted", "being_tried", "not_now"]),
            }
            for _ in range(max(10, args.families // 20))
        ],
    )
    return council


def add_work(engine: sa.Engine, council: Council, notes: int) -> None:
    """Write ``notes`` interactions, each with its note, and the work that goes with them."""
    rng = council.rng
    written = 0
    while written < notes:
        size = min(BATCH, notes - written)
        interactions, note_rows, reviews, judgments, checklists = [], [], [], [], []
        for _ in range(size):
            family_id, team, child_id = rng.choice(council.families)
            occurred = _moment(rng)
            purpose = rng.choice(PURPOSES)
            interaction_id = new_id()
            alone = rng.random() < 0.6
            interactions.append(
                {
                    "id": interaction_id,
                    "family_id": family_id,
                    "occurred_at": occurred,
                    "mode": rng.choice(MODES),
                    "purpose": purpose,
                    "meaningful": rng.random() < 0.85,
                    "participants": [
                        {"person_id": str(child_id), "seen": True, "seen_alone": alone}
                    ]
                    if purpose == "statutory_visit"
                    else [],
                }
            )
            note_id = new_id()
            signed = occurred + timedelta(hours=rng.randint(1, 48))
            is_signed = rng.random() < 0.95
            note_rows.append(
                {
                    "id": note_id,
                    "family_id": family_id,
                    "interaction_id": interaction_id,
                    "sections": {"what_happened": SECTION_TEXT, "next_steps": "Visit again"},
                    "state": "signed" if is_signed else "draft",
                    "signed_at": signed if is_signed else None,
                }
            )
            if is_signed and rng.random() < 0.1:
                reviews.append(
                    {
                        "family_id": family_id,
                        "target_kind": "note",
                        "target_id": note_id,
                        "review_kind": "question",
                        "body": "What did the children say about it?",
                        "created_by_id": council.supervisors[team],
                        "created_at": signed + timedelta(hours=rng.randint(2, 140)),
                    }
                )
            if rng.random() < 0.05:
                category = rng.choice(CATEGORIES)
                review_date = (signed + timedelta(days=rng.randint(14, 90))).date()
                judgments.append(
                    {
                        "family_id": family_id,
                        "interaction_id": interaction_id,
                        "question": "Should contact move to the weekend?",
                        "category": category["key"],
                        "light": category["light"],
                        "policy_version": 1,
                        "family_view": "They agree" if rng.random() < 0.7 else None,
                        "review_date": review_date,
                        "reviewed_on": review_date + timedelta(days=rng.randint(-5, 10))
                        if rng.random() < 0.8
                        else None,
                        "state": "signed",
                        "signed_at": signed,
                    }
                )
            if purpose == "statutory_visit":
                due = occurred.date() + timedelta(days=rng.randint(-4, 6))
                checklists.append(
                    {
                        "family_id": family_id,
                        "interaction_id": interaction_id,
                        "template_id": council.template_id,
                        "purpose": "statutory_visit",
                        "due_on": due,
                        "completed_on": occurred.date() if rng.random() < 0.97 else None,
                    }
                )
        bulk_insert(engine, Interaction, interactions)
        bulk_insert(engine, Note, note_rows)
        bulk_insert(engine, Review, reviews)
        bulk_insert(engine, Judgment, judgments)
        bulk_insert(engine, Checklist, checklists)
        written += size


# --- the job and its SQL ------------------------------------------------------------------


def _job_in_child(url: str, capture: bool, pipe: Connection) -> None:
    """Run the summary job in this (fresh) process; send back its time, memory and SQL."""
    from sqlalchemy import event

    from server.extensions import db
    from server.reports.render import FORMATS, render
    from server.reports.summary import Period, build_summary

    app = make_app(url)
    statements: list[tuple[str, Any]] = []
    with app.app_context():
        if capture:

            def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
                statements.append((statement, parameters))

            event.listen(db.engine, "before_cursor_execute", record)
        started = time.perf_counter()
        summary = build_summary(Period.month(*PERIOD))
        built = time.perf_counter()
        sizes = {fmt: len(render(summary, fmt)) for fmt in FORMATS}
        seconds = time.perf_counter() - started
        db.engine.dispose()
    hidden = sum(
        cell == "c"
        for table in summary["tables"]
        for row in [*table["rows"], table["total"]]
        for cell in row["cells"]
    )
    pipe.send(
        {
            "seconds": seconds,
            "render_s": seconds - (built - started),
            "peak_rss_mb": report.peak_rss_mb(),
            "statements": statements,
            "sizes": sizes,
            "tables": len(summary["tables"]),
            "hidden_cells": hidden,
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
        raise RuntimeError(f"the summary job failed (exit {child.exitcode})")
    return result


def replay(url: str, statements: list[tuple[str, Any]]) -> tuple[float, list[tuple[float, str]]]:
    """Send the job's statements straight through the driver; return the time, and each one's."""
    engine = engine_for(url)
    raw = engine.raw_connection()
    timings = []
    try:
        cursor = raw.cursor()
        started = time.perf_counter()
        for statement, parameters in statements:
            begun = time.perf_counter()
            cursor.execute(statement, parameters)
            if cursor.description:
                cursor.fetchall()
            timings.append((time.perf_counter() - begun, statement))
        seconds = time.perf_counter() - started
        raw.rollback()
    finally:
        raw.close()
        engine.dispose()
    return seconds, timings


def count_rows(url: str) -> dict[str, int]:
    engine = engine_for(url)
    with engine.connect() as connection:
        counts = {
            model.__tablename__: connection.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Family, Interaction, Note, Review, Judgment, Checklist)
        }
    engine.dispose()
    return counts


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = engine_for(url)
    report.heading(f"Building {args.families:,} families and {args.first_notes:,} notes")
    council = build_council(engine, args)
    add_work(engine, council, args.first_notes)
    vacuum_analyze(url)
    report.lines(list(count_rows(url).items()))

    report.heading(f"The summary job at {args.first_notes:,} notes")
    for _ in range(args.warm_up):
        run_job(url)  # warm the database's cache, as the timed runs below are warmed
    small = run_job(url)
    report.lines(
        [
            ("job seconds", f"{small['seconds']:.2f}"),
            ("peak RSS (MB)", f"{small['peak_rss_mb']:.1f}"),
        ]
    )

    report.heading(f"Topping up to {args.notes:,} notes")
    add_work(engine, council, args.notes - args.first_notes)
    engine.dispose()
    vacuum_analyze(url)
    report.lines(list(count_rows(url).items()))

    report.heading(f"The summary job and its bare SQL at {args.notes:,} notes")
    captured = run_job(url, capture=True)  # also warms the cache
    statements = captured["statements"]
    job_times, sql_times, peaks = [], [], []
    slowest: list[tuple[float, str]] = []
    for _ in range(args.repeat):
        job = run_job(url)
        job_times.append(job["seconds"])
        peaks.append(job["peak_rss_mb"])
        seconds, timings = replay(url, statements)
        sql_times.append(seconds)
        slowest = sorted(timings, reverse=True)[:5]
    job_s, sql_s = report.median(job_times), report.median(sql_times)
    ratio = job_s / sql_s if sql_s else 0.0
    peak_small, peak_large = small["peak_rss_mb"], max(peaks)
    report.lines(
        [
            ("SQL statements", len(statements)),
            ("tables / hidden cells", f"{job['tables']} / {job['hidden_cells']}"),
            ("download sizes (bytes)", job["sizes"]),
            ("job seconds (each)", ", ".join(f"{s:.2f}" for s in job_times)),
            ("of which rendering", f"{job['render_s']:.2f}"),
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
    engine.dispose()
    return {
        "notes": args.notes,
        "families": args.families,
        "job_s": round(job_s, 3),
        "sql_s": round(sql_s, 3),
        "ratio": round(ratio, 3),
        "peak_rss_mb_100k": round(peak_small, 1),
        "peak_rss_mb_1m": round(peak_large, 1),
        "first_notes": args.first_notes,
        "statements": len(statements),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not 0 < args.first_notes <= args.notes:
        raise SystemExit("--first-notes must be between 1 and --notes")
    report.stop_cleanly_on_sigterm()
    server = server_url(args.database_url)
    with own_database("export_scale", server, keep=args.keep) as url:
        figures = run(url, args)
    report.figures(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
