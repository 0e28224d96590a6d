"""Hostile input to the sync protocol: a 4xx naming the field, never a 500, nothing lost.

Each case was found by a black-box test of the protocol (issue 17). Bodies are
sent as raw bytes where JSON itself is the attack (NaN, depth), so no client
library tidies them first.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from server.api import hygiene
from server.extensions import db
from server.persistence import Device, PlanAction, SyncRejection, bulk
from server.services import sync as sync_service
from sync.client import SyncClient
from sync.protocol import SCHEMA_VERSION
from tests.api.casework import publish_practice_settings

from .devices import device

PUSH = "/api/sync/push"
PULL = "/api/sync/pull"
BIGINT_MAX = 2**63 - 1


@pytest.fixture
def north(make_user, make_family, make_client):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    return amara, make_family(team_of=amara, worker=amara, name="Okoro")


def send(phone: SyncClient, path: str, body: bytes | dict[str, Any]) -> tuple[int, Any]:
    """Post a body as it is (bytes are sent untouched), with the device's CSRF token."""
    client = phone.transport.client  # type: ignore[attr-defined]  # FlaskTransport
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = client.post(
        path,
        data=raw,
        content_type="application/json",
        headers={"X-CSRF-Token": phone.csrf_token or ""},
    )
    return response.status_code, response.get_json(silent=True)


def plan(family_id: Any, task: str) -> dict[str, Any]:
    return {"family_id": str(family_id), "task": task, "who": "Mum"}


def mutation(mutation_id: int, data: Any, **fields: Any) -> dict[str, Any]:
    return {
        "mutation_id": mutation_id,
        "entity": "plan_action",
        "op": "create",
        "id": str(uuid.uuid4()),
        "data": data,
        **fields,
    }


def push_body(phone: SyncClient, mutations: list[Any], **fields: Any) -> dict[str, Any]:
    return {
        "device_id": phone.device_id,
        "schema_version": SCHEMA_VERSION,
        "mutations": mutations,
        **fields,
    }


def assert_field_error(status: int, reply: Any, field: str, expected: int = 422) -> None:
    assert status == expected, reply
    assert set(reply) >= {"code", "status", "message", "errors"}, reply
    assert field in reply["errors"], reply


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def last_mutation_id(app: Flask, phone: SyncClient) -> int:
    with app.app_context():
        found = db.session.get(Device, uuid.UUID(phone.device_id))
        assert found is not None
        return found.last_mutation_id


# --- mutation ids beyond a 64-bit integer -----------------------------------------------------


@pytest.mark.parametrize("mutation_id", [2**63, 2**64, 10**30])
@pytest.mark.parametrize("quick", [True, False], ids=["sound-batch", "schema-read"])
def test_a_mutation_id_beyond_64_bits_gets_a_field_error(app, north, mutation_id, quick):
    _, family = north
    phone = device(app, "amara")
    data = plan(family.id, "Book the GP") if quick else {"task": 7}  # the second is read slowly
    status, reply = send(phone, PUSH, push_body(phone, [mutation(mutation_id, data)]))
    assert_field_error(status, reply, "mutations.0.mutation_id")
    assert last_mutation_id(app, phone) == 0


def test_the_largest_64_bit_mutation_id_is_applied(app, north):
    _, family = north
    phone = device(app, "amara")
    status, reply = send(
        phone, PUSH, push_body(phone, [mutation(BIGINT_MAX, plan(family.id, "Book the GP"))])
    )
    assert status == 200, reply
    assert [r["status"] for r in reply["results"]] == ["applied"]
    assert last_mutation_id(app, phone) == BIGINT_MAX


@pytest.mark.parametrize("base_version", [2**31, 2**63, 10**30])
def test_a_base_version_beyond_what_is_stored_is_refused_alone(app, north, base_version):
    _, family = north
    phone = device(app, "amara")
    created = mutation(1, plan(family.id, "Book the GP"))
    update = {
        "mutation_id": 2,
        "entity": "plan_action",
        "op": "update",
        "id": created["id"],
        "base_version": base_version,
        "data": {"task": "Book the dentist"},
    }
    after = mutation(3, plan(family.id, "Call the school"))
    status, reply = send(phone, PUSH, push_body(phone, [created, update, after]))
    assert status == 200, reply
    assert [r["status"] for r in reply["results"]] == ["applied", "rejected", "applied"]
    assert "base_version" in reply["results"][1]["errors"]
    assert count(app, PlanAction) == 2


