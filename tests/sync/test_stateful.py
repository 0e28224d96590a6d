"""The proof that nothing is lost or duplicated: a Hypothesis state machine.

Two caseworkers who share no family, a supervisor over one of them, four
devices. Each device makes random offline edits of every record kind (the
supervisor runs group supervision with one caseworker attending); sync
happens in random order, with responses lost after the server committed,
batches replayed and pushed concurrently, and one family reassigned midway.
After everyone syncs:

- each device equals the server's view of its scope;
- every mutation took effect exactly once (or was rejected and kept);
- nothing a user saved is missing: every value written is in the record's
  history, including values overwritten in a conflict;
- no device holds a record outside its scope.
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from server import access, clock
from server.domain.records import RecordKind
from server.extensions import db
from server.persistence import (
    Assignment,
    ChecklistTemplate,
    Family,
    Membership,
    Person,
    RecordHistory,
    SyncRejection,
    Team,
    User,
)
from server.persistence.case import CASE_RECORDS
from server.records.schemas import output_schema, record_dumper
from sync.client import SyncClient

from .devices import FlaskTransport

EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "12"))
STEPS = int(os.environ.get("STATEFUL_STEPS", "50"))
# Rejections the scenario can cause legitimately; anything else is a bug here or there.
EXPECTED_REJECTIONS = {"not_in_caseload", "signed", "not_found"}
DEVICE_NAMES = ("amara-phone", "amara-tablet", "ben-phone", "hannah-tablet")


def token() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


class FieldDay(RuleBasedStateMachine):
    """Workers editing offline for days, then syncing in any order."""

    app: Any = None
    password_hash: str = ""

    def __init__(self) -> None:
        super().__init__()
        self.devices: dict[str, SyncClient] = {}
        self.reassigned = False
        self.mutations: list[tuple[str, dict[str, Any]]] = []  # (device, mutation)

    # --- the world ------------------------------------------------------------------

    @initialize()
    def open_the_office(self) -> None:
        suffix = uuid.uuid4().hex[:8]
        with self.app.app_context():
            north, south = Team(name=f"North {suffix}"), Team(name=f"South {suffix}")
            db.session.add_all([north, south])
            db.session.flush()
            self.users = {
                "amara": User(
                    username=f"amara-{suffix}",
                    display_name="Amara",
                    role="caseworker",
                    team_id=north.id,
                    password_hash=self.password_hash,
                ),
                "ben": User(
                    username=f"ben-{suffix}",
                    display_name="Ben",
                    role="caseworker",
                    team_id=south.id,
                    password_hash=self.password_hash,
                ),
                "hannah": User(
                    username=f"hannah-{suffix}",
                    display_name="Hannah",
                    role="supervisor",
                    team_id=north.id,
                    password_hash=self.password_hash,
                ),
            }
            db.session.add_all(self.users.values())
            db.session.flush()
            template = ChecklistTemplate(
                key=f"visit_{suffix}",
                name="Visit",
                purpose="statutory_visit",
                items=[
                    {"key": "child_seen", "label": "Child seen"},
                    {"key": "bedroom_seen", "label": "Bedroom seen"},
                ],
                timescale={"every": {"count": 10, "unit": "working_days"}},
            )
            db.session.add(template)
            self.families = {}
            for name, worker, team in (
                ("okoro", "amara", north),
                ("singh", "amara", north),
                ("nowak", "ben", south),
            ):
                family = Family(display_name=f"{name} {suffix}", team_id=team.id)
                db.session.add(family)
                db.session.flush()
                person = Person(given_name="Sam", family_name=name)
                db.session.add(person)
                db.session.flush()
                db.session.add(Membership(family_id=family.id, person_id=person.id))
                db.session.add(
                    Assignment(
                        family_id=family.id,
                        worker_id=self.users[worker].id,
                        started_on=clock.today(),
                    )
                )
                self.families[name] = str(family.id)
            db.session.commit()
            self.template_id = str(template.id)
            self.user_ids = {name: user.id for name, user in self.users.items()}
            self.usernames = {name: user.username for name, user in self.users.items()}
        owners = {
            "amara-phone": "amara",
            "amara-tablet": "amara",
            "ben-phone": "ben",
            "hannah-tablet": "hannah",
        }
        self.owner = owners
        for name, user in owners.items():
            client = SyncClient(FlaskTransport(self.app), uuid.uuid4())
            client.login(self.usernames[user], "correct-horse-battery-staple-9")
            client.pull()
            self.devices[name] = client

    # --- helpers ----------------------------------------------------------------------

    def _family_of(self, client: SyncClient, data: st.DataObject) -> str | None:
        families = sorted(record["id"] for record in client.records_of("family"))
        return data.draw(st.sampled_from(families)) if families else None

    def _pick(
        self, client: SyncClient, entity: str, data: st.DataObject, **where: Any
    ) -> dict[str, Any] | None:
        records = sorted(
            (r for r in client.records_of(entity) if all(r.get(k) == v for k, v in where.items())),
            key=lambda r: r["id"],
        )
        return data.draw(st.sampled_from(records)) if records else None

    def _track(self, name: str) -> None:
        client = self.devices[name]
        self.mutations.append((name, client.store.outbox[-1]))

    # --- offline edits of every record kind -------------------------------------------

    @rule(name=st.sampled_from(DEVICE_NAMES), data=st.data())
    def edit_family(self, name: str, data: st.DataObject) -> None:
        client = self.devices[name]
        family_id = self._family_of(client, data)
        if family_id:
            field = data.draw(st.sampled_from(["preferred_language", "local_reference"]))
            client.update("family", family_id, {field: token()})
            self._track(name)

    @rule(name=st.sampled_from(DEVICE_NAMES), data=st.data())
    def add_person(self, name: str, data: st.DataObject) -> None:
        client = self.devices[name]
        family_id = self._family_of(client, data)
        if family_id:
            client.create(
                "person",
                {
                    "family_id": family_id,
                    "given_name": token(),
                    "family_name": "Lee",
                    "is_child": data.draw(st.booleans()),
                },
            )
            self._track(name)

    @rule(name=st.sampled_from(DEVICE_NAMES), data=st.data())
    def edit_person_or_membership(self, name: str, data: st.DataObject) -> None:
        client = self.devices[name]
        if data.draw(st.booleans()):
            person = self._pick(client, "person", data)
            if person:
                client.update("person", person["id"], {"known_as": token()})
                self._track(name)
        else:
            membership = self._pick(client, "membership", data)
            if membership:
                client.update("membership", membership["id"], {"role_in_family": token()[:30]})
                self._track(name)

    @rule(name=st.sampled_from(DEVICE_NAMES), data=st.data())
    def map_the_network(self, name: str, data: st.DataObject) -> None:
        client = self.devices[name]
        existing = self._pick(client, "relationship", data)
        if existing and data.draw(st.booleans()):
            client.update("relationship", existing["id"], {"support_role": token()})
        else:
            membership = self._pick(client, "membership", data)
            if not membership:
                return
            client.create(
                "relationship",
                {
                    "family_id": membership["family_id"],
                    "from_person_id": membership["person_id"],
                    "to_organisation": token(),
                    "type": "TEACHER",
                    "quality": "strong",
                },
            )
        self._track(name)

    @rule(name=st.sampled_from(DEVICE_NAMES), data=st.data())
    def record_a_visit(self, name: str, data: st.DataObject) -> None:
        client = self.devices[name]
        family_id = self._family_of(client, data)
        if not family_id:
            return
        interaction_id = client.create(
            "interaction",
            {
                "family_id": family_id,
                "occurred_at": "2026-11-20T10:00:00+00:00",
                "mode": "home_visit",
                "purpose": "statutory_visit",
                "duration_minutes": 45,
            },
        )
        self._track(name)
        note_id = client.create(
            "note",
            {
                "family_id": family_id,
                "interaction_id": interaction_id,
                "sections": {"what_happened": token()},
            },
        )
        self._track(name)
        if data.draw(st.booleans()):
            client.create(
                "judgment",
                {"family_id": family_id, "question": token(), "category": "routine_support"},
            )
            self._track(name)
        if data.draw(st.booleans()):
            client.create(
                "checklist",
                {
                    "family_id": family_id,
                    "template_id": self.template_id,
                    "interaction_id": interaction_id,
                },
            )
            self._track(name)
        if data.draw(st.booleans()):
            client.sign("note", note_id)
            self._track(name)

    @rule(name=st.sampled_from(DEVICE_NAMES), data=st.data())
    def redraft_or_sign(self, name: str, data: st.DataObject) -> None:
        client = self.devices[name]
        kind = data.draw(st.sampled_from(["note", "judgment"]))
        draft = self._pick(client, kind, data, state="draft")
        if not draft:
            return
        if data.draw(st.booleans()):
            field = {
                "note": ("sections", {"reflection": token()}),
                "judgment": ("rationale", token()),
            }
            client.update(kind, draft["id"], dict([field[kind]]))
        elif draft.get("created_by_id") in (None, str(self.user_ids[self.owner[name]])):
            client.sign(kind, draft["id"])  # only the author signs (None: made on this device)
        else:
            return
        self._track(name)

    @rule(name=st.sampled_from(DEVICE_NAMES), data=st.data())
    def amend_a_signed_note(self, name: str, data: st.DataObject) -> None:
        client = self.devices[name]
        note = self._pick(client, "note", data, state="signed")
        if note:
            client.create(
                "amendment",
                {
                    "target_kind": "note",
                    "target_id": note["id"],
                    "reason": token(),
                    "changes": {"strengths": "more"},
                },
            )
            self._track(name)

    @rule(name=st.sampled_from(DEVICE_NAMES), data=st.data())
    def answer_a_checklist_item(self, name: str, data: st.DataObject) -> None:
        client = self.devices[name]
        item = self._pick(client, "checklist_item", data)
        if item:
            client.update(
                "checklist_item",
                item["id"],
                {"answer": data.draw(st.sampled_from(["yes", "no", "na"])), "reason": token()},
            )
            self._track(name)

    @rule(name=st.sampled_from(DEVICE_NAMES), data=st.data())
    def plan_with_the_family(self, name: str, data: st.DataObject) -> None:
        client = self.devices[name]
        action = self._pick(client, "plan_action", data)
        choice = data.draw(st.sampled_from(["create", "update", "delete", "conference"]))
        if choice == "update" and action:
            client.update("plan_action", action["id"], {"task": token()})
        elif choice == "delete" and action:
            client.delete("plan_action", action["id"])
        elif choice == "conference":
            conference = self._pick(client, "conference", data)
            if conference:
                client.update("conference", conference["id"], {"outcome": token()})
            else:
                family_id = self._family_of(client, data)
                if not family_id:
                    return
                client.create("conference", {"family_id": family_id, "child_advocate": token()})
        else:
            family_id = self._family_of(client, data)
            if not family_id:
                return
            client.create("plan_action", {"family_id": family_id, "task": token(), "who": "Gran"})
        self._track(name)

    @rule(data=st.data())
    def supervisor_asks_a_question(self, data: st.DataObject) -> None:
        client = self.devices["hannah-tablet"]
        note = self._pick(client, "note", data, state="signed")
        if note:
            client.create(
                "review",
                {
                    "target_kind": "note",
                    "target_id": note["id"],
                    "review_kind": "question",
                    "body": token(),
                },
            )
            self._track("hannah-tablet")

    @rule(data=st.data())
    def run_group_supervision(self, data: st.DataObject) -> None:
        """The supervisor starts a session with Amara, discusses a family, or edits either."""
        client = self.devices["hannah-tablet"]
        choice = data.draw(st.sampled_from(["session", "discussion", "edit"]))
        session = self._pick(client, "supervision_session", data)
        discussion = self._pick(client, "supervision_discussion", data)
        if choice == "session" or session is None:
            client.create(
                "supervision_session",
                {
                    "held_at": "2026-11-25T14:00:00+00:00",
                    "title": token(),
                    "attendee_ids": [str(self.user_ids["amara"])],
                },
            )
        elif choice == "discussion" or discussion is None:
            family_id = self._family_of(client, data)
            if not family_id:
                return
            question = {"id": str(uuid.uuid4()), "question": "What helps?", "answer": None}
            client.create(
                "supervision_discussion",
                {"session_id": session["id"], "family_id": family_id, "questions": [question]},
            )
        elif data.draw(st.booleans()):
            client.update("supervision_session", session["id"], {"title": token()})
        else:
            answered = [{**discussion["questions"][0], "answer": token()}]
            client.update("supervision_discussion", discussion["id"], {"questions": answered})
        self._track("hannah-tablet")

    @rule(name=st.sampled_from(["amara-phone", "amara-tablet"]), data=st.data())
    def attendee_answers(self, name: str, data: st.DataObject) -> None:
        """Amara, who attended every session, answers a question on her own device."""
        client = self.devices[name]
        discussion = self._pick(client, "supervision_discussion", data)
        if discussion:
            answered = [{**discussion["questions"][0], "answer": token()}]
            client.update("supervision_discussion", discussion["id"], {"questions": answered})
            self._track(name)

    # --- the network ------------------------------------------------------------------

    @rule(name=st.sampled_from(DEVICE_NAMES))
    def sync(self, name: str) -> None:
        self.devices[name].sync()

    @rule(name=st.sampled_from(DEVICE_NAMES), limit=st.sampled_from([1, 2, 3, 500]))
    def pull_in_small_pages(self, name: str, limit: int) -> None:
        self.devices[name].pull(limit=limit)

    @rule(name=st.sampled_from(DEVICE_NAMES))
    def push_but_lose_the_response(self, name: str) -> None:
        client = self.devices[name]
        if client.store.outbox:
            client.transport.lose_next_response = True
            with contextlib.suppress(ConnectionError):
                client.push()

    @rule(name=st.sampled_from(DEVICE_NAMES))
    def push_the_same_batch_twice(self, name: str) -> None:
        client = self.devices[name]
        batch = list(client.store.outbox)
        client.push()
        client.store.outbox = batch + client.store.outbox
        client.push()

    @rule(name=st.sampled_from(DEVICE_NAMES))
    def push_the_same_batch_concurrently(self, name: str) -> None:
        client = self.devices[name]
        body = {
            "device_id": client.device_id,
            "schema_version": 1,
            "mutations": list(client.store.outbox),
        }
        headers = {"X-CSRF-Token": client.csrf_token or ""}
        statuses: list[int] = []

        cookie = client.transport.client.get_cookie("session")

        def send() -> None:
            other = self.app.test_client()  # its own connection, the same session
            other.set_cookie("session", cookie.value)
            response = other.post("/api/sync/push", json=body, headers=headers)
            statuses.append(response.status_code)

        threads = [threading.Thread(target=send) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert statuses == [200, 200, 200]
        client.push()  # the device learns the outcome as it would after a timeout

    @precondition(lambda self: not self.reassigned)
    @rule()
    def hand_a_family_over(self) -> None:
        """Singh moves from Amara to Ben while the devices may hold unsynced edits."""
        self.reassigned = True
        with self.app.app_context():
            family_id = uuid.UUID(self.families["singh"])
            current = db.session.scalar(
                sa.select(Assignment).where(
                    Assignment.family_id == family_id, Assignment.ended_on.is_(None)
                )
            )
            current.ended_on, current.change_reason = clock.today(), "workload"
            current.version += 1
            db.session.add(
                Assignment(
                    family_id=family_id,
                    worker_id=self.user_ids["ben"],
                    started_on=clock.today(),
                    handover_note="Ben knows the school",
                )
            )
            db.session.commit()

    # --- what must hold ---------------------------------------------------------------

    @invariant()
    def no_device_ever_holds_a_family_it_never_worked_with(self) -> None:
        never = {
            "amara-phone": "nowak",
            "amara-tablet": "nowak",
            "ben-phone": "okoro",
            "hannah-tablet": "nowak",
        }
        for name, client in self.devices.items():
            stranger = self.families[never[name]]
            assert not any(r.get("family_id") == stranger for r in client.store.records.values())

    def _no_device_holds_a_record_outside_its_scope(self) -> None:
        for name, client in self.devices.items():
            scope = self._scope(name)
            for key, record in client.store.records.items():
                family_id = record.get("family_id")
                if family_id is not None:
                    assert family_id in scope, (name, key)

    def _scope(self, name: str) -> set[str]:
        with self.app.app_context():
            user = db.session.get(User, self.user_ids[self.owner[name]])
            return {str(f) for f in db.session.scalars(access.visible_family_ids(user))}

    def teardown(self) -> None:
        if not self.devices:
            return
        for _ in range(2):  # everyone syncs; a second round settles what the first changed
            for client in self.devices.values():
                client.push()
            for client in self.devices.values():
                client.pull(limit=7)
        for client in self.devices.values():
            assert client.store.outbox == []
        self._no_device_holds_a_record_outside_its_scope()
        self._each_device_equals_the_servers_view()
        self._every_mutation_took_effect_exactly_once()

    def _each_device_equals_the_servers_view(self) -> None:
        with self.app.app_context():
            for name, client in self.devices.items():
                user = db.session.get(User, self.user_ids[self.owner[name]])
                expected: dict[str, tuple[int, dict[str, Any]]] = {}
                for kind, model in CASE_RECORDS.items():
                    rows = db.session.scalars(access.scoped(model, user)).all()
                    dump = output_schema(kind)().dump
                    for row in rows:
                        expected[f"{kind.value}/{row.id}"] = (row.version, dump(row))
                held = {
                    key: (r["version"], r["data"])
                    for key, r in client.store.records.items()
                    if key.split("/")[0] in {k.value for k in RecordKind}
                }
                assert held.keys() == expected.keys(), (name, held.keys() ^ expected.keys())
                for key, (version, data) in expected.items():
                    assert held[key][0] == version, (name, key)
                    assert held[key][1] == data, (name, key)

    def _every_mutation_took_effect_exactly_once(self) -> None:
        with self.app.app_context():
            rejected = {
                (str(r.device_id), r.mutation_id): r.reason
                for r in db.session.scalars(sa.select(SyncRejection))
            }
            assert set(rejected.values()) <= EXPECTED_REJECTIONS, rejected
            for name, mutation in self.mutations:
                device_id = self.devices[name].device_id
                if (device_id, mutation["mutation_id"]) in rejected:
                    assert any(
                        r.get("mutation_id") == mutation["mutation_id"]
                        for r in self.devices[name].store.rejections
                    ), (name, mutation)
                    continue
                model = CASE_RECORDS[RecordKind(mutation["entity"])]
                record = db.session.get(model, uuid.UUID(mutation["id"]))
                assert record is not None, (name, mutation)
                history = db.session.scalars(
                    sa.select(RecordHistory).where(RecordHistory.record_id == record.id)
                ).all()
                written = [t for row in history for t in _new_values(row.changes)]
                overwritten = [t for row in history for t in _old_values(row.changes)]
                now = _tokens(record_dumper(RecordKind(mutation["entity"])).dump(record))
                for value in _tokens(mutation["data"]):
                    if mutation["op"] == "create":
                        # Made once: the record holds it, or history kept it when overwritten.
                        assert value not in written, (name, mutation, value)
                        assert value in now or value in overwritten, (name, mutation, value)
                    else:
                        # Applied exactly once: one history row wrote it.
                        assert written.count(value) == 1, (name, mutation, value)


def _tokens(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data] if data.startswith("t") and len(data) == 13 else []
    if isinstance(data, dict):
        return [t for value in data.values() for t in _tokens(value)]
    if isinstance(data, list):
        return [t for value in data for t in _tokens(value)]
    return []


def _new_values(changes: dict[str, Any]) -> list[str]:
    """Return every token written as a new value in one history row."""
    return [t for change in changes.values() for t in _tokens(change.get("new"))]


def _old_values(changes: dict[str, Any]) -> list[str]:
    """Return every token a history row kept as the value it replaced."""
    return [t for change in changes.values() for t in _tokens(change.get("old"))]


def test_nothing_is_lost_or_duplicated(app, password_hash):
    FieldDay.app = app
    FieldDay.password_hash = password_hash
    run_state_machine_as_test(
        FieldDay,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
