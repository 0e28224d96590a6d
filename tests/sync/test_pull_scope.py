"""Pull delivers exactly what a REST read allows, at the time of the pull.

Hypothesis writes histories of a team's memberships (people joining and
leaving families, moving between them), assignments (given and ended) and
changed names, with caseworkers' devices pulling in between (old devices and
fresh ones, in pages of any size). After every pull, for each person,
membership, family and assignment of the history:

- the device holds it exactly when ``GET`` of it answers 200 for the worker,
  and holds what that ``GET`` shows;
- every change of the pull that carries data is one the worker may read now,
  with the data that read shows;
- a ``delete`` or an ``evict`` carries no data.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server import clock
from server.extensions import db
from server.persistence import Assignment, Family, Membership, Person, Team, User
from server.security import passwords
from sync.client import SyncClient
from tests.conftest import PASSWORD, ApiClient

from .devices import FlaskTransport

WORKERS = ("amara", "ben")
FAMILIES = 3
PEOPLE = 4

families = st.integers(0, FAMILIES - 1)
people = st.integers(0, PEOPLE - 1)
workers = st.sampled_from(WORKERS)
steps = st.one_of(
    st.tuples(st.just("assign"), workers, families),
    st.tuples(st.just("unassign"), workers, families),
    st.tuples(st.just("join"), people, families),
    st.tuples(st.just("leave"), people, families),
    st.tuples(st.just("rename"), people),
    st.tuples(st.just("pull"), workers, st.integers(1, 12)),
    st.tuples(st.just("fresh_pull"), workers, st.integers(1, 12)),
)

# The kinds whose every record is compared, with the REST path that reads one.
PATHS = {
    "person": "/api/people",
    "membership": "/api/memberships",
    "family": "/api/families",
    "assignment": "/api/assignments",
}


@contextmanager
def quick_sign_in() -> Iterator[None]:
    """Check passwords without argon2: a history signs in a dozen devices, at 0.5 s each."""
    with mock.patch.object(
        passwords, "verify_password", lambda stored, given: stored is not None and given == PASSWORD
    ):
        yield


class Office:
    """One history's world: a team, its supervisor, two caseworkers, families and people."""

    def __init__(self, app: Any, password_hash: str):
        self.app = app
        suffix = uuid.uuid4().hex[:8]
        self.names = 0
        with app.app_context():
            team = Team(name=f"Team {suffix}")
            db.session.add(team)
            db.session.flush()
            users = {
                name: User(
                    username=f"{name}-{suffix}",
                    display_name=name.title(),
                    role=role,
                    team_id=team.id,
                    password_hash=password_hash,
                )
                for name, role in (
                    ("hannah", "supervisor"),
                    ("amara", "caseworker"),
                    ("ben", "caseworker"),
                )
            }
            db.session.add_all(users.values())
            db.session.flush()
            self.user_ids = {name: user.id for name, user in users.items()}
            self.usernames = {name: user.username for name, user in users.items()}
            family_rows = [
                Family(display_name=f"Family {n} {suffix}", team_id=team.id)
                for n in range(FAMILIES)
            ]
            db.session.add_all(family_rows)
            db.session.flush()
            self.families = [str(f.id) for f in family_rows]
            self.people: list[str] = []
            # membership id by (person, family), for those that have not ended
            self.memberships: dict[tuple[int, int], str] = {}
            for n in range(PEOPLE):
                person = Person(given_name=f"Person{n}", family_name="Moved")
                db.session.add(person)
                db.session.flush()
                self.people.append(str(person.id))
                membership = Membership(family_id=family_rows[n % FAMILIES].id, person_id=person.id)
                db.session.add(membership)
                db.session.flush()
                self.memberships[(n, n % FAMILIES)] = str(membership.id)
            # assignment id by (worker, family), for those that have not ended
            self.assignments: dict[tuple[str, int], str] = {}
            for worker, family in (("amara", 0), ("ben", 1)):
                assignment = Assignment(
                    family_id=family_rows[family].id,
                    worker_id=users[worker].id,
                    started_on=clock.today(),
                )
                db.session.add(assignment)
                db.session.flush()
                self.assignments[(worker, family)] = str(assignment.id)
            db.session.commit()
        self.ids: dict[str, set[str]] = {
            "person": set(self.people),
            "membership": set(self.memberships.values()),
            "family": set(self.families),
            "assignment": set(self.assignments.values()),
        }
        self.supervisor = self.rest_client("hannah")
        self.readers = {worker: self.rest_client(worker) for worker in WORKERS}
        self.phones = {worker: self.device(worker) for worker in WORKERS}

    def rest_client(self, name: str) -> ApiClient:
        client = ApiClient(self.app.test_client())
        response = client.login(self.usernames[name])
        assert response.status_code == 200, response.json
        return client

    def device(self, name: str) -> SyncClient:
        client = SyncClient(FlaskTransport(self.app), uuid.uuid4())
        client.login(self.usernames[name], PASSWORD)
        return client

    # --- what happens in the office --------------------------------------------------------

    def assign(self, worker: str, family: int) -> None:
        if (worker, family) in self.assignments:
            return
        response = self.supervisor.post(
            "/api/assignments",
            json={"family_id": self.families[family], "worker_id": str(self.user_ids[worker])},
        )
        assert response.status_code == 201, response.json
        self.assignments[(worker, family)] = response.json["id"]
        self.ids["assignment"].add(response.json["id"])

    def unassign(self, worker: str, family: int) -> None:
        assignment_id = self.assignments.pop((worker, family), None)
        if assignment_id is None:
            return
        version = self.supervisor.get(f"/api/assignments/{assignment_id}").json["version"]
        response = self.supervisor.patch(
            f"/api/assignments/{assignment_id}",
            json={
                "base_version": version,
                "ended_on": clock.today().isoformat(),
                "change_reason": "workload",
                "handover_note": "Handed back to the team.",
            },
        )
        assert response.status_code == 200, response.json

    def join(self, person: int, family: int) -> None:
        if (person, family) in self.memberships:
            return
        with self.app.app_context():
            # Made directly: the supervisor may not see a person who is in no family.
            membership = Membership(
                family_id=uuid.UUID(self.families[family]),
                person_id=uuid.UUID(self.people[person]),
            )
            db.session.add(membership)
            db.session.commit()
            self.memberships[(person, family)] = str(membership.id)
            self.ids["membership"].add(str(membership.id))

    def leave(self, person: int, family: int) -> None:
        membership_id = self.memberships.pop((person, family), None)
        if membership_id is None:
            return
        response = self.supervisor.delete(f"/api/memberships/{membership_id}")
        assert response.status_code == 200, response.json

    def rename(self, person: int) -> None:
        self.names += 1
        with self.app.app_context():
            # Directly, as a colleague in another team could: whoever may see the person.
            row = db.session.get(Person, uuid.UUID(self.people[person]))
            assert row is not None
            row.given_name = f"Renamed{self.names}"
            row.version += 1
            db.session.commit()

    # --- what a device receives ------------------------------------------------------------

    def pull(self, client: SyncClient, worker: str, limit: int) -> list[dict[str, Any]]:
        """Pull until caught up, check what arrived against REST reads; return the changes."""
        changes: list[dict[str, Any]] = []
        while True:
            page = client._post(
                "/api/sync/pull",
                {"device_id": client.device_id, "cursor": client.store.cursor, "limit": limit},
            )
            client.apply_page(page)
            changes.extend(page["changes"])
            if not page["has_more"]:
                break
        reader = self.readers[worker]
        for change in changes:
            if change["op"] in ("delete", "evict"):
                assert change["data"] is None, change
            elif change["entity"] in PATHS:
                read = reader.get(f"{PATHS[change['entity']]}/{change['id']}")
                assert read.status_code == 200, ("delivered but not readable", change)
                assert change["data"] == read.json, change
        for entity, ids in self.ids.items():
            for record_id in ids:
                read = reader.get(f"{PATHS[entity]}/{record_id}")
                held = client.store.records.get(f"{entity}/{record_id}")
                if read.status_code == 404:
                    assert held is None, ("held but not readable", worker, entity, held)
                else:
                    assert read.status_code == 200, read.json
                    assert held is not None, ("readable but not held", worker, entity, read.json)
                    assert held["data"] == read.json, (worker, entity)
        return changes


