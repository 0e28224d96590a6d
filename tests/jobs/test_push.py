"""Web Push end to end, with a local stand-in for the push service."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.jobs.queue import wait_for_background_jobs
from server.persistence import PushSubscription
from tests.api.casework import publish_practice_settings

from .push_service import BrowserKeys, FakePushService, verify_vapid


def run_push_jobs(app) -> None:
    """With Redis, work the push queue in this process; without, wait for the background."""
    if not app.config["REDIS_URL"]:
        wait_for_background_jobs()
        return
    from redis import Redis
    from rq import Queue, SimpleWorker

    connection = Redis.from_url(app.config["REDIS_URL"])
    queue = Queue("push", connection=connection)
    with app.app_context():
        SimpleWorker([queue], connection=connection).work(burst=True)


def subscribe(client, service: FakePushService, keys: BrowserKeys, name: str = "device") -> str:
    endpoint = f"{service.url}/push/{name}"
    response = client.post(
        "/api/notifications/subscriptions",
        json={"endpoint": endpoint, "keys": {"p256dh": keys.p256dh, "auth": _b64(keys.auth)}},
    )
    assert response.status_code == 204, response.json
    return endpoint


def _b64(raw: bytes) -> str:
    from .push_service import b64url

    return b64url(raw)


def test_a_supervisors_question_wakes_the_workers_device_with_no_personal_data(
    app, vapid, push_service, signed_note, make_client
):
    worker, _, note = signed_note
    keys = BrowserKeys()
    subscribe(worker, push_service, keys)
    supervisor = make_client("hannah")
    review = supervisor.post(
        "/api/reviews",
        json={
            "target_kind": "note",
            "target_id": note["id"],
            "review_kind": "question",
            "body": "What did Tobi say about school?",
        },
    ).json
    run_push_jobs(app)
    assert len(push_service.received) == 1
    push = push_service.received[0]
    payload = keys.decrypt(push["body"])
    assert payload == {"kind": "review_reply", "id": review["id"], "lang": "en"}
    assert "Tobi" not in push["body"].decode("latin1")
    assert push["headers"]["Ttl"] == "86400"
    assert push["headers"]["Content-Encoding"] == "aes128gcm"
    claims = verify_vapid(push["headers"], vapid["VAPID_PUBLIC_KEY"], push_service.url)
    # pywebpush stamps the expiry itself from the host's time, as push services
    # require (a frozen test clock cannot move it): it must be there, a whole number.
    assert claims["sub"] == "mailto:push@example.org"
    assert isinstance(claims["exp"], int)


def test_each_send_gets_fresh_claims(app, vapid, push_service, signed_note, make_client):
    worker, _, note = signed_note
    keys = BrowserKeys()
    subscribe(worker, push_service, keys)
    supervisor = make_client("hannah")
    for body in ("First", "Second"):
        supervisor.post(
            "/api/reviews",
            json={
                "target_kind": "note",
                "target_id": note["id"],
                "review_kind": "comment",
                "body": body,
            },
        )
    run_push_jobs(app)
    tokens = [p["headers"]["Authorization"] for p in push_service.received]
    assert len(tokens) == 2
    for push in push_service.received:
        verify_vapid(push["headers"], vapid["VAPID_PUBLIC_KEY"], push_service.url)


def test_a_gone_subscription_is_removed(app, vapid, push_service, signed_note, make_client):
    worker, _, note = signed_note
    subscribe(worker, push_service, BrowserKeys())
    push_service.status = 410
    make_client("hannah").post(
        "/api/reviews",
        json={
            "target_kind": "note",
            "target_id": note["id"],
            "review_kind": "comment",
            "body": "Hello",
        },
    )
    run_push_jobs(app)
    assert len(push_service.received) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PushSubscription.id))) == 0


def test_a_kind_turned_off_is_not_sent(app, vapid, push_service, signed_note, make_client):
    worker, _, note = signed_note
    subscribe(worker, push_service, BrowserKeys())
    prefs = worker.client.put(
        "/api/notifications/preferences",
        json={"review_reply": False},
        headers={"X-CSRF-Token": worker.csrf_token},
    )
    assert (
        prefs.status_code == 200
        and prefs.json["review_reply"] is False
        and prefs.json["approval"] is True
    )
    make_client("hannah").post(
        "/api/reviews",
        json={
            "target_kind": "note",
            "target_id": note["id"],
            "review_kind": "comment",
            "body": "Hello",
        },
    )
    run_push_jobs(app)
    assert push_service.received == []


def test_an_approval_outcome_and_an_assignment_are_notified(
    app, vapid, push_service, make_user, make_family, make_client
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    ben = make_user("caseworker", username="ben")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    worker, supervisor = make_client("amara"), make_client("hannah")
    amara_keys, ben_keys = BrowserKeys(), BrowserKeys()
    subscribe(worker, push_service, amara_keys, "amara")
    subscribe(make_client("ben"), push_service, ben_keys, "ben")
    judgment = worker.post(
        "/api/judgments",
        json={"family_id": str(family.id), "question": "q", "category": "safety_plan_change"},
    ).json
    worker.post(f"/api/judgments/{judgment['id']}/sign")
    supervisor.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment["id"],
            "review_kind": "approve",
            "body": "Agreed",
        },
    )
    supervisor.post(
        "/api/assignments",
        json={"family_id": str(family.id), "worker_id": str(ben.id), "role": "co_worker"},
    )
    run_push_jobs(app)
    by_path: dict[str, Any] = {p["path"]: p for p in push_service.received}
    assert amara_keys.decrypt(by_path["/push/amara"]["body"])["kind"] == "approval"
    assert ben_keys.decrypt(by_path["/push/ben"]["body"]) == {
        "kind": "assignment",
        "id": str(family.id),
        "lang": "en",
    }


def test_subscription_input_is_checked(signed_note):
    worker, _, _ = signed_note
    response = worker.post(
        "/api/notifications/subscriptions", json={"endpoint": "not a url", "keys": {}}
    )
    assert response.status_code == 422
    assert {"endpoint", "keys"} <= set(response.json["errors"])


def test_workers_are_reminded_of_a_childs_statutory_visit_due_within_two_working_days(
    app, vapid, push_service, make_user, make_family, make_client
):
    from datetime import timedelta

    from server.domain.timescales import Interval, Unit, add_interval
    from server.jobs.visits import remind_visits_due, visits_due
    from server.persistence import Membership, Person, PlanEpisode

    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))  # every 10 working days, any plan
    amara = make_user("caseworker", username="amara")
    soon = make_family(team_of=amara, worker=amara, name="Soon")
    later = make_family(team_of=amara, worker=amara, name="Later")
    ended = make_family(team_of=amara, worker=amara, name="Ended")
    make_family(team_of=amara, worker=amara, name="No plan")  # never reminded
    today = clock.today()
    with app.app_context():
        # Plans started so that the child's first visit falls due in 1 working day, or in 6.
        for family, days, ended_on in ((soon, 1, None), (later, 6, None), (ended, 1, today)):
            started = today
            while add_interval(started, Interval(10, Unit.WORKING_DAYS)) > add_interval(
                today, Interval(days, Unit.WORKING_DAYS)
            ):
                started -= timedelta(days=1)
            child = db.session.scalar(
                sa.select(Person.id)
                .join(Membership, Membership.person_id == Person.id)
                .where(Membership.family_id == family.id, Person.is_child.is_(True))
            )
            db.session.add(
                PlanEpisode(
                    family_id=family.id,
                    person_id=child,
                    plan_type="child_protection",
                    cp_category="NEG",
                    started_on=started - timedelta(days=1) if ended_on else started,
                    ended_on=ended_on,
                    end_reason="aims_met" if ended_on else None,
                )
            )
        db.session.commit()
        # Ending the plan ended the reminders: only the family due soon is reminded.
        assert set(visits_due(today)) == {soon.id}
    keys = BrowserKeys()
    subscribe(make_client("amara"), push_service, keys)
    with app.app_context():
        assert remind_visits_due() == 1
        soon_plan = db.session.scalar(
            sa.select(PlanEpisode.id).where(PlanEpisode.family_id == soon.id)
        )
    run_push_jobs(app)
    # The push names the child's plan episode, not the child or the family.
    assert [keys.decrypt(p["body"]) for p in push_service.received] == [
        {"kind": "visit_due", "id": str(soon_plan), "lang": "en"}
    ]


def test_a_changed_second_factor_is_notified_even_with_every_kind_turned_off(
    app, vapid, push_service, make_user, make_client
):
    import pyotp

    from tests.conftest import PASSWORD

    make_user("caseworker", username="amara")
    worker = make_client("amara")
    keys = BrowserKeys()
    subscribe(worker, push_service, keys)
    off = {kind: False for kind in worker.get("/api/notifications/preferences").json}
    assert "second_factor_changed" not in off  # it cannot be turned off
    refused = worker.client.put(
        "/api/notifications/preferences",
        json={**off, "second_factor_changed": False},
        headers={"X-CSRF-Token": worker.csrf_token},
    )
    assert refused.status_code == 422
    worker.client.put(
        "/api/notifications/preferences", json=off, headers={"X-CSRF-Token": worker.csrf_token}
    )
    setup = worker.post("/api/auth/totp/setup").json
    confirmed = worker.post(
        "/api/auth/totp/confirm",
        json={
            "secret": setup["secret"],
            "code": pyotp.TOTP(setup["secret"]).at(clock.now()),
            "password": PASSWORD,
        },
    )
    assert confirmed.status_code == 204, confirmed.json
    run_push_jobs(app)
    assert [keys.decrypt(p["body"]) for p in push_service.received] == [
        {"kind": "second_factor_changed", "id": None, "lang": "en"}
    ]


def test_a_verbal_approval_wakes_only_the_supervisor_who_agreed_with_its_kind_and_id(
    app, vapid, push_service, make_user, make_family, make_client
):
    from datetime import timedelta

    from tests.api.casework import practice_lead_beside
    from tests.api.test_urgent_risk import URGENT_POLICY

    make_user("admin", username="root", team=None)
    admin = make_client("root")
    publish_practice_settings(admin)
    assert (
        practice_lead_beside(admin).post("/api/decision-policy", json=URGENT_POLICY).status_code
        == 201
    )
    amara = make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    make_user("supervisor", username="omar")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    worker, hannah = make_client("amara"), make_client("hannah")
    hannah_keys, omar_keys = BrowserKeys(), BrowserKeys()
    subscribe(hannah, push_service, hannah_keys, "hannah")
    subscribe(make_client("omar"), push_service, omar_keys, "omar")
    judgment = worker.post(
        "/api/judgments",
        json={
            "family_id": str(family.id),
            "question": "Strategy discussion about Tobi?",
            "category": "child_protection_strategy",
        },
    ).json
    worker.post(f"/api/judgments/{judgment['id']}/sign")
    agreed = worker.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment["id"],
            "review_kind": "verbal_approval",
            "body": "Agreed by phone about Tobi.",
            "agreed_by_id": hannah.user["id"],
            "agreed_at": (clock.now() - timedelta(minutes=5)).isoformat(),
        },
    )
    assert agreed.status_code == 201, agreed.json
    run_push_jobs(app)
    assert [p["path"] for p in push_service.received] == ["/push/hannah"]
    push = push_service.received[0]
    assert hannah_keys.decrypt(push["body"]) == {
        "kind": "verbal_approval",
        "id": agreed.json["id"],
        "lang": "en",
    }
    assert "Tobi" not in push["body"].decode("latin1")
