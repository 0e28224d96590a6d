"""Sync through the API: exactly once, merges, rejections, scope, resets and limits."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.persistence import AuditEvent, Device, Note, PlanAction, RecordHistory
from server.services import sync as sync_service
from sync.client import DeviceWiped, SyncError
from tests.api.casework import publish_practice_settings

from .devices import FlaskTransport, device


@pytest.fixture
def north(make_user, make_family, make_client):
    """A caseworker with two families, her supervisor, and an admin's practice settings."""
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    families = [make_family(team_of=amara, worker=amara, name=name) for name in ("Okoro", "Singh")]
    return amara, families


def family_ids(client):
    return {record["id"] for record in client.records_of("family")}


def count(app, model, **where):
    with app.app_context():
        query = sa.select(sa.func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


def test_first_pull_delivers_the_whole_caseload_and_practice_settings(app, north):
    _, families = north
    phone = device(app, "amara")
    phone.pull(limit=3)
    assert family_ids(phone) == {str(f.id) for f in families}
    assert len(list(phone.records_of("person"))) == 4
    assert len(list(phone.records_of("membership"))) == 4
    assert [t["key"] for t in phone.records_of("checklist_template")] == ["statutory_visit"]
    assert len(list(phone.records_of("decision_policy"))) == 1


def test_an_interrupted_first_sync_resumes_with_progress_and_the_same_result(app, north):
    phone = device(app, "amara")
    first = phone._post(
        "/api/sync/pull", {"device_id": phone.device_id, "cursor": None, "limit": 2}
    )
    assert first["has_more"] is True and first["remaining"] > 0
    phone.apply_page(first)
    phone.pull(limit=2)  # resume from the stored cursor
    uninterrupted = device(app, "amara")
    uninterrupted.pull()
    assert phone.store.records.keys() == uninterrupted.store.records.keys()


def test_a_replayed_batch_applies_each_mutation_once(app, north):
    _, families = north
    phone = device(app, "amara")
    phone.pull()
    for index in range(3):
        phone.create(
            "plan_action",
            {"family_id": str(families[0].id), "task": f"Task {index}", "who": "Gran"},
        )
    batch = list(phone.store.outbox)
    first = phone.push()
    assert [r["status"] for r in first] == ["applied"] * 3
    phone.store.outbox = batch
    again = phone.push()
    assert [r["status"] for r in again] == ["duplicate"] * 3
    assert count(app, PlanAction) == 3


def test_a_response_lost_after_commit_is_safe_to_retry(app, north):
    _, families = north
    phone = device(app, "amara")
    note_id = phone.create(
        "note", {"family_id": str(families[0].id), "sections": {"strengths": "Warmth"}}
    )
    phone.transport.lose_next_response = True
    with pytest.raises(ConnectionError):
        phone.push()
    assert len(phone.store.outbox) == 1  # the device does not know it landed
    assert [r["status"] for r in phone.push()] == ["duplicate"]
    assert count(app, Note, id=uuid.UUID(note_id)) == 1
    phone.pull()
    assert phone.get("note", note_id)["sections"] == {"strengths": "Warmth"}


def test_edits_to_different_fields_merge_and_a_clash_keeps_the_overwritten_value(app, north):
    _, families = north
    family_id = str(families[0].id)
    phone, tablet = device(app, "amara"), device(app, "amara")
    phone.pull()
    tablet.pull()
    phone.update("family", family_id, {"preferred_language": "Yoruba"})
    tablet.update("family", family_id, {"interpreter_needed": True})
    tablet.update("family", family_id, {"preferred_language": "English and Yoruba"})
    assert [r["status"] for r in phone.push()] == ["applied"]
    results = tablet.push()
    assert [r["status"] for r in results] == ["applied", "conflict"]
    assert results[1]["overwritten"] == {"preferred_language": "Yoruba"}
    assert tablet.store.conflicts[0]["overwritten"] == {"preferred_language": "Yoruba"}
    for client in (phone, tablet):
        client.pull()
        family = client.get("family", family_id)
        assert family["preferred_language"] == "English and Yoruba"
        assert family["interpreter_needed"] is True
    with app.app_context():
        history = db.session.scalars(
            sa.select(RecordHistory)
            .where(RecordHistory.record_id == families[0].id)
            .order_by(RecordHistory.id)
        ).all()
    clash = [row for row in history if row.conflict]
    assert clash and clash[0].changes["preferred_language"]["old"] == "Yoruba"


def test_a_device_does_not_clash_with_its_own_earlier_edits(app, north):
    _, families = north
    phone = device(app, "amara")
    phone.pull()
    family_id = str(families[0].id)
    phone.update("family", family_id, {"preferred_language": "Punjabi"})
    phone.update("family", family_id, {"preferred_language": "Punjabi and English"})
    assert [r["status"] for r in phone.push()] == ["applied", "applied"]


def test_a_poison_mutation_is_rejected_kept_and_never_blocks_the_queue(app, north):
    _, families = north
    family_id = str(families[0].id)
    phone = device(app, "amara")
    phone.pull()
    phone.create("plan_action", {"family_id": family_id, "task": "Before", "who": "Mum"})
    phone.create("plan_action", {"family_id": family_id, "task": "", "who": 42, "secret": "x"})
    phone.store.outbox.append(
        {
            "mutation_id": phone.store.next_mutation_id,
            "entity": "spaceship",
            "op": "create",
            "id": "not-a-uuid",
            "data": {},
        }
    )
    phone.store.next_mutation_id += 1
    phone.create("plan_action", {"family_id": family_id, "task": "After", "who": "Dad"})
    results = phone.push()
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "applied"]
    assert set(results[1]["errors"]) == {"task", "who", "secret"}
    assert results[2]["reason"] == "invalid" and "entity" in results[2]["errors"]
    assert phone.store.outbox == []
    assert phone.store.rejections[0]["mutation"]["data"]["task"] == ""  # nothing typed is lost
    # A second device of the same worker never sees them; this device hears of them again.
    phone.store.rejections.clear()
    phone.pull()
    assert {r["reason"] for r in phone.store.rejections} == {"invalid"}
    assert phone.store.rejections[0]["data"]["who"] == 42


