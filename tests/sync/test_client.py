"""The reference client against a scripted fake transport: no server, no database."""

from __future__ import annotations

import copy
import json
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import sync.client as client_module
from sync.client import (
    DeviceWiped,
    LocalStore,
    SyncClient,
    SyncError,
    _load_state,
    _save_state,
    main,
)
from sync.protocol import MAX_PUSH_MUTATIONS, SCHEMA_VERSION

PUSH = "/api/sync/push"
PULL = "/api/sync/pull"
LOGIN = "/api/auth/login"

Reply = tuple[int, Any]
Script = Reply | Callable[[dict[str, Any]], Reply]


@dataclass
class Request:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


class FakeTransport:
    """Records every request and answers from a script.

    Replies queued with ``on(path, ...)`` are used first, in order; after that
    a path answers with its ``default`` (a reply or a function of the body).
    A request nobody scripted fails the test.
    """

    def __init__(self, base_url: str = "http://fake") -> None:
        self.base_url = base_url
        self.requests: list[Request] = []
        self.queued: dict[str, deque[Script]] = {}
        self.defaults: dict[str, Script] = {}

    def on(self, path: str, *replies: Script) -> FakeTransport:
        self.queued.setdefault(path, deque()).extend(replies)
        return self

    def default(self, path: str, reply: Script) -> FakeTransport:
        self.defaults[path] = reply
        return self

    def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        body = copy.deepcopy(body)  # what was sent, even if the client changes it later
        self.requests.append(Request(path, body, dict(headers)))
        queue = self.queued.get(path)
        if queue:
            reply = queue.popleft()
        elif path in self.defaults:
            reply = self.defaults[path]
        else:
            raise AssertionError(f"unscripted request to {path}: {body}")
        if callable(reply):
            reply = reply(body)
        status, payload = reply
        return status, copy.deepcopy(payload), {}

    def sent(self, path: str) -> list[dict[str, Any]]:
        return [request.body for request in self.requests if request.path == path]


# --- scripted replies ----------------------------------------------------------------------


def result(mutation: dict[str, Any], status: str = "applied", **extra: Any) -> dict[str, Any]:
    return {"mutation_id": mutation["mutation_id"], "status": status, **extra}


def apply_all(body: dict[str, Any]) -> Reply:
    """A push reply that applies every mutation of the batch."""
    results = [result(m, version=1) for m in body["mutations"]]
    last = body["mutations"][-1]["mutation_id"] if body["mutations"] else 0
    return 200, {"results": results, "last_mutation_id": last}


def push_reply(*results: dict[str, Any]) -> Reply:
    last = max((r["mutation_id"] for r in results), default=0)
    return 200, {"results": list(results), "last_mutation_id": last}


def page(*changes: dict[str, Any], cursor: str, has_more: bool = False) -> Reply:
    return 200, {"changes": list(changes), "cursor": cursor, "has_more": has_more}


def upsert(
    entity: str, record_id: str, owner: str | None, version: int = 1, **data: Any
) -> dict[str, Any]:
    """An upserted record; ``owner`` is the family whose feed brought it."""
    return {
        "entity": entity,
        "id": record_id,
        "op": "upsert",
        "version": version,
        "family_id": owner,
        "data": {"id": record_id, **data},
    }


def deleted(entity: str, record_id: str, family_id: str | None) -> dict[str, Any]:
    return {
        "entity": entity,
        "id": record_id,
        "op": "delete",
        "version": 4,
        "family_id": family_id,
        "data": {"id": record_id},
    }


def evicted(family_id: str) -> dict[str, Any]:
    return {
        "entity": "family",
        "id": family_id,
        "op": "evict",
        "version": None,
        "family_id": family_id,
        "data": None,
    }


def new_id() -> str:
    return str(uuid.uuid4())


def confirmed(
    store: LocalStore,
    entity: str,
    record_id: str,
    owner: str | None,
    version: int = 1,
    **data: Any,
) -> None:
    """Put a record in the store as if a pull had confirmed it (``owner``: its family)."""
    store.records[LocalStore.key(entity, record_id)] = {
        "version": version,
        "data": {"id": record_id, **data},
        "family_id": owner,
    }


