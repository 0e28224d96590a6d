"""Sync under load: many devices syncing at once against gunicorn and PostgreSQL.

Caseworkers each hold a family with years of history and carry two devices
(``--devices-per-caseworker``). Every device is a thread running the reference
client over HTTP: sign in, first sync, then for ``--duration`` seconds a loop
of a few offline changes (visits with notes, plan actions, edits, signing),
push, pull and a short pause. At the end every device sends what it still
holds and pulls; then the database is checked: every acknowledged record
exists exactly once, every acknowledged change took effect once, every
device's counter and replica match the server.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.sync_load [--devices 200] [--duration 60]

Figures: requests and their latency (p50, p95) during the timed window;
errors, lost and duplicated must be 0.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa

from bench import report
from bench.caseload import BENCH_PASSWORD, Council, insert, merge
from bench.databases import (
    BENCH_SECRET_KEY,
    engine_for,
    on_postgres,
    own_database,
    server_url,
    vacuum_analyze,
)
from bench.devices import Latencies, TimedHttpTransport
from bench.fieldwork import Change, Fieldwork
from bench.sync_push import TABLES, enqueue
from demo import Worker
from server.persistence import Device, RecordHistory
from server.timing import PHASES
from sync.client import SyncClient, SyncError
from sync.protocol import MAX_PULL_LIMIT

ROOT = Path(__file__).resolve().parents[1]
SMOKE = {"devices": 4, "duration": 3.0, "workers": 2, "think": 0.2, "family_records": 60}
BOOT_TIMEOUT = 60
# Failures a device meets and survives: it keeps its outbox and tries again.
TRANSIENT = (SyncError, OSError, urllib.error.URLError, TimeoutError, ValueError)
ACKNOWLEDGED = ("applied", "conflict", "duplicate")
T = TypeVar("T")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: a few seconds")
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--devices-per-caseworker", type=int, default=2)
    parser.add_argument("--duration", type=float, default=60.0, help="timed seconds")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a device's syncs (s)"
    )
    parser.add_argument(
        "--family-records", type=int, default=200, help="about how big each family's history is"
    )
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--database-url", help="server to make the database on (DATABASE_URL)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    return args


# --- the server ------------------------------------------------------------------------


class Gunicorn:
    """gunicorn serving the app, as docker-compose runs it, on a port the kernel picks."""

    def __init__(
        self,
        url: str,
        workers: int,
        folder: Path,
        *,
        env_extra: dict[str, str] | None = None,
        args_extra: Sequence[str] = (),
    ):
        self.log_path = folder / "gunicorn.log"
        self.workers = workers
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PRODUCTION"))}
        env.update(
            DATABASE_URL=url,
            SECRET_KEY=BENCH_SECRET_KEY,
            INSTANCE_PATH=str(folder / "instance"),
            PYTHONUNBUFFERED="1",
            SERVER_TIMING="1",  # each answer says where its time went
            **(env_extra or {}),
        )
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "--bind=127.0.0.1:0",
            f"--workers={workers}",
            "--timeout=60",
            "--graceful-timeout=30",
            "--max-requests=1000",
            "--max-requests-jitter=500",
            "--worker-tmp-dir=/dev/shm",
            "--no-control-socket",
            *args_extra,
            "server:create_app()",
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            self.base_url = self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_until_healthy(self) -> str:
        deadline = time.monotonic() + BOOT_TIMEOUT
        base_url = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.tail()}"
                )
            if base_url is None:
                found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", self.log())
                base_url = found.group(1) if found else None
            else:
                try:
                    with urllib.request.urlopen(f"{base_url}/api/health", timeout=5) as answer:  # noqa: S310 (localhost)
                        if answer.status == 200:
                            return base_url
                except OSError:
                    pass  # workers still booting
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn was not healthy within {BOOT_TIMEOUT} s:\n{self.tail()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def tracebacks(self) -> list[str]:
        """Return each traceback in the log, with the line before it (what was logged)."""
        found = re.findall(r"(?m)^.*\n(?:Traceback[^\n]*\n(?:[ \t].*\n)*.*)", self.log())
        return found

    def worker_restarts(self) -> int:
        return max(0, self.log().count("Booting worker with pid") - self.workers)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


# --- the devices -----------------------------------------------------------------------


@dataclass
class SimulatedDevice:
    """One phone or tablet: the reference client, its worker's fieldwork, and its tallies."""

    number: int
    caseworker: Worker
    client: SyncClient
    fieldwork: Fieldwork
    rng: random.Random
    sent: dict[int, Change] = field(default_factory=dict)
    acknowledged: list[tuple[Change, str]] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    loops: int = 0

    def work_offline(self) -> None:
        """Make one to four changes, and sometimes sign a note written earlier."""
        changes = self.fieldwork.changes(self.rng.randint(1, 4))
        if self.rng.random() < 0.3:
            signing = self.fieldwork.sign()
            if signing is not None:
                changes.append(signing)
        first = self.client.store.next_mutation_id
        enqueue(self.client, changes)
        self.sent.update(zip(range(first, first + len(changes)), changes, strict=True))

    def push(self) -> None:
        for result in self.client.push():
            status = result["status"]
            self.statuses[status] += 1
            change = self.sent.pop(result["mutation_id"])
            if status in ACKNOWLEDGED:
                self.acknowledged.append((change, status))
            else:
                self.errors.append(f"rejected {change.op} {change.entity}: {result}")

    def pull(self) -> None:
        self.client.pull(limit=MAX_PULL_LIMIT)

    def attempt(self, step: Callable[[], None]) -> bool:
        """Run a sync step; count a failure (the outbox is kept) and back off after it."""
        try:
            step()
            return True
        except TRANSIENT as error:
            self.errors.append(f"{step.__name__}: {type(error).__name__}: {error}"[:300])
            time.sleep(self.rng.uniform(0.5, 2.0))
            return False

    def run_until(self, deadline: float, think: float) -> None:
        # The pause comes first, so devices start out of step, as real ones do.
        while True:
            pause = self.rng.uniform(0, 2 * think)
            time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
            if time.monotonic() >= deadline:
                return
            self.work_offline()
            if self.attempt(self.push):
                self.attempt(self.pull)
            self.loops += 1

    def flush(self, tries: int = 10) -> None:
        """Send everything still in the outbox (after the clock stopped)."""
        for _ in range(tries):
            if not self.client.store.outbox:
                return
            self.attempt(self.push)
        if self.client.store.outbox:
            self.errors.append(f"flush: {len(self.client.store.outbox)} mutations never sent")