def test_a_signed_note_edited_offline_is_rejected_with_a_way_forward(app, north):
    _, families = north
    phone, tablet = device(app, "amara"), device(app, "amara")
    note_id = phone.create(
        "note", {"family_id": str(families[0].id), "sections": {"reflection": "a"}}
    )
    phone.push()
    tablet.pull()
    phone.sign("note", note_id)
    phone.push()
    tablet.update("note", note_id, {"sections": {"reflection": "changed"}})
    result = tablet.push()[0]
    assert result["status"] == "rejected" and result["reason"] == "signed"
    assert "amendment" in result["message"]


def test_a_family_assigned_arrives_whole_and_unassigned_is_evicted(
    app, north, make_user, make_family, make_client
):
    amara, _families = north
    other = make_user("caseworker", username="tomasz")
    moved = make_family(team_of=other, worker=other, name="Nowak")
    phone = device(app, "amara")
    phone.pull()
    assert str(moved.id) not in family_ids(phone)

    supervisor = make_client("hannah")
    response = supervisor.post(
        "/api/assignments",
        json={"family_id": str(moved.id), "worker_id": str(amara.id), "role": "co_worker"},
    )
    assert response.status_code == 201, response.json
    phone.pull()
    assert str(moved.id) in family_ids(phone)
    assert {p["given_name"] for p in phone.records_of("person")} >= {"Alex", "Sam"}

    # Offline, the worker writes a note; meanwhile the family leaves her caseload.
    note_id = phone.create(
        "note", {"family_id": str(moved.id), "sections": {"what_happened": "Visit"}}
    )
    assignment = supervisor.get(f"/api/assignments?family_id={moved.id}&worker_id={amara.id}").json[
        "items"
    ][0]
    ended = supervisor.patch(
        f"/api/assignments/{assignment['id']}",
        json={
            "base_version": assignment["version"],
            "ended_on": "2026-11-29",
            "change_reason": "workload",
            "handover_note": "Tomasz knows them",
        },
    )
    assert ended.status_code == 200, ended.json
    phone.sync()
    assert str(moved.id) not in family_ids(phone)
    assert not [p for p in phone.records_of("person") if p["family_name"] == "Nowak"]
    rejection = phone.store.rejections[0]
    assert rejection["reason"] == "not_in_caseload"
    assert "no longer in your caseload" in rejection["message"]
    assert rejection["mutation"]["id"] == note_id
    assert rejection["mutation"]["data"]["sections"]["what_happened"] == "Visit"