def offline_device(transport: FakeTransport | None = None) -> tuple[SyncClient, FakeTransport]:
    transport = transport or FakeTransport()
    return SyncClient(transport, uuid.uuid4()), transport


# --- local changes -------------------------------------------------------------------------


def test_each_change_enqueues_a_mutation_with_an_increasing_id():
    device, transport = offline_device()
    family = new_id()
    confirmed(device.store, "family", family, family, version=5, display_name="Okoro")
    note = device.create("note", {"family_id": family, "sections": {}})
    device.update("family", family, {"display_name": "Okafor"})
    device.sign("note", note)
    device.delete("family", family)

    outbox = device.store.outbox
    assert [m["mutation_id"] for m in outbox] == [1, 2, 3, 4]
    assert [m["op"] for m in outbox] == ["create", "update", "sign", "delete"]
    assert [m["entity"] for m in outbox] == ["note", "family", "note", "family"]
    assert [m["id"] for m in outbox] == [note, family, note, family]
    assert outbox[0]["base_version"] is None
    assert outbox[1]["base_version"] == 5  # the version the device last confirmed
    assert outbox[2]["base_version"] == 1  # a record made offline is at version 1 once made
    assert outbox[3]["base_version"] == 5
    assert outbox[1]["data"] == {"display_name": "Okafor"}  # only the changed fields travel
    assert outbox[2]["data"] == {} and outbox[3]["data"] == {}
    assert device.store.next_mutation_id == 5
    assert transport.requests == []  # nothing is sent until sync


def test_the_base_version_follows_the_confirmed_record():
    device, _ = offline_device()
    person = new_id()
    confirmed(device.store, "person", person, None, version=2)
    device.update("person", person, {"first_name": "Ada"})
    confirmed(device.store, "person", person, None, version=7)
    device.update("person", person, {"first_name": "Ade"})
    assert [m["base_version"] for m in device.store.outbox] == [2, 7]


def test_create_makes_a_uuid_unless_given_one_and_copies_the_data():
    device, _ = offline_device()
    data = {"display_name": "Okoro"}
    made = device.create("family", data)
    assert str(uuid.UUID(made)) == made
    given = new_id()
    assert device.create("family", data, record_id=given) == given
    data["display_name"] = "changed after"
    assert [m["data"] for m in device.store.outbox] == [{"display_name": "Okoro"}] * 2
    assert made != given


def test_mutation_ids_keep_increasing_after_a_push_empties_the_outbox():
    device, _ = offline_device(FakeTransport().default(PUSH, apply_all))
    device.create("family", {"display_name": "A"})
    device.create("family", {"display_name": "B"})
    device.push()
    assert device.store.outbox == []
    device.create("family", {"display_name": "C"})
    assert device.store.outbox[0]["mutation_id"] == 3


# --- reading: the outbox over the confirmed records ----------------------------------------


def test_view_overlays_unsynced_changes_on_confirmed_records():
    device, _ = offline_device()
    family, kept, gone, note = new_id(), new_id(), new_id(), new_id()
    confirmed(device.store, "family", family, family, version=3, display_name="Okoro", town="X")
    confirmed(device.store, "person", kept, family, first_name="Ada")
    confirmed(device.store, "person", gone, family, first_name="Bo")
    confirmed(device.store, "note", note, family, state="draft")
    device.update("family", family, {"display_name": "Okafor"})
    device.delete("person", gone)
    device.sign("note", note)
    made = device.create("plan_action", {"family_id": family, "title": "Call school"})

    view = device.view()
    assert view[f"family/{family}"]["data"] == {"id": family, "display_name": "Okafor", "town": "X"}
    assert f"person/{gone}" not in view
    assert view[f"person/{kept}"]["data"]["first_name"] == "Ada"
    assert view[f"note/{note}"]["data"]["state"] == "signed"
    assert view[f"plan_action/{made}"] == {
        "version": 0,
        "data": {"family_id": family, "title": "Call school", "id": made},
        "family_id": family,
    }


def test_view_leaves_the_confirmed_records_alone():
    device, _ = offline_device()
    family = new_id()
    confirmed(device.store, "family", family, family, display_name="Okoro")
    before = copy.deepcopy(device.store.records)
    device.update("family", family, {"display_name": "Okafor"})
    device.view()
    device.view()
    assert device.store.records == before


