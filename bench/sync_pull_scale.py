"""Pull at scale: one caseworker's full pull, alone in the database and beside 100x more.

Two databases are built from the same generated families: the small one holds
one caseworker's caseload (30 families, years of work, about 15,000 records);
the large one holds the same caseload interleaved with ``--scale`` times as
many records belonging to other caseworkers. Each full pull runs through the
reference client into the app, in a fresh process per database, alternating
small and large; a new device each time, so every pull is a first sync.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.sync_pull_scale [--families 30] [--records 15000] [--scale 100]

Target: ratio (large / small) <= 1.3.

Beside each pull, the same case records are read with bare SQL (one ``SELECT`` per
table by id) and encoded as JSON with the standard library, in the same
process: ``pull_vs_raw`` is the pull's rate over that floor's (aim >= 0.3).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing
import time
import uuid
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

import sqlalchemy as sa

from bench import report
from bench.caseload import BENCH_PASSWORD, Council, GeneratedFamily, insert, merge
from bench.databases import (
    database_size_mb,
    engine_for,
    make_app,
    on_postgres,
    own_database,
    server_url,
    vacuum_analyze,
)
from bench.devices import InProcessTransport
from bench.statements import StatementTally
from server.domain.records import RecordKind
from server.extensions import db
from server.persistence import SyncChange
from server.persistence.case import CASE_RECORDS
from server.services.sync import GLOBAL_MODELS
from sync.client import SyncClient
from sync.protocol import MAX_PULL_LIMIT

TARGET_RATIO = 1.3
TARGET_PULL_VS_RAW = 0.3
SMOKE = {"families": 2, "records": 300, "scale": 3, "repeat": 1, "warm_up": 0}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: a few seconds")
    parser.add_argument("--families", type=int, default=30, help="the caseworker's families")
    parser.add_argument(
        "--records", type=int, default=15_000, help="about how many records they hold"
    )
    parser.add_argument(
        "--scale", type=int, default=100, help="other workers' records, times the caseload"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed pulls of each database")
    parser.add_argument("--warm-up", type=int, default=1, help="untimed pulls of each first")
    parser.add_argument("--limit", type=int, default=MAX_PULL_LIMIT, help="changes per page")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--database-url", help="server to make the databases on (DATABASE_URL)")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument(
        "--profile", metavar="PREFIX", help="cProfile the pulls; save PREFIX-small/large.prof"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    return args


# --- building -------------------------------------------------------------------------


def build(small_url: str, large_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Fill both databases from one stream of generated families; return what was built."""
    council = Council(caseworkers=1 + args.scale, seed=args.seed, batch=100)
    caseworker, others = council.caseworkers[0], council.caseworkers[1:]
    wanted = args.records / args.families
    engines = {"small": engine_for(small_url), "large": engine_for(large_url)}
    counts = {"small": 0, "large": 0}
    stream = council.families()
    started = time.perf_counter()
    next_other = 0
    for number in range(args.families):
        # The caseworker's family: of the next few, the one nearest the size wanted.
        mine = council.nearest(wanted)
        mine.give_to(caseworker)
        # Then other workers' families until they hold `scale` times as much.
        theirs: list[GeneratedFamily] = []
        while sum(f.records for f in theirs) < args.scale * mine.records:
            family = next(stream)
            family.give_to(others[next_other % len(others)])
            next_other += 1
            theirs.append(family)
        for name, families in (("small", [mine]), ("large", [mine, *theirs])):
            with engines[name].begin() as connection:
                if number == 0:
                    insert(connection, council.staff_rows())
                    insert(connection, council.practice)
                counts[name] += insert(connection, merge(families))
        if number % max(1, args.families // 10) == 0 or number == args.families - 1:
            report.say(
                f"  {number + 1:>3}/{args.families} families: small {counts['small']:>9,} rows,"
                f" large {counts['large']:>10,} rows, {time.perf_counter() - started:6.0f} s"
            )
    for engine in engines.values():
        engine.dispose()
    build_seconds = time.perf_counter() - started
    for url in (small_url, large_url):
        vacuum_analyze(url)
    feed = {name: _feed_rows(url) for name, url in (("small", small_url), ("large", large_url))}
    return {
        "caseworker": caseworker.username,
        "rows": counts,
        "feed": feed,
        "build_s": build_seconds,
        "analyse_s": time.perf_counter() - started - build_seconds,
        "size_mb": {"small": database_size_mb(small_url), "large": database_size_mb(large_url)},
    }


def _feed_rows(url: str) -> int:
    engine = engine_for(url)
    with engine.connect() as connection:
        count = connection.scalar(sa.select(sa.func.count()).select_from(SyncChange))
    engine.dispose()
    return int(count or 0)


# --- pulling, in a process of its own per database ------------------------------------


class CountingTransport(InProcessTransport):
    """The in-process transport, counting the pages a pull took."""

    requests = 0

    def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        self.requests += 1
        return super().post(path, body, headers)


def raw_read(keys: list[str]) -> tuple[float, int]:
    """Read the case records a pull delivered with bare SQL, encode them as JSON: seconds, bytes."""
    ids: dict[str, list[str]] = {}
    for name in keys:
        entity, record_id = name.split("/", 1)
        if entity not in GLOBAL_MODELS:  # the few council-wide rows (policy, templates) aside
            ids.setdefault(entity, []).append(record_id)
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    with db.engine.connect() as connection:
        for entity, wanted in ids.items():
            table = CASE_RECORDS[RecordKind(entity)].__table__
            wanted_ids = [uuid.UUID(value) for value in wanted]
            for start in range(0, len(wanted_ids), 5000):
                chunk = wanted_ids[start : start + 5000]
                result = connection.execute(sa.select(table).where(table.c.id.in_(chunk)))
                rows.extend(dict(row._mapping) for row in result)
    body = json.dumps(rows, default=str)
    return time.perf_counter() - started, len(body)


def serve_pulls(
    url: str, username: str, limit: int, profile_path: str | None, pipe: Connection
) -> None:
    """Answer each request on ``pipe`` with one timed full pull by a new device."""
    app = make_app(url)
    profile = cProfile.Profile() if profile_path else None
    with app.app_context():
        tally = StatementTally(db.engine)
    pipe.send({"rss_mb": report.peak_rss_mb()})
    while pipe.recv() == "pull":
        transport = CountingTransport(app)
        device = SyncClient(transport, uuid.uuid4())
        device.login(username, BENCH_PASSWORD)
        transport.requests = 0
        tally.count.clear()
        tally.seconds.clear()
        if profile:
            profile.enable()
        tally.on = True
        started, cpu = time.perf_counter(), time.process_time()
        changes = device.pull(limit=limit)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        tally.on = False
        if profile:
            profile.disable()
        keys = sorted(device.store.records)
        with app.app_context():
            raw_seconds, _ = raw_read(keys)
        pipe.send(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "db_seconds": sum(tally.seconds.values()),
                "statements": dict(tally.count),
                "statement_seconds": dict(tally.seconds),
                "pages": transport.requests,
                "changes": changes,
                "records": len(device.store.records),
                "keys": keys,
                "raw_seconds": raw_seconds,
                "rss_mb": report.peak_rss_mb(),
            }
        )
    if profile and profile_path:
        profile.dump_stats(profile_path)
    pipe.send("done")


