"""Push throughput: mutations a second through POST /api/sync/push, beside raw inserts.

One caseworker with a realistic caseload pushes batches of offline work (visits
with their six-section notes, plan actions, edits of earlier records) through
the reference client into the app, in process. In the same run, the same rows
are written straight into the same database with executemany: the ratio of the
two rates is what the sync engine costs. Batches alternate which goes first.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.sync_push [--batches 20] [--batch-size 500]

Targets: push_per_s >= 10,000 and ratio (push / raw) >= 0.5.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import random
import time
import uuid
from collections import Counter
from typing import Any

import sqlalchemy as sa

from bench import report
from bench.caseload import BENCH_PASSWORD, Council, insert, merge
from bench.databases import (
    engine_for,
    make_app,
    on_postgres,
    own_database,
    server_url,
    vacuum_analyze,
)
from bench.devices import InProcessTransport
from bench.fieldwork import Change, Fieldwork, as_json
from bench.statements import StatementTally
from server import clock
from server.extensions import db
from server.persistence import Interaction, Note, PlanAction
from sync.client import SyncClient
from sync.protocol import MAX_PUSH_MUTATIONS

TARGET_PUSH_PER_S = 10_000
TARGET_RATIO = 0.5
SMOKE = {"batches": 2, "batch_size": 40, "families": 2}
# Declarative classes type __table__ as a FromClause; these are Tables.
TABLES: dict[str, sa.Table] = {
    "interaction": Interaction.__table__,  # type: ignore[dict-item]
    "note": Note.__table__,  # type: ignore[dict-item]
    "plan_action": PlanAction.__table__,  # type: ignore[dict-item]
}


class StraightInsert:
    """Write the rows a batch of changes makes, with executemany and nothing else.

    The same columns the push fills, in one transaction per batch; records get
    ids of their own, as they sit beside the pushed ones in the same tables.
    """

    def __init__(self, engine: sa.Engine, worker_id: uuid.UUID):
        self.engine = engine
        self.worker_id = worker_id
        self.ids: dict[uuid.UUID, uuid.UUID] = {}

    def write(self, changes: list[Change]) -> float:
        """Write the batch; return the seconds it took (the rows are made before the clock)."""
        inserts, updates = self._rows(changes)
        started = time.perf_counter()
        with self.engine.begin() as connection:
            for entity, rows in inserts.items():
                connection.execute(sa.insert(TABLES[entity]), rows)
            for (entity, names), params in updates.items():
                table = TABLES[entity]
                statement = (
                    sa.update(table)
                    .where(table.c.id == sa.bindparam("b_id"))
                    .values(
                        {
                            **{name: sa.bindparam(f"b_{name}") for name in names},
                            "version": table.c.version + 1,
                            "updated_at": sa.bindparam("b_now"),
                            "updated_by_id": sa.bindparam("b_by"),
                        }
                    )
                )
                connection.execute(statement, params)
        return time.perf_counter() - started

    def _rows(
        self, changes: list[Change]
    ) -> tuple[dict[str, list[dict[str, Any]]], dict[tuple[str, tuple[str, ...]], list[Any]]]:
        now = clock.now()
        inserts: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        updates: dict[tuple[str, tuple[str, ...]], list[Any]] = {}
        for change in changes:
            if change.op == "create":
                record_id = self.ids[change.id] = uuid.uuid4()
                values = dict(change.values)
                if values.get("interaction_id"):
                    values["interaction_id"] = self.ids[values["interaction_id"]]
                if "participants" in values:  # a JSON column: ids as text, as the app stores them
                    values["participants"] = as_json(values["participants"])
                inserts[change.entity].append(
                    {
                        "id": record_id,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                        "deleted_at": None,
                        "created_by_id": self.worker_id,
                        "updated_by_id": self.worker_id,
                        **values,
                    }
                )
            elif change.op == "update":
                names = tuple(sorted(change.values))
                updates.setdefault((change.entity, names), []).append(
                    {
                        "b_id": self.ids[change.id],
                        "b_now": now,
                        "b_by": self.worker_id,
                        **{f"b_{name}": change.values[name] for name in names},
                    }
                )
        return {k: v for k, v in inserts.items() if v}, updates


def enqueue(client: SyncClient, changes: list[Change]) -> None:
    """Put the changes in the device's outbox, as the app does while offline."""
    for change in changes:
        if change.op == "create":
            client.create(change.entity, change.wire(), str(change.id))
        elif change.op == "update":
            client.update(change.entity, str(change.id), change.wire())
        else:
            client.sign(change.entity, str(change.id))