def test_a_device_reads_its_own_writes():
    device, _ = offline_device()
    family = new_id()
    note = device.create("note", {"family_id": family, "sections": {"what_happened": "Tea"}})
    assert device.get("note", note) == {
        "family_id": family,
        "sections": {"what_happened": "Tea"},
        "id": note,
    }
    device.update("note", note, {"sections": {"what_happened": "Tea and cake"}})
    device.sign("note", note)
    assert device.get("note", note)["sections"] == {"what_happened": "Tea and cake"}
    assert device.get("note", note)["state"] == "signed"
    device.delete("note", note)
    assert device.get("note", note) is None
    assert device.get("note", new_id()) is None


def test_records_of_lists_one_kind_as_the_device_sees_it():
    device, _ = offline_device()
    family = new_id()
    confirmed(device.store, "family", family, family, display_name="Okoro")
    confirmed(device.store, "person", new_id(), family, first_name="Ada")
    made = device.create("person", {"first_name": "Bo"})
    names = sorted(p["first_name"] for p in device.records_of("person"))
    assert names == ["Ada", "Bo"]
    assert [f["id"] for f in device.records_of("family")] == [family]
    assert made in {p["id"] for p in device.records_of("person")}


def test_changes_to_a_record_the_device_does_not_hold_show_nothing():
    device, _ = offline_device()
    missing = new_id()
    device.update("family", missing, {"display_name": "X"})
    device.sign("note", missing)
    device.delete("person", missing)
    assert device.view() == {}


# --- push ----------------------------------------------------------------------------------


def test_push_sends_the_outbox_with_the_device_and_schema():
    device, transport = offline_device(FakeTransport().default(PUSH, apply_all))
    device.create("family", {"display_name": "Okoro"})
    device.push()
    [body] = transport.sent(PUSH)
    assert body["device_id"] == device.device_id
    assert body["schema_version"] == SCHEMA_VERSION
    assert [m["mutation_id"] for m in body["mutations"]] == [1]


def test_push_with_an_empty_outbox_sends_nothing():
    device, transport = offline_device()
    assert device.push() == []
    assert transport.requests == []


def test_every_processed_mutation_leaves_the_outbox_and_nothing_is_dropped_silently():
    device, transport = offline_device()
    family = new_id()
    confirmed(device.store, "family", family, family, version=2, display_name="Okoro")
    ids = [
        device.create("person", {"first_name": "Ada"}),  # applied
        device.create("person", {"first_name": "Bo"}),  # duplicate
    ]
    device.update("family", family, {"display_name": "Okafor"})  # conflict
    device.update("family", family, {"display_name": ""})  # rejected
    outbox = copy.deepcopy(device.store.outbox)
    rejected = result(
        outbox[3],
        "rejected",
        reason="invalid",
        message="Some of what you entered could not be saved.",
        errors={"display_name": ["Required."]},
    )
    conflict = result(outbox[2], "conflict", version=4, overwritten={"display_name": "Okeke"})
    transport.on(
        PUSH,
        push_reply(
            result(outbox[0], version=1), result(outbox[1], "duplicate"), conflict, rejected
        ),
    )

    results = device.push()

    assert [r["status"] for r in results] == ["applied", "duplicate", "conflict", "rejected"]
    assert device.store.outbox == []
    assert device.store.rejections == [{**rejected, "mutation": outbox[3]}]
    assert device.store.rejections[0]["mutation"]["data"] == {"display_name": ""}  # text kept
    assert device.store.conflicts == [{**conflict, "mutation": outbox[2]}]
    assert len(transport.sent(PUSH)) == 1
    assert ids[0] != ids[1]


def test_push_keeps_what_the_server_has_not_processed_and_sends_it_next():
    device, transport = offline_device()
    for name in "ABC":
        device.create("family", {"display_name": name})
    outbox = copy.deepcopy(device.store.outbox)
    transport.on(PUSH, push_reply(result(outbox[0]), result(outbox[1])), apply_all)

    results = device.push()

    sent = transport.sent(PUSH)
    assert [[m["mutation_id"] for m in body["mutations"]] for body in sent] == [[1, 2, 3], [3]]
    assert [r["mutation_id"] for r in results] == [1, 2, 3]
    assert device.store.outbox == []