def test_a_person_in_two_families_stays_when_one_family_leaves(app, north, make_client, make_user):
    _amara, families = north
    phone = device(app, "amara")
    phone.pull()
    person = next(p for p in phone.records_of("person") if p["family_name"] == "Okoro")
    worker = make_client("amara")
    response = worker.post(
        "/api/memberships", json={"family_id": str(families[1].id), "person_id": person["id"]}
    )
    assert response.status_code == 201
    supervisor = make_client("hannah")
    assignment = supervisor.get(f"/api/assignments?family_id={families[0].id}").json["items"][0]
    supervisor.patch(
        f"/api/assignments/{assignment['id']}",
        json={
            "base_version": assignment["version"],
            "ended_on": "2026-11-29",
            "change_reason": "workload",
            "handover_note": "Aunt Bisi is the safe adult.",
        },
    )
    phone.pull()
    assert family_ids(phone) == {str(families[1].id)}
    assert phone.get("person", person["id"]) is not None


def test_a_supervisor_receives_the_team_and_nothing_else(app, north, make_user, make_family):
    _, families = north
    south = make_user("caseworker", team="South", username="south.worker")
    make_family(team_of=south, worker=south, name="Far")
    tablet = device(app, "hannah")
    tablet.pull()
    assert family_ids(tablet) == {str(f.id) for f in families}


