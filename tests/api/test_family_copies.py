"""A family copy: drafted from a signed note, checked before sharing, shared, then frozen."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.persistence import AuditEvent, FamilyCopy
from server.services.case_records import jsonable
from tests.sync.devices import device

from .casework import created, practice_lead_beside

PLACEMENT = {"line1": "14 Kittiwake Row", "line2": None, "town": "Eastmoor", "postcode": "EM4 7QT"}
SECTIONS = {
    "what_happened": "We sat together at the kitchen table and talked about mornings.",
    "your_view": "Alex said mornings feel calmer since the new routine.",
    "next_steps": "We meet again next week.",
    "who_does_what": "Alex: ring the school by Friday.",
}


@pytest.fixture
def signed_note(okoro, make_client) -> dict[str, Any]:
    """The Okoros (Alex and Sam at home; Dean, Sam's dad, lives elsewhere) and a signed note."""
    amara = make_client("amara")
    dean = created(
        amara.post(
            "/api/people",
            json={"family_id": okoro["family"], "given_name": "Dean", "family_name": "Marsh"},
        )
    )
    note = created(
        amara.post(
            "/api/notes",
            json={"family_id": okoro["family"], "sections": {"what_happened": "We talked."}},
        )
    )
    assert amara.post(f"/api/notes/{note['id']}/sign").status_code == 200
    return {**okoro, "Dean": dean["id"], "note": note["id"], "amara": amara}


def make_copy(case: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body = {
        "family_id": case["family"],
        "note_id": case["note"],
        "household_ids": [case["Alex"], case["Sam"]],
        "sections": SECTIONS,
        **overrides,
    }
    return created(case["amara"].post("/api/family-copies", json=body))


def share(case: dict[str, Any], copy: dict[str, Any], **changes: Any) -> Any:
    client = case["amara"]
    current = client.get(f"/api/family-copies/{copy['id']}").json
    changes = {"shared_with": "Alex Okoro", "shared_how": "by_hand", **changes}
    patched = client.patch(
        f"/api/family-copies/{copy['id']}", json={"base_version": current["version"], **changes}
    )
    assert patched.status_code == 200, patched.json
    return client.post(f"/api/family-copies/{copy['id']}/sign")


def test_a_copy_is_drafted_from_a_signed_note_and_shared(signed_note, app):
    copy = make_copy(signed_note)
    assert copy["state"] == "draft"
    assert copy["note_id"] == signed_note["note"]
    shared = share(signed_note, copy)
    assert shared.status_code == 200, shared.json
    assert shared.json["state"] == "signed"
    assert shared.json["shared_with"] == "Alex Okoro"
    assert shared.json["shared_how"] == "by_hand"
    assert shared.json["signed_at"] == jsonable(clock.now())
    # Shared is final: what the family has never changes.
    later = signed_note["amara"].patch(
        f"/api/family-copies/{copy['id']}",
        json={"base_version": shared.json["version"], "sections": {"next_steps": "x"}},
    )
    assert later.status_code == 409
    assert signed_note["amara"].delete(f"/api/family-copies/{copy['id']}").status_code == 409
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.record_id == uuid.UUID(copy["id"]))
        ).all()
    assert {"create", "update", "sign"} <= set(actions)


def test_only_a_signed_note_of_the_family_makes_a_copy(signed_note):
    client = signed_note["amara"]
    draft = created(
        client.post(
            "/api/notes", json={"family_id": signed_note["family"], "sections": {"reflection": "a"}}
        )
    )
    body = {
        "family_id": signed_note["family"],
        "note_id": draft["id"],
        "household_ids": [signed_note["Alex"]],
        "sections": SECTIONS,
    }
    refused = client.post("/api/family-copies", json=body)
    assert refused.status_code == 422
    assert refused.json["errors"]["note_id"] == ["Make a family copy from a signed note."]
    stranger = {**body, "note_id": signed_note["note"], "household_ids": [str(uuid.uuid4())]}
    refused = client.post("/api/family-copies", json=stranger)
    assert refused.status_code == 422
    assert refused.json["errors"]["household_ids.0"] == ["This person is not in the family."]
    assert client.post("/api/family-copies", json={**body, "household_ids": []}).status_code == 422