class PullServer:
    """A process with the app on one database, pulling when asked."""

    def __init__(self, url: str, username: str, limit: int, profile_path: str | None):
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: honest memory
        self.pipe, child = context.Pipe()
        self.process = context.Process(
            target=serve_pulls, args=(url, username, limit, profile_path, child), daemon=True
        )
        self.process.start()
        self.idle_rss_mb = self.pipe.recv()["rss_mb"]

    def pull(self) -> dict[str, Any]:
        self.pipe.send("pull")
        answer: dict[str, Any] = self.pipe.recv()
        return answer

    def stop(self) -> None:
        self.pipe.send("stop")
        self.pipe.recv()
        self.process.join(timeout=60)


def alternate(servers: dict[str, PullServer], rounds: int) -> Iterator[tuple[str, dict[str, Any]]]:
    for number in range(rounds):
        order = ("small", "large") if number % 2 == 0 else ("large", "small")
        for name in order:
            yield name, servers[name].pull()


def measure(urls: dict[str, str], username: str, args: argparse.Namespace) -> dict[str, Any]:
    servers = {
        name: PullServer(
            url, username, args.limit, f"{args.profile}-{name}.prof" if args.profile else None
        )
        for name, url in urls.items()
    }
    try:
        for name, result in alternate(servers, args.warm_up):  # caches and connections
            report.say(f"  warm-up {name:<5} {result['seconds']:7.2f} s  {result['records']:,}")
        runs: dict[str, list[dict[str, Any]]] = {"small": [], "large": []}
        for name, result in alternate(servers, args.repeat):
            runs[name].append(result)
            report.say(
                f"  pull    {name:<5} {result['seconds']:7.2f} s  {result['records']:,} records,"
                f" {result['changes']:,} changes in {result['pages']} pages;"
                f" app CPU {result['cpu_seconds']:.1f} s,"
                f" waiting on SQL {result['db_seconds']:.1f} s"
            )
    finally:
        for server in servers.values():
            server.stop()
    return {"runs": runs, "idle_rss_mb": max(s.idle_rss_mb for s in servers.values())}


