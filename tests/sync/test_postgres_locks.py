"""Concurrent pushes on PostgreSQL: no push waits on a foreign-key check, none deadlocks.

A black-box test of the protocol saw 5 of 296 concurrent pushes answered 503
("deadlock detected"): a push locked the families it changed FOR UPDATE, which
also blocks another transaction's foreign-key check of a record it adds to
that family, and pushes took their locks in the order of their batches. Locks
are now FOR NO KEY UPDATE and taken in one order, and a push that still loses
a deadlock runs again.

Nothing here is timed: a push either finishes or shows in pg_stat_activity as
waiting on a lock, and the test waits (with a bound) for one or the other.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from server.persistence import Family, PlanAction
from sync.client import SyncClient, SyncError

from .devices import device
from .test_postgres import lock_waiters, wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture
def side(migrated_database: str, app: Flask) -> Iterator[sa.Engine]:
    """Connections beside the app's, for a transaction the test holds open (bounded waits)."""
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


def family_update(phone: SyncClient, family_id: uuid.UUID, name: str) -> None:
    phone.update("family", str(family_id), {"display_name": name})


def test_a_push_changing_a_family_does_not_wait_on_a_record_being_added_to_it(
    app: Flask, make_user: Any, make_family: Any, side: sa.Engine
) -> None:
    amara = make_user(username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    phone = device(app, "amara")
    phone.pull()
    family_update(phone, family.id, "Okoro-Mensah")

    with Session(side) as adding:
        pid = adding.scalar(sa.text("SELECT pg_backend_pid()"))
        # Another request adds a plan action to the family and has not committed: its
        # foreign-key check holds a KEY SHARE lock on the family's row.
        adding.add(PlanAction(id=uuid.uuid4(), family_id=family.id, task="GP", who="Mum"))
        adding.flush()
        results: list[Any] = []
        pushing = threading.Thread(target=lambda: results.append(phone.push()))
        pushing.start()
        try:
            wait_until(
                lambda: not pushing.is_alive() or lock_waiters(side, exclude_pid=pid),
                "the push to finish or wait on a lock",
            )
            waiting = lock_waiters(side, exclude_pid=pid)
        finally:
            adding.rollback()  # lets a waiting push go on, so the thread always ends
            pushing.join(timeout=60)
    assert not waiting, "the push waited on another transaction's foreign-key check"
    assert [r["status"] for r in results[0]] == ["applied"]


ROUNDS = 8


def test_crossing_concurrent_pushes_all_apply_and_none_is_told_to_try_later(
    app: Flask, make_user: Any, make_family: Any, side: sa.Engine
) -> None:
    """Devices each add to one family while changing the other, crosswise, all at once."""
    amara = make_user(username="amara")
    make_user("supervisor", username="hannah")
    families = [make_family(team_of=amara, worker=amara, name=name) for name in ("A", "B")]
    phones = [device(app, "amara") for _ in range(2)] + [device(app, "hannah") for _ in range(2)]
    for phone in phones:
        phone.pull()
    barrier = threading.Barrier(len(phones))

    def work(index: int) -> list[str]:
        phone = phones[index]
        mine, other = (families[0], families[1]) if index % 2 else (families[1], families[0])
        statuses: list[str] = []
        for round_ in range(ROUNDS):
            # Adding to `mine` checks its key; changing `other` locks its row.
            phone.create(
                "plan_action",
                {"family_id": str(mine.id), "task": f"{index}.{round_}", "who": "Mum"},
            )
            family_update(phone, other.id, f"Family {index}.{round_}")
            barrier.wait(timeout=120)  # every device pushes its round at the same moment
            try:
                statuses += [r["status"] for r in phone.push()]
            except SyncError as error:
                statuses.append(f"{error.status}: {error.body}")
        return statuses

    with ThreadPoolExecutor(len(phones)) as pool:
        outcomes = list(pool.map(work, range(len(phones))))
    for statuses in outcomes:
        assert len(statuses) == ROUNDS * 2, statuses
        assert set(statuses) <= {"applied", "conflict"}, statuses
    with Session(side) as session:
        added = session.scalar(sa.select(sa.func.count()).select_from(PlanAction))
        assert added == len(phones) * ROUNDS
        for family in families:
            stored = session.get(Family, family.id)
            # Half the devices change each family, once a round.
            assert stored is not None and stored.version == 1 + len(phones) // 2 * ROUNDS
