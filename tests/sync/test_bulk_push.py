"""The bulk way of applying a push writes exactly what the ORM way writes.

A batch of only the common kinds (visits, notes, decisions, plan actions,
conferences, relationships, checklist answers) is applied without the ORM and
written one statement per table (server/persistence/bulk.py). These tests run
one scenario twice in the same database, for two caseworkers with families
alike: once the bulk way and once with it turned off, and hold the records,
history, audit events, change feed and results to be the same. Then they
check each way the bulk path hands a batch back to the ORM way.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.persistence import (
    AuditEvent,
    ChecklistItem,
    Conference,
    Device,
    Interaction,
    Judgment,
    Note,
    PlanAction,
    RecordHistory,
    Relationship,
    SyncChange,
    User,
)
from server.services import sync as sync_service
from sync.client import SyncClient
from tests.api.casework import publish_practice_settings

from .devices import device

TABLES = (Interaction, Note, Judgment, PlanAction, Conference, Relationship, ChecklistItem)
# Columns that differ between any two runs whatever the code does.
MOMENTS = {"created_at", "updated_at", "signed_at", "deleted_at", "at", "changed_at"}
STAMPED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+")


class BulkSpy:
    """Count the batches the bulk way applied; optionally turn it off."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, enabled: bool = True):
        self.applied = 0
        self.enabled = enabled
        real = sync_service._apply_bulk

        def spy(*args: Any, **kwargs: Any) -> Any:
            if not self.enabled:
                return None
            results = real(*args, **kwargs)
            self.applied += results is not None
            return results

        monkeypatch.setattr(sync_service, "_apply_bulk", spy)


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


def snapshot(app, worker: User, labels: dict[str, str]) -> dict[str, Any]:
    """Return what the worker's pushes wrote, with every id replaced by its label."""

    def label(value: Any) -> Any:
        if isinstance(value, uuid.UUID):
            value = str(value)
        if isinstance(value, str):
            # A moment the server stamped (a deletion's time, in history) differs by run.
            return "<moment>" if STAMPED.match(value) else labels.get(value, value)
        if isinstance(value, list):
            return [label(item) for item in value]
        if isinstance(value, dict):
            return {key: label(item) for key, item in value.items()}
        return value

    def rows(query: Any) -> list[dict[str, Any]]:
        return sorted(
            (
                {k: label(v) for k, v in row.items() if k not in MOMENTS | {"id", "seq", "txid"}}
                for row in db.session.execute(query).mappings()
            ),
            key=repr,
        )

    with app.app_context():
        records = {
            model.__tablename__: rows(
                sa.select(*model.__table__.columns).where(model.created_by_id == worker.id)
            )
            for model in TABLES
        }
        records["checklist_item"] = rows(
            sa.select(*ChecklistItem.__table__.columns).where(
                ChecklistItem.updated_by_id == worker.id
            )
        )
        ours = [uuid.UUID(key) for key in labels if _is_uuid(key)]
        return {
            "records": records,
            "history": rows(
                sa.select(*RecordHistory.__table__.columns).where(
                    RecordHistory.changed_by_id == worker.id
                )
            ),
            "audit": rows(
                sa.select(*AuditEvent.__table__.columns).where(
                    AuditEvent.user_id == worker.id,
                    AuditEvent.action.in_(["create", "update", "delete", "sign"]),
                )
            ),
            "feed": rows(
                sa.select(SyncChange.entity, SyncChange.record_id, SyncChange.family_id).where(
                    SyncChange.record_id.in_(ours)
                )
            ),
        }


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def run(app, worker: User, families, name: str) -> tuple[list[Any], dict[str, Any]]:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, name)
    made: dict[str, str] = {}

    def ids(label: str) -> str:
        made[label] = str(uuid.uuid5(namespace, label))
        return made[label]

    phone = device(app, worker.username)
    pushes = scenario(phone, ids)
    labels = {record_id: label for label, record_id in made.items()}
    labels[str(worker.id)] = "worker"
    for family in families:
        labels[str(family.id)] = f"family {family.display_name}"
    for record in phone.store.records.values():
        data = record["data"]
        if "given_name" in data:
            labels[data["id"]] = f"person {data['given_name']}"
        elif "item_key" in data:
            labels[data["id"]] = f"item {data['item_key']}"
    with app.app_context():
        devices = db.session.scalars(
            sa.select(Device.id).where(Device.user_id == worker.id).order_by(Device.registered_at)
        ).all()
    for index, device_id in enumerate(devices):
        labels[str(device_id)] = f"device {index}"
    results = [[_labelled(result, labels) for result in push] for push in pushes]
    return results, snapshot(app, worker, labels)


