"""Build a family with one record of every kind through the API, as workers would."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.persistence import User
from tests.conftest import ApiClient

POLICY = {
    "categories": [
        {"key": "routine_support", "label": "Routine support", "light": "green"},
        {"key": "share_with_school", "label": "Share information with school", "light": "yellow"},
        {"key": "safety_plan_change", "label": "Change the safety plan", "light": "red"},
    ],
    "reason": "The council's first decision policy, agreed by the practice board.",
}
VISIT_TEMPLATE = {
    "key": "statutory_visit",
    "name": "Statutory visit",
    "purpose": "statutory_visit",
    "items": [
        {"key": "child_seen", "label": "Child seen", "from_visit": "child_seen"},
        {"key": "child_seen_alone", "label": "Child seen alone", "from_visit": "child_seen_alone"},
        {"key": "bedroom_seen", "label": "Bedroom seen"},
    ],
    "timescale": {"every": {"count": 10, "unit": "working_days"}},
    "legal_basis": "Children Act 1989",
}


PRACTICE_LEAD = "practice.lead"


def practice_lead_beside(admin: ApiClient) -> ApiClient:
    """Return a practice lead signed in on the admin's server (made, if there is none yet).

    The lead shares the admin's password hash, so signs in with the tests' password.
    """
    app = admin.client.application
    with app.app_context():
        if db.session.scalar(sa.select(User).where(User.username == PRACTICE_LEAD)) is None:
            someone = db.session.scalars(sa.select(User).order_by(User.created_at)).first()
            assert someone is not None, "make a user before the practice lead"
            db.session.add(
                User(
                    username=PRACTICE_LEAD,
                    display_name="Pat Lead",
                    role="practice_lead",
                    password_hash=someone.password_hash,
                )
            )
            db.session.commit()
    lead = ApiClient(app.test_client())
    assert lead.login(PRACTICE_LEAD).status_code == 200
    return lead


def publish_practice_settings(admin: ApiClient) -> dict[str, Any]:
    """Publish a decision policy (as a practice lead) and a visit template; return the template."""
    published = practice_lead_beside(admin).post("/api/decision-policy", json=POLICY)
    assert published.status_code == 201, published.json
    response = admin.post("/api/checklist-templates", json=VISIT_TEMPLATE)
    assert response.status_code == 201, response.json
    template: dict[str, Any] = response.json
    return template


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.json
    body: dict[str, Any] = response.json
    return body


def build_family(
    worker: ApiClient, supervisor: ApiClient, template_id: str, name: str = "Okoro"
) -> dict[str, str]:
    """Open a family as ``worker`` and record one of everything; return ids by kind."""
    family = created(
        worker.post(
            "/api/families", json={"display_name": f"{name} family", "goals": ["Stay together"]}
        )
    )
    fid = family["id"]
    mum = created(
        worker.post(
            "/api/people", json={"family_id": fid, "given_name": "Grace", "family_name": name}
        )
    )
    child = created(
        worker.post(
            "/api/people",
            json={
                "family_id": fid,
                "given_name": "Tobi",
                "family_name": name,
                "is_child": True,
                "date_of_birth": "2017-03-04",
                "ethnicity": "BAFR",
            },
        )
    )
    membership = worker.get(f"/api/memberships?family_id={fid}").json["items"][0]
    relationship = created(
        worker.post(
            "/api/relationships",
            json={
                "family_id": fid,
                "from_person_id": child["id"],
                "to_person_id": mum["id"],
                "type": "MTH",
                "quality": "strong",
            },
        )
    )
    interaction = created(
        worker.post(
            "/api/interactions",
            json={
                "family_id": fid,
                "occurred_at": "2026-11-20T10:00:00+00:00",
                "mode": "home_visit",
                "purpose": "statutory_visit",
                "participants": [{"person_id": child["id"], "seen": True, "seen_alone": True}],
            },
        )
    )
    note = created(
        worker.post(
            "/api/notes",
            json={
                "family_id": fid,
                "interaction_id": interaction["id"],
                "sections": {
                    "what_happened": "We baked bread together.",
                    "child_voice": "I like the dog.",
                },
            },
        )
    )
    assert worker.post(f"/api/notes/{note['id']}/sign").status_code == 200
    amendment = created(
        worker.post(
            f"/api/notes/{note['id']}/amendments",
            json={"reason": "Wrong pet", "changes": {"child_voice": "I like the cat."}},
        )
    )
    judgment = created(
        worker.post(
            "/api/judgments",
            json={
                "family_id": fid,
                "question": "Tell the school?",
                "category": "share_with_school",
                "decision": "Yes, with consent",
                "rationale": "Tobi asked for help at school",
            },
        )
    )
    assert worker.post(f"/api/judgments/{judgment['id']}/sign").status_code == 200
    checklist = created(
        worker.post(
            "/api/checklists",
            json={
                "family_id": fid,
                "template_id": template_id,
                "interaction_id": interaction["id"],
                "child_ids": [child["id"]],
            },
        )
    )
    item = worker.get(f"/api/checklist-items?checklist_id={checklist['id']}").json["items"][0]
    conference = created(
        worker.post(
            "/api/conferences",
            json={
                "family_id": fid,
                "referral": {"reason": "Support network", "questions": ["Who helps?"]},
            },
        )
    )
    plan_action = created(
        worker.post(
            "/api/plan-actions",
            json={
                "family_id": fid,
                "conference_id": conference["id"],
                "task": "Walk to school",
                "who": "Aunt Bisi",
            },
        )
    )
    review = created(
        supervisor.post(
            "/api/reviews",
            json={
                "target_kind": "note",
                "target_id": note["id"],
                "review_kind": "question",
                "body": "What helped Tobi talk about the dog?",
            },
        )
    )
    assignment = worker.get(f"/api/assignments?family_id={fid}").json["items"][0]
    session = created(
        supervisor.post(
            "/api/supervision-sessions",
            json={
                "held_at": "2026-11-25T14:00:00+00:00",
                "title": "Working with fathers",
                "attendee_ids": [worker.user["id"]],
            },
        )
    )
    discussion = created(
        supervisor.post(
            "/api/supervision-discussions",
            json={
                "session_id": session["id"],
                "family_id": fid,
                "questions": [{"id": random_id(), "question": "What is Tobi telling us?"}],
                "actions": [
                    {
                        "id": random_id(),
                        "task": "Ask Tobi's father to the next visit",
                        "owner_id": worker.user["id"],
                        "due_on": "2026-12-05",
                    }
                ],
            },
        )
    )
    plan_episode = created(
        worker.post(
            "/api/plan-episodes",
            json={
                "family_id": fid,
                "person_id": child["id"],
                "plan_type": "child_in_need",
                "started_on": (clock.today() - timedelta(days=40)).isoformat(),
            },
        )
    )
    return {
        "family": fid,
        "person": child["id"],
        "membership": membership["id"],
        "relationship": relationship["id"],
        "assignment": assignment["id"],
        "interaction": interaction["id"],
        "note": note["id"],
        "amendment": amendment["id"],
        "judgment": judgment["id"],
        "checklist": checklist["id"],
        "checklist_item": item["id"],
        "review": review["id"],
        "conference": conference["id"],
        "plan_action": plan_action["id"],
        "supervision_session": session["id"],
        "supervision_discussion": discussion["id"],
        "plan_episode": plan_episode["id"],
    }


def random_id() -> str:
    return str(uuid.uuid4())
