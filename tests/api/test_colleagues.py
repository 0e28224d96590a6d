"""Peer consultation and practice suggestions."""

from __future__ import annotations

import sqlalchemy as sa

from server.extensions import db
from server.persistence import Consultation


def test_a_consultation_keeps_no_link_to_the_asker_or_a_family(app, make_user, make_client):
    make_user("caseworker", username="amara")
    make_user("caseworker", team="South", username="ben")
    asker, peer = make_client("amara"), make_client("ben")
    posted = asker.post(
        "/api/consultations",
        json={
            "title": "Teen refusing visits",
            "dilemma": "A 15-year-old won't see me. What worked for you?",
        },
    )
    assert posted.status_code == 201
    reply = peer.post(
        f"/api/consultations/{posted.json['id']}/replies", json={"body": "Meet at a cafe."}
    )
    assert reply.status_code == 201
    seen = asker.get(f"/api/consultations/{posted.json['id']}").json
    assert [r["body"] for r in seen["replies"]] == ["Meet at a cafe."]
    assert "created_by_id" not in seen and "family_id" not in seen
    with app.app_context():
        columns = set(sa.inspect(Consultation).columns.keys())
        assert columns == {"id", "title", "dilemma", "posted_at", "closed_at"}
        assert db.session.scalar(sa.select(sa.func.count(Consultation.id))) == 1


def test_analysts_and_admins_do_not_take_part_in_peer_consultation(make_user, make_client):
    make_user("analyst", username="priya", team=None)
    response = make_client("priya").post("/api/consultations", json={"title": "t", "dilemma": "d"})
    assert response.status_code == 403


def test_a_suggestions_answer_reaches_every_member_of_staff(make_user, make_client):
    make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    make_user("analyst", username="priya", team=None)
    make_user("admin", username="root", team=None)
    idea = (
        make_client("amara")
        .post(
            "/api/suggestions",
            json={"title": "Evening visits", "body": "Parents who work could meet after 6pm."},
        )
        .json
    )
    assert idea["status"] == "submitted"
    worker = make_client("amara")
    refused = worker.post(
        f"/api/suggestions/{idea['id']}/answer", json={"status": "adopted", "response": "Yes"}
    )
    assert refused.status_code == 403
    bare = make_client("hannah").post(
        f"/api/suggestions/{idea['id']}/answer", json={"status": "adopted", "response": " "}
    )
    assert bare.status_code == 422 and "response" in bare.json["errors"]
    answered = make_client("hannah").post(
        f"/api/suggestions/{idea['id']}/answer",
        json={"status": "being_tried", "response": "Trying it in North for three months."},
    )
    assert answered.status_code == 200
    for username in ("amara", "priya", "root"):
        listed = make_client(username).get("/api/suggestions").json["items"]
        assert [(s["status"], s["response"]) for s in listed] == [
            ("being_tried", "Trying it in North for three months.")
        ]
