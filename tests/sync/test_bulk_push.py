"""One way through a push: every mutation decided against the record store, then written.

The common kinds (visits, notes, decisions, plan actions, conferences,
relationships, checklist answers) are held by the store as plain rows and
written one statement per table (server/persistence/bulk.py); other kinds
go through the ORM in a savepoint each. These tests hold that a batch of the
common kinds never reaches the ORM, that a refusal is decided before anything
is written (the batch is applied once, never again another way), and that a
batch mixing kinds writes what each record points at first.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.persistence import AuditEvent, Interaction, Note, PlanAction, RecordHistory, bulk
from server.persistence.case import CaseRecord
from server.services import sync as sync_service
from sync.client import SyncClient
from tests.api.casework import publish_practice_settings

from .devices import device

HELD = frozenset(kind.value for kind in bulk.HELD_KINDS)


class OrmSpy:
    """Count the mutations applied through the ORM, and the held kinds' rows it flushed.

    Rows a mutation of another kind makes (a checklist's items) are its own
    business: only a held kind's row flushed outside one counts, and so does
    a history row or an audit event of a held kind (a service that was not
    handed the push's store writes them through the ORM).
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.inside_other = False
        self.other_kinds: list[str] = []
        self.held_rows_flushed: list[str] = []
        self.store_writes = 0
        decide_other = sync_service._decide_other
        write = bulk.BulkWriter.write

        def counted_other(actor: Any, device: Any, mutations: Any, mutation: Any) -> Any:
            self.other_kinds.append(mutation.kind.value)
            self.inside_other = True
            try:
                return decide_other(actor, device, mutations, mutation)
            finally:
                self.inside_other = False

        def counted_write(store: bulk.BulkWriter, connection: Any) -> None:
            self.store_writes += bool(store.made or store.loaded)
            write(store, connection)

        monkeypatch.setattr(sync_service, "_decide_other", counted_other)
        monkeypatch.setattr(bulk.BulkWriter, "write", counted_write)

    def before_flush(self, session: Any, _context: Any, _instances: Any) -> None:
        if self.inside_other:
            return
        for instance in [*session.new, *session.dirty]:
            if isinstance(instance, CaseRecord) and instance.kind in bulk.HELD_KINDS:
                self.held_rows_flushed.append(instance.kind.value)
            elif isinstance(instance, AuditEvent | RecordHistory) and instance.entity in HELD:
                self.held_rows_flushed.append(f"{type(instance).__name__} {instance.entity}")


@pytest.fixture
def orm_spy(app, monkeypatch) -> Iterator[OrmSpy]:
    spy = OrmSpy(monkeypatch)
    with app.app_context():
        sa.event.listen(db.session, "before_flush", spy.before_flush)
    try:
        yield spy
    finally:
        with app.app_context():
            sa.event.remove(db.session, "before_flush", spy.before_flush)


@pytest.fixture
def two_workers(make_user, make_family, make_client):
    """Two caseworkers in one team, each with an Okoro and a Singh family of their own."""
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    workers = {}
    for name in ("amara", "bola"):
        worker = make_user("caseworker", username=name)
        families = [make_family(team_of=worker, worker=worker, name=n) for n in ("Okoro", "Singh")]
        workers[name] = (worker, families)
    return workers


def scenario(phone: SyncClient, ids: Callable[[str], str]) -> list[list[dict[str, Any]]]:
    """Three pushes of fieldwork; return each push's results."""
    phone.pull()
    okoro, singh = sorted(phone.records_of("family"), key=lambda family: family["display_name"])
    people = {
        (member["family_id"], person["given_name"]): person["id"]
        for member in phone.records_of("membership")
        for person in phone.records_of("person")
        if person["id"] == member["person_id"]
    }
    alex = people[(okoro["id"], "Alex")]
    sam = people[(okoro["id"], "Sam")]
    template = next(phone.records_of("checklist_template"))
    pushes = []

    # A checklist makes its items: the ORM way (not a bulk kind).
    phone.create(
        "checklist",
        {"family_id": okoro["id"], "template_id": template["id"], "completed_on": "2026-11-02"},
        ids("checklist"),
    )
    pushes.append(phone.push())
    phone.pull()

    visit = {
        "family_id": okoro["id"],
        "occurred_at": "2026-11-03T10:00:00+00:00",
        "duration_minutes": 50,
        "mode": "home_visit",
        "purpose": "direct_work",
        "participants": [{"person_id": alex, "seen": True}, {"person_id": sam}],
    }
    phone.create("interaction", visit, ids("visit"))
    phone.create(
        "note",
        {
            "family_id": okoro["id"],
            "interaction_id": ids("visit"),
            "sections": {"what_happened": "Played cards with Sam.", "child_voice": "Happy."},
        },
        ids("note"),
    )
    phone.create(
        "plan_action", {"family_id": okoro["id"], "task": "Call school", "who": "Alex"}, ids("p1")
    )
    phone.create(
        "judgment",
        {
            "family_id": okoro["id"],
            "interaction_id": ids("visit"),
            "question": "Share with school?",
            "category": "share_with_school",
            "options": [{"option": "Share", "for": "Support", "against": "Trust"}],
            "decision": "Share the plan",
            "rationale": "Alex agreed",
        },
        ids("judgment"),
    )
    phone.create("conference", {"family_id": singh["id"], "status": "preparing"}, ids("fgc"))
    phone.create(
        "plan_action",
        {"family_id": singh["id"], "conference_id": ids("fgc"), "task": "Invite Nan", "who": "Sam"},
        ids("p2"),
    )
    phone.create(
        "relationship",
        {"family_id": okoro["id"], "from_person_id": alex, "to_person_id": sam, "type": "PRN"},
        ids("rel"),
    )
    pushes.append(phone.push())
    phone.pull()

    item = next(i for i in phone.records_of("checklist_item") if i["item_key"] == "child_seen")
    phone.update("checklist_item", item["id"], {"answer": "yes"})
    phone.update("plan_action", ids("p1"), {"status": "done", "due_on": "2026-11-20"})
    phone.update("interaction", ids("visit"), {"duration_minutes": 65})
    phone.sign("note", ids("note"))
    phone.delete("plan_action", ids("p2"))
    phone.update("judgment", ids("judgment"), {"rationale": "Alex and Sam agreed"})
    phone.create("interaction", {**visit, "mode": "phone"}, ids("call"))
    phone.update("interaction", ids("call"), {"duration_minutes": 10})
    phone.create("note", {"family_id": okoro["id"], "sections": {"strengths": "Calm"}}, ids("n2"))
    phone.sign("note", ids("n2"))
    pushes.append(phone.push())

    # A second device, still at version 1 of the plan action, changes the same field.
    tablet = device(phone_app(phone), phone.user["username"])
    tablet.pull()
    tablet.store.records[f"plan_action/{ids('p1')}"]["version"] = 1
    tablet.update("plan_action", ids("p1"), {"status": "off_track", "who": "Nan"})
    pushes.append(tablet.push())
    return pushes


def phone_app(phone: SyncClient) -> Any:
    return phone.transport.client.application  # type: ignore[attr-defined]  # FlaskTransport


def labelled_ids(name: str) -> Callable[[str], str]:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, name)
    return lambda label: str(uuid.uuid5(namespace, label))


def test_fieldwork_of_the_common_kinds_never_goes_the_orm_way(app, two_workers, orm_spy):
    worker, _ = two_workers["amara"]
    pushes = scenario(device(app, worker.username), labelled_ids("amara"))
    assert all(r["status"] in ("applied", "conflict") for push in pushes for r in push)
    assert any(r["status"] == "conflict" for r in pushes[-1])
    # Only the checklist (it makes its items) is of a kind the store does not hold.
    assert orm_spy.other_kinds == ["checklist"]
    assert orm_spy.held_rows_flushed == [], "a common kind was written by the ORM"
    with app.app_context():
        visits = db.session.scalars(
            sa.select(Interaction).where(Interaction.created_by_id == worker.id)
        ).all()
        assert sorted(visit.duration_minutes for visit in visits) == [10, 65]


@pytest.fixture
def amara(app, two_workers):
    worker, families = two_workers["amara"]
    phone = device(app, worker.username)
    phone.pull()
    return phone, [str(family.id) for family in families], two_workers["bola"][1]


def plan_action(family_id: str, task: str = "Call school") -> dict[str, Any]:
    return {"family_id": family_id, "task": task, "who": "Alex"}


def creations(app, entity: str) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "create", AuditEvent.entity == entity)
        )