def test_a_reply_that_processes_nothing_does_not_loop_forever():
    device, transport = offline_device(FakeTransport().default(PUSH, push_reply()))
    device.create("family", {"display_name": "Okoro"})
    outbox = copy.deepcopy(device.store.outbox)

    assert device.push() == []

    assert len(transport.sent(PUSH)) == 1
    assert device.store.outbox == outbox


def test_push_sends_batches_of_at_most_the_limit():
    device, transport = offline_device(FakeTransport().default(PUSH, apply_all))
    total = 2 * MAX_PUSH_MUTATIONS + 17
    for index in range(total):
        device.create("person", {"first_name": f"P{index}"})

    results = device.push()

    sizes = [len(body["mutations"]) for body in transport.sent(PUSH)]
    assert sizes == [MAX_PUSH_MUTATIONS, MAX_PUSH_MUTATIONS, 17]
    assert all(size <= 500 for size in sizes)
    sent_ids = [m["mutation_id"] for body in transport.sent(PUSH) for m in body["mutations"]]
    assert sent_ids == list(range(1, total + 1))  # in order, each once
    assert len(results) == total
    assert device.store.outbox == []


def test_a_503_raises_and_keeps_the_whole_outbox():
    transport = FakeTransport().on(
        PUSH, (503, {"code": "sync_unavailable", "message": "Sync is unavailable."})
    )
    device, _ = offline_device(transport)
    device.create("family", {"display_name": "Okoro"})
    device.create("family", {"display_name": "Okafor"})
    outbox = copy.deepcopy(device.store.outbox)

    with pytest.raises(SyncError) as caught:
        device.push()

    assert caught.value.status == 503
    assert "Sync is unavailable." in str(caught.value)
    assert not isinstance(caught.value, DeviceWiped)
    assert device.store.outbox == outbox
    assert device.store.rejections == [] and device.store.conflicts == []


def test_a_failure_in_a_later_batch_keeps_what_is_left():
    transport = FakeTransport().on(PUSH, apply_all, (503, None))
    device, _ = offline_device(transport)
    for index in range(MAX_PUSH_MUTATIONS + 3):
        device.create("person", {"first_name": f"P{index}"})

    with pytest.raises(SyncError):
        device.push()

    left = [m["mutation_id"] for m in device.store.outbox]
    assert left == list(range(MAX_PUSH_MUTATIONS + 1, MAX_PUSH_MUTATIONS + 4))


def test_a_revoked_device_wipes_its_store():
    transport = FakeTransport().on(
        PUSH, (401, {"error": "device_revoked", "wipe": True, "message": "Revoked."})
    )
    device, _ = offline_device(transport)
    family = new_id()
    confirmed(device.store, "family", family, family)
    device.store.cursor = "abc"
    device.store.rejections.append({"mutation_id": 0})
    device.store.conflicts.append({"mutation_id": 0})
    device.update("family", family, {"display_name": "X"})

    with pytest.raises(DeviceWiped) as caught:
        device.push()

    assert caught.value.status == 401
    assert isinstance(caught.value, SyncError)
    store = device.store
    assert (store.records, store.outbox, store.rejections, store.conflicts) == ({}, [], [], [])
    assert store.cursor is None
    assert device.view() == {}


def test_a_revoked_device_wipes_on_pull_too():
    transport = FakeTransport().on(PULL, (401, {"error": "device_revoked", "wipe": True}))
    device, _ = offline_device(transport)
    confirmed(device.store, "family", new_id(), None)
    with pytest.raises(DeviceWiped):
        device.pull()
    assert device.store.records == {}


def test_a_plain_401_keeps_the_store():
    transport = FakeTransport().on(PUSH, (401, {"error": "unauthenticated"}))
    device, _ = offline_device(transport)
    device.create("family", {"display_name": "Okoro"})
    with pytest.raises(SyncError) as caught:
        device.push()
    assert not isinstance(caught.value, DeviceWiped)
    assert len(device.store.outbox) == 1


