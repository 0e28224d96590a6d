"""When a child may be at immediate risk: the council's numbers, and agreement by phone."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.persistence import AuditEvent, RecordHistory

from .casework import POLICY, created, practice_lead_beside, publish_practice_settings

NUMBERS = {
    "team_manager": "020 7946 0123",
    "duty_team": "020 7946 0456",
    "emergency_duty_team": "0161 496 0789",
}
URGENT_POLICY = {
    "categories": [
        *POLICY["categories"],
        {
            "key": "child_protection_strategy",
            "label": "Call a strategy discussion",
            "light": "red",
            "urgent": True,
        },
    ],
    "reason": "A strategy discussion cannot wait for the next supervision.",
}


@pytest.fixture
def team(make_user, make_client):
    """North: two caseworkers, two supervisors; a supervisor of East; a practice lead."""
    make_user("admin", username="root", team=None)
    make_user("caseworker", username="amara", display_name="Amara Mensah")
    make_user("caseworker", username="ben", display_name="Ben Ode")
    make_user("supervisor", username="hannah", display_name="Hannah Ward")
    make_user("supervisor", username="omar", display_name="Omar Reid")
    make_user("supervisor", username="elsa", team="East", display_name="Elsa Berg")
    admin = make_client("root")
    publish_practice_settings(admin)
    lead = practice_lead_beside(admin)
    assert lead.post("/api/decision-policy", json=URGENT_POLICY).status_code == 201
    return {
        "admin": admin,
        "lead": lead,
        "worker": make_client("amara"),
        "supervisor": make_client("hannah"),
        "other_supervisor": make_client("omar"),
        "east": make_client("elsa"),
    }


def signed_decision(worker, category: str = "child_protection_strategy", **extra: Any) -> dict:
    family = created(worker.post("/api/families", json={"display_name": "Okoro family"}))
    judgment = created(
        worker.post(
            "/api/judgments",
            json={
                "family_id": family["id"],
                "question": "Call a strategy discussion?",
                "category": category,
            }
            | extra,
        )
    )
    assert worker.post(f"/api/judgments/{judgment['id']}/sign").status_code == 200
    return judgment


def agree_by_phone(worker, judgment_id: str, approver_id: str | None, **extra: Any):
    return worker.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment_id,
            "review_kind": "verbal_approval",
            "body": "Agreed by phone: strategy discussion today.",
            "agreed_by_id": approver_id,
            "agreed_at": (clock.now() - timedelta(minutes=5)).isoformat(),
        }
        | extra,
    )


def decide(supervisor, judgment_id: str, kind: str, body: str = "Confirmed."):
    return supervisor.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment_id,
            "review_kind": kind,
            "body": body,
        },
    )


# --- the council's numbers --------------------------------------------------------------


def test_an_admin_or_practice_lead_sets_the_numbers_and_everyone_reads_them(team):
    worker = team["worker"]
    before = worker.get("/api/urgent-contacts").json
    assert before["configured"] is False
    assert before["emergency_services"] == "999"

    refused = worker.put("/api/urgent-contacts", json=NUMBERS)
    assert refused.status_code == 403
    saved = team["lead"].put("/api/urgent-contacts", json=NUMBERS)
    assert saved.status_code == 200, saved.json
    assert team["admin"].put("/api/urgent-contacts", json=NUMBERS).status_code == 200

    read = worker.get("/api/urgent-contacts").json
    assert read["configured"] is True
    assert {key: read[key] for key in NUMBERS} == NUMBERS


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "Enter a phone number"),
        ("call Hannah", "Enter a UK phone number"),
        ("020 7946", "Enter a UK phone number"),
        ("+1 202 555 0100", "Enter a UK phone number"),
    ],
)
def test_a_number_that_is_not_a_uk_phone_number_gets_a_field_error(team, number, message):
    response = team["lead"].put("/api/urgent-contacts", json=NUMBERS | {"duty_team": number})
    assert response.status_code == 422
    assert response.json["errors"]["duty_team"][0].startswith(message)


def test_numbers_written_internationally_are_accepted(team):
    response = team["lead"].put(
        "/api/urgent-contacts", json=NUMBERS | {"duty_team": "+44 (0)20 7946 0999"}
    )
    assert response.status_code == 200, response.json


def test_a_category_marked_urgent_is_kept_in_the_policy(team):
    categories = team["worker"].get("/api/decision-policy").json["categories"]
    urgent = {c["key"] for c in categories if c.get("urgent")}
    assert urgent == {"child_protection_strategy"}


# --- recording agreement by phone -------------------------------------------------------


def test_a_worker_records_agreement_by_phone_and_the_named_supervisor_confirms_it(team, app):
    worker, supervisor = team["worker"], team["supervisor"]
    judgment = signed_decision(worker)
    assert worker.get(f"/api/judgments/{judgment['id']}").json["status"] == "awaiting_approval"

    agreed = agree_by_phone(worker, judgment["id"], supervisor.user["id"])
    assert agreed.status_code == 201, agreed.json
    assert agreed.json["agreed_by_id"] == supervisor.user["id"]
    assert agreed.json["addressed_to_id"] == supervisor.user["id"]
    now = worker.get(f"/api/judgments/{judgment['id']}").json
    assert now["status"] == "verbal_approval"

    # Another supervisor of the team did not agree it, and cannot confirm it.
    other = decide(team["other_supervisor"], judgment["id"], "approve")
    assert other.status_code == 403
    assert "agreed by phone" in other.json["message"]

    confirmed = decide(supervisor, judgment["id"], "approve", "Confirmed: as agreed on the phone.")
    assert confirmed.status_code == 201, confirmed.json
    done = worker.get(f"/api/judgments/{judgment['id']}").json
    assert done["status"] == "approved"
    assert done["decided_by_id"] == supervisor.user["id"]

    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.record_id == uuid.UUID(judgment["id"]))
            .where(AuditEvent.entity == "judgment", AuditEvent.action == "update")
            .order_by(AuditEvent.id)
        ).all()
        details = [event.detail for event in events if "verbal_approval" in event.detail]
        assert [d["verbal_approval"] for d in details] == ["recorded", "confirmed"]
        recorded = details[0]
        assert recorded["agreed_by_id"] == supervisor.user["id"]
        assert recorded["agreed_at"] == (clock.now() - timedelta(minutes=5)).isoformat()
        assert recorded["received_at"] == clock.now().isoformat()
        assert details[1]["agreed_by_id"] == supervisor.user["id"]
        statuses = [
            row.changes["status"]["new"]
            for row in db.session.scalars(
                sa.select(RecordHistory)
                .where(RecordHistory.record_id == uuid.UUID(judgment["id"]))
                .order_by(RecordHistory.version)
            )
            if "status" in row.changes
        ]
        assert statuses[-2:] == ["verbal_approval", "approved"]


def test_the_supervisor_may_say_they_did_not_agree_which_is_a_decline(team):
    worker, supervisor = team["worker"], team["supervisor"]
    judgment = signed_decision(worker)
    assert agree_by_phone(worker, judgment["id"], supervisor.user["id"]).status_code == 201
    declined = decide(supervisor, judgment["id"], "decline", "I did not agree to this.")
    assert declined.status_code == 201, declined.json
    assert worker.get(f"/api/judgments/{judgment['id']}").json["status"] == "declined"
    # ... and the worker may disagree with it, as with any decline.
    disagreed = worker.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment["id"],
            "review_kind": "disagreement",
            "body": "We spoke at 14:10.",
        },
    )
    assert disagreed.status_code == 201, disagreed.json


def test_a_decision_marked_immediate_risk_may_be_agreed_by_phone_whatever_its_category(team):
    worker, supervisor = team["worker"], team["supervisor"]
    judgment = signed_decision(worker, "share_with_school", immediate_risk=True)
    assert agree_by_phone(worker, judgment["id"], supervisor.user["id"]).status_code == 201


def test_agreement_by_phone_cannot_be_invented_for_an_ordinary_decision(team):
    worker, supervisor = team["worker"], team["supervisor"]
    judgment = signed_decision(worker, "safety_plan_change")
    refused = agree_by_phone(worker, judgment["id"], supervisor.user["id"])
    assert refused.status_code == 409
    assert "urgent category" in refused.json["message"]
    assert worker.get(f"/api/judgments/{judgment['id']}").json["status"] == "awaiting_approval"


def test_only_the_decisions_author_records_agreement_by_phone_and_only_once(team, make_client):
    worker, supervisor = team["worker"], team["supervisor"]
    judgment = signed_decision(worker)
    other_worker = make_client("ben")
    # Ben is not on the family: it is not found for him.
    assert agree_by_phone(other_worker, judgment["id"], supervisor.user["id"]).status_code == 404
    by_supervisor = agree_by_phone(supervisor, judgment["id"], team["other_supervisor"].user["id"])
    assert by_supervisor.status_code == 403
    assert agree_by_phone(worker, judgment["id"], supervisor.user["id"]).status_code == 201
    again = agree_by_phone(worker, judgment["id"], supervisor.user["id"])
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("east", "Choose a supervisor or manager of the family's team."),
        ("ben", "Choose a supervisor or manager of the family's team."),
        ("amara", "Someone other than you must agree the decision."),
        (None, "Choose who agreed the decision."),
    ],
)
def test_the_approver_must_be_a_supervisor_of_the_familys_team(team, make_client, who, message):
    worker = team["worker"]
    judgment = signed_decision(worker)
    approver = None
    if who == "east":
        approver = team["east"].user["id"]
    elif who is not None:
        approver = make_client(who).user["id"]
    response = agree_by_phone(worker, judgment["id"], approver)
    assert response.status_code == 422
    assert response.json["errors"]["agreed_by_id"] == [message]


def test_the_time_they_agreed_is_required_and_not_in_the_future(team):
    worker, supervisor = team["worker"], team["supervisor"]
    judgment = signed_decision(worker)
    missing = agree_by_phone(worker, judgment["id"], supervisor.user["id"], agreed_at=None)
    assert missing.status_code == 422
    assert missing.json["errors"]["agreed_at"] == ["Enter when they agreed."]
    ahead = (clock.now() + timedelta(hours=1)).isoformat()
    future = agree_by_phone(worker, judgment["id"], supervisor.user["id"], agreed_at=ahead)
    assert future.status_code == 422
    assert "in the past" in future.json["errors"]["agreed_at"][0]
    garbled = agree_by_phone(worker, judgment["id"], supervisor.user["id"], agreed_at="teatime")
    assert garbled.status_code == 422
    assert "agreed_at" in garbled.json["errors"]


def test_only_a_verbal_approval_names_who_agreed(team):
    worker, supervisor = team["worker"], team["supervisor"]
    judgment = signed_decision(worker)
    response = supervisor.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment["id"],
            "review_kind": "comment",
            "body": "Call me.",
            "agreed_by_id": supervisor.user["id"],
        },
    )
    assert response.status_code == 422
    assert "agreed_by_id" in response.json["errors"]


def test_agreement_by_phone_made_offline_syncs_through_the_outbox(team, app):
    """A decision made, signed and agreed by phone offline arrives in one push, in order."""
    worker, supervisor = team["worker"], team["supervisor"]
    family = created(worker.post("/api/families", json={"display_name": "Okoro family"}))
    judgment_id, review_id = str(uuid.uuid4()), str(uuid.uuid4())
    written = clock.now() - timedelta(minutes=30)
    called = clock.now() - timedelta(minutes=20)
    mutations = [
        {
            "entity": "judgment",
            "op": "create",
            "id": judgment_id,
            "data": {
                "family_id": family["id"],
                "question": "Strategy discussion?",
                "category": "child_protection_strategy",
                "immediate_risk": True,
            },
        },
        {"entity": "judgment", "op": "sign", "id": judgment_id, "data": {}},
        {
            "entity": "review",
            "op": "create",
            "id": review_id,
            "data": {
                "target_kind": "judgment",
                "target_id": judgment_id,
                "review_kind": "verbal_approval",
                "body": "Agreed by phone.",
                "agreed_by_id": supervisor.user["id"],
                "agreed_at": called.isoformat(),
            },
        },
    ]
    pushed = worker.post(
        "/api/sync/push",
        json={
            "device_id": str(worker.device_id),
            "schema_version": 1,
            "mutations": [
                {
                    "mutation_id": n,
                    "base_version": 1 if m["op"] == "sign" else None,
                    "client_ts": written.isoformat(),
                    **m,
                }
                for n, m in enumerate(mutations, start=1)
            ],
        },
    )
    assert [r["status"] for r in pushed.json["results"]] == ["applied"] * 3, pushed.json
    stored = worker.get(f"/api/judgments/{judgment_id}").json
    assert stored["status"] == "verbal_approval"
    assert stored["immediate_risk"] is True
    review = worker.get(f"/api/reviews/{review_id}").json
    assert review["agreed_at"] == called.isoformat()
    assert review["device_written_at"] == written.isoformat()
    with app.app_context():
        detail = next(
            event.detail
            for event in db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.record_id == uuid.UUID(judgment_id))
            )
            if event.detail.get("verbal_approval") == "recorded"
        )
    assert detail["device_written_at"] == written.isoformat()
    assert detail["received_at"] == clock.now().isoformat()
    assert decide(supervisor, judgment_id, "approve").status_code == 201