def test_a_refusal_is_decided_before_writing_and_the_batch_is_applied_once(app, amara, orm_spy):
    phone, (okoro, _), bola_families = amara
    kept = phone.create("plan_action", plan_action(okoro))
    phone.create("plan_action", plan_action(str(bola_families[0].id)))
    last = phone.create("plan_action", plan_action(okoro, "Book the room"))
    results = phone.push()
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    # A family this device never held reads as unknown, not as one that left its caseload.
    assert results[1]["reason"] == "not_found"
    assert phone.store.rejections and not phone.store.outbox
    assert orm_spy.store_writes == 1 and orm_spy.other_kinds == []
    assert creations(app, "plan_action") == 2, "each applied mutation is audited once"
    with app.app_context():
        for record_id in (kept, last):
            assert db.session.get(PlanAction, uuid.UUID(record_id)) is not None


def test_a_refused_change_leaves_the_record_as_it_was_for_the_next_mutation(app, amara, orm_spy):
    phone, (okoro, _), _ = amara
    visit = phone.create(
        "interaction",
        {
            "family_id": okoro,
            "occurred_at": "2026-11-03T10:00:00Z",
            "duration_minutes": 45,
            "mode": "home_visit",
            "purpose": "direct_work",
        },
    )
    assert [r["status"] for r in phone.push()] == ["applied"]
    phone.pull()
    phone.update("interaction", visit, {"duration_minutes": 50})
    phone.update("interaction", visit, {"duration_minutes": -5})  # refused by the schema
    phone.update("interaction", visit, {"mode": "phone"})
    results = phone.push()
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert [r.get("version") for r in results] == [2, None, 3]
    assert orm_spy.held_rows_flushed == []
    with app.app_context():
        stored = db.session.get(Interaction, uuid.UUID(visit))
        assert stored is not None and (stored.duration_minutes, stored.mode) == (50, "phone")