def run(small_url: str, large_url: str, args: argparse.Namespace) -> dict[str, Any]:
    report.heading("Building both databases")
    built = build(small_url, large_url, args)
    report.lines(
        [
            ("case rows loaded", built["rows"]),
            ("change feed rows", built["feed"]),
            ("database size MB", {k: round(v or 0) for k, v in built["size_mb"].items()}),
            ("build", f"{built['build_s']:.0f} s, then VACUUM ANALYZE {built['analyse_s']:.0f} s"),
        ]
    )
    report.heading(f"Full pulls by {built['caseworker']}, a new device each (limit {args.limit})")
    measured = measure({"small": small_url, "large": large_url}, built["caseworker"], args)
    runs = measured["runs"]

    def middle(name: str, figure: str) -> float:
        return report.median([r[figure] for r in runs[name]])

    small, large = middle("small", "seconds"), middle("large", "seconds")
    ratio = large / small
    # Pulls run in pairs, one after the other: the ratio within each pair
    # cancels most of the drift in the machine's other load.
    paired = report.median(
        [
            big["seconds"] / little["seconds"]
            for little, big in zip(runs["small"], runs["large"], strict=True)
        ]
    )
    records = runs["small"][0]["records"]
    # The pull's rate over the bare read's, of the same rows in the same process.
    pull_vs_raw = report.median(
        [r["raw_seconds"] / r["seconds"] for r in runs["small"] + runs["large"]]
    )
    raw = middle("small", "raw_seconds")
    same = all(r["keys"] == runs["small"][0]["keys"] for r in runs["small"] + runs["large"])
    peak = max(r["rss_mb"] for rs in runs.values() for r in rs)
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    report.heading("Results")
    report.lines(
        [
            ("database", "PostgreSQL" if on_postgres(small_url) else "SQLite"),
            ("records pulled", f"{records:,} (same set from both databases: {same})"),
            (
                "changes sent",
                f"{runs['small'][0]['changes']:,} in {runs['small'][0]['pages']} pages",
            ),
            ("other workers' rows", f"{built['rows']['large'] - built['rows']['small']:,}"),
            ("pull, small database", f"{small:.2f} s (median of {args.repeat})"),
            ("pull, large database", f"{large:.2f} s (median of {args.repeat})"),
            ("records per second", f"small {records / small:,.0f}, large {records / large:,.0f}"),
            ("ratio large/small", f"{ratio:.3f} (target <= {TARGET_RATIO}): {verdict}"),
            ("ratio within pairs", f"{paired:.3f} (median)"),
            (
                "bare SQL read + JSON",
                f"{raw:.2f} s, {records / raw:,.0f} records per second (small database)",
            ),
            (
                "pull_vs_raw",
                f"{pull_vs_raw:.3f} (pull rate / bare rate, median; aim >= {TARGET_PULL_VS_RAW})",
            ),
            (
                "app CPU, small/large",
                f"{middle('small', 'cpu_seconds'):.1f} s / {middle('large', 'cpu_seconds'):.1f} s",
            ),
            (
                "waiting on SQL, small/large",
                f"{middle('small', 'db_seconds'):.1f} s / {middle('large', 'db_seconds'):.1f} s",
            ),
            (
                "peak RSS",
                f"{peak:.0f} MB (app and client in one process; idle "
                f"{measured['idle_rss_mb']:.0f} MB)",
            ),
        ]
    )
    report.heading("SQL of one pull: statements and seconds, small database / large")
    little, big = runs["small"][-1], runs["large"][-1]
    for key in sorted(big["statements"], key=lambda k: -big["statement_seconds"][k]):
        report.say(
            f"  {little['statements'].get(key, 0):>6} / {big['statements'][key]:>6}"
            f"  {little['statement_seconds'].get(key, 0):6.2f} s"
            f" / {big['statement_seconds'][key]:6.2f} s"
            f"  {key}"
        )
    if args.profile:
        report.say(f"  profiles saved to {args.profile}-small.prof and {args.profile}-large.prof")
    return {
        "records": records,
        "pull_small_s": round(small, 3),
        "pull_large_s": round(large, 3),
        "ratio": round(ratio, 4),
        "peak_rss_mb": round(peak, 1),
        "ratio_paired": round(paired, 4),
        "raw_s": round(raw, 3),
        "pull_vs_raw": round(pull_vs_raw, 4),
        "large_rows": built["rows"]["large"],
        "errors": 0 if same else 1,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report.stop_cleanly_on_sigterm()
    server = server_url(args.database_url)
    with (
        own_database("pull_small", server, keep=args.keep) as small_url,
        own_database("pull_large", server, keep=args.keep) as large_url,
    ):
        figures = run(small_url, large_url, args)
    report.figures(figures)
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