def test_login_keeps_the_csrf_token_and_sends_it_with_every_request():
    transport = FakeTransport().on(
        LOGIN, (200, {"csrf_token": "tok", "user": {"username": "amara"}, "device_id": "d"})
    )
    transport.default(PUSH, apply_all).default(PULL, page(cursor="c1"))
    device, _ = offline_device(transport)

    reply = device.login("amara", "pw", totp_code="123456")

    login = transport.requests[0]
    assert login.headers == {}
    assert login.body == {
        "username": "amara",
        "password": "pw",
        "device_id": device.device_id,
        "totp_code": "123456",
    }
    assert reply["csrf_token"] == "tok"
    assert device.user == {"username": "amara"}
    device.create("family", {"display_name": "Okoro"})
    device.sync()
    assert [r.path for r in transport.requests] == [LOGIN, PUSH, PULL]
    assert all(r.headers == {"X-CSRF-Token": "tok"} for r in transport.requests[1:])


def test_a_refused_login_raises():
    transport = FakeTransport().on(LOGIN, (401, {"message": "Wrong username or password."}))
    device, _ = offline_device(transport)
    with pytest.raises(SyncError, match="Wrong username"):
        device.login("amara", "nope")
    assert device.csrf_token is None


# --- pull ----------------------------------------------------------------------------------


def test_pull_applies_pages_until_has_more_is_false_and_stores_the_cursor():
    family, person, note = new_id(), new_id(), new_id()
    transport = FakeTransport().on(
        PULL,
        page(upsert("family", family, family, display_name="Okoro"), cursor="c1", has_more=True),
        page(upsert("person", person, family, first_name="Ada"), cursor="c2", has_more=True),
        page(upsert("note", note, family, version=2, state="signed"), cursor="c3"),
    )
    device, _ = offline_device(transport)

    assert device.pull(limit=1) == 3

    assert [body["cursor"] for body in transport.sent(PULL)] == [None, "c1", "c2"]
    assert all(body["limit"] == 1 for body in transport.sent(PULL))
    assert all(body["device_id"] == device.device_id for body in transport.sent(PULL))
    assert device.store.cursor == "c3"
    assert device.store.records[f"note/{note}"] == {
        "version": 2,
        "data": {"id": note, "state": "signed"},
        "family_id": family,
    }
    assert device.get("family", family)["display_name"] == "Okoro"
    assert device.get("person", person)["first_name"] == "Ada"


def test_an_empty_last_page_still_moves_the_cursor():
    transport = FakeTransport().on(PULL, page(cursor="c9"))
    device, _ = offline_device(transport)
    device.store.cursor = "c8"
    assert device.pull() == 0
    assert device.store.cursor == "c9"
    assert transport.sent(PULL)[0]["cursor"] == "c8"


def test_pull_stops_after_max_pages_and_resumes_from_its_cursor():
    transport = FakeTransport().on(
        PULL,
        page(upsert("family", new_id(), None), cursor="c1", has_more=True),
        page(upsert("family", new_id(), None), cursor="c2", has_more=True),
        page(upsert("family", new_id(), None), cursor="c3"),
    )
    device, _ = offline_device(transport)
    assert device.pull(max_pages=2) == 2
    assert device.store.cursor == "c2"
    assert device.pull() == 1
    assert [body["cursor"] for body in transport.sent(PULL)] == [None, "c1", "c2"]
    assert len(device.store.records) == 3


def test_a_newer_version_replaces_the_confirmed_record():
    family = new_id()
    transport = FakeTransport().on(
        PULL, page(upsert("family", family, family, version=4, display_name="New"), cursor="c")
    )
    device, _ = offline_device(transport)
    confirmed(device.store, "family", family, family, version=2, display_name="Old", town="X")
    device.pull()
    assert device.store.records[f"family/{family}"]["version"] == 4
    assert device.get("family", family) == {"id": family, "display_name": "New"}


def test_a_delete_removes_the_record():
    family, person = new_id(), new_id()
    transport = FakeTransport().on(
        PULL, page(deleted("person", person, family), deleted("note", new_id(), family), cursor="c")
    )
    device, _ = offline_device(transport)
    confirmed(device.store, "family", family, family)
    confirmed(device.store, "person", person, family)
    device.pull()
    assert set(device.store.records) == {f"family/{family}"}