def in_parallel(work: Callable[[T], object], items: Iterable[T], threads: int) -> None:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for outcome in [pool.submit(work, item) for item in items]:
            outcome.result()


# --- checking the database --------------------------------------------------------------


def check(url: str, devices: list[SimulatedDevice], since: Any) -> dict[str, Any]:
    """Compare what the devices were told with what the database holds."""
    created: dict[str, set[uuid.UUID]] = {name: set() for name in TABLES}
    effects: Counter[str] = Counter()
    for device in devices:
        for change, _status in device.acknowledged:
            if change.op == "create":
                # A create is its record (one row, by its id); history holds later changes.
                created[change.entity].add(change.id)
            else:
                effects[str(device.client.device_id)] += 1
    engine = engine_for(url)
    with engine.connect() as connection:
        stored: dict[str, dict[uuid.UUID, tuple[int, uuid.UUID]]] = {}
        for name, table in TABLES.items():
            query = sa.select(table.c.id, table.c.version, table.c.family_id).where(
                table.c.created_at >= since
            )
            stored[name] = {
                row.id: (row.version, row.family_id) for row in connection.execute(query)
            }
        history = Counter(
            {
                str(device_id): count
                for device_id, count in connection.execute(
                    sa.select(RecordHistory.device_id, sa.func.count())
                    .where(RecordHistory.changed_at >= since)
                    .group_by(RecordHistory.device_id)
                )
            }
        )
        counters = dict(connection.execute(sa.select(Device.id, Device.last_mutation_id)).all())
    engine.dispose()

    lost = sum(len(ids - stored[name].keys()) for name, ids in created.items())
    unacknowledged = sum(len(stored[name].keys() - ids) for name, ids in created.items())
    # Each acknowledged change (not a create) wrote one history row from its device:
    # more is a change applied twice, fewer is a change acknowledged but lost. A create
    # applied twice cannot make a second row (its id is the key); the push answers the
    # second one as a duplicate.
    devices_ids = {str(d.client.device_id) for d in devices}
    applied_twice = sum(max(0, history[d] - effects[d]) for d in devices_ids)
    never_applied = sum(max(0, effects[d] - history[d]) for d in devices_ids)
    counter_mismatch = sum(
        1
        for d in devices
        if counters.get(uuid.UUID(d.client.device_id)) != d.client.store.next_mutation_id - 1
    )
    # Every device ends holding every record its caseworker's devices made, at the
    # server's version.
    families_of: dict[uuid.UUID, set[uuid.UUID]] = {}
    for d in devices:
        families_of.setdefault(d.caseworker.id, set(d.fieldwork.family_ids))
    diverged = 0
    for d in devices:
        mine = families_of[d.caseworker.id]
        for name, rows in stored.items():
            for record_id, (version, family_id) in rows.items():
                if family_id in mine:
                    held = d.client.store.records.get(f"{name}/{record_id}")
                    diverged += held is None or held["version"] != version
    return {
        "created": sum(len(ids) for ids in created.values()),
        "effects": sum(effects.values()),
        "lost": lost + never_applied,
        "duplicated": applied_twice,
        "unacknowledged": unacknowledged,
        "counter_mismatch": counter_mismatch,
        "diverged": diverged,
    }


