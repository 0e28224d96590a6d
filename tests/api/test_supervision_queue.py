"""The supervision queue through the API: asks to discuss, samples, settings, group approvals."""

from __future__ import annotations

import uuid

import pytest

from .casework import POLICY, created, practice_lead_beside, publish_practice_settings


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def north(make_user, make_client, make_family):
    """North: a supervisor and a caseworker with a family; a South supervisor; an admin."""
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    hannah = make_user("supervisor", username="hannah")
    amara = make_user("caseworker", username="amara")
    make_user("supervisor", username="second.sup")
    make_user("supervisor", team="South", username="south.sup")
    okoro = make_family(team_of=hannah, worker=amara, name="Okoro")
    return {"hannah": hannah, "amara": amara, "okoro": okoro}


def signed_note(client, family) -> dict:
    note = created(
        client.post(
            "/api/notes",
            json={"family_id": str(family.id), "sections": {"what_happened": "We talked."}},
        )
    )
    return client.post(f"/api/notes/{note['id']}/sign").json


def signed_judgment(client, family, category="routine_support", **extra) -> dict:
    judgment = created(
        client.post(
            "/api/judgments",
            json={
                "family_id": str(family.id),
                "question": "Should we change how often we visit?",
                "category": category,
                "decision": "Visit weekly for a month",
                **extra,
            },
        )
    )
    return client.post(f"/api/judgments/{judgment['id']}/sign").json


def review(client, target_kind, target_id, review_kind, body="Can we talk this through?", **extra):
    return client.post(
        "/api/reviews",
        json={
            "target_kind": target_kind,
            "target_id": target_id,
            "review_kind": review_kind,
            "body": body,
            **extra,
        },
    )


def test_a_worker_asks_to_talk_a_note_through_once_until_it_is_discussed(north, make_client):
    amara, hannah = make_client("amara"), make_client("hannah")
    note = signed_note(amara, north["okoro"])
    asked = created(review(amara, "note", note["id"], "ask_to_discuss", "Was I too direct?"))
    assert asked["review_kind"] == "ask_to_discuss"
    again = review(amara, "note", note["id"], "ask_to_discuss")
    assert again.status_code == 422
    assert "already waiting" in again.json["errors"]["review_kind"][0]
    # The supervisor sees it and closes it by marking it discussed, answering the ask.
    assert hannah.get(f"/api/reviews?target_id={note['id']}").json["total"] == 1
    created(
        review(hannah, "note", note["id"], "discussed", "Talked on Tuesday.", parent_id=asked["id"])
    )
    assert hannah.get(f"/api/notes/{note['id']}").json["review_status"] == "discussed"
    # Closed, so it can be asked about again.
    created(review(amara, "note", note["id"], "ask_to_discuss", "One more thing"))


def test_a_green_decision_asked_about_can_be_marked_discussed_and_keeps_its_status(
    north, make_client
):
    amara, hannah = make_client("amara"), make_client("hannah")
    judgment = signed_judgment(amara, north["okoro"])
    assert judgment["status"] == "logged"
    # Without an ask, a green decision is not for discussion.
    refused = review(hannah, "judgment", judgment["id"], "discussed", "Fine.")
    assert refused.status_code == 409
    asked = created(review(amara, "judgment", judgment["id"], "ask_to_discuss"))
    created(review(hannah, "judgment", judgment["id"], "discussed", "Fine.", parent_id=asked["id"]))
    assert hannah.get(f"/api/judgments/{judgment['id']}").json["status"] == "logged"


def test_only_a_supervisor_draws_a_sample(north, make_client):
    amara, hannah = make_client("amara"), make_client("hannah")
    note = signed_note(amara, north["okoro"])
    assert review(amara, "note", note["id"], "sampled").status_code == 403
    created(review(hannah, "note", note["id"], "sampled", "In this month's sample"))
    # Already waiting: the worker's ask adds nothing.
    assert review(amara, "note", note["id"], "ask_to_discuss").status_code == 422


def test_a_draft_cannot_be_asked_about(north, make_client):
    amara = make_client("amara")
    note = created(
        amara.post(
            "/api/notes",
            json={"family_id": str(north["okoro"].id), "sections": {"what_happened": "Draft"}},
        )
    )
    assert review(amara, "note", note["id"], "ask_to_discuss").status_code == 409