def test_a_restored_database_makes_devices_pull_again_and_keep_their_outbox(app, north):
    _, families = north
    phone = device(app, "amara")
    phone.pull()
    phone.create(
        "plan_action", {"family_id": str(families[0].id), "task": "Call school", "who": "Mum"}
    )
    with app.app_context():
        sync_service.start_new_epoch()
        db.session.commit()  # as the operator's command does
    with pytest.raises(SyncError) as refused:
        phone._post("/api/sync/pull", {"device_id": phone.device_id, "cursor": phone.store.cursor})
    assert refused.value.status == 409 and refused.value.body["code"] == "reset_required"
    phone.pull()  # the client starts again from nothing, outbox intact
    assert family_ids(phone) == {str(f.id) for f in families}
    assert len(phone.store.outbox) == 1
    phone.sync()
    assert [a["task"] for a in phone.records_of("plan_action")] == ["Call school"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjogMX0", "W10"])
def test_an_unreadable_cursor_asks_for_a_reset(app, north, cursor):
    phone = device(app, "amara")
    with pytest.raises(SyncError) as refused:
        phone._post("/api/sync/pull", {"device_id": phone.device_id, "cursor": cursor})
    assert refused.value.body["code"] == "reset_required"


def test_another_devices_cursor_is_not_honoured(app, north):
    phone, tablet = device(app, "amara"), device(app, "amara")
    phone.pull()
    with pytest.raises(SyncError) as refused:
        tablet._post(
            "/api/sync/pull", {"device_id": tablet.device_id, "cursor": phone.store.cursor}
        )
    assert refused.value.body["code"] == "reset_required"


def test_limits_are_named_in_a_413(app, north):
    phone = device(app, "amara")
    too_many = [
        {
            "mutation_id": i + 1,
            "entity": "note",
            "op": "create",
            "id": str(uuid.uuid4()),
            "data": {},
        }
        for i in range(501)
    ]
    for body, limit in (
        (
            {"device_id": phone.device_id, "schema_version": 1, "mutations": too_many},
            "500 mutations",
        ),
        (
            {
                "device_id": phone.device_id,
                "schema_version": 1,
                "mutations": [{"mutation_id": 1, "data": {"x": "y" * (1024 * 1024)}}],
            },
            "1024 KB",
        ),
    ):
        with pytest.raises(SyncError) as refused:
            phone._post("/api/sync/push", body)
        assert refused.value.status == 413 and limit in refused.value.body["message"]
    with pytest.raises(SyncError) as refused:
        phone._post("/api/sync/pull", {"device_id": phone.device_id, "limit": 501})
    assert refused.value.status == 413 and "500 changes" in refused.value.body["message"]


def test_a_batch_whose_ids_do_not_increase_is_refused_whole(app, north):
    _, families = north
    phone = device(app, "amara")
    mutations = [
        {
            "mutation_id": 2,
            "entity": "plan_action",
            "op": "create",
            "id": str(uuid.uuid4()),
            "data": {"family_id": str(families[0].id), "task": "a", "who": "b"},
        },
        {
            "mutation_id": 1,
            "entity": "plan_action",
            "op": "create",
            "id": str(uuid.uuid4()),
            "data": {"family_id": str(families[0].id), "task": "a", "who": "b"},
        },
    ]
    with pytest.raises(SyncError) as refused:
        phone._post(
            "/api/sync/push",
            {"device_id": phone.device_id, "schema_version": 1, "mutations": mutations},
        )
    assert refused.value.status == 422 and "mutations.1.mutation_id" in refused.value.body["errors"]
    assert count(app, PlanAction) == 0


def test_a_transient_failure_is_503_and_advances_nothing(app, north, monkeypatch):
    _, families = north
    phone = device(app, "amara")
    phone.create("plan_action", {"family_id": str(families[0].id), "task": "a", "who": "b"})

    def database_gone(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(sync_service.case_records, "create", database_gone)
    with pytest.raises(SyncError) as refused:
        phone.push()
    assert refused.value.status == 503
    assert len(phone.store.outbox) == 1
    with app.app_context():
        assert db.session.get(Device, uuid.UUID(phone.device_id)).last_mutation_id == 0
    monkeypatch.undo()
    assert [r["status"] for r in phone.push()] == ["applied"]


def test_503_carries_retry_after(app, north, monkeypatch):
    phone = device(app, "amara")

    def database_gone(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("gone"))

    monkeypatch.setattr(sync_service, "check_batch", database_gone)
    status, _body, headers = phone.transport.post(
        "/api/sync/push",
        {"device_id": phone.device_id, "schema_version": 1, "mutations": []},
        {"X-CSRF-Token": phone.csrf_token},
    )
    assert status == 503 and headers["Retry-After"] == "5"


def test_an_old_app_is_asked_to_update_and_keeps_its_outbox(app, north):
    phone = device(app, "amara")
    with pytest.raises(SyncError) as refused:
        phone._post(
            "/api/sync/push", {"device_id": phone.device_id, "schema_version": 0, "mutations": []}
        )
    assert refused.value.body["code"] == "upgrade_required"


def test_a_device_cannot_sync_as_another_device(app, north):
    phone = device(app, "amara")
    with pytest.raises(SyncError) as refused:
        phone._post("/api/sync/pull", {"device_id": str(uuid.uuid4())})
    assert refused.value.status == 403


def test_a_revoked_device_is_wiped_on_its_next_sync(app, north, make_client):
    _, families = north
    phone = device(app, "amara")
    phone.pull()
    phone.create("plan_action", {"family_id": str(families[0].id), "task": "a", "who": "b"})
    laptop = make_client("amara")
    assert laptop.post(f"/api/devices/{phone.device_id}/revoke").status_code == 200
    with pytest.raises(DeviceWiped):
        phone.sync()
    assert phone.store.records == {} and phone.store.outbox == []


def test_amendments_and_reviews_sync_both_ways(app, north):
    _, families = north
    phone, supervisor = device(app, "amara"), device(app, "hannah")
    note_id = phone.create(
        "note", {"family_id": str(families[0].id), "sections": {"reflection": "x"}}
    )
    phone.sign("note", note_id)
    amendment_id = phone.create(
        "amendment",
        {
            "target_kind": "note",
            "target_id": note_id,
            "reason": "Typo",
            "changes": {"reflection": "y"},
        },
    )
    assert [r["status"] for r in phone.push()] == ["applied"] * 3
    supervisor.pull()
    assert supervisor.get("amendment", amendment_id)["target_id"] == note_id
    review_id = supervisor.create(
        "review",
        {
            "target_kind": "note",
            "target_id": note_id,
            "review_kind": "question",
            "body": "What helped?",
        },
    )
    assert [r["status"] for r in supervisor.push()] == ["applied"]
    phone.pull()
    assert phone.get("review", review_id)["body"] == "What helped?"


def test_an_empty_pull_has_no_more_and_its_cursor_still_works(app, north):
    phone = device(app, "amara")
    phone.pull()
    cursor = phone.store.cursor
    page = phone._post("/api/sync/pull", {"device_id": phone.device_id, "cursor": cursor})
    assert page["changes"] == [] and page["has_more"] is False
    again = phone._post("/api/sync/pull", {"device_id": phone.device_id, "cursor": page["cursor"]})
    assert again["changes"] == []


def test_pull_transport_is_the_flask_test_client(app):
    assert isinstance(FlaskTransport(app).client, type(app.test_client()))


def test_a_family_arriving_whole_is_not_sent_again_by_the_feed(app, north):
    phone = device(app, "amara")
    delivered = 0
    while True:
        page = phone._post(
            "/api/sync/pull",
            {"device_id": phone.device_id, "cursor": phone.store.cursor, "limit": 3},
        )
        phone.apply_page(page)
        delivered += len(page["changes"])
        if not page["has_more"]:
            break
    assert delivered == len(phone.store.records)


def test_a_mutation_with_unstorable_text_is_rejected_alone(app, north):
    _, families = north
    phone = device(app, "amara")
    family_id = str(families[0].id)
    phone.create("plan_action", {"family_id": family_id, "task": "nul \u0000 byte", "who": "Mum"})
    phone.create("plan_action", {"family_id": family_id, "task": "Fine", "who": "Mum"})
    results = phone.push()
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert "data.task" in results[0]["errors"]


def test_a_mutation_whose_envelope_holds_nul_characters_is_rejected_and_kept(app, north):
    phone = device(app, "amara")
    phone.store.outbox.append(
        {
            "mutation_id": 1,
            "entity": "no\u0000te",
            "op": "cre\u0000ate",
            "id": "x\u0000",
            "data": {"k\u0000": "v\u0000"},
        }
    )
    phone.store.next_mutation_id = 2
    assert [r["status"] for r in phone.push()] == ["rejected"]
    phone.store.rejections.clear()
    phone.pull()
    assert phone.store.rejections[0]["data"] == {"k\ufffd": "v\ufffd"}


def test_group_supervision_offline_reaches_the_server_once_and_follows_scope(
    app, north, make_user, make_client
):
    amara, families = north
    okoro = families[0]
    make_user("caseworker", username="ben")
    laptop = device(app, "hannah")
    laptop.pull()
    # Offline: the session, a discussion of the Okoros, and the decision it made.
    session_id = laptop.create(
        "supervision_session",
        {
            "held_at": "2026-11-25T14:00:00+00:00",
            "title": "Working with fathers",
            "attendee_ids": [str(amara.id)],
        },
    )
    action = {
        "id": str(uuid.uuid4()),
        "task": "Invite the father",
        "owner_id": str(amara.id),
        "due_on": "2026-12-05",
        "status": "not_started",
    }
    discussion_id = laptop.create(
        "supervision_discussion",
        {"session_id": session_id, "family_id": str(okoro.id), "actions": [action]},
    )
    judgment_id = laptop.create(
        "judgment",
        {
            "family_id": str(okoro.id),
            "supervision_discussion_id": discussion_id,
            "question": "Share with school?",
            "category": "share_with_school",
        },
    )
    laptop.sign("judgment", judgment_id)
    batch = list(laptop.store.outbox)
    assert {r["status"] for r in laptop.push()} == {"applied"}
    laptop.store.outbox = batch
    assert {r["status"] for r in laptop.push()} == {"duplicate"}
    from server.persistence import Judgment, SupervisionDiscussion, SupervisionSession

    assert count(app, SupervisionSession) == 1 and count(app, SupervisionDiscussion) == 1
    assert count(app, Judgment, supervision_discussion_id=uuid.UUID(discussion_id)) == 1

    # The attendee's phone gets the session (no family of it) and the discussion.
    phone = device(app, "amara")
    phone.pull()
    sessions = list(phone.records_of("supervision_session"))
    assert [s["id"] for s in sessions] == [session_id]
    assert phone.store.records[f"supervision_session/{session_id}"]["family_id"] is None
    assert [d["actions"] for d in phone.records_of("supervision_discussion")] == [[action]]
    # Both reads are audited: the discussion under its family, the session by its own id.
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.user_id == amara.id, AuditEvent.action == "sync")
        ).all()
    assert ("family", okoro.id, None) in {(e.entity, e.family_id, e.record_id) for e in events}
    assert ("supervision_session", None, uuid.UUID(session_id)) in {
        (e.entity, e.family_id, e.record_id) for e in events
    }
    # A caseworker of the team who did not attend receives no session.
    other = device(app, "ben")
    other.pull()
    assert not list(other.records_of("supervision_session"))

    # Taken off the attendee list, the session leaves her phone; the family's discussion stays.
    laptop.pull()
    laptop.update("supervision_session", session_id, {"attendee_ids": []})
    laptop.push()
    phone.pull()
    assert not list(phone.records_of("supervision_session"))
    assert [d["id"] for d in phone.records_of("supervision_discussion")] == [discussion_id]