def test_a_taken_id_is_found_before_writing(app, amara, orm_spy):
    phone, (okoro, _), _ = amara
    record_id = phone.create("plan_action", plan_action(okoro))
    assert [r["status"] for r in phone.push()] == ["applied"]
    # The device lost its record of sending it, and sends it again under a new number.
    phone.create("plan_action", plan_action(okoro), record_id)
    phone.create("plan_action", plan_action(okoro, "Book the room"))
    assert [r["status"] for r in phone.push()] == ["duplicate", "applied"]
    assert orm_spy.store_writes == 2 and orm_spy.other_kinds == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanAction)) == 2


def test_a_change_to_a_signed_note_is_rejected(app, amara, orm_spy):
    phone, (okoro, _), _ = amara
    note = phone.create("note", {"family_id": okoro, "sections": {"strengths": "Calm"}})
    phone.sign("note", note)
    assert [r["status"] for r in phone.push()] == ["applied", "applied"]
    phone.pull()
    phone.update("note", note, {"sections": {"strengths": "Calm and kind"}})
    results = phone.push()
    assert results[0]["status"] == "rejected" and results[0]["reason"] == "signed"
    assert orm_spy.held_rows_flushed == []


def test_loose_input_is_loaded_by_the_schema_and_still_held_by_the_store(app, amara, orm_spy):
    phone, (okoro, _), _ = amara
    # A number sent as text: the schema accepts it; the compiled loader leaves it to it.
    visit = phone.create(
        "interaction",
        {
            "family_id": okoro,
            "occurred_at": "2026-11-03T10:00:00Z",
            "duration_minutes": "45",
            "mode": "home_visit",
            "purpose": "direct_work",
        },
    )
    assert [r["status"] for r in phone.push()] == ["applied"]
    assert orm_spy.other_kinds == [] and orm_spy.held_rows_flushed == []
    with app.app_context():
        stored = db.session.get(Interaction, uuid.UUID(visit))
        assert stored is not None and stored.duration_minutes == 45


def test_a_batch_of_mixed_kinds_writes_what_each_record_points_at_first(app, amara, orm_spy):
    phone, (okoro, _), _ = amara
    family = phone.create("family", {"display_name": "Adeyemi"})
    visit = phone.create(
        "interaction",
        {
            "family_id": family,
            "occurred_at": "2026-11-03T10:00:00Z",
            "duration_minutes": 30,
            "mode": "home_visit",
            "purpose": "direct_work",
        },
    )
    note = phone.create(
        "note", {"family_id": okoro, "sections": {"what_happened": "Met at school."}}
    )
    phone.sign("note", note)
    phone.create(
        "amendment",
        {
            "target_kind": "note",
            "target_id": note,
            "reason": "The wrong school was named.",
            "changes": {"what_happened": "Met at home."},
        },
    )
    phone.update("note", note, {"sections": {"what_happened": "Changed after signing."}})
    results = phone.push()
    assert results[1]["status"] == "applied", results[1]
    assert [r["status"] for r in results] == [
        "applied", "applied", "applied", "applied", "applied", "rejected"
    ]  # fmt: skip
    assert results[-1]["reason"] == "signed"
    assert orm_spy.other_kinds == ["family", "amendment"]
    assert orm_spy.held_rows_flushed == []
    with app.app_context():
        stored = db.session.get(Interaction, uuid.UUID(visit))
        assert stored is not None and str(stored.family_id) == family
        signed = db.session.get(Note, uuid.UUID(note))
        assert signed is not None and signed.state == "signed"