def _labelled(value: Any, labels: dict[str, str]) -> Any:
    if isinstance(value, str):
        return labels.get(value, value)
    if isinstance(value, dict):
        return {key: _labelled(item, labels) for key, item in value.items()}
    if isinstance(value, list):
        return [_labelled(item, labels) for item in value]
    return value


def test_the_bulk_way_writes_what_the_orm_way_writes(app, two_workers, monkeypatch):
    spy = BulkSpy(monkeypatch)
    amara, amara_families = two_workers["amara"]
    bulk_results, bulk = run(app, amara, amara_families, "amara")
    assert spy.applied >= 2, "the fieldwork pushes went the bulk way"

    spy.enabled = False
    bola, bola_families = two_workers["bola"]
    orm_results, orm = run(app, bola, bola_families, "bola")

    assert bulk_results == orm_results
    assert all(r["status"] in ("applied", "conflict") for push in bulk_results for r in push)
    assert any(r["status"] == "conflict" for r in bulk_results[-1])
    for part in ("records", "history", "audit", "feed"):
        assert bulk[part] == orm[part], part
    assert len(bulk["records"]["interaction"]) == 2
    assert bulk["history"], "updates, signs and the delete left history"


# --- handing a batch back to the ORM way ------------------------------------------------


@pytest.fixture
def amara(app, two_workers):
    worker, families = two_workers["amara"]
    phone = device(app, worker.username)
    phone.pull()
    return phone, [str(family.id) for family in families], two_workers["bola"][1]


def plan_action(family_id: str, task: str = "Call school") -> dict[str, Any]:
    return {"family_id": family_id, "task": task, "who": "Alex"}


def test_a_refusal_sends_the_batch_the_orm_way_which_says_why(app, amara, monkeypatch):
    phone, (okoro, _), bola_families = amara
    spy = BulkSpy(monkeypatch)
    kept = phone.create("plan_action", plan_action(okoro))
    phone.create("plan_action", plan_action(str(bola_families[0].id)))
    results = phone.push()
    assert spy.applied == 0
    assert [r["status"] for r in results] == ["applied", "rejected"]
    # A family this device never held reads as unknown, not as one that left its caseload.
    assert results[1]["reason"] == "not_found"
    assert phone.store.rejections and not phone.store.outbox
    with app.app_context():
        assert db.session.get(PlanAction, uuid.UUID(kept)) is not None


def test_a_taken_id_fails_the_bulk_write_and_the_orm_way_finds_the_duplicate(
    app, amara, monkeypatch
):
    phone, (okoro, _), _ = amara
    spy = BulkSpy(monkeypatch)
    record_id = phone.create("plan_action", plan_action(okoro))
    assert [r["status"] for r in phone.push()] == ["applied"]
    # The device lost its record of sending it, and sends it again under a new number.
    phone.create("plan_action", plan_action(okoro), record_id)
    phone.create("plan_action", plan_action(okoro, "Book the room"))
    assert [r["status"] for r in phone.push()] == ["duplicate", "applied"]
    assert spy.applied == 1  # the first push only
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanAction)) == 2


def test_a_change_to_a_signed_note_is_rejected_the_orm_way(app, amara, monkeypatch):
    phone, (okoro, _), _ = amara
    note = phone.create("note", {"family_id": okoro, "sections": {"strengths": "Calm"}})
    phone.sign("note", note)
    assert [r["status"] for r in phone.push()] == ["applied", "applied"]
    phone.pull()
    spy = BulkSpy(monkeypatch)
    phone.update("note", note, {"sections": {"strengths": "Calm and kind"}})
    results = phone.push()
    assert spy.applied == 0
    assert results[0]["status"] == "rejected" and results[0]["reason"] == "signed"


def test_other_kinds_and_loose_input_go_the_orm_way_and_are_applied(app, amara, monkeypatch):
    phone, (okoro, _), _ = amara
    spy = BulkSpy(monkeypatch)
    phone.create("family", {"display_name": "Adeyemi"})
    assert [r["status"] for r in phone.push()] == ["applied"]
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
    assert spy.applied == 0
    with app.app_context():
        stored = db.session.get(Interaction, uuid.UUID(visit))
        assert stored is not None and stored.duration_minutes == 45
