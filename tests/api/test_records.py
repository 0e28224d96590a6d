"""Case records through the API: drafts and signing, amendments, lights, checklists, conflicts."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.persistence import AuditEvent, Note, PlanEpisode, RecordHistory
from server.services.case_records import checklist_item_id

from .casework import build_family, created, publish_practice_settings


@pytest.fixture
def team(make_user, make_client):
    """A North team: a caseworker and a supervisor, with a policy and a visit template."""
    make_user("admin", username="root", team=None)
    make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    make_user("supervisor", username="omar")
    template = publish_practice_settings(make_client("root"))
    worker, supervisor = make_client("amara"), make_client("hannah")
    return worker, supervisor, template


def test_a_caseworker_who_opens_a_family_is_assigned_to_it(team):
    worker, _, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Adeyemi family"}))
    assert family["version"] == 1 and family["created_by_id"] == worker.user["id"]
    listing = worker.get("/api/families").json
    assert [item["id"] for item in listing["items"]] == [family["id"]]
    assignments = worker.get(f"/api/assignments?family_id={family['id']}").json["items"]
    assert assignments[0]["worker_id"] == worker.user["id"]
    assert assignments[0]["ended_on"] is None


def test_client_made_id_makes_create_safe_to_retry(team):
    worker, _, _ = team
    family_id = str(uuid.uuid4())
    first = worker.post("/api/families", json={"id": family_id, "display_name": "Lee family"})
    again = worker.post("/api/families", json={"id": family_id, "display_name": "Lee family"})
    assert first.status_code == 201 and first.json["id"] == family_id
    assert again.status_code == 409
    assert worker.get("/api/families").json["total"] == 1


def test_a_signed_note_cannot_change_and_is_corrected_by_amendment(team, app):
    worker, _, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Singh family"}))
    note = created(
        worker.post(
            "/api/notes",
            json={"family_id": family["id"], "sections": {"what_happened": "First draft"}},
        )
    )
    edited = worker.patch(
        f"/api/notes/{note['id']}",
        json={"base_version": 1, "sections": {"what_happened": "Second draft"}},
    )
    assert edited.status_code == 200 and edited.json["version"] == 2
    signed = worker.post(f"/api/notes/{note['id']}/sign")
    assert signed.json["state"] == "signed" and signed.json["signed_at"]

    refused = worker.patch(
        f"/api/notes/{note['id']}",
        json={"base_version": 3, "sections": {"what_happened": "Sneaky"}},
    )
    assert refused.status_code == 409 and refused.json["code"] == "record_signed"
    assert worker.delete(f"/api/notes/{note['id']}").json["code"] == "record_signed"

    amendment = created(
        worker.post(
            f"/api/notes/{note['id']}/amendments",
            json={"reason": "Misheard", "changes": {"what_happened": "Corrected"}},
        )
    )
    assert amendment["target_id"] == note["id"] and amendment["reason"] == "Misheard"
    original = worker.get(f"/api/notes/{note['id']}").json
    assert original["sections"] == {"what_happened": "Second draft"}
    listed = worker.get(f"/api/amendments?target_id={note['id']}").json["items"]
    assert [a["changes"] for a in listed] == [{"what_happened": "Corrected"}]


def test_amending_a_draft_or_an_unknown_section_is_refused(team):
    worker, _, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Khan family"}))
    note = created(worker.post("/api/notes", json={"family_id": family["id"], "sections": {}}))
    draft = worker.post(
        f"/api/notes/{note['id']}/amendments", json={"reason": "r", "changes": {"strengths": "s"}}
    )
    assert draft.status_code == 409
    worker.post(f"/api/notes/{note['id']}/sign")
    unknown = worker.post(
        f"/api/notes/{note['id']}/amendments", json={"reason": "r", "changes": {"nope": "s"}}
    )
    assert unknown.status_code == 422 and "changes" in unknown.json["errors"]


def test_the_persistence_layer_refuses_to_change_a_signed_note(team, app):
    worker, _, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Jones family"}))
    note = created(
        worker.post("/api/notes", json={"family_id": family["id"], "sections": {"strengths": "a"}})
    )
    worker.post(f"/api/notes/{note['id']}/sign")
    from server.domain.errors import RecordSigned

    with app.app_context():
        row = db.session.get(Note, uuid.UUID(note["id"]))
        row.sections = {"strengths": "rewritten"}
        with pytest.raises(RecordSigned):
            db.session.commit()
        db.session.rollback()
        # Bypassing the ORM does not help on PostgreSQL: a trigger refuses it too.
        if db.engine.dialect.name == "postgresql":
            with pytest.raises(sa.exc.DBAPIError):
                db.session.execute(
                    sa.text("UPDATE note SET sections = '{}'::jsonb WHERE id = :id"), {"id": row.id}
                )
            db.session.rollback()


@pytest.mark.parametrize(
    ("category", "light", "status"),
    [
        ("routine_support", "green", "logged"),
        ("share_with_school", "yellow", "awaiting_discussion"),
        ("safety_plan_change", "red", "awaiting_approval"),
        ("something_unlisted", "yellow", "awaiting_discussion"),
    ],
)
def test_a_judgment_takes_its_light_from_the_policy(team, category, light, status):
    worker, _, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Brown family"}))
    judgment = created(
        worker.post(
            "/api/judgments",
            json={"family_id": family["id"], "question": "q", "category": category},
        )
    )
    assert judgment["light"] == light and judgment["policy_version"] == 1
    assert judgment["status"] == "draft"
    signed = worker.post(f"/api/judgments/{judgment['id']}/sign").json
    assert signed["status"] == status


def test_red_decisions_need_a_supervisor_who_is_not_the_author(team, make_client):
    worker, supervisor, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Green family"}))
    judgment = created(
        worker.post(
            "/api/judgments",
            json={
                "family_id": family["id"],
                "question": "Move Tobi?",
                "category": "safety_plan_change",
            },
        )
    )
    worker.post(f"/api/judgments/{judgment['id']}/sign")
    by_worker = worker.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment["id"],
            "review_kind": "approve",
            "body": "ok",
        },
    )
    assert by_worker.status_code == 403

    # A supervisor's own red entry cannot be approved by that supervisor.
    own = created(
        supervisor.post(
            "/api/judgments",
            json={"family_id": family["id"], "question": "q", "category": "safety_plan_change"},
        )
    )
    supervisor.post(f"/api/judgments/{own['id']}/sign")
    self_approval = supervisor.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": own["id"],
            "review_kind": "approve",
            "body": "fine",
        },
    )
    assert self_approval.status_code == 403
    assert "your own" in self_approval.json["message"]

    approval = supervisor.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment["id"],
            "review_kind": "approve",
            "body": "Agreed: the plan keeps Tobi safe.",
        },
    )
    assert approval.status_code == 201
    approved = worker.get(f"/api/judgments/{judgment['id']}").json
    assert approved["status"] == "approved" and approved["decided_by_id"] == supervisor.user["id"]
    assert approved["version"] == 3
    again = make_client("omar").post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment["id"],
            "review_kind": "decline",
            "body": "no",
        },
    )
    assert again.status_code == 409


def _child_on_a_plan(worker, family_id: str, started_on: date) -> str:
    """Add a child to the family with a child in need plan from ``started_on``; return the child."""
    child = created(
        worker.post(
            "/api/people",
            json={
                "family_id": family_id,
                "given_name": "Tobi",
                "family_name": "Ali",
                "is_child": True,
            },
        )
    )
    created(
        worker.post(
            "/api/plan-episodes",
            json={
                "family_id": family_id,
                "person_id": child["id"],
                "plan_type": "child_in_need",
                "started_on": started_on.isoformat(),
            },
        )
    )
    return str(child["id"])


def test_a_visit_counts_on_the_councils_date_it_happened(app, team):
    from server.jobs.visits import visits_due

    worker, _, template = team
    family = created(worker.post("/api/families", json={"display_name": "Late family"}))
    child = _child_on_a_plan(worker, family["id"], clock.today())

    def visit(occurred_at: str, *, seen: bool) -> dict[str, Any]:
        return created(
            worker.post(
                "/api/interactions",
                json={
                    "family_id": family["id"],
                    "occurred_at": occurred_at,
                    "mode": "home_visit",
                    "purpose": "statutory_visit",
                    "participants": [{"person_id": child, "present": True, "seen": seen}],
                },
            )
        )

    # 00:30 BST on Wednesday 1 July 2026, which is still 30 June in UTC.
    visit("2026-06-30T23:30:00+00:00", seen=True)
    later = visit("2026-07-20T10:00:00+00:00", seen=False)
    with app.app_context():
        episode = db.session.scalars(sa.select(PlanEpisode)).one()
        episode.started_on = date(2026, 6, 1)
        db.session.commit()
    checklist = created(
        worker.post(
            "/api/checklists",
            json={
                "family_id": family["id"],
                "template_id": template["id"],
                "interaction_id": later["id"],
            },
        )
    )
    # Ten working days after 1 July, not after 30 June (14 July).
    assert checklist["due_on"] == "2026-07-15"
    with app.app_context():
        assert visits_due(date(2026, 7, 15)) == {uuid.UUID(family["id"]): date(2026, 7, 15)}


def test_a_checklist_is_made_from_its_template_with_derived_item_ids(team):
    worker, _, template = team
    family = created(worker.post("/api/families", json={"display_name": "Ali family"}))
    no_plan = created(
        worker.post(
            "/api/checklists", json={"family_id": family["id"], "template_id": template["id"]}
        )
    )
    # No child on a plan: no visit was due.
    assert no_plan["purpose"] == "statutory_visit" and no_plan["due_on"] is None
    _child_on_a_plan(worker, family["id"], clock.today())
    checklist = created(
        worker.post(
            "/api/checklists", json={"family_id": family["id"], "template_id": template["id"]}
        )
    )
    assert checklist["purpose"] == "statutory_visit" and checklist["due_on"]
    items = worker.get(f"/api/checklist-items?checklist_id={checklist['id']}").json["items"]
    assert {item["item_key"] for item in items} == {
        "child_seen",
        "child_seen_alone",
        "bedroom_seen",
    }
    for item in items:
        assert item["id"] == str(checklist_item_id(uuid.UUID(checklist["id"]), item["item_key"]))
    item = items[0]
    answered = worker.patch(
        f"/api/checklist-items/{item['id']}", json={"base_version": 1, "answer": "yes"}
    )
    assert answered.status_code == 200 and answered.json["answer"] == "yes"
    done = worker.patch(
        f"/api/checklists/{checklist['id']}",
        json={"base_version": 1, "completed_on": checklist["due_on"]},
    )
    assert done.json["timeliness"] == "met"
    not_creatable = worker.post("/api/checklist-items", json={})
    assert not_creatable.status_code == 405


def test_a_stale_update_is_a_conflict_and_history_keeps_every_value(team):
    worker, supervisor, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Park family"}))
    first = worker.patch(
        f"/api/families/{family['id']}", json={"base_version": 1, "preferred_language": "Korean"}
    )
    assert first.status_code == 200
    stale = supervisor.patch(
        f"/api/families/{family['id']}", json={"base_version": 1, "preferred_language": "English"}
    )
    assert stale.status_code == 409 and stale.json["code"] == "version_conflict"
    assert "base_version" in stale.json["errors"]
    history = worker.get(f"/api/families/{family['id']}/history").json
    assert history[-1]["changes"]["preferred_language"] == {"old": "English", "new": "Korean"}


def test_a_new_address_keeps_the_old_one_in_history(team):
    worker, _, _ = team
    family = created(
        worker.post(
            "/api/families",
            json={"display_name": "Wood family", "address": {"line1": "1 Mill Lane"}},
        )
    )
    moved = worker.patch(
        f"/api/families/{family['id']}",
        json={"base_version": 1, "address": {"line1": "9 River Road"}},
    ).json
    assert moved["address"]["line1"] == "9 River Road"
    assert moved["address_history"][0]["line1"] == "1 Mill Lane"


def test_soft_delete_leaves_a_tombstone(team):
    worker, _, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Hall family"}))
    action = created(
        worker.post("/api/plan-actions", json={"family_id": family["id"], "task": "t", "who": "w"})
    )
    deleted = worker.delete(f"/api/plan-actions/{action['id']}")
    assert deleted.status_code == 200 and deleted.json["deleted_at"]
    assert worker.get("/api/plan-actions").json["total"] == 0
    assert worker.get("/api/plan-actions?include_deleted=true").json["total"] == 1
    assert worker.get(f"/api/plan-actions/{action['id']}").status_code == 404


def test_references_must_belong_to_the_same_family(team):
    worker, _, _ = team
    one = created(worker.post("/api/families", json={"display_name": "One family"}))
    two = created(worker.post("/api/families", json={"display_name": "Two family"}))
    person = created(
        worker.post(
            "/api/people", json={"family_id": one["id"], "given_name": "A", "family_name": "B"}
        )
    )
    response = worker.post(
        "/api/relationships",
        json={
            "family_id": two["id"],
            "from_person_id": person["id"],
            "to_organisation": "School",
            "type": "TEACHER",
        },
    )
    assert response.status_code == 422 and "from_person_id" in response.json["errors"]


def test_analysts_and_admins_cannot_write_case_records(team, make_user, make_client):
    make_user("analyst", username="priya", team="North")
    for username in ("priya", "root"):
        response = make_client(username).post("/api/families", json={"display_name": "X family"})
        assert response.status_code == 403


def test_every_read_and_write_of_a_family_is_audited(team, app):
    worker, supervisor, template = team
    ids = build_family(worker, supervisor, template["id"])
    worker.get(f"/api/notes/{ids['note']}")
    worker.get(f"/api/notes?family_id={ids['family']}")
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.family_id == uuid.UUID(ids["family"]))
        ).all()
    seen = {(e.action, e.entity) for e in events}
    assert ("read", "note") in seen and ("list", "note") in seen
    assert ("create", "family") in seen and ("sign", "note") in seen and ("amend", "note") in seen
    reads = [e for e in events if e.action == "read"]
    assert all(
        e.user_id == uuid.UUID(worker.user["id"]) and e.device_id == worker.device_id for e in reads
    )


def test_audit_and_history_rows_can_never_change(team, app):
    worker, _, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Audit family"}))
    worker.patch(
        f"/api/families/{family['id']}", json={"base_version": 1, "preferred_language": "Polish"}
    )
    from server.persistence.guards import AppendOnlyViolation

    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent)).first()
        event.action = "nothing"
        with pytest.raises(AppendOnlyViolation):
            db.session.commit()
        db.session.rollback()
        history = db.session.scalars(sa.select(RecordHistory)).first()
        db.session.delete(history)
        with pytest.raises(AppendOnlyViolation):
            db.session.commit()
        db.session.rollback()
        for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM record_history"):
            with pytest.raises(sa.exc.DBAPIError):
                db.session.execute(sa.text(statement))
            db.session.rollback()


def test_admin_pages_through_and_exports_the_audit_log(team, make_client):
    worker, _, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Export family"}))
    worker.get(f"/api/families/{family['id']}")
    admin = make_client("root")
    page = admin.get(f"/api/admin/audit?family_id={family['id']}").json
    assert page["total"] >= 2 and {e["action"] for e in page["items"]} >= {"create", "read"}
    export = admin.get(f"/api/admin/audit/export?family_id={family['id']}")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    lines = export.get_data(as_text=True).strip().splitlines()
    assert lines[0].startswith("id,at,user_id") and len(lines) == page["total"] + 1
    assert worker.get("/api/admin/audit").status_code == 403


def test_family_search_is_in_the_body_and_scoped(team, make_user, make_client):
    worker, _, _ = team
    created(worker.post("/api/families", json={"display_name": "Okafor 100% family"}))
    created(
        worker.post(
            "/api/families", json={"display_name": "Other family", "local_reference": "OK-1"}
        )
    )
    found = worker.post("/api/families/search", json={"q": "okafor"}).json
    assert [f["display_name"] for f in found["items"]] == ["Okafor 100% family"]
    assert worker.post("/api/families/search", json={"q": "100%"}).json["total"] == 1
    assert worker.post("/api/families/search", json={"q": "_"}).json["total"] == 0
    # The escape character of the search itself is text too.
    created(worker.post("/api/families", json={"display_name": "Ash/Birch family"}))
    for text, total in (("h/b", 1), ("h/%", 0), ("\\", 0)):
        assert worker.post("/api/families/search", json={"q": text}).json["total"] == total, text
    assert worker.post("/api/families/search", json={"q": "OK-"}).json["total"] == 1
    make_user("caseworker", username="stranger")
    assert (
        make_client("stranger").post("/api/families/search", json={"q": "okafor"}).json["total"]
        == 0
    )
    assert worker.get("/api/families?q=okafor").status_code == 422  # never in the address


def test_sign_ins_and_admin_actions_are_audited(team, app, make_client):
    admin = make_client("root")
    worker, _, _ = team
    user_id = worker.user["id"]
    admin.patch(f"/api/admin/users/{user_id}", json={"display_name": "Amara O."})
    with app.app_context():
        events = {(e.action, e.entity) for e in db.session.scalars(sa.select(AuditEvent))}
    assert {
        ("sign_in", "user"),
        ("update", "user"),
        ("create", "decision_policy"),
        ("create", "checklist_template"),
    } <= events


def test_judgment_options_keep_their_for_and_against(team):
    worker, _, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Options family"}))
    option = {"option": "Tell the school", "for": "Tobi asked", "against": "Mum is unsure"}
    judgment = created(
        worker.post(
            "/api/judgments",
            json={
                "family_id": family["id"],
                "question": "q",
                "category": "routine_support",
                "options": [option],
            },
        )
    )
    assert judgment["options"] == [option]
    assert worker.get(f"/api/judgments/{judgment['id']}").json["options"] == [option]


def test_a_handover_needs_a_note_and_keeps_the_history(team, make_user, make_client):
    worker, supervisor, _ = team
    ben = make_user("caseworker", username="ben")
    family = created(worker.post("/api/families", json={"display_name": "Handover family"}))
    refused = supervisor.post(
        f"/api/families/{family['id']}/handover",
        json={"worker_id": str(ben.id), "change_reason": "workload", "handover_note": "  "},
    )
    assert refused.status_code == 422 and "handover_note" in refused.json["errors"]
    assert worker.get(f"/api/families/{family['id']}").status_code == 200

    note = "Mum prefers texts before visits; Tobi trusts the school nurse."
    moved = supervisor.post(
        f"/api/families/{family['id']}/handover",
        json={"worker_id": str(ben.id), "change_reason": "workload", "handover_note": note},
    )
    assert moved.status_code == 201 and moved.json["worker_id"] == str(ben.id)
    assert worker.get(f"/api/families/{family['id']}").status_code == 404
    assert make_client("ben").get(f"/api/families/{family['id']}").status_code == 200
    history = supervisor.get(f"/api/assignments?family_id={family['id']}").json["items"]
    ended = [a for a in history if a["ended_on"]]
    assert [(a["worker_id"], a["handover_note"]) for a in ended] == [(worker.user["id"], note)]
    again = supervisor.post(
        f"/api/families/{family['id']}/handover",
        json={"worker_id": str(ben.id), "change_reason": "workload", "handover_note": note},
    )
    assert again.status_code == 422 and "worker_id" in again.json["errors"]
    by_worker = worker.post(
        f"/api/families/{family['id']}/handover",
        json={"worker_id": str(ben.id), "change_reason": "workload", "handover_note": note},
    )
    assert by_worker.status_code == 404  # no longer hers to see, let alone hand over


def test_ending_an_assignment_without_a_handover_note_is_refused(team):
    worker, supervisor, _ = team
    family = created(worker.post("/api/families", json={"display_name": "Ending family"}))
    assignment = supervisor.get(f"/api/assignments?family_id={family['id']}").json["items"][0]
    response = supervisor.patch(
        f"/api/assignments/{assignment['id']}",
        json={"base_version": 1, "ended_on": "2026-11-29", "change_reason": "workload"},
    )
    assert response.status_code == 422 and "handover_note" in response.json["errors"]