# --- JSON nested too deep ---------------------------------------------------------------------


@pytest.mark.parametrize("depth", [40, 1_000, 100_000])
def test_data_nested_deeply_gets_a_422_not_a_recursion_error(app, north, depth):
    _, family = north
    phone = device(app, "amara")
    nested = "[" * depth + "]" * depth
    good = json.dumps(mutation(1, plan(family.id, "Book the GP")))
    bad = json.dumps(mutation(2, {"family_id": str(family.id), "task": "x", "who": "y"}))
    bad = bad.replace('"who": "y"', f'"who": {nested}')
    body = (
        f'{{"device_id": "{phone.device_id}", "schema_version": {SCHEMA_VERSION}, '
        f'"mutations": [{good}, {bad}]}}'
    ).encode()
    status, reply = send(phone, PUSH, body)
    assert status == 422, reply
    assert reply["code"] == "invalid_input" and reply["errors"], reply
    assert last_mutation_id(app, phone) == 0  # refused whole: the device sends it again


def test_deep_json_is_refused_with_a_field_message_on_every_endpoint(app, north):
    phone = device(app, "amara")
    body = b'{"device_id": "' + phone.device_id.encode() + b'", "cursor": ' + b"[" * 50_000
    status, reply = send(phone, PULL, body)
    assert status == 422, reply
    assert "_json" in reply["errors"], reply


# --- NaN and Infinity ------------------------------------------------------------------------


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_numbers_are_refused_at_the_door(app, north, literal):
    _, family = north
    phone = device(app, "amara")
    good = json.dumps(mutation(1, plan(family.id, "Book the GP")))
    bad = json.dumps(mutation(2, plan(family.id, "Call the school"))).replace(
        '"who": "Mum"', f'"who": "Mum", "minutes": {literal}'
    )
    body = (
        f'{{"device_id": "{phone.device_id}", "schema_version": {SCHEMA_VERSION}, '
        f'"mutations": [{good}, {bad}]}}'
    ).encode()
    for _attempt in range(2):  # the same answer every time: never a 500 to retry forever
        status, reply = send(phone, PUSH, body)
        assert status == 422, reply
        assert "_json" in reply["errors"] and literal.lstrip("-") in reply["errors"]["_json"][0]
    status, reply = send(phone, "/api/plan-actions", f'{{"task": {literal}}}'.encode())
    assert status == 422 and "_json" in reply["errors"], reply


@pytest.mark.parametrize("door", ["open", "shut"])
def test_a_refusal_holding_numbers_json_lacks_never_fails_the_batch(app, north, monkeypatch, door):
    """``1e400`` passes the door (it is standard JSON) but reads as infinity; with the
    door left open (as if it missed one), so do NaN and Infinity themselves."""
    _, family = north
    phone = device(app, "amara")
    if door == "open":
        monkeypatch.setattr(hygiene, "non_standard_number", lambda body: None)
    literals = ["1e400", "-1e400"] + (["NaN", "Infinity"] if door == "open" else [])
    mutations = [json.dumps(mutation(1, plan(family.id, "Book the GP")))]
    for index, literal in enumerate(literals, start=2):
        text = json.dumps(mutation(index, plan(family.id, f"Task {index}")))
        mutations.append(text.replace('"who": "Mum"', f'"who": "Mum", "minutes": {literal}'))
    mutations.append(json.dumps(mutation(len(literals) + 2, plan(family.id, "Visit school"))))
    body = (
        f'{{"device_id": "{phone.device_id}", "schema_version": {SCHEMA_VERSION}, '
        f'"mutations": [{", ".join(mutations)}]}}'
    ).encode()
    for _attempt in range(2):
        status, reply = send(phone, PUSH, body)
        assert status == 200, reply
    statuses = [r["status"] for r in reply["results"]]
    assert statuses == ["duplicate"] * len(statuses)  # the first attempt applied them
    assert count(app, PlanAction) == 2
    with app.app_context():
        kept = db.session.scalars(sa.select(SyncRejection).order_by(SyncRejection.seq)).all()
        names = {"1e400": "Infinity", "-1e400": "-Infinity", "NaN": "NaN", "Infinity": "Infinity"}
        assert [r.data["minutes"] for r in kept] == [names[literal] for literal in literals]
        assert {r.reason for r in kept} == {"invalid"}