def push_outbox(
    device: SyncClient, profile: cProfile.Profile | None
) -> tuple[float, list[dict[str, Any]]]:
    """Push the device's outbox; return the seconds it took and the results."""
    if profile:
        profile.enable()
    started = time.perf_counter()
    results = device.push()
    took = time.perf_counter() - started
    if profile:
        profile.disable()
    return took, results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: a few seconds")
    parser.add_argument("--batches", type=int, default=20, help="timed batches (default 20)")
    parser.add_argument("--batch-size", type=int, default=MAX_PUSH_MUTATIONS)
    parser.add_argument("--families", type=int, default=30, help="families in the caseload")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--database-url", help="server to make the database on (DATABASE_URL)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--profile", metavar="PATH", help="cProfile the pushes; save stats")
    parser.add_argument(
        "--sql", action="store_true", help="tally the SQL statements the pushes send"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    if not 1 <= args.batch_size <= MAX_PUSH_MUTATIONS:
        parser.error(f"--batch-size must be 1 to {MAX_PUSH_MUTATIONS}")
    return args


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    report.heading("Building the caseload")
    started = time.perf_counter()
    council = Council(caseworkers=1, seed=args.seed)
    worker = council.caseworkers[0]
    stream = council.families()
    families = [next(stream) for _ in range(args.families)]
    for family in families:
        family.give_to(worker)
    engine = engine_for(url)
    with engine.begin() as connection:
        rows = insert(connection, council.staff_rows())
        rows += insert(connection, council.practice)
        rows += insert(connection, merge(families))
    vacuum_analyze(url)
    report.lines(
        [
            ("caseworker", f"{worker.username}, {len(families)} families"),
            ("rows loaded", f"{rows:,} in {time.perf_counter() - started:.1f} s"),
        ]
    )

    app = make_app(url)
    device = SyncClient(InProcessTransport(app))
    device.login(worker.username, BENCH_PASSWORD)
    fieldwork = Fieldwork({f.id: f.people() for f in families}, random.Random(args.seed))
    batches = [fieldwork.changes(args.batch_size) for _ in range(args.batches + 1)]
    straight = StraightInsert(sa.create_engine(url), worker.id)

    # What this process built (the council, every batch) is not the server's: keep the
    # garbage collector from walking it again and again during the timed pushes.
    gc.collect()
    gc.freeze()
    profile = cProfile.Profile() if args.profile else None
    with app.app_context():
        tally = StatementTally(db.engine) if args.sql else None
    push_seconds: list[float] = []
    raw_seconds: list[float] = []
    statuses: Counter[str] = Counter()
    rejections: list[dict[str, Any]] = []
    payload_kb: list[float] = []
    report.heading("Pushing (the first batch warms up, untimed)")
    for number, batch in enumerate(batches):
        warm_up = number == 0
        enqueue(device, batch)
        payload_kb.append(len(json.dumps(device.store.outbox)) / 1024)
        # Alternate which goes first, so neither always meets the warmer cache.
        took_raw = straight.write(batch) if number % 2 else 0.0
        if tally:
            tally.on = not warm_up
        took_push, results = push_outbox(device, None if warm_up else profile)
        if tally:
            tally.on = False
        if not number % 2:
            took_raw = straight.write(batch)
        statuses.update(result["status"] for result in results)
        rejections.extend(result for result in results if result["status"] == "rejected")
        if device.store.outbox or len(results) != len(batch):
            raise RuntimeError(f"the push left {len(device.store.outbox)} mutations unsent")
        if not warm_up:
            push_seconds.append(took_push)
            raw_seconds.append(took_raw)
        report.say(
            f"  batch {number:>3}{' (warm-up)' if warm_up else '':<10} "
            f"push {took_push * 1000:8.1f} ms   raw {took_raw * 1000:7.1f} ms"
        )

    mutations = args.batches * args.batch_size
    push_per_s = mutations / sum(push_seconds)
    raw_per_s = mutations / sum(raw_seconds)
    ratio = push_per_s / raw_per_s
    # Each batch's push and raw write ran back to back: their ratio cancels most
    # of the drift in the machine's other load.
    paired = report.median([r / p for p, r in zip(push_seconds, raw_seconds, strict=True)])
    mix = Counter(f"{c.op} {c.entity}" for batch in batches[1:] for c in batch)
    errors = statuses["rejected"]
    report.heading("Results")
    report.lines(
        [
            ("database", "PostgreSQL" if on_postgres(url) else "SQLite"),
            ("mutations timed", f"{mutations:,} in {args.batches} batches of {args.batch_size}"),
            ("mix", ", ".join(f"{count} {name}" for name, count in sorted(mix.items()))),
            ("payload per batch", f"{report.median(payload_kb):.0f} KB (median)"),
            ("results", dict(statuses)),
            ("push per batch", f"{report.median(push_seconds) * 1000:.0f} ms (median)"),
            ("raw per batch", f"{report.median(raw_seconds) * 1000:.0f} ms (median)"),
            ("push", f"{push_per_s:,.0f} mutations/s (target >= {TARGET_PUSH_PER_S:,})"),
            ("raw executemany", f"{raw_per_s:,.0f} rows/s"),
            ("ratio push/raw", f"{ratio:.3f} (target >= {TARGET_RATIO})"),
            ("ratio within batches", f"{paired:.3f} (median)"),
            (
                "targets met",
                f"push_per_s {'yes' if push_per_s >= TARGET_PUSH_PER_S else 'NO'}, "
                f"ratio {'yes' if ratio >= TARGET_RATIO else 'NO'}",
            ),
        ]
    )
    for rejection in rejections[:5]:
        report.say(f"  rejected: {rejection}")
    if tally:
        report.heading("SQL statements of the timed pushes")
        tally.print(mutations, "mutation")
    if profile:
        report.heading("Profile of the timed pushes")
        report.print_profile(profile, args.profile)
    engine.dispose()
    straight.engine.dispose()
    with app.app_context():
        db.engine.dispose()
    return {
        "push_per_s": round(push_per_s, 1),
        "raw_insert_per_s": round(raw_per_s, 1),
        "ratio": round(ratio, 4),
        "ratio_paired": round(paired, 4),
        "mutations": mutations,
        "batch_size": args.batch_size,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report.stop_cleanly_on_sigterm()
    with own_database("push", server_url(args.database_url), keep=args.keep) as url:
        figures = run(url, args)
    report.figures(figures)
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