def test_sharing_needs_with_whom_and_how(signed_note):
    copy = make_copy(signed_note)
    refused = signed_note["amara"].post(f"/api/family-copies/{copy['id']}/sign")
    assert refused.status_code == 422
    assert refused.json["errors"] == {
        "shared_with": ["Enter who you shared the copy with"],
        "shared_how": ["Choose how you shared the copy"],
    }
    bad = signed_note["amara"].patch(
        f"/api/family-copies/{copy['id']}", json={"base_version": 1, "shared_how": "pigeon"}
    )
    assert bad.status_code == 422
    assert "shared_how" in bad.json["errors"]


def test_a_third_partys_name_blocks_sharing_until_removed_or_confirmed(signed_note):
    copy = make_copy(
        signed_note,
        sections={**SECTIONS, "next_steps": "Dean will ring on 07700 900123 about Saturday."},
    )
    refused = share(signed_note, copy)
    assert refused.status_code == 422
    assert refused.json["errors"]["sections"] == [
        "Next steps names Dean, who does not live in this household. "
        "Remove it or confirm it is fine to share.",
        "Next steps has a phone number (07700 900123). Remove it or confirm it is fine to share.",
    ]
    assert signed_note["amara"].get(f"/api/family-copies/{copy['id']}").json["state"] == "draft"
    confirmed = share(signed_note, copy, confirmed=[f"person:{signed_note['Dean']}"])
    assert confirmed.status_code == 422
    assert len(confirmed.json["errors"]["sections"]) == 1
    shared = share(
        signed_note, copy, confirmed=[f"person:{signed_note['Dean']}", "phone:07700900123"]
    )
    assert shared.status_code == 200, shared.json


def test_a_placement_address_is_never_shared_even_if_confirmed(signed_note, make_client):
    amara = signed_note["amara"]
    episode = created(
        amara.post(
            "/api/plan-episodes",
            json={
                "family_id": signed_note["family"],
                "person_id": signed_note["Sam"],
                "plan_type": "looked_after",
                "legal_status": "C2",
                "placement_type": "U4",
                "placement_started_on": (clock.today() - timedelta(days=3)).isoformat(),
                "started_on": (clock.today() - timedelta(days=3)).isoformat(),
            },
        )
    )
    created(amara.post(f"/api/plan-episodes/{episode['id']}/placement-address", json=PLACEMENT))
    copy = make_copy(signed_note, sections={**SECTIONS, "next_steps": "Post it to EM4 7QT."})
    refused = share(signed_note, copy, confirmed=["restricted", "postcode:EM47QT"])
    assert refused.status_code == 422
    assert refused.json["errors"]["sections"] == [
        "Next steps holds part of a child's placement address. Remove it: it is never shared."
    ]
    assert "EM4" not in str(refused.json)
    shared = share(signed_note, copy, sections=SECTIONS)
    assert shared.status_code == 200, shared.json


def test_the_readability_check_is_kept_when_sharing_is_recorded(signed_note):
    copy = make_copy(
        signed_note, sections={**SECTIONS, "what_happened": "We talked about contact with Dad."}
    )
    shared = share(signed_note, copy)
    assert shared.status_code == 200, shared.json
    assert shared.json["readability"] == [
        {
            "kind": "jargon",
            "term": "contact",
            "plain": "time together (say who with and when)",
            "count": 1,
        }
    ]


def test_a_copy_is_seen_only_in_the_familys_scope(signed_note, make_user, make_client, app):
    copy = make_copy(signed_note)
    make_user("caseworker", team="South", username="south.worker")
    outsider = make_client("south.worker")
    assert outsider.get(f"/api/family-copies/{copy['id']}").status_code == 404
    assert outsider.get("/api/family-copies").json["total"] == 0
    hannah = make_client("hannah")
    assert hannah.get(f"/api/family-copies/{copy['id']}").status_code == 200
    listed = signed_note["amara"].get(f"/api/family-copies?note_id={signed_note['note']}")
    assert [item["id"] for item in listed.json["items"]] == [copy["id"]]
    with app.app_context():
        reads = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action == "read", AuditEvent.record_id == uuid.UUID(copy["id"])
            )
        ).all()
    assert reads and all(str(event.family_id) == signed_note["family"] for event in reads)