def test_unsynced_edits_still_show_over_a_pulled_page():
    family = new_id()
    transport = FakeTransport().on(
        PULL, page(upsert("family", family, family, version=3, display_name="Server"), cursor="c")
    )
    device, _ = offline_device(transport)
    confirmed(device.store, "family", family, family, version=2, display_name="Old")
    device.update("family", family, {"display_name": "Mine"})
    device.pull()
    assert device.get("family", family)["display_name"] == "Mine"
    assert device.store.records[f"family/{family}"]["data"]["display_name"] == "Server"


def _two_families(store: LocalStore) -> dict[str, str]:
    """Family A and B. Ada is only in A; Bo is in both (his record came via A); Cy only in B."""
    ids = {name: new_id() for name in ("A", "B", "ada", "bo", "cy", "note", "plan")}
    a, b = ids["A"], ids["B"]
    confirmed(store, "family", a, a, display_name="A")
    confirmed(store, "family", b, b, display_name="B")
    # A person reaches a device through each of their families; the record names the
    # family whose feed brought it last, here A, though Bo belongs to both.
    confirmed(store, "person", ids["ada"], a, first_name="Ada")
    confirmed(store, "person", ids["bo"], a, first_name="Bo")
    confirmed(store, "person", ids["cy"], b, first_name="Cy")
    for family, person in ((a, "ada"), (a, "bo"), (b, "bo"), (b, "cy")):
        confirmed(store, "membership", new_id(), family, family_id=family, person_id=ids[person])
    confirmed(store, "note", ids["note"], a, family_id=a, state="signed")
    confirmed(store, "plan_action", ids["plan"], b, family_id=b)
    return ids


def test_an_evict_removes_the_family_and_everything_of_it():
    device, transport = offline_device()
    ids = _two_families(device.store)
    transport.on(PULL, page(evicted(ids["A"]), cursor="c"))

    device.pull()

    records = device.store.records
    assert f"family/{ids['A']}" not in records
    assert f"note/{ids['note']}" not in records
    assert not [
        key
        for key, record in records.items()
        if record["family_id"] == ids["A"] and not key.startswith("person/")
    ]
    memberships = [r["data"] for k, r in records.items() if k.startswith("membership/")]
    assert {m["family_id"] for m in memberships} == {ids["B"]}
    assert f"person/{ids['ada']}" not in records  # no membership left on this device


def test_an_evict_keeps_people_still_linked_through_another_family():
    device, transport = offline_device()
    ids = _two_families(device.store)
    transport.on(PULL, page(evicted(ids["A"]), cursor="c"))

    device.pull()

    records = device.store.records
    assert f"person/{ids['bo']}" in records  # still a member of B
    assert f"person/{ids['cy']}" in records
    assert f"family/{ids['B']}" in records
    assert f"plan_action/{ids['plan']}" in records
    assert device.get("person", ids["bo"])["first_name"] == "Bo"


def test_evicting_every_family_leaves_nothing():
    device, transport = offline_device()
    ids = _two_families(device.store)
    transport.on(PULL, page(evicted(ids["A"]), evicted(ids["B"]), cursor="c"))
    device.pull()
    assert device.store.records == {}


def test_an_evict_keeps_the_outbox_for_the_user_to_see_rejected():
    device, transport = offline_device()
    ids = _two_families(device.store)
    device.update("family", ids["A"], {"display_name": "Unsynced"})
    transport.on(PULL, page(evicted(ids["A"]), cursor="c"))
    device.pull()
    assert [m["id"] for m in device.store.outbox] == [ids["A"]]


def test_a_pulled_rejection_is_kept_once():
    rejection = {
        "entity": "rejection",
        "id": "r1",
        "op": "upsert",
        "version": None,
        "family_id": None,
        "data": {"mutation_id": 9, "reason": "not_in_caseload", "data": {"text": "kept"}},
    }
    transport = FakeTransport().on(
        PULL, page(rejection, cursor="c1", has_more=True), page(rejection, cursor="c2")
    )
    device, _ = offline_device(transport)
    device.pull()
    assert device.store.rejections == [
        {"id": "r1", "mutation_id": 9, "reason": "not_in_caseload", "data": {"text": "kept"}}
    ]
    assert device.store.records == {}


