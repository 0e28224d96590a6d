"""A decision's review date wakes the worker's device, with nothing that names anyone."""

from __future__ import annotations

import uuid
from datetime import timedelta

from server import clock
from server.jobs.decisions import decisions_due_for_review, remind_decisions_due_for_review
from tests.api.casework import created, publish_practice_settings

from .push_service import BrowserKeys
from .test_push import run_push_jobs, subscribe


def _decision(worker, family_id: str, review_date) -> str:
    judgment = created(
        worker.post(
            "/api/judgments",
            json={
                "family_id": family_id,
                "question": "Should Tobi stay with his nan?",
                "category": "routine_support",
                "review_date": review_date.isoformat() if review_date else None,
            },
        )
    )
    assert worker.post(f"/api/judgments/{judgment['id']}/sign").status_code == 200
    return judgment["id"]


def test_the_worker_is_told_on_the_review_date_and_the_push_names_no_one(
    app, vapid, push_service, make_user, make_family, make_client
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    make_user("caseworker", username="ben")
    okoro = make_family(team_of=amara, worker=amara, name="Okoro")
    worker = make_client("amara")
    today = clock.today()
    due = _decision(worker, str(okoro.id), today)
    _decision(worker, str(okoro.id), today + timedelta(days=1))  # not yet
    _decision(worker, str(okoro.id), None)  # no review date
    reviewed = _decision(worker, str(okoro.id), today)
    worker.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": reviewed,
            "review_kind": "decision_review",
            "body": "Keep it.",
            "answers": {
                "what_happened": "It settled.",
                "hindsight": "right",
                "reviewed_on": today.isoformat(),
            },
        },
    )
    keys = BrowserKeys()
    subscribe(worker, push_service, keys)
    ben_keys = BrowserKeys()
    subscribe(make_client("ben"), push_service, ben_keys, name="ben")
    with app.app_context():
        assert remind_decisions_due_for_review() == 1
    run_push_jobs(app)
    assert [keys.decrypt(p["body"]) for p in push_service.received] == [
        {"kind": "decision_review_due", "id": due, "lang": "en"}
    ]


def test_a_family_handed_on_tells_its_worker_now(app, make_user, make_family, make_client):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    ben = make_user("caseworker", username="ben")
    make_user("supervisor", username="hannah")
    okoro = make_family(team_of=amara, worker=amara, name="Okoro")
    today = clock.today()
    due = _decision(make_client("amara"), str(okoro.id), today)
    with app.app_context():
        assert decisions_due_for_review(today) == {uuid.UUID(due): {amara.id}}
    handed = make_client("hannah").post(
        f"/api/families/{okoro.id}/handover",
        json={
            "worker_id": str(ben.id),
            "change_reason": "workload",
            "handover_note": "Nan is key.",
        },
    )
    assert handed.status_code in (200, 201), handed.json
    with app.app_context():
        assert decisions_due_for_review(today) == {uuid.UUID(due): {ben.id}}
        assert decisions_due_for_review(today + timedelta(days=1)) == {}
