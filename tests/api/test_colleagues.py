"""Peer consultation and practice suggestions."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.persistence import Consultation, ConsultationReply

ASKER_KEY = "X-Asker-Key"


def new_key() -> str:
    return secrets.token_urlsafe(32)


def ask(client: Any, key: str, title: str = "Teen refusing visits") -> dict[str, Any]:
    posted = client.post(
        "/api/consultations",
        json={
            "title": title,
            "dilemma": "A 15-year-old won't see me. What worked for you?",
            "asker_key": key,
        },
    )
    assert posted.status_code == 201, posted.json
    return posted.json


@pytest.fixture
def two_teams(make_user, make_client):
    """A caseworker asks in North; her supervisor and a colleague there, and two in South."""
    make_user("caseworker", username="amara")
    make_user("caseworker", username="chidi")
    make_user("supervisor", username="hannah")
    make_user("caseworker", team="South", username="ben")
    make_user("supervisor", team="South", username="sofia")
    key = new_key()
    consultation = ask(make_client("amara"), key)
    return consultation, key


def test_a_consultation_keeps_no_link_to_the_asker_or_a_family(app, make_user, make_client):
    make_user("caseworker", username="amara")
    make_user("caseworker", team="South", username="ben")
    asker, peer = make_client("amara"), make_client("ben")
    key = new_key()
    posted = ask(asker, key)
    assert "asker_key" not in posted
    reply = peer.post(
        f"/api/consultations/{posted['id']}/replies", json={"body": "Meet at a cafe."}
    )
    assert reply.status_code == 201
    seen = asker.get(f"/api/consultations/{posted['id']}", headers={ASKER_KEY: key}).json
    assert [r["body"] for r in seen["replies"]] == ["Meet at a cafe."]
    assert "created_by_id" not in seen and "family_id" not in seen
    with app.app_context():
        columns = set(sa.inspect(Consultation).columns.keys())
        # The team it was asked from, so that team cannot read it; no user, no family.
        assert columns == {
            "id",
            "title",
            "dilemma",
            "posted_at",
            "closed_at",
            "asked_in_team_id",
            "asker_key_hash",
        }
        row = db.session.scalars(sa.select(Consultation)).one()
        assert row.asker_key_hash is not None and key not in row.asker_key_hash


def test_a_consultation_is_listed_only_in_other_teams(two_teams, make_client):
    consultation, _ = two_teams
    for username in ("ben", "sofia"):
        listed = make_client(username).get("/api/consultations").json
        assert [c["id"] for c in listed["items"]] == [consultation["id"]]
        assert listed["total"] == 1
    # The asker's own team, her supervisor included, never sees it listed.
    for username in ("amara", "chidi", "hannah"):
        listed = make_client(username).get("/api/consultations").json
        assert listed == {"items": [], "page": 1, "page_size": 50, "total": 0}


def test_a_consultation_is_read_only_in_other_teams_or_by_its_asker(two_teams, make_client):
    consultation, key = two_teams
    address = f"/api/consultations/{consultation['id']}"
    for username in ("ben", "sofia"):
        assert make_client(username).get(address).status_code == 200
    for username in ("chidi", "hannah"):
        # Not found, exactly as if it did not exist.
        refused = make_client(username).get(address)
        assert refused.status_code == 404 and refused.json["code"] == "not_found"
    asker = make_client("amara")
    assert asker.get(address).status_code == 404  # without the key, the asker is her team
    assert asker.get(address, headers={ASKER_KEY: new_key()}).status_code == 404
    assert asker.get(address, headers={ASKER_KEY: key}).json["title"] == "Teen refusing visits"


def test_a_consultation_is_answered_only_from_other_teams_or_by_its_asker(
    app, two_teams, make_client
):
    consultation, key = two_teams
    address = f"/api/consultations/{consultation['id']}/replies"
    for username in ("chidi", "hannah"):
        refused = make_client(username).post(address, json={"body": "Try a walk."})
        assert refused.status_code == 404
    assert make_client("amara").post(address, json={"body": "Me again."}).status_code == 404
    assert make_client("sofia").post(address, json={"body": "Meet at a cafe."}).status_code == 201
    own = make_client("amara").post(
        address, json={"body": "Thank you, I will try."}, headers={ASKER_KEY: key}
    )
    assert own.status_code == 201
    with app.app_context():
        bodies = db.session.scalars(
            sa.select(ConsultationReply.body).order_by(ConsultationReply.created_at)
        ).all()
        assert bodies == ["Meet at a cafe.", "Thank you, I will try."]


def test_a_consultation_needs_a_well_made_asker_key(make_user, make_client):
    make_user("caseworker", username="amara")
    asker = make_client("amara")
    missing = asker.post("/api/consultations", json={"title": "t", "dilemma": "d"})
    assert missing.status_code == 422
    assert missing.json["errors"]["asker_key"] == ["Missing data for required field."]
    short = asker.post(
        "/api/consultations", json={"title": "t", "dilemma": "d", "asker_key": "abc"}
    )
    assert short.json["errors"]["asker_key"] == ["Not an asker's key."]
    posted = ask(asker, new_key())
    bad = asker.get(f"/api/consultations/{posted['id']}", headers={ASKER_KEY: "not a key"})
    assert bad.status_code == 422
    assert bad.json["errors"][ASKER_KEY] == ["Not an asker's key."]


def test_a_consultation_asked_before_teams_were_kept_stays_open_to_all(app, make_user, make_client):
    make_user("supervisor", username="hannah")
    make_user("caseworker", team="South", username="ben")
    with app.app_context():
        db.session.add(Consultation(title="Older dilemma", dilemma="Asked last year."))
        db.session.commit()
    for username in ("hannah", "ben"):
        listed = make_client(username).get("/api/consultations").json["items"]
        assert [c["title"] for c in listed] == ["Older dilemma"]


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_analysts_and_admins_neither_ask_nor_read_nor_answer(
    two_teams, role, make_user, make_client
):
    consultation, key = two_teams
    make_user(role, username="outsider", team=None)
    outsider = make_client("outsider")
    address = f"/api/consultations/{consultation['id']}"
    answers = [
        outsider.get("/api/consultations"),
        outsider.get(address),
        outsider.get(address, headers={ASKER_KEY: key}),
        outsider.post(address + "/replies", json={"body": "An idea"}),
        outsider.post(
            "/api/consultations", json={"title": "t", "dilemma": "d", "asker_key": new_key()}
        ),
    ]
    for answer in answers:
        assert answer.status_code == 403
        assert answer.json["message"] == "Peer consultation is for caseworkers and supervisors."


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