def test_a_rejection_seen_on_push_is_not_shown_twice_when_pulled():
    device, transport = offline_device()
    note = device.create("note", {"family_id": new_id(), "sections": {}})
    mutation = copy.deepcopy(device.store.outbox[0])
    transport.on(
        PUSH, push_reply(result(mutation, "rejected", reason="not_in_caseload", message="m"))
    )
    transport.on(
        PULL,
        page(
            {
                "entity": "rejection",
                "id": new_id(),
                "op": "upsert",
                "version": None,
                "family_id": None,
                "data": {
                    "mutation_id": mutation["mutation_id"],
                    "entity": "note",
                    "op": "create",
                    "record_id": note,
                    "reason": "not_in_caseload",
                    "message": "m",
                    "data": mutation["data"],
                },
            },
            cursor="c",
        ),
    )
    device.sync()
    assert len(device.store.rejections) == 1
    assert device.store.rejections[0]["mutation_id"] == mutation["mutation_id"]


def test_reset_required_clears_records_keeps_the_outbox_and_pulls_again():
    family, fresh = new_id(), new_id()
    transport = FakeTransport().on(
        PULL,
        (409, {"code": "reset_required", "message": "Download your caseload again."}),
        page(upsert("family", fresh, fresh, display_name="Fresh"), cursor="n1", has_more=True),
        page(cursor="n2"),
    )
    device, _ = offline_device(transport)
    confirmed(device.store, "family", family, family, display_name="Stale")
    device.store.cursor = "old"
    device.update("family", family, {"display_name": "Mine"})
    outbox = copy.deepcopy(device.store.outbox)

    assert device.pull() == 1

    assert [body["cursor"] for body in transport.sent(PULL)] == ["old", None, "n1"]
    assert device.store.outbox == outbox
    assert set(device.store.records) == {f"family/{fresh}"}
    assert device.store.cursor == "n2"


def test_a_server_that_keeps_answering_reset_required_does_not_loop_forever():
    transport = FakeTransport().default(PULL, (409, {"code": "reset_required"}))
    device, _ = offline_device(transport)
    device.store.cursor = "old"
    with pytest.raises(SyncError) as caught:
        device.pull()
    assert caught.value.status == 409
    assert len(transport.sent(PULL)) <= 3
    assert device.store.cursor is None


def test_another_pull_failure_raises_and_keeps_the_cursor_and_records():
    transport = FakeTransport().on(
        PULL,
        page(upsert("family", new_id(), None), cursor="c1", has_more=True),
        (503, {"code": "sync_unavailable"}),
    )
    device, _ = offline_device(transport)
    with pytest.raises(SyncError) as caught:
        device.pull()
    assert caught.value.status == 503
    assert device.store.cursor == "c1"
    assert len(device.store.records) == 1


def test_sync_pushes_before_it_pulls():
    family = new_id()
    transport = FakeTransport().default(PUSH, apply_all)
    transport.on(PULL, page(evicted(family), cursor="c"))
    device, _ = offline_device(transport)
    confirmed(device.store, "family", family, family)
    device.update("family", family, {"display_name": "Edit"})
    device.sync()
    assert [r.path for r in transport.requests] == [PUSH, PULL]
    assert device.store.outbox == [] and device.store.records == {}


# --- saved state ---------------------------------------------------------------------------


def test_state_survives_saving_and_loading(tmp_path):
    device, _ = offline_device()
    family = new_id()
    confirmed(device.store, "family", family, family, version=3, display_name="Okoro")
    device.update("family", family, {"display_name": "Okafor"})
    device.store.cursor = "c7"
    device.store.rejections.append({"id": "r", "mutation_id": 1})
    device.store.conflicts.append({"mutation_id": 2, "overwritten": {"a": 1}})
    path = tmp_path / "phone.json"

    _save_state(str(path), device.device_id, device.store)
    device_id, store = _load_state(str(path))

    assert device_id == device.device_id
    assert store == device.store
    assert store.next_mutation_id == 2
    assert [p.name for p in tmp_path.iterdir()] == ["phone.json"]  # no temporary file left


def test_saving_again_replaces_the_state(tmp_path):
    path = str(tmp_path / "state.json")
    store = LocalStore(cursor="one")
    _save_state(path, "dev", store)
    store.cursor = "two"
    _save_state(path, "dev", store)
    assert _load_state(path)[1].cursor == "two"