def test_a_copy_made_and_shared_offline_keeps_the_devices_time(signed_note, app):
    phone = device(app, "amara")
    phone.pull()
    copy_id = phone.create(
        "family_copy",
        {
            "family_id": signed_note["family"],
            "note_id": signed_note["note"],
            "household_ids": [signed_note["Alex"]],
            "sections": SECTIONS,
        },
    )
    phone.update("family_copy", copy_id, {"shared_with": "Alex", "shared_how": "post"})
    phone.sign("family_copy", copy_id)
    shared_on_device = clock.now() - timedelta(hours=2)
    phone.store.outbox[-1]["client_ts"] = shared_on_device.isoformat()
    assert {result["status"] for result in phone.push()} == {"applied"}
    phone.pull()
    copy = phone.get("family_copy", copy_id)
    assert copy is not None
    assert copy["state"] == "signed"
    assert copy["device_signed_at"] == jsonable(shared_on_device)
    assert copy["signed_at"] == jsonable(clock.now())
    with app.app_context():
        stored = db.session.get(FamilyCopy, uuid.UUID(copy_id))
        assert stored is not None and stored.shared_how == "post"


def test_the_council_extends_its_plain_words(signed_note, make_user, make_client):
    make_user("admin", username="root", team=None)
    admin = make_client("root")
    lead = practice_lead_beside(admin)
    refused = signed_note["amara"].post("/api/plain-words", json={"term": "TAF", "plain": "x"})
    assert refused.status_code == 403
    added = created(
        lead.post("/api/plain-words", json={"term": "TAF", "plain": "team around the family"})
    )
    assert added["council"] is True
    again = lead.post("/api/plain-words", json={"term": "taf", "plain": "y"})
    assert again.status_code == 422
    assert lead.post("/api/plain-words", json={"term": "", "plain": "y"}).status_code == 422
    words = signed_note["amara"].get("/api/plain-words").json
    assert words[0] == {**added}
    assert any(word["term"] == "CIN" and not word["council"] for word in words)
    assert admin.delete(f"/api/plain-words/{added['id']}").status_code == 204
    assert all(word["term"] != "TAF" for word in signed_note["amara"].get("/api/plain-words").json)
    assert admin.delete(f"/api/plain-words/{added['id']}").status_code == 404


def test_a_placement_address_shared_offline_is_rejected_and_the_copy_stays_a_draft(
    signed_note, app
):
    amara = signed_note["amara"]
    episode = created(
        amara.post(
            "/api/plan-episodes",
            json={
                "family_id": signed_note["family"],
                "person_id": signed_note["Sam"],
                "plan_type": "looked_after",
                "legal_status": "C2",
                "placement_type": "U4",
                "placement_started_on": (clock.today() - timedelta(days=3)).isoformat(),
                "started_on": (clock.today() - timedelta(days=3)).isoformat(),
            },
        )
    )
    created(amara.post(f"/api/plan-episodes/{episode['id']}/placement-address", json=PLACEMENT))
    phone = device(app, "amara")
    phone.pull()
    copy_id = phone.create(
        "family_copy",
        {
            "family_id": signed_note["family"],
            "note_id": signed_note["note"],
            "household_ids": [signed_note["Alex"], signed_note["Sam"]],
            "sections": {"next_steps": "Sam lives at 14 Kittiwake Row for now."},
            "confirmed": ["restricted", "address:14 kittiwake row"],
        },
    )
    phone.update("family_copy", copy_id, {"shared_with": "Alex", "shared_how": "by_hand"})
    phone.sign("family_copy", copy_id)
    results = phone.push()
    assert [result["status"] for result in results] == ["applied", "applied", "rejected"]
    assert results[2]["reason"] == "invalid"
    assert results[2]["errors"]["sections"] == [
        "Next steps holds part of a child's placement address. Remove it: it is never shared."
    ]
    with app.app_context():
        stored = db.session.get(FamilyCopy, uuid.UUID(copy_id))
        assert stored is not None and stored.state == "draft" and stored.signed_at is None


def test_a_copy_is_in_the_subject_access_bundle_of_each_person_it_was_made_for(signed_note, app):
    from server.services.subject_access import collect

    copy = make_copy(signed_note)
    with app.app_context():
        for_sam = collect(uuid.UUID(signed_note["Sam"]))
        assert [str(c.id) for c in for_sam.records["family_copy"]] == [copy["id"]]
        # Dean lives elsewhere and is not named in it: not his record.
        assert collect(uuid.UUID(signed_note["Dean"])).records.get("family_copy", []) == []