def test_a_rejection_whose_storing_fails_is_still_kept_and_the_batch_applies(
    app, north, monkeypatch
):
    _, family = north
    phone = device(app, "amara")
    real = sync_service.storable

    def unstorable(value: Any) -> Any:
        # A value no JSON column can hold: storing it as typed fails at the flush.
        return {"typed": object()} if isinstance(value, dict) and "task" in value else real(value)

    monkeypatch.setattr(sync_service, "storable", unstorable)
    phone.create("plan_action", plan(family.id, "Book the GP"))
    phone.create("plan_action", {"family_id": str(family.id), "task": "", "who": "Mum"})
    phone.create("plan_action", plan(family.id, "Visit the school"))
    results = phone.push()
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert count(app, PlanAction) == 2
    with app.app_context():
        kept = db.session.scalars(sa.select(SyncRejection)).one()
        assert kept.mutation_id == 2 and kept.reason == "invalid"
        assert '"task": ""' in kept.data["text"]  # what was typed, as text


# --- schema_version and limit must be whole numbers -----------------------------------------


@pytest.mark.parametrize("value", [1.5, 1.0, "1", True, "1e400"])
def test_a_schema_version_that_is_not_a_whole_number_is_refused(app, north, value):
    _, family = north
    phone = device(app, "amara")
    body = push_body(phone, [mutation(1, plan(family.id, "Book the GP"))], schema_version=value)
    text = json.dumps(body).replace('"1e400"', "1e400")  # a number beyond any float
    status, reply = send(phone, PUSH, text.encode())
    assert_field_error(status, reply, "schema_version")
    assert count(app, PlanAction) == 0


@pytest.mark.parametrize("value", [1.5, 0, -1, "5", True])
def test_a_pull_limit_that_is_not_a_whole_number_of_at_least_one_is_refused(app, north, value):
    phone = device(app, "amara")
    status, reply = send(phone, PULL, {"device_id": phone.device_id, "limit": value})
    assert_field_error(status, reply, "limit")


def test_a_newer_schema_version_says_the_server_is_behind_not_update_the_app(app, north):
    _, family = north
    phone = device(app, "amara")
    body = push_body(
        phone, [mutation(1, plan(family.id, "Book the GP"))], schema_version=SCHEMA_VERSION + 1
    )
    status, reply = send(phone, PUSH, body)
    assert status == 409, reply
    assert reply["code"] == "server_behind"
    assert "update the app" not in reply["message"].lower()
    assert "kept" in reply["message"]
    older = push_body(phone, [], schema_version=SCHEMA_VERSION - 1)
    status, reply = send(phone, PUSH, older)
    assert status == 409 and reply["code"] == "upgrade_required", reply


# --- a mutation id lower than one already sent ----------------------------------------------


def test_a_lower_mutation_id_sent_after_a_higher_one_is_applied_not_dropped(app, north):
    _, family = north
    phone = device(app, "amara")
    later = mutation(7, plan(family.id, "Sent first"))
    status, reply = send(phone, PUSH, push_body(phone, [later]))
    assert [r["status"] for r in reply["results"]] == ["applied"]

    earlier = mutation(3, plan(family.id, "Sent second"))
    status, reply = send(phone, PUSH, push_body(phone, [earlier]))
    assert status == 200, reply
    assert [r["status"] for r in reply["results"]] == ["applied"]
    assert count(app, PlanAction) == 2
    # Each is still applied once: sending either again is a duplicate.
    for again in (earlier, later, earlier):
        status, reply = send(phone, PUSH, push_body(phone, [again]))
        assert [r["status"] for r in reply["results"]] == ["duplicate"], reply
    assert count(app, PlanAction) == 2
    assert last_mutation_id(app, phone) == 7


def test_skipped_ids_inside_a_batch_can_still_arrive_later(app, north):
    _, family = north
    phone = device(app, "amara")
    first = [mutation(i, plan(family.id, f"Task {i}")) for i in (2, 5, 6, 9)]
    status, reply = send(phone, PUSH, push_body(phone, first))
    assert [r["status"] for r in reply["results"]] == ["applied"] * 4
    late = [mutation(i, plan(family.id, f"Task {i}")) for i in (1, 3, 4, 7, 8, 10)]
    replay = [first[0], *late[:3], first[2], *late[3:]]  # 2, 1, 3, 4, 6, 7, 8, 10: not in order
    status, reply = send(phone, PUSH, push_body(phone, replay))
    assert status == 422, reply  # a batch must still go up in order
    replay = sorted([first[0], first[2], *late], key=lambda m: m["mutation_id"])
    status, reply = send(phone, PUSH, push_body(phone, replay))
    assert status == 200, reply
    statuses = {r["mutation_id"]: r["status"] for r in reply["results"]}
    assert statuses == {
        1: "applied",
        2: "duplicate",
        3: "applied",
        4: "applied",
        6: "duplicate",
        7: "applied",
        8: "applied",
        10: "applied",
    }
    assert count(app, PlanAction) == 10