def test_loading_a_missing_state_gives_an_empty_store(tmp_path):
    device_id, store = _load_state(str(tmp_path / "nothing.json"))
    assert device_id is None
    assert store == LocalStore()


# --- the command line ----------------------------------------------------------------------


def _cli_server(*pull_pages: Reply) -> FakeTransport:
    transport = FakeTransport()
    transport.default(
        LOGIN, (200, {"csrf_token": "tok", "user": {"username": "amara"}, "device_id": "x"})
    )
    transport.default(PUSH, apply_all)
    transport.on(PULL, *pull_pages)
    return transport


class Cli:
    """Runs ``main`` with ``HttpTransport`` replaced by a fake; remembers the server URLs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.servers: list[str] = []

    def __call__(self, transport: FakeTransport, *argv: str) -> int:
        def http_transport(base_url: str) -> FakeTransport:
            self.servers.append(base_url)
            return transport

        self.monkeypatch.setattr(client_module, "HttpTransport", http_transport)
        return main(list(argv))


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("FIELDWORK_PASSWORD", "pw-from-env")
    return Cli(monkeypatch)


def test_cli_status_shows_what_the_device_holds_and_what_waits(cli, tmp_path, capsys):
    path = str(tmp_path / "phone.json")
    store = LocalStore()
    family = new_id()
    confirmed(store, "family", family, family)
    confirmed(store, "person", new_id(), family)
    device_id = str(uuid.uuid4())
    held = SyncClient(FakeTransport(), uuid.UUID(device_id), store)
    held.create("note", {"family_id": family, "sections": {}})
    store.rejections.append({"id": "r1"})
    _save_state(path, device_id, store)
    transport = _cli_server()

    code = cli(
        transport, "--server", "http://srv:1", "--username", "amara", "--state", path, "status"
    )

    assert code == 0
    assert cli.servers == ["http://srv:1"]
    assert [r.path for r in transport.requests] == [LOGIN]
    login = transport.requests[0].body
    assert login["username"] == "amara"
    assert login["password"] == "pw-from-env"
    assert login["device_id"] == device_id  # the saved device, not a new one
    shown = json.loads(capsys.readouterr().out)
    assert shown == {"records": {"family": 1, "person": 1, "note": 1}, "waiting": 1, "rejected": 1}
    assert _load_state(path)[1] == store


def test_cli_note_writes_signs_syncs_and_saves(cli, tmp_path, capsys):
    path = str(tmp_path / "phone.json")
    family = new_id()
    transport = _cli_server(
        page(upsert("family", family, family, display_name="Okoro"), cursor="c1")
    )

    code = cli(transport, "--username", "amara", "--state", path, "note", family, "Tea")

    assert code == 0
    assert cli.servers == ["http://127.0.0.1:5000"]
    assert [r.path for r in transport.requests] == [LOGIN, PUSH, PULL]
    [push] = transport.sent(PUSH)
    create, sign = push["mutations"]
    assert create["entity"] == "note" and create["op"] == "create"
    assert create["data"] == {"family_id": family, "sections": {"what_happened": "Tea"}}
    assert sign == {
        "mutation_id": 2,
        "entity": "note",
        "op": "sign",
        "id": create["id"],
        "base_version": 1,
        "data": {},
    }
    assert transport.requests[1].headers == {"X-CSRF-Token": "tok"}
    device_id, store = _load_state(path)
    assert device_id == push["device_id"] == transport.requests[0].body["device_id"]
    assert store.outbox == [] and store.cursor == "c1"
    shown = json.loads(capsys.readouterr().out)
    assert shown == {"records": {"family": 1}, "waiting": 0, "rejected": 0}


def test_cli_failure_reports_and_keeps_the_unsent_note(cli, tmp_path, capsys):
    path = str(tmp_path / "phone.json")
    transport = _cli_server()
    transport.on(PUSH, (503, {"message": "Sync is unavailable for a moment."}))
    family = new_id()

    code = cli(transport, "--username", "amara", "--state", path, "note", family, "Tea")

    assert code == 1
    assert "Sync failed" in capsys.readouterr().err
    _, store = _load_state(path)
    assert [m["op"] for m in store.outbox] == ["create", "sign"]
    assert store.outbox[0]["data"]["sections"] == {"what_happened": "Tea"}