def test_a_push_naming_a_record_outside_scope_reads_as_an_unknown_id(
    app, north, make_user, make_family, make_client
):
    _, families = north
    other = make_user("caseworker", username="tomasz")
    theirs = make_family(team_of=other, worker=other, name="Nowak")
    action = make_client("tomasz").post(
        "/api/plan-actions", json={"family_id": str(theirs.id), "task": "Call", "who": "Tomasz"}
    )
    assert action.status_code == 201, action.json
    phone = device(app, "amara")
    phone.pull()
    own_family = str(families[0].id)
    # A new record given the id of one she cannot see; changes to records she cannot see.
    phone.create(
        "plan_action", {"family_id": own_family, "task": "Visit", "who": "Amara"}, action.json["id"]
    )
    phone.update("plan_action", action.json["id"], {"task": "Changed"})
    phone.update("family", str(theirs.id), {"preferred_language": "Polish"})
    unknown = str(uuid.uuid4())
    phone.update("plan_action", unknown, {"task": "Changed"})
    results = phone.push()
    assert [(r["status"], r.get("reason")) for r in results] == [("rejected", "not_found")] * 4
    assert len({r["message"] for r in results[1:]}) == 1  # as for an id that never was


def test_a_record_of_another_user_in_scope_is_still_named_as_taken(app, north, make_client):
    _, families = north
    note = make_client("hannah").post(
        "/api/plan-actions",
        json={"family_id": str(families[0].id), "task": "Review", "who": "Hannah"},
    )
    assert note.status_code == 201, note.json
    phone = device(app, "amara")
    phone.pull()
    phone.create(
        "plan_action",
        {"family_id": str(families[0].id), "task": "Visit", "who": "Amara"},
        note.json["id"],
    )
    [result] = phone.push()
    assert (result["status"], result["reason"]) == ("rejected", "id_taken")