@settings(
    max_examples=int(os.environ.get("SCOPE_EXAMPLES", "25")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(steps, min_size=1, max_size=14))
def test_pull_delivers_exactly_what_rest_allows(app, password_hash, history):
    with quick_sign_in():
        _replay(Office(app, password_hash), history)


def _replay(office: Office, history: list[tuple[Any, ...]]) -> None:
    for worker in WORKERS:
        office.pull(office.phones[worker], worker, 50)
    for step in history:
        action, *args = step
        if action == "pull":
            worker, limit = args
            office.pull(office.phones[worker], worker, limit)
        elif action == "fresh_pull":
            worker, limit = args
            office.pull(office.device(worker), worker, limit)
        else:
            getattr(office, action)(*args)
    for worker in WORKERS:
        office.pull(office.phones[worker], worker, 5)
        office.pull(office.device(worker), worker, 5)


def test_a_moved_person_is_evicted_and_never_sent_again(app, password_hash):
    """The probe's case: a person leaves the worker's family for another and is renamed."""
    with quick_sign_in():
        _move_and_rename(Office(app, password_hash))


def _move_and_rename(office: Office) -> None:
    amara = office.phones["amara"]
    office.pull(amara, "amara", 50)
    person = office.people[0]  # in family 0, amara's
    assert f"person/{person}" in amara.store.records
    office.join(0, 1)
    office.leave(0, 0)
    office.rename(0)
    changes = office.pull(amara, "amara", 50)
    assert {"entity": "person", "id": person, "op": "evict"} in [
        {key: change[key] for key in ("entity", "id", "op")} for change in changes
    ]
    assert "Renamed" not in json.dumps(changes)
    assert f"person/{person}" not in amara.store.records
    fresh = office.device("amara")
    assert "Renamed" not in json.dumps(office.pull(fresh, "amara", 50))
    assert f"person/{person}" not in fresh.store.records
