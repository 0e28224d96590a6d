"""Push endpoints: public https push services only, checked again at send time, never in a request.

A fake resolver stands in for DNS (``server.security.push_endpoints.resolve``),
so a test names what a host resolves to, now and later.
"""

from __future__ import annotations

import ipaddress
import threading
import uuid
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from server.extensions import db
from server.jobs import push as push_job
from server.persistence import Device, PushSubscription
from server.security import push_endpoints
from server.services.notifications import SUBSCRIPTIONS_PER_USER

from .push_service import BrowserKeys, FakePushService, b64url
from .test_push import run_push_jobs, subscribe

PUBLIC = "142.250.180.10"  # an address on the public internet (never contacted)


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Return the names the fake resolver knows; an IP address resolves to itself."""
    names: dict[str, list[str]] = {"fcm.googleapis.com": [PUBLIC]}

    def resolve(host: str, _port: int) -> list[Any]:
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            return [ipaddress.ip_address(address) for address in names.get(host, [])]

    monkeypatch.setattr(push_endpoints, "resolve", resolve)
    return names


def stored(app) -> list[PushSubscription]:
    with app.app_context():
        return list(db.session.scalars(sa.select(PushSubscription)))


def body(endpoint: str) -> dict[str, Any]:
    keys = BrowserKeys()
    return {"endpoint": endpoint, "keys": {"p256dh": keys.p256dh, "auth": b64url(keys.auth)}}


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:8080/push/x",
        "https://127.0.0.1/push/x",
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1:6379/",
        "https://10.0.0.1/",
        "https://[::1]:5432/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/push",
        "https://[fe80::1]/push",
        "https://[fd00::1]/push",
        "https://[ff02::1]/push",
        "https://224.0.0.1/push",
        "https://0.0.0.0/push",
        "https://100.64.0.1/push",
        "https://localhost/push",
        "https://internal.example.org/push",
        "https://mixed.example.org/push",
        "http://fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "https://someone:secret@fcm.googleapis.com/fcm/send/x",
        "https://nowhere.example.org/push",
    ],
)
def test_an_endpoint_inside_or_not_https_is_refused(app, dns, signed_note, endpoint):
    dns.update(
        {
            "localhost": ["127.0.0.1", "::1"],
            "internal.example.org": ["10.1.2.3"],
            "mixed.example.org": [PUBLIC, "192.168.1.10"],
        }
    )
    worker, _, _ = signed_note
    response = worker.post("/api/notifications/subscriptions", json=body(endpoint))
    assert response.status_code == 422, response.json
    assert "endpoint" in response.json["errors"]
    assert stored(app) == []


def test_a_public_https_push_service_is_accepted(app, dns, signed_note):
    worker, _, _ = signed_note
    endpoint = "https://fcm.googleapis.com/fcm/send/abc"
    response = worker.post("/api/notifications/subscriptions", json=body(endpoint))
    assert response.status_code == 204, response.json
    assert [s.endpoint for s in stored(app)] == [endpoint]


def test_the_push_services_can_be_restricted_by_a_setting(app, dns, signed_note):
    app.config["PUSH_SERVICE_HOSTS"] = ("fcm.googleapis.com", "push.apple.com")
    dns.update({"web.push.apple.com": [PUBLIC], "fcm.googleapis.com.evil.example": [PUBLIC]})
    worker, _, _ = signed_note
    for endpoint, status in (
        ("https://fcm.googleapis.com.evil.example/fcm/send/x", 422),
        ("https://web.push.apple.com/QGuQyavXutnMH", 204),
    ):
        response = worker.post("/api/notifications/subscriptions", json=body(endpoint))
        assert response.status_code == status, (endpoint, response.json)
    assert "not one of the push services" in str(
        worker.post(
            "/api/notifications/subscriptions",
            json=body("https://fcm.googleapis.com.evil.example/"),
        ).json["errors"]
    )


def test_the_loopback_allowance_is_off_unless_a_test_turns_it_on(app):
    assert app.config["PUSH_ALLOW_LOOPBACK_FOR_TESTS"] is False


def test_a_name_that_resolves_inside_at_send_time_is_never_called(
    app, vapid, dns, signed_note, make_client, monkeypatch, caplog
):
    app.config["PUSH_ALLOW_LOOPBACK_FOR_TESTS"] = False  # as in service: nothing inside
    worker, _, note = signed_note
    endpoint = "https://push.example.org/push/amara"
    dns["push.example.org"] = [PUBLIC]
    assert worker.post("/api/notifications/subscriptions", json=body(endpoint)).status_code == 204
    dns["push.example.org"] = ["127.0.0.1"]  # DNS rebinding: now it points inside
    calls: list[Any] = []
    monkeypatch.setattr(push_job, "webpush", lambda **kwargs: calls.append(kwargs))
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
    assert calls == []
    assert stored(app) == []
    assert "push endpoint refused at send time" in caplog.text


def test_a_push_goes_to_the_address_that_was_checked(app, vapid, dns, signed_note, make_client):
    worker, _, note = signed_note
    keys = BrowserKeys()
    with FakePushService() as service:
        # ".test" never resolves for real: the push can only arrive through the checked address.
        port = service.server.server_port
        dns["push.test"] = ["127.0.0.1"]
        endpoint = f"http://push.test:{port}/push/amara"
        subscription = {
            "endpoint": endpoint,
            "keys": {"p256dh": keys.p256dh, "auth": b64url(keys.auth)},
        }
        response = worker.post("/api/notifications/subscriptions", json=subscription)
        assert response.status_code == 204, response.json
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
        [push] = service.received
    assert push["headers"]["Host"] == f"push.test:{port}"
    assert keys.decrypt(push["body"])["kind"] == "review_reply"


def test_a_slow_push_service_never_holds_the_request_that_caused_the_push(
    app, vapid, push_service, signed_note, make_client, monkeypatch
):
    worker, _, note = signed_note
    keys = BrowserKeys()
    subscribe(worker, push_service, keys)
    # The push service holds whatever it is sent, and a send would wait ten
    # minutes for it: a request that sent its own push could not be answered.
    push_service.answering.clear()
    monkeypatch.setattr(push_job, "TIMEOUT", (3, 600))
    supervisor = make_client("hannah")
    answers: list[Any] = []
    request = threading.Thread(
        target=lambda: answers.append(
            supervisor.post(
                "/api/reviews",
                json={
                    "target_kind": "note",
                    "target_id": note["id"],
                    "review_kind": "comment",
                    "body": "Hello",
                },
            )
        )
    )
    request.start()
    request.join(timeout=60)  # only a guard against hanging the suite; it takes milliseconds
    assert not request.is_alive(), "the comment waited for the push service"
    [comment] = answers
    assert comment.status_code == 201
    push_service.answering.set()
    run_push_jobs(app)
    [push] = push_service.received
    assert keys.decrypt(push["body"])["kind"] == "review_reply"


def test_a_push_service_that_never_answers_is_given_up_on_in_seconds(
    app, vapid, push_service, signed_note, monkeypatch
):
    connect, read = push_job.TIMEOUT
    assert (connect, read) == (3, 5)  # seconds, as docs/operations.md says under "Sending"
    worker, _, _ = signed_note
    subscribe(worker, push_service, BrowserKeys())
    push_service.answering.clear()  # and never set again before the send gives up
    monkeypatch.setattr(push_job, "TIMEOUT", (connect, 0.2))  # the same rule, sooner
    [subscription] = stored(app)
    with app.app_context(), pytest.raises(requests.exceptions.ReadTimeout):
        push_job.send_push(str(subscription.id), {"kind": "review_reply", "id": None})
    assert len(push_service.received) == 1


def test_an_endpoint_stays_with_its_user(app, dns, signed_note, make_user, make_client):
    worker, _, _ = signed_note
    endpoint = "https://fcm.googleapis.com/fcm/send/amaras-phone"
    assert worker.post("/api/notifications/subscriptions", json=body(endpoint)).status_code == 204
    make_user("caseworker", username="ben")
    ben = make_client("ben")
    taken = ben.post("/api/notifications/subscriptions", json=body(endpoint))
    assert taken.status_code == 409 and taken.json["code"] == "subscription_taken"
    [kept] = stored(app)
    assert (kept.user_id, kept.device_id) == (uuid.UUID(worker.user["id"]), worker.device_id)
    # Ben's attempt to remove it does nothing either.
    assert ben.post("/api/notifications/subscriptions/remove", json={"endpoint": endpoint})
    assert len(stored(app)) == 1


def test_a_device_keeps_one_subscription_and_a_user_at_most_ten(app, dns, signed_note, make_client):
    worker, _, _ = signed_note
    for name in ("first", "second"):
        endpoint = f"https://fcm.googleapis.com/fcm/send/{name}"
        assert (
            worker.post("/api/notifications/subscriptions", json=body(endpoint)).status_code == 204
        )
    assert [s.endpoint for s in stored(app)] == ["https://fcm.googleapis.com/fcm/send/second"]
    user_id = uuid.UUID(worker.user["id"])
    with app.app_context():
        for n in range(SUBSCRIPTIONS_PER_USER - 1):
            device = Device(id=uuid.uuid4(), user_id=user_id, label=f"browser {n}")
            db.session.add(device)
            db.session.flush()
            db.session.add(
                PushSubscription(
                    endpoint=f"https://fcm.googleapis.com/fcm/send/other-{n}",
                    user_id=user_id,
                    device_id=device.id,
                    p256dh="p" * 20,
                    auth="a" * 10,
                )
            )
        db.session.commit()
    tablet = make_client("amara")
    full = tablet.post(
        "/api/notifications/subscriptions", json=body("https://fcm.googleapis.com/fcm/send/11th")
    )
    assert full.status_code == 409, full.json
    assert "Turn them off on one you no longer use" in full.json["message"]
    assert len(stored(app)) == SUBSCRIPTIONS_PER_USER
