"""Caseloads for benchmarks: the demo council's families, given to benchmark caseworkers.

The demo generator (demo.build_council) writes years of realistic work
per family. Here its families are taken one by one and handed to caseworkers
``bench.cw000``, ``bench.cw001``, ...; rows are bulk-inserted with their
change-feed rows, the way ``load_demo_data`` does.
"""

from __future__ import annotations

import random
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa

from demo import (
    DEMO_USERS,
    INSERT_ORDER,
    NORTH,
    STAFF,
    TEAMS,
    Staff,
    Worker,
    build_council,
)
from server import clock
from server.persistence import (
    Assignment,
    Checklist,
    ChecklistTemplate,
    DecisionPolicy,
    Family,
    Judgment,
    Membership,
    Person,
    Relationship,
    SupervisionDiscussion,
    Team,
    User,
)
from server.persistence.changes import feed_rows_for, record_changes
from server.security.passwords import hash_password

BENCH_PASSWORD = "bench-kettle-orchard-lantern-42"  # noqa: S105 (benchmark accounts only)

Rows = dict[type[Any], list[dict[str, Any]]]
# Practice rows every family shares: written once, from the first generated council.
PRACTICE_MODELS = (DecisionPolicy, ChecklistTemplate)


@dataclass
class GeneratedFamily:
    """One family's rows, as the demo generator wrote them."""

    id: uuid.UUID
    rows: Rows

    @property
    def records(self) -> int:
        return sum(len(batch) for batch in self.rows.values())

    def people(self) -> list[uuid.UUID]:
        return [row["person_id"] for row in self.rows.get(Membership, [])]

    @property
    def open(self) -> bool:
        """Whether our work with the family goes on: it has one allocated worker today."""
        return sum(row["ended_on"] is None for row in self.rows.get(Assignment, [])) == 1

    def give_to(self, worker: Worker) -> None:
        """Make ``worker`` the family's allocated worker today (earlier workers stay history)."""
        current = [row for row in self.rows[Assignment] if row["ended_on"] is None]
        assert len(current) == 1, f"family {self.id} has {len(current)} current workers"
        current[0]["worker_id"] = worker.id


class Council:
    """The demo staff, the benchmark's caseworkers, and a stream of generated families."""

    def __init__(self, *, caseworkers: int, seed: int, batch: int = 50):
        self.rng = random.Random(seed)
        self.staff = Staff(
            {name: self._id() for name in TEAMS},
            {
                username: Worker(self._id(), username, name, role, team, active)
                for username, name, role, team, active in [
                    *((u, n, r, t, True) for u, n, r, t in DEMO_USERS),
                    *STAFF,
                ]
            },
        )
        # Kept out of the demo staff, so the generator never makes them earlier workers.
        self.caseworkers = [
            Worker(self._id(), f"bench.cw{i:03d}", f"Bench Worker {i}", "caseworker", NORTH, True)
            for i in range(caseworkers)
        ]
        self.practice: Rows = {}
        self._templates: dict[str, uuid.UUID] = {}
        self._seed = seed
        self._batch = batch
        self._waiting: deque[GeneratedFamily] = deque()

    def _id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def staff_rows(self) -> Rows:
        """Return the teams and users (demo staff and benchmark caseworkers) as rows."""
        password = hash_password(BENCH_PASSWORD)
        now = clock.now()
        teams = [{"id": i, "name": n, "created_at": now} for n, i in self.staff.teams.items()]
        users = [
            {
                "id": worker.id,
                "username": worker.username,
                "display_name": worker.name,
                "role": worker.role,
                "team_id": self.staff.teams[worker.team] if worker.team else None,
                "password_hash": password,
                "totp_secret": None,
                "active": worker.active,
                "created_at": now - timedelta(days=2000),
                "password_changed_at": now,
            }
            for worker in [*self.staff.people.values(), *self.caseworkers]
        ]
        return {Team: teams, User: users}

    def families(self) -> Iterator[GeneratedFamily]:
        """Yield generated open families without end, in batches from successive seeds."""
        while True:
            if not self._waiting:
                self._generate()
            yield self._waiting.popleft()

    def nearest(self, records: float, candidates: int = 20) -> GeneratedFamily:
        """Take, of the next few families, the one whose size is nearest ``records``."""
        while len(self._waiting) < candidates:
            self._generate()
        family = min(list(self._waiting)[:candidates], key=lambda f: abs(f.records - records))
        self._waiting.remove(family)
        return family

    def _generate(self) -> None:
        self._seed += 1
        rows = build_council(families=self._batch, seed=self._seed, staff=self.staff)
        templates = {row["key"]: row["id"] for row in rows[ChecklistTemplate]}
        if not self.practice:
            self.practice = {model: rows[model] for model in PRACTICE_MODELS}
            self._templates = templates
        # Every council has its own template ids: point checklists at the first council's.
        same = {templates[key]: self._templates[key] for key in templates}
        for row in rows.get(Checklist, []):
            row["template_id"] = same[row["template_id"]]
        # A family whose case the generator closed (stepped down, ended) has no worker
        # today, so no caseload to join: about 1 in 50, so only large runs met one.
        self._waiting.extend(family for family in split_by_family(rows) if family.open)


def split_by_family(rows: Rows) -> list[GeneratedFamily]:
    """Return each family's rows; practice rows, suggestions, consultations and group
    supervision (a team's sessions, with the discussions that point at them) are dropped."""
    family_of_person = {row["person_id"]: row["family_id"] for row in rows.get(Membership, [])}
    # A foster carer is of no family: theirs is the family whose relationships name them.
    for row in rows.get(Relationship, []):
        if row["to_person_id"] is not None:
            family_of_person.setdefault(row["to_person_id"], row["family_id"])
    families: dict[uuid.UUID, Rows] = {row["id"]: {} for row in rows[Family]}
    for model, batch in rows.items():
        if model is SupervisionDiscussion:
            continue
        for row in batch:
            if model is Family:
                family_id = row["id"]
            elif model is Person:
                family_id = family_of_person[row["id"]]
            else:
                family_id = row.get("family_id")
            if model is Judgment:
                row["supervision_discussion_id"] = None  # its discussion was dropped above
            if family_id is not None:
                families[family_id].setdefault(model, []).append(row)
    return [GeneratedFamily(family_id, family) for family_id, family in families.items()]


def merge(families: Iterable[GeneratedFamily]) -> Rows:
    """Return the rows of several families together, each table in the order it was written.

    A real database holds families' work interleaved over the years, not one
    family after another: ordering by time spreads a caseload over the tables.
    """
    merged: Rows = {}
    for family in families:
        for model, batch in family.rows.items():
            merged.setdefault(model, []).extend(batch)
    for batch in merged.values():
        # A table with no created_at (a family's case episodes) keeps its own order.
        if batch and "created_at" in batch[0]:
            batch.sort(key=lambda row: row["created_at"])
    return merged


def insert(connection: sa.Connection, rows: Rows) -> int:
    """Bulk-insert rows (parents first) with their change-feed rows; return how many."""
    count = 0
    models: list[type[Any]] = [Team, User, *(model for model, _ in INSERT_ORDER)]
    for model in models:
        batch = rows.get(model, [])
        if batch:
            # The table rather than the mapped class: no ORM bookkeeping per row.
            connection.execute(sa.insert(cast(sa.Table, model.__table__)), batch)
            record_changes(connection, feed_rows_for(model, batch))
            count += len(batch)
    return count
