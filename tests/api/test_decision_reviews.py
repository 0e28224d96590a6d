"""The worker's side of a decision: disagreement, escalation, review; and the private record."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.persistence import AuditEvent, Team, User

from .casework import created, publish_practice_settings


@pytest.fixture
def team(make_user, make_client):
    """North: a caseworker, a second caseworker, a supervisor; a manager in another team."""
    make_user("admin", username="root", team=None)
    make_user("caseworker", username="amara", display_name="Amara Mensah")
    make_user("caseworker", username="ben", display_name="Ben Ode")
    make_user("supervisor", username="hannah", display_name="Hannah Ward")
    make_user("supervisor", username="sam", team="Service managers", display_name="Sam Head")
    make_user("caseworker", username="eve", team="East")
    make_user("supervisor", username="elsa", team="East")
    publish_practice_settings(make_client("root"))
    return make_client("amara"), make_client("hannah")


def review(client, judgment_id: str, kind: str, body: str = "x", **extra: Any):
    return client.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment_id,
            "review_kind": kind,
            "body": body,
            **extra,
        },
    )


def signed_decision(worker, category: str = "safety_plan_change", **fields: Any) -> dict:
    family = created(worker.post("/api/families", json={"display_name": "Okoro family"}))
    judgment = created(
        worker.post(
            "/api/judgments",
            json={"family_id": family["id"], "question": "Move Tobi?", "category": category}
            | fields,
        )
    )
    assert worker.post(f"/api/judgments/{judgment['id']}/sign").status_code == 200
    return judgment


def declined_decision(worker, supervisor) -> dict:
    judgment = signed_decision(worker)
    assert review(supervisor, judgment["id"], "decline", "Not yet safe.").status_code == 201
    return judgment


def set_escalation_contact(app, team_name: str, username: str | None) -> None:
    with app.app_context():
        team = db.session.scalar(sa.select(Team).where(Team.name == team_name))
        contact = db.session.scalar(sa.select(User.id).where(User.username == username))
        team.escalation_contact_id = contact
        db.session.commit()


# --- disagreement and escalation --------------------------------------------------------


def test_the_author_records_disagreement_with_a_declined_decision_on_its_thread(team, app):
    worker, supervisor = team
    judgment = signed_decision(worker)
    early = review(worker, judgment["id"], "disagreement", "I disagree.")
    assert early.status_code == 409
    assert "declined" in early.json["message"]

    assert review(supervisor, judgment["id"], "decline", "Not yet safe.").status_code == 201
    by_supervisor = review(supervisor, judgment["id"], "disagreement", "Hmm")
    assert by_supervisor.status_code == 403
    said = review(worker, judgment["id"], "disagreement", "Tobi's grandmother is ready now.")
    assert said.status_code == 201, said.json
    thread = worker.get(f"/api/reviews?target_id={judgment['id']}").json["items"]
    assert [(r["review_kind"], r["body"]) for r in thread][-1] == (
        "disagreement",
        "Tobi's grandmother is ready now.",
    )
    # The supervisor sees it on the same thread.
    seen = supervisor.get(f"/api/reviews?target_id={judgment['id']}").json["items"]
    assert "disagreement" in [r["review_kind"] for r in seen]
    with app.app_context():
        audited = db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.entity == "review",
                AuditEvent.action == "create",
                AuditEvent.record_id == uuid.UUID(said.json["id"]),
            )
        )
        assert audited is not None


def test_an_escalation_goes_to_the_teams_escalation_contact_who_reads_and_answers_it(
    team, app, make_client
):
    worker, supervisor = team
    judgment = declined_decision(worker, supervisor)
    refused = review(worker, judgment["id"], "escalation", "Please look again.")
    assert refused.status_code == 409
    assert "no escalation contact" in refused.json["message"]

    set_escalation_contact(app, "North", "sam")
    escalated = review(worker, judgment["id"], "escalation", "Please look again.")
    assert escalated.status_code == 201, escalated.json
    manager = make_client("sam")
    assert escalated.json["addressed_to_id"] == manager.user["id"]

    # Sam is not in North: the family is not theirs, but the escalated decision is.
    assert manager.get(f"/api/judgments/{judgment['id']}").status_code == 404
    listed = manager.get("/api/escalations").json
    assert [item["id"] for item in listed] == [escalated.json["id"]]
    assert listed[0]["judgment"]["question"] == "Move Tobi?"
    assert listed[0]["family"]["display_name"] == "Okoro family"
    assert [r["review_kind"] for r in listed[0]["thread"]] == ["decline", "escalation"]

    answer = manager.post(
        f"/api/escalations/{escalated.json['id']}/replies", json={"body": "Let us meet Friday."}
    )
    assert answer.status_code == 201, answer.json
    thread = worker.get(f"/api/reviews?target_id={judgment['id']}").json["items"]
    assert [(r["review_kind"], r["parent_id"]) for r in thread][-1] == (
        "reply",
        escalated.json["id"],
    )
    # No one else reads or answers it.
    other = make_client("elsa")
    assert other.get("/api/escalations").json == []
    assert other.get(f"/api/escalations/{escalated.json['id']}").status_code == 404
    assert (
        other.post(
            f"/api/escalations/{escalated.json['id']}/replies", json={"body": "x"}
        ).status_code
        == 404
    )
    assert manager.post(f"/api/escalations/{escalated.json['id']}/replies", json={}).json[
        "errors"
    ] == {"body": ["Missing data for required field."]}
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent.entity).where(AuditEvent.user_id == uuid.UUID(manager.user["id"]))
        ).all()
        assert "escalation" not in events  # the worker's escalation is audited as theirs
        assert events.count("judgment") >= 1  # each read of the decision is audited
        assert db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.entity == "escalation",
                AuditEvent.record_id == uuid.UUID(escalated.json["id"]),
            )
        )


def test_an_escalation_never_goes_back_to_the_supervisor_who_declined(team, app):
    worker, supervisor = team
    judgment = declined_decision(worker, supervisor)
    set_escalation_contact(app, "North", "hannah")
    refused = review(worker, judgment["id"], "escalation", "Please look again.")
    assert refused.status_code == 409
    assert "declined this decision" in refused.json["message"]


def test_an_admin_names_a_teams_escalation_contact(team, make_client, app):
    admin = make_client("root")
    teams = {t["name"]: t for t in admin.get("/api/teams").json}
    sam = make_client("sam").user["id"]
    url = f"/api/teams/{teams['North']['id']}"
    named = admin.patch(url, json={"escalation_contact_id": sam})
    assert named.json["escalation_contact_id"] == sam
    amara = team[0].user["id"]
    wrong = admin.patch(url, json={"escalation_contact_id": amara})
    assert wrong.status_code == 422
    assert wrong.json["errors"] == {"escalation_contact_id": ["Choose an active supervisor."]}
    assert team[0].patch(url, json={"escalation_contact_id": None}).status_code == 403


# --- reviewing a decision ---------------------------------------------------------------


ANSWERS = {
    "what_happened": "Tobi stayed with his nan; school attendance rose.",
    "hindsight": "right",
    "differently": "Ask the school sooner.",
    "family_view_now": "Nan says it has settled.",
}


def test_reviewing_sets_the_outcome_and_date_directly_not_as_an_amendment(team, app):
    worker, _ = team
    judgment = signed_decision(worker, "routine_support", review_date=clock.today().isoformat())
    today = clock.today().isoformat()
    done = review(
        worker,
        judgment["id"],
        "decision_review",
        "Keep the arrangement.",
        answers={**ANSWERS, "reviewed_on": today},
    )
    assert done.status_code == 201, done.json
    assert done.json["answers"]["hindsight"] == "right"
    after = worker.get(f"/api/judgments/{judgment['id']}").json
    assert (after["review_outcome"], after["reviewed_on"]) == ("Keep the arrangement.", today)
    assert worker.get(f"/api/amendments?target_id={judgment['id']}").json["total"] == 0
    history = worker.get(f"/api/judgments/{judgment['id']}/history").json
    assert set(history[-1]["changes"]) == {"review_outcome", "reviewed_on"}

    again = review(
        worker, judgment["id"], "decision_review", "x", answers={**ANSWERS, "reviewed_on": today}
    )
    assert again.status_code == 409
    assert "reviewed already" in again.json["message"]


def test_a_review_needs_what_happened_a_view_with_hindsight_and_no_future_date(team):
    worker, _ = team
    judgment = signed_decision(worker, "routine_support")
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    bad = review(
        worker,
        judgment["id"],
        "decision_review",
        "Outcome",
        answers={"what_happened": " ", "reviewed_on": tomorrow},
    )
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {
        "answers.what_happened",
        "answers.hindsight",
        "answers.reviewed_on",
    }
    unknown = review(
        worker,
        judgment["id"],
        "decision_review",
        "Outcome",
        answers={**ANSWERS, "hindsight": "maybe", "reviewed_on": clock.today().isoformat()},
    )
    assert unknown.status_code == 422
    assert "hindsight" in unknown.json["errors"]["answers"]
    on_a_comment = review(
        worker, judgment["id"], "comment", "x", answers={**ANSWERS, "reviewed_on": "2020-01-01"}
    )
    assert on_a_comment.status_code == 422
    assert on_a_comment.json["errors"] == {"answers": ["Only a decision's review has answers."]}


def test_only_the_author_or_the_familys_worker_now_reviews_a_decision(team, make_client):
    worker, supervisor = team
    judgment = signed_decision(worker, "routine_support")
    body = {**ANSWERS, "reviewed_on": clock.today().isoformat()}
    by_supervisor = review(supervisor, judgment["id"], "decision_review", "x", answers=body)
    assert by_supervisor.status_code == 403
    # Ben is not this family's worker: to him the decision does not exist.
    by_other = review(make_client("ben"), judgment["id"], "decision_review", "x", answers=body)
    assert by_other.status_code == 404


def test_a_decision_review_through_sync_moves_the_reviewed_count(team, app):
    from server.reports.summary import Period, build_summary

    worker, _ = team
    judgment = signed_decision(worker, "routine_support", review_date=clock.today().isoformat())
    today = clock.today()
    period = Period(today.replace(day=1), today + timedelta(days=1))

    def reviewed() -> Any:
        with app.app_context():
            summary = build_summary(period)
        table = next(t for t in summary["tables"] if t["id"] == "supervision")
        return table["total"]["cells"][2]

    assert reviewed() == 0
    device = str(worker.device_id)
    pushed = worker.post(
        "/api/sync/push",
        json={
            "device_id": device,
            "schema_version": 1,
            "mutations": [
                {
                    "mutation_id": 1,
                    "entity": "review",
                    "op": "create",
                    "id": "0193a1b2-0000-7000-8000-000000000001",
                    "base_version": None,
                    "data": {
                        "target_kind": "judgment",
                        "target_id": judgment["id"],
                        "review_kind": "decision_review",
                        "body": "Keep it.",
                        "answers": {**ANSWERS, "reviewed_on": today.isoformat()},
                    },
                    "client_ts": clock.now().isoformat(),
                }
            ],
        },
    )
    assert pushed.json["results"][0]["status"] == "applied", pushed.json
    # One review is a small number: the count is shown as "c", not 0.
    assert reviewed() == "c"
    assert worker.get(f"/api/judgments/{judgment['id']}").json["reviewed_on"] == today.isoformat()


# --- the private supervision record -----------------------------------------------------


def test_the_private_record_is_read_only_by_the_worker_and_their_supervisor(team, make_client, app):
    worker, supervisor = team
    amara = worker.user["id"]
    said = supervisor.post(
        "/api/supervision-records",
        json={"worker_id": amara, "body": "How is the Okoro family affecting you?"},
    )
    assert said.status_code == 201, said.json
    own = worker.post("/api/supervision-records", json={"body": "Tired after the visits."})
    assert own.status_code == 201
    mine = worker.get("/api/supervision-records").json
    assert [e["body"] for e in mine["entries"]] == [
        "How is the Okoro family affecting you?",
        "Tired after the visits.",
    ]
    assert supervisor.get(f"/api/supervision-records?worker_id={amara}").json == mine

    # Another worker, a supervisor of another team, an admin: none of them.
    ben = make_client("ben")
    assert ben.get(f"/api/supervision-records?worker_id={amara}").status_code == 404
    assert ben.get("/api/supervision-records").json["entries"] == []
    assert make_client("elsa").get(f"/api/supervision-records?worker_id={amara}").status_code == 404
    assert make_client("root").get(f"/api/supervision-records?worker_id={amara}").status_code == 403
    assert (
        ben.post("/api/supervision-records", json={"worker_id": amara, "body": "x"}).status_code
        == 404
    )
    assert worker.post("/api/supervision-records", json={"body": ""}).status_code == 422
    with app.app_context():
        details = db.session.scalars(
            sa.select(AuditEvent.detail).where(AuditEvent.entity == "supervision_record")
        ).all()
        assert details and all("affecting" not in str(detail) for detail in details)


def test_the_private_record_never_reaches_a_device(team):
    worker, supervisor = team
    supervisor.post(
        "/api/supervision-records",
        json={"worker_id": worker.user["id"], "body": "How is this family affecting you?"},
    )
    pulled = worker.post(
        "/api/sync/pull", json={"device_id": str(worker.device_id), "cursor": None, "limit": 500}
    ).json
    assert "affecting" not in str(pulled)


def test_the_private_record_is_absent_from_the_subject_access_bundle(app, make_user, make_client):
    from .casework import build_family
    from .test_subject_access import export_bundle, records

    make_user("admin", username="root", team=None)
    make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    template = publish_practice_settings(make_client("root"))
    worker, supervisor = make_client("amara"), make_client("hannah")
    ids = build_family(worker, supervisor, template["id"])
    remark = "How is the Okoro family affecting you? Tobi's case keeps you awake."
    assert (
        supervisor.post(
            "/api/supervision-records", json={"worker_id": worker.user["id"], "body": remark}
        ).status_code
        == 201
    )
    # The same words on the family's own record do reach the bundle: the check can fail.
    created(
        worker.post(
            "/api/notes",
            json={"family_id": ids["family"], "sections": {"what_happened": "Tobi's case, today."}},
        )
    )
    # The decision's review, by contrast, is the family's record: it is in the bundle, in words.
    reviewed = review(
        worker,
        ids["judgment"],
        "decision_review",
        "Tobi stays with Grace.",
        answers={**ANSWERS, "hindsight": "partly", "reviewed_on": clock.today().isoformat()},
    )
    assert reviewed.status_code == 201, reviewed.json
    _, archive = export_bundle(app, make_client("root"), ids["person"])
    assert [r["review_kind"] for r in records(archive, "review")].count("decision_review") == 1
    index = archive.read("index.html").decode()
    assert "Was it right, with hindsight" in index and "Partly" in index
    everything = " ".join(
        archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
    )
    assert "Tobi's case, today." in everything or "Tobi&#x27;s case, today." in everything
    assert "affecting you" not in everything
    assert "keeps you awake" not in everything


# --- sharing the learning ---------------------------------------------------------------


def test_a_peer_letter_keeps_no_link_to_its_writer_or_a_family(team, make_client, app):
    from server.persistence import PeerLetter

    worker, _ = team
    posted = worker.post(
        "/api/peer-letters",
        json={"title": "Ask the school sooner", "body": "What I learned.", "category": "x"},
    )
    assert posted.status_code == 201, posted.json
    assert set(posted.json) == {"id", "title", "body", "category", "posted_at"}
    listed = make_client("eve").get("/api/peer-letters").json
    assert [item["title"] for item in listed["items"]] == ["Ask the school sooner"]
    assert make_client("root").get("/api/peer-letters").status_code == 403
    assert worker.post("/api/peer-letters", json={"title": ""}).json["errors"] == {
        "title": ["Length must be between 1 and 200."],
        "body": ["Missing data for required field."],
    }
    with app.app_context():
        columns = set(PeerLetter.__table__.columns.keys())
        assert not columns & {"created_by_id", "family_id", "judgment_id"}


def test_a_proposed_change_of_light_is_a_suggestion_carrying_the_evidence(team):
    worker, _ = team
    proposal = worker.post(
        "/api/suggestions",
        json={
            "title": "Make routine support yellow",
            "body": "Talk these through.",
            "category": "routine_support",
            "proposed_light": "yellow",
            "evidence": "Reviewed with hindsight: partly right.",
        },
    )
    assert proposal.status_code == 201, proposal.json
    shown = worker.get(f"/api/suggestions/{proposal.json['id']}").json
    assert (shown["category"], shown["proposed_light"], shown["evidence"]) == (
        "routine_support",
        "yellow",
        "Reviewed with hindsight: partly right.",
    )
    half = worker.post(
        "/api/suggestions", json={"title": "t", "body": "b", "proposed_light": "purple"}
    )
    assert half.status_code == 422
    assert set(half.json["errors"]) == {"proposed_light"}
    no_category = worker.post(
        "/api/suggestions", json={"title": "t", "body": "b", "proposed_light": "red"}
    )
    assert no_category.json["errors"] == {"category": ["Choose the kind of decision."]}
    plain = worker.post("/api/suggestions", json={"title": "t", "body": "b"})
    assert plain.status_code == 201 and plain.json["proposed_light"] is None