# --- each record's state once per pull sequence -----------------------------------------------


def test_a_record_changed_many_times_arrives_once_however_small_the_pages(app, north):
    _, family = north
    writer = device(app, "amara")
    action_id = writer.create("plan_action", plan(family.id, "Version 1"))
    writer.push()
    writer.pull()
    for version in range(2, 12):
        writer.update("plan_action", action_id, {"task": f"Version {version}"})
        assert [r["status"] for r in writer.push()] == ["applied"]
        writer.pull()

    phone = device(app, "amara")
    pages = []
    cursor = None
    while True:
        status, page = send(
            phone, PULL, {"device_id": phone.device_id, "cursor": cursor, "limit": 1}
        )
        assert status == 200, page
        pages.append(page)
        phone.apply_page(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    received = Counter((c["entity"], c["id"]) for page in pages for c in page["changes"])
    assert received[("plan_action", action_id)] == 1
    assert max(received.values()) == 1, received
    assert all(len(page["changes"]) <= 1 for page in pages)
    assert phone.get("plan_action", action_id)["task"] == "Version 11"
    # The first page's count of what is still to come is what came after it.
    assert pages[0]["remaining"] == sum(len(page["changes"]) for page in pages[1:])


# --- a deadlock is a race lost, not a fault ---------------------------------------------------


def deadlock() -> Exception:
    return psycopg.errors.DeadlockDetected("deadlock detected")


@pytest.mark.parametrize("way", ["bulk", "orm"])
def test_a_push_that_loses_a_deadlock_runs_again_and_applies_once(
    app, north, monkeypatch, caplog, way
):
    _, family = north
    phone = device(app, "amara")
    phone.pull()
    lost: list[str] = []
    if way == "bulk":
        # COPY runs on the driver's own connection: psycopg's error arrives unwrapped.
        real_write = bulk.BulkWriter.write

        def write(self: Any, connection: Any) -> None:
            if not lost:
                lost.append(way)
                raise deadlock()
            real_write(self, connection)

        monkeypatch.setattr(bulk.BulkWriter, "write", write)
        phone.create("plan_action", plan(family.id, "Book the GP"))
    else:
        real_update = sync_service.case_records.merge_update

        def merge_update(*args: Any, **kwargs: Any) -> Any:
            if not lost:
                lost.append(way)
                raise sa.exc.OperationalError("UPDATE family", {}, deadlock())
            return real_update(*args, **kwargs)

        monkeypatch.setattr(sync_service.case_records, "merge_update", merge_update)
        phone.create("plan_action", plan(family.id, "Book the GP"))
        phone.update("family", str(family.id), {"display_name": "Okoro-Mensah"})
    results = phone.push()
    assert lost == [way]
    assert {r["status"] for r in results} == {"applied"}
    assert count(app, PlanAction) == 1
    assert "unexpectedly" not in caplog.text
    assert last_mutation_id(app, phone) == len(results)


def test_a_push_that_keeps_losing_deadlocks_is_told_to_try_later(app, north, monkeypatch):
    _, family = north
    phone = device(app, "amara")

    def write(self: Any, connection: Any) -> None:
        raise deadlock()

    monkeypatch.setattr(bulk.BulkWriter, "write", write)
    phone.create("plan_action", plan(family.id, "Book the GP"))
    status, reply, headers = phone.transport.post(  # type: ignore[attr-defined]  # FlaskTransport.post: the Transport protocol names only sync calls
        PUSH,
        push_body(phone, phone.store.outbox),
        {"X-CSRF-Token": phone.csrf_token or ""},
    )
    assert status == 503 and headers["Retry-After"], reply
    assert reply["code"] == "sync_unavailable"
    assert last_mutation_id(app, phone) == 0 and count(app, PlanAction) == 0


def test_the_words_nan_and_infinity_inside_text_are_only_text(app, north):
    _, family = north
    phone = device(app, "amara")
    phone.create("plan_action", plan(family.id, 'NaN, "Infinity" and -Infinity: \\"NaN\\"'))
    assert [r["status"] for r in phone.push()] == ["applied"]