def test_team_settings_are_read_by_the_team_and_changed_by_its_supervisor(north, make_client):
    amara, hannah = make_client("amara"), make_client("hannah")
    settings = amara.get("/api/supervision-settings").json
    assert settings["queue_age_days"] == 60
    assert settings["sample_size"] == 2 and settings["sample_size_new"] == 4
    wanted = {"queue_age_days": 30, "sample_size": 1, "sample_size_new": 3}
    assert amara.put("/api/supervision-settings", json=wanted).status_code == 403
    assert hannah.put("/api/supervision-settings", json=wanted).json["queue_age_days"] == 30
    assert amara.get("/api/supervision-settings").json["sample_size_new"] == 3
    # South's settings are their own.
    assert make_client("south.sup").get("/api/supervision-settings").json["queue_age_days"] == 60


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"queue_age_days": 3, "sample_size": 1, "sample_size_new": 2}, "queue_age_days"),
        ({"queue_age_days": 60, "sample_size": 3, "sample_size_new": 2}, "sample_size_new"),
        ({"queue_age_days": 60, "sample_size": "two", "sample_size_new": 2}, "sample_size"),
        ({"queue_age_days": 60, "sample_size_new": 2}, "sample_size"),
    ],
)
def test_settings_out_of_bounds_get_field_messages(north, make_client, values, field):
    response = make_client("hannah").put("/api/supervision-settings", json=values)
    assert response.status_code == 422
    assert field in response.json["errors"]


def group_decision(hannah, north) -> dict:
    session = created(
        hannah.post(
            "/api/supervision-sessions",
            json={
                "held_at": "2026-11-25T14:00:00+00:00",
                "title": "Working with fathers",
                "attendee_ids": [str(north["amara"].id)],
            },
        )
    )
    discussion = created(
        hannah.post(
            "/api/supervision-discussions",
            json={"session_id": session["id"], "family_id": str(north["okoro"].id)},
        )
    )
    judgment = signed_judgment(
        hannah,
        north["okoro"],
        category="safety_plan_change",
        supervision_discussion_id=discussion["id"],
    )
    assert judgment["status"] == "awaiting_approval"
    return judgment


def test_a_red_decision_from_group_supervision_goes_to_the_facilitator(north, make_client):
    hannah = make_client("hannah")
    judgment = group_decision(hannah, north)
    # Under the default policy the facilitator who recorded it approves it; nobody else.
    other = review(make_client("second.sup"), "judgment", judgment["id"], "approve", "Yes")
    assert other.status_code == 403
    assert "facilitator" in other.json["message"]
    created(review(hannah, "judgment", judgment["id"], "approve", "Agreed by the group"))
    decided = hannah.get(f"/api/judgments/{judgment['id']}").json
    assert decided["status"] == "approved"
    assert decided["decided_by_id"] == str(north["hannah"].id)


def test_the_policy_can_send_group_decisions_to_another_supervisor(north, make_client):
    root = practice_lead_beside(make_client("root"))
    policy = {
        **POLICY,
        "reason": "Group decisions need a second supervisor",
        "group_supervision_approver": "another_supervisor",
    }
    published = root.post("/api/decision-policy", json=policy)
    assert published.status_code == 201
    assert published.json["group_supervision_approver"] == "another_supervisor"
    # A later version that does not say keeps the choice.
    kept = root.post("/api/decision-policy", json={**POLICY, "reason": "Wording"}).json
    assert kept["group_supervision_approver"] == "another_supervisor"
    hannah = make_client("hannah")
    judgment = group_decision(hannah, north)
    assert review(hannah, "judgment", judgment["id"], "approve", "Mine").status_code == 403
    created(review(make_client("second.sup"), "judgment", judgment["id"], "decline", "Not yet"))
    assert hannah.get(f"/api/judgments/{judgment['id']}").json["status"] == "declined"


def test_an_unknown_approver_rule_is_refused(north, make_client):
    response = practice_lead_beside(make_client("root")).post(
        "/api/decision-policy", json={**POLICY, "group_supervision_approver": "anyone"}
    )
    assert response.status_code == 422
    assert "group_supervision_approver" in response.json["errors"]
