"""Group supervision through the API: who sees a session, its discussions and decisions."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.persistence import AuditEvent

from .casework import created, publish_practice_settings


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def group(make_user, make_client, make_family):
    """A North team (supervisor, two caseworkers, a family each) and a South supervisor."""
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    hannah = make_user("supervisor", username="hannah")
    amara = make_user("caseworker", username="amara")
    ben = make_user("caseworker", username="ben")
    make_user("supervisor", team="South", username="south.sup")
    okoro = make_family(team_of=hannah, worker=amara, name="Okoro")
    byrne = make_family(team_of=hannah, worker=ben, name="Byrne")
    return {"hannah": hannah, "amara": amara, "ben": ben, "okoro": okoro, "byrne": byrne}


def start_session(supervisor, attendees, **extra):
    return created(
        supervisor.post(
            "/api/supervision-sessions",
            json={
                "held_at": "2026-11-25T14:00:00+00:00",
                "title": "Working with fathers",
                "attendee_ids": [str(user.id) for user in attendees],
                **extra,
            },
        )
    )


def discuss(supervisor, session, family, owner, **extra):
    return supervisor.post(
        "/api/supervision-discussions",
        json={
            "session_id": session["id"],
            "family_id": str(family.id),
            "questions": [{"id": new_id(), "question": "What is the child telling us?"}],
            "actions": [
                {
                    "id": new_id(),
                    "task": "Invite the father to the next visit",
                    "owner_id": str(owner.id),
                    "due_on": "2026-12-05",
                }
            ],
            **extra,
        },
    )


def test_a_supervisor_outside_the_team_sees_nothing(group, make_client):
    hannah = make_client("hannah")
    session = start_session(hannah, [group["amara"]])
    discussion = created(discuss(hannah, session, group["okoro"], group["amara"]))
    outsider = make_client("south.sup")
    for url in (
        f"/api/supervision-sessions/{session['id']}",
        f"/api/supervision-sessions/{session['id']}/history",
        f"/api/supervision-discussions/{discussion['id']}",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.get("/api/supervision-sessions").json["total"] == 0
    assert outsider.get("/api/supervision-discussions").json["total"] == 0
    refused = outsider.patch(
        f"/api/supervision-sessions/{session['id']}", json={"base_version": 1, "title": "Mine"}
    )
    assert refused.status_code == 404
    # Nor can they start a discussion of the team's family in the team's session.
    assert discuss(outsider, session, group["okoro"], group["amara"]).status_code == 404


def test_a_caseworker_not_assigned_to_a_family_cannot_see_its_discussion(group, make_client):
    hannah = make_client("hannah")
    session = start_session(hannah, [group["amara"], group["ben"]])
    okoro = created(discuss(hannah, session, group["okoro"], group["amara"]))
    byrne = created(discuss(hannah, session, group["byrne"], group["ben"]))
    amara = make_client("amara")
    # She attended, so she sees the session; only the discussion of her own family.
    assert amara.get(f"/api/supervision-sessions/{session['id']}").status_code == 200
    assert amara.get(f"/api/supervision-discussions/{byrne['id']}").status_code == 404
    listed = amara.get(f"/api/supervision-discussions?session_id={session['id']}").json
    assert [item["id"] for item in listed["items"]] == [okoro["id"]]
    # The session list filtered by Byrne shows nothing to her, all to the supervisor.
    by_byrne = f"/api/supervision-sessions?family_id={group['byrne'].id}"
    assert amara.get(by_byrne).json["total"] == 0
    assert hannah.get(by_byrne).json["total"] == 1


def test_a_caseworker_who_did_not_attend_does_not_see_the_session(group, make_client):
    hannah = make_client("hannah")
    session = start_session(hannah, [group["amara"]])
    ben = make_client("ben")
    assert ben.get(f"/api/supervision-sessions/{session['id']}").status_code == 404
    assert ben.get("/api/supervision-sessions").json["total"] == 0


def test_only_a_supervisor_runs_a_session_and_only_with_their_team(group, make_client, make_user):
    amara = make_client("amara")
    refused = amara.post(
        "/api/supervision-sessions",
        json={"held_at": "2026-11-25T14:00:00+00:00", "title": "Peer chat"},
    )
    assert refused.status_code == 403
    stranger = make_user("caseworker", team="South", username="south.worker")
    hannah = make_client("hannah")
    response = hannah.post(
        "/api/supervision-sessions",
        json={
            "held_at": "2026-11-25T14:00:00+00:00",
            "title": "Working with fathers",
            "attendee_ids": [str(group["amara"].id), str(stranger.id)],
            "facilitator_id": str(group["ben"].id),
        },
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"attendee_ids.1", "facilitator_id"}


def test_an_action_goes_to_someone_who_attended_and_works_with_the_family(group, make_client):
    hannah = make_client("hannah")
    session = start_session(hannah, [group["amara"], group["ben"]])
    # Ben attended but does not work with the Okoros: the action would never reach him.
    response = discuss(hannah, session, group["okoro"], group["ben"])
    assert response.status_code == 422
    assert "actions.0.owner_id" in response.json["errors"]


def test_a_decision_is_a_judgment_of_the_family_linked_to_the_discussion(group, make_client):
    hannah = make_client("hannah")
    session = start_session(hannah, [group["amara"]])
    discussion = created(discuss(hannah, session, group["okoro"], group["amara"]))
    judgment = created(
        hannah.post(
            "/api/judgments",
            json={
                "family_id": str(group["okoro"].id),
                "supervision_discussion_id": discussion["id"],
                "question": "Change the safety plan?",
                "category": "safety_plan_change",
                "decision": "Add the grandmother as a safety network member",
            },
        )
    )
    assert judgment["light"] == "red"
    signed = hannah.post(f"/api/judgments/{judgment['id']}/sign").json
    assert signed["status"] == "awaiting_approval"
    # The decision waits for the approver the policy names (tests/api/test_supervision_queue.py).
    amara = make_client("amara")
    linked = amara.get(f"/api/judgments?supervision_discussion_id={discussion['id']}").json
    assert [item["id"] for item in linked["items"]] == [judgment["id"]]
    # A discussion of another family cannot carry this family's decision.
    other = created(discuss(hannah, session, group["byrne"], group["hannah"]))
    wrong = hannah.post(
        "/api/judgments",
        json={
            "family_id": str(group["okoro"].id),
            "supervision_discussion_id": other["id"],
            "question": "Q",
            "category": "routine_support",
        },
    )
    assert wrong.status_code == 422
    assert "supervision_discussion_id" in wrong.json["errors"]


def test_an_attendee_answers_and_moves_their_action_on_but_changes_nothing_else(group, make_client):
    hannah = make_client("hannah")
    session = start_session(hannah, [group["amara"]])
    discussion = created(discuss(hannah, session, group["okoro"], group["amara"]))
    amara = make_client("amara")
    question = {**discussion["questions"][0], "answer": "That school feels safer."}
    action = {**discussion["actions"][0], "status": "done"}
    changed = amara.patch(
        f"/api/supervision-discussions/{discussion['id']}",
        json={"base_version": 1, "questions": [question], "actions": [action]},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["questions"][0]["answer"] == "That school feels safer."
    assert changed.json["actions"][0]["status"] == "done"
    # Rewording the supervisor's question is not an attendee's to do: it is not applied.
    reworded = {**question, "question": "Something else?", "answer": "Still school."}
    again = amara.patch(
        f"/api/supervision-discussions/{discussion['id']}",
        json={"base_version": 2, "questions": [reworded]},
    )
    assert again.status_code == 200
    assert again.json["questions"][0] == {**question, "answer": "Still school."}
    # The header is the supervisors' alone.
    header = amara.patch(
        f"/api/supervision-sessions/{session['id']}", json={"base_version": 1, "title": "Mine"}
    )
    assert header.status_code == 403
    # An attendee cannot delete a discussion; a supervisor can.
    assert amara.delete(f"/api/supervision-discussions/{discussion['id']}").status_code == 403
    assert hannah.delete(f"/api/supervision-discussions/{discussion['id']}").status_code == 200


def test_an_attendee_cannot_move_someone_elses_action(group, make_client):
    hannah = make_client("hannah")
    session = start_session(hannah, [group["amara"]])
    discussion = created(discuss(hannah, session, group["okoro"], group["hannah"]))
    amara = make_client("amara")
    action = {**discussion["actions"][0], "status": "done"}
    refused = amara.patch(
        f"/api/supervision-discussions/{discussion['id']}",
        json={"base_version": 1, "actions": [action]},
    )
    assert refused.status_code == 403


def test_reading_sessions_and_discussions_is_audited_like_other_records(group, make_client, app):
    hannah = make_client("hannah")
    session = start_session(hannah, [group["amara"]])
    discussion = created(discuss(hannah, session, group["okoro"], group["amara"]))
    amara = make_client("amara")
    amara.get("/api/supervision-sessions")
    amara.get(f"/api/supervision-sessions/{session['id']}")
    amara.get(f"/api/supervision-discussions?session_id={session['id']}")
    amara.get(f"/api/supervision-discussions/{discussion['id']}")
    amara.get(f"/api/supervision-discussions/{discussion['id']}/history")
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.user_id == group["amara"].id)
        ).all()
    seen = {(e.action, e.entity, e.record_id, e.family_id) for e in events}
    okoro, session_id = group["okoro"].id, uuid.UUID(session["id"])
    assert ("list", "supervision_session", None, None) in seen
    assert ("read", "supervision_session", session_id, None) in seen
    assert ("list", "supervision_discussion", None, okoro) in seen
    assert ("read", "supervision_discussion", uuid.UUID(discussion["id"]), okoro) in seen
    assert any(e.detail.get("history") for e in events if e.entity == "supervision_discussion")
    assert all(e.device_id == amara.device_id for e in events if e.action in ("list", "read"))


@pytest.mark.parametrize("username", ["amara", "south.sup"])
def test_a_discussion_outside_your_families_is_not_found_whatever_you_try(
    group, make_client, username
):
    """Amara attended but does not work with the Byrnes; South's supervisor is another team."""
    hannah = make_client("hannah")
    session = start_session(hannah, [group["amara"], group["ben"]])
    byrne = created(discuss(hannah, session, group["byrne"], group["ben"]))
    judgment = created(
        hannah.post(
            "/api/judgments",
            json={
                "family_id": str(group["byrne"].id),
                "supervision_discussion_id": byrne["id"],
                "question": "Share with school?",
                "category": "routine_support",
            },
        )
    )
    client = make_client(username)
    url = f"/api/supervision-discussions/{byrne['id']}"
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/history").status_code == 404
    answer = {**byrne["questions"][0], "answer": "Mine"}
    assert client.patch(url, json={"base_version": 1, "questions": [answer]}).status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get(f"/api/judgments/{judgment['id']}").status_code == 404
    # No filter or count tells the discussion, its decision or its family apart from nothing.
    for listing in (
        f"/api/supervision-discussions?session_id={session['id']}",
        f"/api/supervision-discussions?family_id={group['byrne'].id}",
        f"/api/supervision-discussions?include_deleted=true&session_id={session['id']}",
        f"/api/judgments?supervision_discussion_id={byrne['id']}",
        f"/api/supervision-sessions?family_id={group['byrne'].id}",
    ):
        page = client.get(listing).json
        assert page["total"] == 0 and page["items"] == [], listing


def test_working_with_a_family_does_not_show_a_session_you_did_not_attend(group, make_client):
    hannah = make_client("hannah")
    session = start_session(hannah, [group["amara"]])
    discussion = created(discuss(hannah, session, group["byrne"], group["hannah"]))
    ben = make_client("ben")
    # Ben works with the Byrnes, so he reads their discussion: it names the session by id only.
    seen = ben.get(f"/api/supervision-discussions/{discussion['id']}")
    assert seen.status_code == 200
    assert "title" not in seen.json and "attendee_ids" not in seen.json
    # The header (title, who came) stays with those who attended and the team's supervisors.
    assert ben.get(f"/api/supervision-sessions/{session['id']}").status_code == 404
    assert ben.get(f"/api/supervision-sessions/{session['id']}/history").status_code == 404
    assert ben.get(f"/api/supervision-sessions?family_id={group['byrne'].id}").json["total"] == 0
