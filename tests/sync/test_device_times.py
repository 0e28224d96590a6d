"""A note signed offline keeps the device's times, with the server's receipt beside them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from server import clock
from server.services.case_records import jsonable
from tests.api.test_subject_access import casework, export_bundle, records  # noqa: F401 - casework is a fixture

from .devices import device
from .test_sync_api import north  # noqa: F401 - the fixture


def stamp_last(phone: Any, when: Any) -> None:
    """Give the newest mutation in the outbox the device's clock time."""
    phone.store.outbox[-1]["client_ts"] = when.isoformat()


def written_and_signed_offline(phone: Any, family_id: str, written: Any, signed: Any) -> str:
    note_id = phone.create("note", {"family_id": family_id, "sections": {"reflection": "a"}})
    stamp_last(phone, written)
    phone.sign("note", note_id)
    stamp_last(phone, signed)
    return note_id


@pytest.mark.parametrize("way", ["bulk", "one at a time"])
def test_a_note_signed_offline_keeps_its_device_times_and_the_receipt(app, north, way):  # noqa: F811 - north and casework are the fixtures imported above
    _, families = north
    phone = device(app, "amara")
    received = clock.now()
    written, signed = received - timedelta(minutes=50), received - timedelta(minutes=5, seconds=30)
    note_id = written_and_signed_offline(phone, str(families[0].id), written, signed)
    if way == "one at a time":  # a comment in the batch sends it past the bulk way
        phone.create(
            "review",
            {"target_kind": "note", "target_id": note_id, "review_kind": "comment", "body": "x"},
        )
        stamp_last(phone, signed)
    assert {r["status"] for r in phone.push()} == {"applied"}
    phone.pull()
    note = phone.get("note", note_id)
    assert note["device_written_at"] == jsonable(written)
    assert note["device_signed_at"] == jsonable(signed)
    assert note["created_at"] == note["signed_at"] == jsonable(received)


def test_a_comment_and_a_correction_keep_when_they_were_written(app, north):  # noqa: F811 - north and casework are the fixtures imported above
    _, families = north
    phone, supervisor = device(app, "amara"), device(app, "hannah")
    now = clock.now()
    note_id = written_and_signed_offline(phone, str(families[0].id), now, now)
    amendment_id = phone.create(
        "amendment",
        {
            "target_kind": "note",
            "target_id": note_id,
            "reason": "Typo",
            "changes": {"reflection": "b"},
        },
    )
    stamp_last(phone, now - timedelta(hours=2))
    assert {r["status"] for r in phone.push()} == {"applied"}
    supervisor.pull()
    review_id = supervisor.create(
        "review",
        {"target_kind": "note", "target_id": note_id, "review_kind": "question", "body": "Why?"},
    )
    stamp_last(supervisor, now - timedelta(days=1))
    assert [r["status"] for r in supervisor.push()] == ["applied"]
    phone.pull()
    review = phone.get("review", review_id)
    assert review["device_written_at"] == review["device_signed_at"]
    assert review["device_signed_at"] == jsonable(now - timedelta(days=1))
    assert review["signed_at"] == jsonable(now)
    amendment = phone.get("amendment", amendment_id)
    assert amendment["device_written_at"] == jsonable(now - timedelta(hours=2))


def test_a_record_made_online_has_no_device_times(app, north, make_client):  # noqa: F811 - north and casework are the fixtures imported above
    _, families = north
    client = make_client("amara")
    made = client.post(
        "/api/notes", json={"family_id": str(families[0].id), "sections": {"reflection": "a"}}
    )
    assert made.status_code == 201, made.json
    assert made.json["device_written_at"] is None and made.json["device_signed_at"] is None


@pytest.mark.parametrize("client_ts", ["yesterday", "2026-12-05T12:16:00", 12])
def test_a_device_time_that_cannot_be_read_rejects_that_change_alone(app, north, client_ts):  # noqa: F811 - north and casework are the fixtures imported above
    _, families = north
    phone = device(app, "amara")
    phone.create("plan_action", {"family_id": str(families[0].id), "task": "Call", "who": "Gran"})
    phone.store.outbox[-1]["client_ts"] = client_ts
    phone.create("plan_action", {"family_id": str(families[0].id), "task": "Visit", "who": "Me"})
    first, second = phone.push()
    assert first["status"] == "rejected" and "client_ts" in first["errors"]
    assert second["status"] == "applied"


def test_the_subject_access_bundle_carries_both_times(app, casework, make_client):  # noqa: F811 - north and casework are the fixtures imported above
    ids, _other, _unrelated = casework
    phone = device(app, "amara")
    now = clock.now()
    note_id = written_and_signed_offline(
        phone, ids["family"], now - timedelta(hours=3), now - timedelta(hours=2)
    )
    phone.store.outbox[0]["data"]["sections"] = {"what_happened": "Tobi showed me his bike."}
    assert {r["status"] for r in phone.push()} == {"applied"}
    _export, archive = export_bundle(app, make_client("root"), ids["person"])
    [note] = [n for n in records(archive, "note") if n["id"] == note_id]
    assert note["device_written_at"] == jsonable(now - timedelta(hours=3))
    assert note["device_signed_at"] == jsonable(now - timedelta(hours=2))
    assert note["created_at"] == note["signed_at"] == jsonable(now)
