"""Sync on PostgreSQL under the conditions the design brief says it must survive.

Interleaved transactions around a pull, the same batch pushed five times at
once, the server killed in the middle of a push, pages exactly ``limit`` long,
and device clocks days off. The process tests run gunicorn as a subprocess
against the test database (see tests/sync/processes.py).

Concurrency here is made deterministic with locks rather than sleeps: a side
connection holds a row lock the server needs, the test waits (with a timeout)
until pg_stat_activity shows the server's requests waiting on it, and only
then lets them go or kills the server.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from server import clock
from server.extensions import db
from server.persistence import (
    ChecklistTemplate,
    Device,
    Family,
    Note,
    PlanAction,
    RecordHistory,
    SyncChange,
)
from server.services import sync as sync_service
from sync.client import HttpTransport, SyncClient, SyncError
from sync.protocol import SCHEMA_VERSION
from tests.conftest import PASSWORD
from tests.sync.devices import device
from tests.sync.processes import Gunicorn, server_env, tail

pytestmark = pytest.mark.postgres

WAIT = 60  # seconds: the longest any step of these tests waits for something
# ... except for older transactions to end before a pull (Feed.settle): on a busy
# shared server one may run for a while.
SETTLE_TIMEOUT = 120
PUSH = "/api/sync/push"
PULL = "/api/sync/pull"


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture
def side_engine(app: Flask, migrated_database: str) -> Iterator[sa.Engine]:
    """Connections of their own, beside the app's pool, for transactions the test holds open.

    Every wait on them is bounded: a lock wait or statement fails after a while,
    and a transaction the test forgot is ended by the server, so nothing (not
    even the ``app`` fixture's TRUNCATE at teardown) can hang on it.
    """
    engine = sa.create_engine(
        migrated_database,
        poolclass=NullPool,
        connect_args={
            "options": "-c lock_timeout=20s -c statement_timeout=30s"
            " -c idle_in_transaction_session_timeout=60s"
        },
    )
    yield engine
    engine.dispose()


@contextmanager
def transaction(engine: sa.Engine) -> Iterator[Session]:
    """An ORM session on its own connection; the after_flush hook writes its feed rows."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def query(engine: sa.Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text(sql), params))


def scalar(engine: sa.Engine, statement: Any) -> Any:
    with Session(engine) as session:
        return session.scalar(statement)


def current_txid(session: Session) -> int:
    return int(session.scalar(sa.text("SELECT pg_current_xact_id()::text::bigint")))


def xact_status(engine: sa.Engine, txid: int) -> str:
    return str(
        query(engine, "SELECT pg_xact_status(CAST(CAST(:txid AS text) AS xid8))", txid=txid)[0][0]
    )


def feed_position(session: Session, record_id: uuid.UUID) -> tuple[int, int]:
    row = session.execute(
        sa.select(SyncChange.txid, SyncChange.seq).where(SyncChange.record_id == record_id)
    ).one()
    return row.txid, row.seq


def wait_until(predicate: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Feed:
    """The change feed as the server's pull sees it: its watermark, and waiting for it."""

    def __init__(self, app: Flask, engine: sa.Engine):
        self.app = app
        self.engine = engine

    def watermark(self) -> int:
        """The server's own watermark, read in a transaction of its own."""
        with self.app.app_context():
            try:
                return sync_service.watermark()
            finally:
                db.session.rollback()

    def settle(self, after: int | None = None) -> None:
        """Wait until the watermark passes ``after`` (by default our newest change).

        A pull delivers nothing at or above the watermark, which waits for every
        older transaction that could still write the feed. A test that expects a
        pull to deliver waits for that first, with a timeout naming the culprit.
        """
        if after is None:
            after = int(
                scalar(self.engine, sa.select(sa.func.coalesce(sa.func.max(SyncChange.txid), 0)))
            )
        try:
            wait_until(lambda: self.watermark() > after, "the watermark", timeout=SETTLE_TIMEOUT)
        except AssertionError:
            holders = query(
                self.engine,
                "SELECT datname, pid, backend_xid::text, now() - xact_start AS age, state"
                " FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY xact_start",
            )
            raise AssertionError(
                f"the watermark stayed at or below txid {after} for {SETTLE_TIMEOUT}s;"
                f" transactions holding ids: {holders}"
            ) from None


@pytest.fixture
def feed(app: Flask, side_engine: sa.Engine) -> Feed:
    return Feed(app, side_engine)


class Recorder:
    """Wraps a device's transport and keeps every pull page the server answered."""

    def __init__(self, client: SyncClient):
        self.inner = client.transport
        self.pages: list[dict[str, Any]] = []
        client.transport = self

    def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        status, reply, reply_headers = self.inner.post(path, body, headers)
        if path == PULL and status == 200:
            self.pages.append(reply)
        return status, reply, reply_headers

    def take(self) -> list[dict[str, Any]]:
        pages, self.pages = self.pages, []
        return pages


def delivered(pages: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    """How many times each (entity, id) arrived over these pages."""
    return Counter((c["entity"], c["id"]) for page in pages for c in page["changes"])


def add_plan_action(session: Session, family_id: uuid.UUID, task: str) -> uuid.UUID:
    action = PlanAction(id=uuid.uuid4(), family_id=family_id, task=task, who="Amara")
    session.add(action)
    session.flush()  # the INSERT and its feed row: the transaction now has its txid
    return action.id


def rename_family(session: Session, family_id: uuid.UUID, name: str) -> None:
    family = session.get(Family, family_id)
    assert family is not None
    family.display_name = name
    family.version += 1
    session.flush()


def lock_waiters(engine: sa.Engine, *, exclude_pid: int) -> list[Any]:
    """Backends of this database waiting on a lock (other than the test's own)."""
    return query(
        engine,
        "SELECT pid, backend_xid::text AS xid FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> :pid",
        pid=exclude_pid,
    )


def note_create(family_id: uuid.UUID, text: str) -> dict[str, Any]:
    return {"family_id": str(family_id), "sections": {"what_happened": text}}


def plan_create(family_id: uuid.UUID, text: str) -> dict[str, Any]:
    return {"family_id": str(family_id), "task": text, "who": "Amara and the family"}


def stamp(client: SyncClient, client_ts: datetime) -> None:
    """Give the outbox's mutations the device's (possibly wrong) clock time."""
    for mutation in client.store.outbox:
        mutation.setdefault("client_ts", client_ts.isoformat())


# --- 1. interleaved transactions around a pull ---------------------------------------------


def test_a_transaction_that_commits_after_a_pull_is_delivered_by_the_next(
    app: Flask, make_user: Any, make_family: Any, side_engine: sa.Engine, feed: Feed
) -> None:
    amara = make_user(username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    phone = device(app, "amara")
    recorder = Recorder(phone)
    feed.settle()
    phone.pull()
    recorder.take()

    # Case 1: T2 takes its txid first; T1 writes after it and stays open while T2 commits.
    with transaction(side_engine) as t2, transaction(side_engine) as t1:
        rename_family(t2, family.id, "Okoro-Mensah")
        t2_txid = current_txid(t2)
        t1_action = add_plan_action(t1, family.id, "Book the GP appointment")
        t1_txid = current_txid(t1)
        assert feed_position(t1, t1_action)[0] == t1_txid  # the feed row carries T1's txid
        assert t2_txid < t1_txid
        t2.commit()

        # The pull happens now, on the app's own connection, while T1 is still open:
        # the watermark is above T2 (once any older transaction has ended) and at or
        # below T1.
        feed.settle(after=t2_txid)
        assert xact_status(side_engine, t1_txid) == "in progress"
        assert feed.watermark() <= t1_txid
        phone.pull()
        during = delivered(recorder.take())
        assert ("family", str(family.id)) in during  # T2 is below the watermark: delivered
        assert ("plan_action", str(t1_action)) not in during
        assert phone.get("family", str(family.id))["display_name"] == "Okoro-Mensah"
        assert phone.get("plan_action", str(t1_action)) is None
        assert xact_status(side_engine, t1_txid) == "in progress"
        t1.commit()

    feed.settle(after=t1_txid)
    phone.pull()
    after = delivered(recorder.take())
    assert after[("plan_action", str(t1_action))] == 1
    assert phone.get("plan_action", str(t1_action))["task"] == "Book the GP appointment"

    # Case 2, the one a sequence cursor loses: T1 writes first (lower txid, lower seq),
    # T2 writes later and commits first, and the device pulls in between.
    with transaction(side_engine) as t1, transaction(side_engine) as t2:
        late_action = add_plan_action(t1, family.id, "Visit the school with mum")
        t1_txid, t1_seq = current_txid(t1), feed_position(t1, late_action)[1]
        early_action = add_plan_action(t2, family.id, "Ask grandad about Saturdays")
        t2_txid, t2_seq = current_txid(t2), feed_position(t2, early_action)[1]
        rename_family(t2, family.id, "Okoro-Mensah family")
        assert t1_txid < t2_txid and t1_seq < t2_seq
        t2.commit()

        feed.settle(after=t1_txid - 1)  # every older transaction has ended
        assert xact_status(side_engine, t1_txid) == "in progress"
        assert feed.watermark() == t1_txid
        phone.pull()
        during = delivered(recorder.take())
        # T1 has not committed: nothing of it can arrive. A cursor at T2's seq would now be
        # past T1's row for good; the watermark holds the feed back at T1's txid instead
        # (so T2's rows, above it, wait too; they are not required to).
        assert ("plan_action", str(late_action)) not in during
        assert xact_status(side_engine, t1_txid) == "in progress"
        t1.commit()

    feed.settle(after=t2_txid)
    phone.pull()
    after = delivered(recorder.take())
    assert after[("plan_action", str(late_action))] == 1  # the late committer is not skipped
    everything = during + after
    assert everything[("plan_action", str(early_action))] == 1
    assert phone.get("plan_action", str(late_action))["task"] == "Visit the school with mum"
    assert phone.get("plan_action", str(early_action))["task"] == "Ask grandad about Saturdays"
    assert phone.get("family", str(family.id))["display_name"] == "Okoro-Mensah family"


# --- 4. pages exactly `limit` long, and empty pages -----------------------------------------

N = 20  # changes in scope; pulled with limit N, then N // 2


def test_pages_of_exactly_limit_neither_loop_nor_stop_early(
    app: Flask, make_user: Any, make_family: Any, side_engine: sa.Engine, feed: Feed
) -> None:
    amara = make_user(username="amara")
    bea = make_user(username="bea", team="South")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    elsewhere = make_family(team_of=bea, worker=bea, name="Out of scope")
    whole, halves, writer = (device(app, "amara") for _ in range(3))
    whole_pages, halves_pages = Recorder(whole), Recorder(halves)
    feed.settle()
    whole.pull()
    halves.pull()
    whole_pages.take(), halves_pages.take()
    before = scalar(side_engine, sa.select(sa.func.max(SyncChange.seq)))

    # Exactly N changes in scope, interleaved with changes out of it.
    created = []
    for half in range(2):
        created += [
            writer.create("plan_action", plan_create(family.id, f"Step {half}-{i}"))
            for i in range(N // 2)
        ]
        assert {r["status"] for r in writer.push()} == {"applied"}
        with transaction(side_engine) as other_team:
            for i in range(N // 2):
                add_plan_action(other_team, elsewhere.id, f"Not Amara's {half}-{i}")
            other_team.commit()
    in_scope = scalar(
        side_engine,
        sa.select(sa.func.count()).where(
            SyncChange.seq > before, SyncChange.family_id == family.id
        ),
    )
    assert in_scope == N
    expected = {("plan_action", record_id) for record_id in created}
    feed.settle()

    # limit N: one page of exactly N, has_more false, and the client stops there.
    assert whole.pull(limit=N) == N
    pages = whole_pages.take()
    assert [(len(p["changes"]), p["has_more"]) for p in pages] == [(N, False)]
    assert set(delivered(pages)) == expected

    # limit N / 2: two full pages; the first says more, the second (exactly full) says done.
    assert halves.pull(limit=N // 2) == N
    pages = halves_pages.take()
    assert [(len(p["changes"]), p["has_more"]) for p in pages] == [
        (N // 2, True),
        (N // 2, False),
    ]
    assert delivered(pages) == Counter(dict.fromkeys(expected, 1))
    for client in (whole, halves):
        assert {r["id"] for r in client.records_of("plan_action")} == set(created)

    # An empty pull: no changes, has_more false, and a cursor that still works.
    for client, recorder in ((whole, whole_pages), (halves, halves_pages)):
        assert client.pull(limit=N) == 0
        (page,) = recorder.take()
        assert page["changes"] == [] and page["has_more"] is False
        assert isinstance(page["cursor"], str) and page["cursor"]
        assert client.store.cursor == page["cursor"]
    one_more = writer.create("plan_action", plan_create(family.id, "One more"))
    assert [r["status"] for r in writer.push()] == ["applied"]
    feed.settle()
    for client, recorder in ((whole, whole_pages), (halves, halves_pages)):
        assert client.pull(limit=N) == 1
        (page,) = recorder.take()
        assert [(c["entity"], c["id"]) for c in page["changes"]] == [("plan_action", one_more)]
        assert page["has_more"] is False


def test_a_first_sync_in_pages_of_exactly_limit_ends_holding_everything(
    app: Flask, make_user: Any, make_family: Any, side_engine: sa.Engine, feed: Feed
) -> None:
    amara = make_user(username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    writer = device(app, "amara")
    # Fill the family's feed to exactly N rows, so its first page is exactly full.
    rows = scalar(side_engine, sa.select(sa.func.count()).where(SyncChange.family_id == family.id))
    for i in range(N - rows):
        writer.create("plan_action", plan_create(family.id, f"Step {i}"))
    assert {r["status"] for r in writer.push()} == {"applied"}
    assert (
        scalar(side_engine, sa.select(sa.func.count()).where(SyncChange.family_id == family.id))
        == N
    )
    # A record every device gets, whatever its families: it comes after the family's
    # pages, so a client that stopped when the family was complete would lack it.
    with transaction(side_engine) as admin:
        admin.add(
            ChecklistTemplate(
                key="home-visit",
                name="Home visit",
                purpose="home_visit",
                items=[{"key": "seen", "label": "Child seen", "statutory": True}],
            )
        )
        admin.commit()
    in_scope = {
        (row.entity, str(row.record_id))
        for row in query(
            side_engine,
            "SELECT DISTINCT entity, record_id FROM sync_change"
            " WHERE family_id = :f OR family_id IS NULL",
            f=family.id,
        )
    }
    assert ("checklist_template",) in {(entity,) for entity, _ in in_scope}

    feed.settle()
    for limit in (N, N // 2):
        phone = device(app, "amara")
        recorder = Recorder(phone)
        phone.pull(limit=limit, max_pages=10)  # a bound, so a looping server fails, not hangs
        pages = recorder.take()
        assert pages[-1]["has_more"] is False, f"limit {limit}: still more after 10 pages"
        assert all(len(p["changes"]) <= limit for p in pages)
        # No early stop: everything in scope is held, each record once.
        held = {tuple(key.split("/")) for key in phone.store.records}
        assert held == in_scope
        # No loop: once caught up, the next pull is a single empty page.
        assert phone.pull(limit=limit) == 0
        assert [(len(p["changes"]), p["has_more"]) for p in recorder.take()] == [(0, False)]


# --- 5. device clocks days off ------------------------------------------------------------


def test_the_later_push_wins_whatever_the_device_clocks_say(
    app: Flask, make_user: Any, make_family: Any, side_engine: sa.Engine, feed: Feed
) -> None:
    amara = make_user(username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    now = clock.now()
    ahead, behind = device(app, "amara"), device(app, "amara")  # clocks +3 and -3 days
    device_clock = {ahead: now + timedelta(days=3), behind: now - timedelta(days=3)}
    family_id = str(family.id)

    def edit(client: SyncClient, **changes: Any) -> None:
        feed.settle()
        client.pull()
        client.update("family", family_id, changes)
        stamp(client, device_clock[client])

    # Round 1: the device whose clock is days ahead pushes first; the one days behind
    # pushes later, claiming its edit was made six days earlier, and still wins.
    edit(ahead, display_name="Okoro-Mensah", preferred_language="Twi")
    edit(behind, display_name="Okoro Mensah")
    assert [r["status"] for r in ahead.push()] == ["applied"]
    (result,) = behind.push()
    assert result["status"] == "conflict"
    assert result["overwritten"] == {"display_name": "Okoro-Mensah"}

    # Round 2, the other way round: the clock behind pushes first and loses.
    edit(behind, display_name="Mensah")
    edit(ahead, display_name="Okoro")
    assert [r["status"] for r in behind.push()] == ["applied"]
    (result,) = ahead.push()
    assert result["status"] == "conflict"
    assert result["overwritten"] == {"display_name": "Mensah"}

    with Session(side_engine) as session:
        stored = session.get(Family, family.id)
        assert stored is not None
        assert (stored.display_name, stored.preferred_language) == ("Okoro", "Twi")
        history = session.scalars(
            sa.select(RecordHistory)
            .where(RecordHistory.record_id == family.id)
            .order_by(RecordHistory.version)
        ).all()
    # Every value a user saved is in the history, in push order, and each overwrite
    # is marked as a conflict.
    changes = [(h.version, h.changes["display_name"], h.conflict) for h in history]
    assert changes == [
        (2, {"old": "Okoro", "new": "Okoro-Mensah"}, False),
        (3, {"old": "Okoro-Mensah", "new": "Okoro Mensah"}, True),
        (4, {"old": "Okoro Mensah", "new": "Mensah"}, False),
        (5, {"old": "Mensah", "new": "Okoro"}, True),
    ]
    assert history[0].changes["preferred_language"] == {"old": "English", "new": "Twi"}

    # Both devices end equal to the server.
    feed.settle()
    for client in (ahead, behind):
        client.pull()
        assert not client.store.outbox
        record = client.store.records[f"family/{family_id}"]
        assert record["version"] == 5
        assert record["data"]["display_name"] == "Okoro"
        assert record["data"]["preferred_language"] == "Twi"


# --- gunicorn, for the process tests --------------------------------------------------------


@pytest.fixture
def start_server(
    app: Flask, migrated_database: str, tmp_path: Path
) -> Iterator[Callable[..., Gunicorn]]:
    """Start gunicorn processes on the test database; every one is killed at the end.

    It depends on ``app`` so the servers are gone before that fixture truncates
    the tables.
    """
    env = server_env(migrated_database, tmp_path / "instance")
    servers: list[Gunicorn] = []

    def start(*, workers: int = 1, threads: int = 1) -> Gunicorn:
        log_path = tmp_path / f"gunicorn-{len(servers)}.log"
        server = Gunicorn(env, log_path, workers=workers, threads=threads)
        servers.append(server)
        server.start()
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


def http_device(server: Gunicorn, username: str) -> SyncClient:
    """A device signed in over HTTP; a server error fails with the server's log."""
    client = SyncClient(HttpTransport(server.base_url), uuid.uuid4())
    try:
        client.login(username, PASSWORD)
    except SyncError as error:
        raise AssertionError(f"sign-in failed: {error}\n{tail(server.log_path)}") from error
    return client


def same_device(client: SyncClient) -> SyncClient:
    """Another connection of the same signed-in device: its own cookie jar, same cookies."""
    assert isinstance(client.transport, HttpTransport)
    transport = HttpTransport(client.transport.base_url)
    for cookie in client.transport.cookies:
        transport.cookies.set_cookie(copy.copy(cookie))
    twin = SyncClient(transport, uuid.UUID(client.device_id))
    twin.csrf_token = client.csrf_token
    return twin


def post_push(client: SyncClient, batch: list[dict[str, Any]]) -> tuple[int, Any]:
    body = {"device_id": client.device_id, "schema_version": SCHEMA_VERSION, "mutations": batch}
    assert client.csrf_token is not None
    status, reply, _ = client.transport.post(PUSH, body, {"X-CSRF-Token": client.csrf_token})
    return status, reply


def build_batch(
    client: SyncClient,
    family_id: uuid.UUID,
    size: int,
    *,
    every_update: int = 5,
    edits: dict[int, tuple[uuid.UUID, dict[str, Any]]] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Queue ``size`` mutations on the device: notes and plan actions, some family edits.

    ``edits`` puts a given family edit at a given mutation number.
    """
    created: dict[str, list[str]] = {"note": [], "plan_action": []}
    for number in range(1, size + 1):
        if number in (edits or {}):
            edited, changes = (edits or {})[number]
            client.update("family", str(edited), changes)
        elif number % every_update == 0:
            client.update("family", str(family_id), {"display_name": f"Okoro {number}"})
        elif number % 2:
            created["note"].append(client.create("note", note_create(family_id, f"Visit {number}")))
        else:
            created["plan_action"].append(
                client.create("plan_action", plan_create(family_id, f"Task {number}"))
            )
    stamp(client, clock.now())
    batch, client.store.outbox = client.store.outbox, []
    assert [m["mutation_id"] for m in batch] == list(range(1, size + 1))
    return batch, created


def count_ids(engine: sa.Engine, model: Any, ids: list[str]) -> int:
    return int(
        scalar(
            engine,
            sa.select(sa.func.count()).where(model.id.in_([uuid.UUID(i) for i in ids])),
        )
    )


def feed_counts(engine: sa.Engine, ids: list[str]) -> Counter[str]:
    """How many times each record entered the change feed: once per creation."""
    rows = query(
        engine,
        "SELECT record_id::text FROM sync_change WHERE record_id = ANY(CAST(:ids AS uuid[]))",
        ids=ids,
    )
    return Counter(row[0] for row in rows)


def last_mutation_id(engine: sa.Engine, device_id: str) -> int:
    return int(
        scalar(engine, sa.select(Device.last_mutation_id).where(Device.id == uuid.UUID(device_id)))
    )


# --- 2. the same batch pushed five times at once -------------------------------------------

BATCH = 50
PUSHES = 5


@pytest.mark.slow
def test_the_same_batch_pushed_five_times_at_once_applies_once(
    app: Flask,
    make_user: Any,
    make_family: Any,
    side_engine: sa.Engine,
    start_server: Callable[..., Gunicorn],
    feed: Feed,
) -> None:
    amara = make_user(username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    # Enough threads in each worker for all five: one worker may accept them all.
    server = start_server(workers=2, threads=PUSHES + 1)
    phone = http_device(server, "amara")
    batch, created = build_batch(phone, family.id, BATCH)
    updates = [m["mutation_id"] for m in batch if m["op"] == "update"]
    clients = [same_device(phone) for _ in range(PUSHES)]

    # Hold the device's row so that all five requests are in flight and waiting on it
    # together; then let them race.
    with side_engine.connect() as gate:
        gate_pid = gate.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        gate.execute(
            sa.select(Device.id).where(Device.id == uuid.UUID(phone.device_id)).with_for_update()
        )
        pool = ThreadPoolExecutor(PUSHES)
        try:
            futures = [pool.submit(post_push, client, batch) for client in clients]
            wait_until(
                lambda: (
                    len(lock_waiters(side_engine, exclude_pid=gate_pid)) == PUSHES
                    or any(f.done() for f in futures)
                ),
                f"{PUSHES} pushes waiting on the device row",
            )
            assert not any(f.done() for f in futures), [f.result() for f in futures if f.done()]
            gate.rollback()  # release the row: the five pushes race for it now
            replies = [f.result(timeout=120) for f in futures]
        finally:
            gate.rollback()
            pool.shutdown(wait=True, cancel_futures=True)

    assert [status for status, _ in replies] == [200] * PUSHES, (replies, tail(server.log_path))
    for _, reply in replies:
        assert reply["last_mutation_id"] == BATCH
        assert [r["mutation_id"] for r in reply["results"]] == list(range(1, BATCH + 1))
    for index in range(BATCH):
        statuses = sorted(reply["results"][index]["status"] for _, reply in replies)
        assert statuses == ["applied"] + ["duplicate"] * (PUSHES - 1), (index + 1, statuses)
    # The winning response is one whole push: every effect in the same transaction.
    winners = [
        reply for _, reply in replies if {r["status"] for r in reply["results"]} == {"applied"}
    ]
    assert len(winners) == 1

    # Each effect exactly once in the database.
    assert count_ids(side_engine, Note, created["note"]) == len(created["note"])
    assert count_ids(side_engine, PlanAction, created["plan_action"]) == len(created["plan_action"])
    ids = created["note"] + created["plan_action"]
    assert feed_counts(side_engine, ids) == Counter(dict.fromkeys(ids, 1))
    with Session(side_engine) as session:
        stored = session.get(Family, family.id)
        assert stored is not None
        assert stored.version == 1 + len(updates)
        assert stored.display_name == f"Okoro {updates[-1]}"
        family_history = session.scalar(
            sa.select(sa.func.count()).where(RecordHistory.record_id == family.id)
        )
        assert family_history == len(updates)
    assert last_mutation_id(side_engine, phone.device_id) == BATCH

    # A second device sees every record once.
    tablet = http_device(server, "amara")
    recorder = Recorder(tablet)
    feed.settle()
    tablet.pull()
    seen = delivered(recorder.take())
    for entity, record_ids in created.items():
        for record_id in record_ids:
            assert seen[(entity, record_id)] == 1, (entity, record_id)
    assert seen[("family", str(family.id))] == 1
    assert len(list(tablet.records_of("note"))) == len(created["note"])
    assert len(list(tablet.records_of("plan_action"))) == len(created["plan_action"])
    assert tablet.get("family", str(family.id))["display_name"] == f"Okoro {updates[-1]}"


# --- 3. the server killed in the middle of a push -----------------------------------------

BIG_BATCH = 500
BLOCKED_AT = 252  # the mutation the push is made to wait at, halfway through


@pytest.mark.slow
def test_a_push_cut_off_by_killing_the_server_leaves_nothing_and_retries_cleanly(
    app: Flask,
    make_user: Any,
    make_family: Any,
    side_engine: sa.Engine,
    start_server: Callable[..., Gunicorn],
) -> None:
    amara = make_user(username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    other = make_family(team_of=amara, worker=amara, name="Adeyemi")
    server = start_server(workers=1)
    phone = http_device(server, "amara")
    batch, created = build_batch(phone, family.id, BIG_BATCH, every_update=10)
    blocked = batch[BLOCKED_AT - 1]
    assert blocked["entity"] == "plan_action" and blocked["op"] == "create"
    ids = created["note"] + created["plan_action"]

    outcome: dict[str, Any] = {}

    def push_in_flight() -> None:
        try:
            outcome["reply"] = post_push(phone, batch)
        except Exception as error:  # the server died under the request
            outcome["error"] = error

    with side_engine.connect() as blocker:
        blocker_pid = blocker.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        # An uncommitted row with the id one of the batch's creates will use: the push
        # writes its batch and waits on that row, inside its open transaction.
        with Session(bind=blocker) as holder:
            holder.add(
                PlanAction(id=uuid.UUID(blocked["id"]), family_id=other.id, task="held", who="test")
            )
            holder.flush()
        thread = threading.Thread(target=push_in_flight, daemon=True)
        thread.start()
        try:
            # The push has applied the batch in its open transaction and waits, writing
            # it, for the row the blocker holds.
            wait_until(
                lambda: lock_waiters(side_engine, exclude_pid=blocker_pid) or outcome,
                "the push to wait halfway through its batch",
            )
            assert not outcome, outcome
            (waiter,) = lock_waiters(side_engine, exclude_pid=blocker_pid)
            assert waiter.xid is not None, "the push should wait inside its open transaction"
            # ... and it holds the device's row lock, taken before the first mutation.
            with (
                pytest.raises(sa.exc.OperationalError, match="could not obtain lock"),
                side_engine.connect() as probe,
            ):
                probe.execute(
                    sa.select(Device.id)
                    .where(Device.id == uuid.UUID(phone.device_id))
                    .with_for_update(nowait=True)
                )

            server.kill()  # SIGKILL to master and worker, mid-push
            thread.join(timeout=WAIT)
            assert not thread.is_alive()
            assert "error" in outcome and "reply" not in outcome, outcome
        finally:
            blocker.rollback()
        # The orphaned backend finds its client gone and rolls back.
        wait_until(
            lambda: (
                not query(
                    side_engine, "SELECT 1 FROM pg_stat_activity WHERE pid = :pid", pid=waiter.pid
                )
            ),
            "the killed server's database session to end",
        )
        thread.join(timeout=WAIT)

    # The push never committed: none of it is there, and the device counter did not move.
    assert count_ids(side_engine, Note, created["note"]) == 0
    assert count_ids(side_engine, PlanAction, created["plan_action"]) == 0
    assert not feed_counts(side_engine, ids)
    assert last_mutation_id(side_engine, phone.device_id) == 0
    with Session(side_engine) as session:
        assert session.get_one(Family, other.id).display_name == "Adeyemi"
        assert session.get_one(Family, family.id).version == 1
        assert (
            session.scalar(
                sa.select(sa.func.count()).where(
                    SyncChange.record_id.in_([uuid.UUID(i) for i in ids])
                )
            )
            == 0
        )

    # Restart, and retry the same batch: every mutation applied exactly once.
    restarted = start_server(workers=1)
    assert isinstance(phone.transport, HttpTransport)
    phone.transport.base_url = restarted.base_url  # same cookies: the session survived
    status, reply = post_push(phone, batch)
    assert status == 200, (reply, tail(restarted.log_path))
    assert reply["last_mutation_id"] == BIG_BATCH
    assert [r["mutation_id"] for r in reply["results"]] == list(range(1, BIG_BATCH + 1))
    assert {r["status"] for r in reply["results"]} == {"applied"}
    assert count_ids(side_engine, Note, created["note"]) == len(created["note"])
    assert count_ids(side_engine, PlanAction, created["plan_action"]) == len(created["plan_action"])
    assert feed_counts(side_engine, ids) == Counter(dict.fromkeys(ids, 1))
    assert last_mutation_id(side_engine, phone.device_id) == BIG_BATCH
    family_updates = sum(1 for m in batch if m["op"] == "update" and m["id"] == str(family.id))
    with Session(side_engine) as session:
        assert session.get_one(Family, family.id).version == 1 + family_updates

    # And once more, as a device that lost that response would: all duplicates.
    status, reply = post_push(phone, batch)
    assert status == 200
    assert {r["status"] for r in reply["results"]} == {"duplicate"}
    assert reply["last_mutation_id"] == BIG_BATCH
    assert count_ids(side_engine, Note, created["note"]) == len(created["note"])
    assert feed_counts(side_engine, ids) == Counter(dict.fromkeys(ids, 1))