# --- the run ---------------------------------------------------------------------------


def build(url: str, args: argparse.Namespace) -> dict[uuid.UUID, Any]:
    caseworkers = math.ceil(args.devices / args.devices_per_caseworker)
    council = Council(caseworkers=caseworkers, seed=args.seed)
    families = {}
    for worker in council.caseworkers:
        family = council.nearest(args.family_records)
        family.give_to(worker)
        families[worker.id] = (worker, family)
    engine = engine_for(url)
    with engine.begin() as connection:
        rows = insert(connection, council.staff_rows())
        rows += insert(connection, council.practice)
        rows += insert(connection, merge(f for _, f in families.values()))
    engine.dispose()
    vacuum_analyze(url)
    report.lines([("caseworkers", caseworkers), ("rows loaded", f"{rows:,}")])
    return families


def run(url: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    report.heading("Building the caseloads")
    families = build(url, args)
    report.heading(f"Starting gunicorn ({args.workers} workers)")
    server = Gunicorn(url, args.workers, folder)
    latencies = Latencies()
    try:
        report.say(f"  listening at {server.base_url}")
        owners = list(families.values())
        devices = []
        for number in range(args.devices):
            worker, family = owners[number % len(owners)]
            rng = random.Random(args.seed * 1000 + number)
            devices.append(
                SimulatedDevice(
                    number,
                    worker,
                    SyncClient(TimedHttpTransport(server.base_url, latencies), uuid.uuid4()),
                    Fieldwork({family.id: family.people()}, rng),
                    rng,
                )
            )
        report.heading(f"{args.devices} devices sign in and make their first sync")
        started = time.perf_counter()
        in_parallel(lambda d: d.client.login(d.caseworker.username, BENCH_PASSWORD), devices, 16)
        signed_in = time.perf_counter() - started
        in_parallel(lambda d: d.client.pull(limit=MAX_PULL_LIMIT), devices, 32)
        first_sync = time.perf_counter() - started - signed_in
        held = sum(len(d.client.store.records) for d in devices)
        report.lines(
            [
                ("sign-in", f"{signed_in:.1f} s"),
                ("first sync", f"{first_sync:.1f} s, {held:,} records on the devices"),
            ]
        )

        report.heading(f"Syncing for {args.duration:.0f} s (pause {args.think} s on average)")
        since = _database_now(url)
        latencies.recording = True
        began = time.monotonic()
        deadline = began + args.duration
        threads = [
            threading.Thread(target=d.run_until, args=(deadline, args.think), daemon=True)
            for d in devices
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        latencies.recording = False
        window = list(latencies.samples)
        phases = list(latencies.phases)

        report.heading("Sending what is left, pulling, and checking the database")
        in_parallel(lambda d: d.flush(), devices, 32)
        in_parallel(lambda d: d.attempt(d.pull), devices, 32)
        verdict = check(url, devices, since)
        restarts = server.worker_restarts()
        server_errors = server.tracebacks()
    finally:
        server.stop()
    report.heading("Stopped gunicorn")

    seconds = [s for _, s, _ in window]
    by_path = {
        path: [s for p, s, _ in window if p == path]
        for path in ("/api/sync/push", "/api/sync/pull")
    }
    failed = sum(1 for _, _, status in window if status == 0 or status >= 400)
    errors = [message for d in devices for message in d.errors]
    statuses = sum((d.statuses for d in devices), Counter())
    p50, p95 = report.percentile(seconds, 0.5) * 1000, report.percentile(seconds, 0.95) * 1000
    report.heading("Results")
    report.lines(
        [
            ("database", "PostgreSQL" if on_postgres(url) else "SQLite"),
            ("devices", f"{args.devices} ({len(families)} caseworkers)"),
            ("timed window", f"{elapsed:.1f} s, {sum(d.loops for d in devices):,} sync loops"),
            ("requests", f"{len(window):,} ({len(window) / elapsed:.1f}/s), {failed} failed"),
            (
                "latency, all",
                f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
                f"p99 {report.percentile(seconds, 0.99) * 1000:.0f} ms, "
                f"max {max(seconds, default=0) * 1000:.0f} ms",
            ),
            *(
                (
                    f"latency, {path.rsplit('/', 1)[1]}",
                    f"p50 {report.percentile(v, 0.5) * 1000:.0f} ms, "
                    f"p95 {report.percentile(v, 0.95) * 1000:.0f} ms ({len(v):,} requests)",
                )
                for path, v in by_path.items()
            ),
            ("mutation results", dict(statuses)),
            ("errors", len(errors)),
            ("records created", verdict["created"]),
            ("lost", verdict["lost"]),
            ("duplicated", verdict["duplicated"]),
            ("applied, not acknowledged", verdict["unacknowledged"]),
            ("device counters off", verdict["counter_mismatch"]),
            ("replicas behind server", verdict["diverged"]),
            ("gunicorn worker restarts", restarts),
        ]
    )
    report_where_time_went(window, phases)
    for message in errors[:10]:
        report.say(f"  error: {message}")
    if server_errors:
        report.say(f"The server logged {len(server_errors)} tracebacks; the last:")
        report.say(server_errors[-1])
    problems = verdict["unacknowledged"] + verdict["counter_mismatch"] + verdict["diverged"]
    return {
        "devices": args.devices,
        "requests": len(window),
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "errors": len(errors) + problems,
        "lost": verdict["lost"],
        "duplicated": verdict["duplicated"],
        "requests_per_s": round(len(window) / elapsed, 1),
        "mutations": verdict["effects"],
    }


def report_where_time_went(
    window: Sequence[tuple[str, float, int]], phases: Sequence[tuple[str, dict[str, float]]]
) -> None:
    """Report the mean time per request in each phase the server names, and the rest.

    "waiting" is what the device saw less what the server spent: the request's
    time in gunicorn's backlog and on the loopback network.
    """
    report.heading("Where a request's time goes (mean ms, from the Server-Timing header)")
    names = (*PHASES, "waiting")
    report.say("  " + "".join(f"{n:>9}" for n in ("", *names, "seen")))
    for path in ("/api/sync/push", "/api/sync/pull"):
        timed = [spent for p, spent in phases if p == path]
        seen = [s * 1000 for p, s, _ in window if p == path]
        if not timed or not seen:
            continue
        mean = {name: sum(spent.get(name, 0.0) for spent in timed) / len(timed) for name in PHASES}
        server = sum(spent.get("total", 0.0) for spent in timed) / len(timed)
        mean["waiting"] = max(0.0, sum(seen) / len(seen) - server)
        row = "".join(f"{mean[name]:9.1f}" for name in names)
        report.say(f"  {path.rsplit('/', 1)[1]:>9}{row}{sum(seen) / len(seen):9.1f}")


def _database_now(url: str) -> Any:
    engine = engine_for(url)
    with engine.connect() as connection:
        now = connection.scalar(sa.select(sa.func.now()))
    engine.dispose()
    return now


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report.stop_cleanly_on_sigterm()
    server = server_url(args.database_url)
    if not on_postgres(server):
        report.say("sync_load needs PostgreSQL: set DATABASE_URL to a postgresql:// URL.")
        return 2
    with (
        own_database("load", server, keep=args.keep) as url,
        tempfile.TemporaryDirectory(prefix="bench_load_") as folder,
    ):
        figures = run(url, args, Path(folder))
    report.figures(figures)
    return 1 if figures["errors"] or figures["lost"] or figures["duplicated"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