def test_a_foster_carer_named_on_the_map_reaches_the_device_and_leaves_with_it(
    app, north, make_user, make_family, make_client
):
    """A child's foster carer is no member of the child's family, only on its network map."""
    from server.persistence import Person, Relationship

    _amara, families = north
    other = make_user("caseworker", username="tomasz")
    elsewhere = make_family(team_of=other, worker=other, name="Lowe")
    with app.app_context():
        child = next(
            p
            for p in db.session.scalars(sa.select(Person))
            if p.family_name == "Okoro" and p.is_child
        )
        carer = Person(given_name="Jean", family_name="Holroyd", is_child=False)
        db.session.add(carer)
        db.session.flush()
        link = Relationship(
            family_id=families[0].id,
            from_person_id=child.id,
            to_person_id=carer.id,
            type="FSTPRN",
            support_role="Foster carer",
        )
        db.session.add(link)
        db.session.commit()
        carer_id, link_id = str(carer.id), str(link.id)
    phone = device(app, "amara")
    phone.pull()
    assert phone.get("person", carer_id)["family_name"] == "Holroyd"
    assert carer_id not in {m["person_id"] for m in phone.records_of("membership")}
    # The family's worker may read them; a worker of another family may not.
    worker = make_client("amara")
    assert worker.get(f"/api/people/{carer_id}").status_code == 200
    listed = worker.get(f"/api/people?family_id={families[0].id}").json["items"]
    assert carer_id in {p["id"] for p in listed}
    stranger = device(app, "tomasz")
    stranger.pull()
    assert family_ids(stranger) == {str(elsewhere.id)}
    assert stranger.get("person", carer_id) is None
    assert make_client("tomasz").get(f"/api/people/{carer_id}").status_code == 404
    # Another family leaving the device does not take the carer with it.
    supervisor = make_client("hannah")
    assignment = supervisor.get(f"/api/assignments?family_id={families[1].id}").json["items"][0]
    supervisor.patch(
        f"/api/assignments/{assignment['id']}",
        json={
            "base_version": assignment["version"],
            "ended_on": "2026-11-29",
            "change_reason": "workload",
            "handover_note": "Handed over at the joint visit.",
        },
    )
    phone.pull()
    assert family_ids(phone) == {str(families[0].id)}
    assert phone.get("person", carer_id) is not None
    # Removing the relationship removes the carer from the device.
    assert worker.delete(f"/api/relationships/{link_id}").status_code == 200
    phone.pull()
    assert phone.get("person", carer_id) is None
    assert worker.get(f"/api/people/{carer_id}").status_code == 404
