"""Notifications in the app: turning Web Push on and off, choosing kinds, and a push shown.

Headless Chromium has no push service to register with: `PushManager.subscribe`
fails at once ("Registration failed - permission denied") even with the
notifications permission granted. So:

- one test uses the browser's real `subscribe` and checks that the app says
  plainly that it failed, and that the server stores nothing;
- the other replaces only the browser's registration with its vendor's push
  service (an init script standing in for `PushManager.subscribe`, returning
  an endpoint on the local fake push service and keys whose private half the
  test holds). Everything else is real: the page's requests, the stored
  subscription, the server's encrypted, signed push through the rq job, its
  decryption, and the service worker's push handler, which receives the
  decrypted message through the DevTools protocol
  (`ServiceWorker.deliverPushMessage`) as it would from the push service.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.persistence import PushSubscription, User
from tests.api.casework import publish_practice_settings
from tests.browser.conftest import check_accessibility, sign_in, wait_until_synced
from tests.browser.test_colleagues import open_from_menu
from tests.jobs.push_service import BrowserKeys, FakePushService, b64url
from tests.jobs.test_push import run_push_jobs

# Only the browser's registration with a push service is stood in for (see above).
STAND_IN_PUSH_REGISTRATION = """
(([endpoint, p256dh, auth]) => {
  let current = null;
  const toBase64Url = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  PushManager.prototype.subscribe = async function (options) {
    window.subscribedWith = {
      userVisibleOnly: options.userVisibleOnly,
      applicationServerKey: toBase64Url(options.applicationServerKey),
    };
    current = {
      endpoint,
      toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
      unsubscribe: async () => { current = null; return true; },
    };
    return current;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
})
"""


@pytest.fixture
def vapid(app: Any) -> dict[str, str]:
    result = app.test_cli_runner().invoke(args=["vapid-keys"])
    keys = dict(line.split("=", 1) for line in result.output.strip().splitlines())
    app.config.update(
        VAPID_PUBLIC_KEY=keys["VAPID_PUBLIC_KEY"],
        VAPID_PRIVATE_KEY=keys["VAPID_PRIVATE_KEY"],
        VAPID_SUBJECT="mailto:push@example.org",
        # The stand-in push service listens on 127.0.0.1 over http: allowed for tests only.
        PUSH_ALLOW_LOOPBACK_FOR_TESTS=True,
    )
    return keys


def subscriptions(app: Any) -> list[PushSubscription]:
    with app.app_context():
        return list(db.session.scalars(sa.select(PushSubscription)))


def service_worker_registration(context: Any, page: Any, origin: str) -> tuple[Any, str]:
    """Return a DevTools session and the id of the app's service worker registration."""
    cdp = context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        live = [r for r in registrations if r["scopeURL"] == f"{origin}/" and not r["isDeleted"]]
        if live:
            return cdp, live[-1]["registrationId"]
        page.wait_for_timeout(100)
    raise AssertionError(f"no service worker registration for {origin}: {registrations}")


def shown_notifications(page: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate(
        """async () => (await (await navigator.serviceWorker.ready).getNotifications())
            .map(n => ({title: n.title, body: n.body, tag: n.tag, data: n.data}))"""
    )
    return result


def test_notifications_say_plainly_when_this_browser_cannot_subscribe_or_has_blocked_them(
    app, vapid, make_user, new_context, live_server
):
    make_user("caseworker", username="amara")
    context = new_context()
    context.grant_permissions(["notifications"], origin=live_server)
    page = context.new_page()
    sign_in(page, "amara")
    open_from_menu(page, "Notifications")
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    expect(page.locator("#push-state")).to_have_text("Notifications are off on this device.")
    check_accessibility(page, "notifications, off")

    # The browser's own push registration fails here: the app says so and stores nothing.
    page.get_by_role("button", name="Turn on notifications on this device").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "This device could not be signed up for notifications: the browser's push service refused"
    )
    expect(page.locator("#push-state")).to_have_text("Notifications are off on this device.")
    assert subscriptions(app) == []
    check_accessibility(page, "notifications, could not subscribe")

    # Each kind can be turned off, and the choice is kept on the server.
    kinds = page.get_by_role("group", name="Tell me when")
    for box in kinds.get_by_role("checkbox").all():
        expect(box).to_be_checked()
    kinds.get_by_label("A statutory visit is due within 2 working days").uncheck()
    kinds.get_by_label("A colleague replies to a consultation you asked").uncheck()
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    with app.app_context():
        amara = db.session.scalar(sa.select(User).where(User.username == "amara"))
        assert sorted(amara.notifications_off) == ["consultation_reply", "visit_due"]
    expect(kinds.get_by_label("A statutory visit is due within 2 working days")).not_to_be_checked()
    expect(kinds.get_by_label("A family is assigned or handed over to you")).to_be_checked()

    # Blocked in the browser's settings: the app says how to allow them; choices still work.
    target = context.new_cdp_session(page).send("Target.getTargetInfo")["targetInfo"]
    context.browser.new_browser_cdp_session().send(
        "Browser.setPermission",
        {
            "permission": {"name": "notifications"},
            "setting": "denied",
            "origin": live_server,
            "browserContextId": target["browserContextId"],
        },
    )
    open_from_menu(page, "Sync")
    open_from_menu(page, "Notifications")
    expect(page.locator("#push-state")).to_contain_text(
        "Notifications are blocked for this app in your browser's settings"
    )
    expect(page.get_by_role("button", name="Turn on notifications on this device")).to_have_count(0)
    kinds.get_by_label("A statutory visit is due within 2 working days").check()
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    with app.app_context():
        amara = db.session.scalar(sa.select(User).where(User.username == "amara"))
        assert amara.notifications_off == ["consultation_reply"]
    check_accessibility(page, "notifications, blocked")


def test_a_push_wakes_the_device_with_a_notification_that_names_no_one(
    app, vapid, make_user, make_family, make_client, new_context, live_server
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    make_user("supervisor", username="hannah", display_name="Hannah Shah")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    worker = make_client("amara")
    note = worker.post(
        "/api/notes",
        json={"family_id": str(family.id), "sections": {"reflection": "Tobi was quiet."}},
    ).json
    assert worker.post(f"/api/notes/{note['id']}/sign").status_code == 200

    keys = BrowserKeys()
    with FakePushService() as push_service:
        endpoint = f"{push_service.url}/push/amaras-phone"
        context = new_context()
        context.grant_permissions(["notifications"], origin=live_server)
        stand_in = json.dumps([endpoint, keys.p256dh, b64url(keys.auth)])
        context.add_init_script(f"{STAND_IN_PUSH_REGISTRATION}({stand_in})")
        page = context.new_page()
        sign_in(page, "amara")
        open_from_menu(page, "Notifications")
        page.get_by_role("button", name="Turn on notifications on this device").click()
        expect(page.get_by_text("Notifications are on for this device.").first).to_be_visible()
        check_accessibility(page, "notifications, on")

        # The page subscribed with the server's public key and sent what the server stored.
        assert page.evaluate("() => window.subscribedWith") == {
            "userVisibleOnly": True,
            "applicationServerKey": vapid["VAPID_PUBLIC_KEY"],
        }
        device_id = page.evaluate("() => window.fieldwork.session.device().then(d => d.device_id)")
        [stored] = subscriptions(app)
        assert (stored.endpoint, stored.p256dh, stored.auth) == (
            endpoint,
            keys.p256dh,
            b64url(keys.auth),
        )
        assert (str(stored.device_id), stored.user_id) == (device_id, amara.id)

        # A supervisor's question: the server pushes, encrypted, through the push service.
        question = make_client("hannah").post(
            "/api/reviews",
            json={
                "target_kind": "note",
                "target_id": note["id"],
                "review_kind": "question",
                "body": "What did Tobi say about the Okoro family's move?",
            },
        )
        assert question.status_code == 201, question.json
        run_push_jobs(app)
        [push] = push_service.received
        assert push["path"] == "/push/amaras-phone"
        message = keys.decrypt(push["body"])
        assert message == {"kind": "review_reply", "id": question.json["id"], "lang": "en"}

        # The push service hands it to the browser: the service worker shows it.
        cdp, registration_id = service_worker_registration(context, page, live_server)
        # DevTools' delivery is the stand-in for the push service, and like a push service
        # it is retried: on a busy machine Chromium has now and then dropped the first one
        # while the worker was starting. The same tag replaces, so one notification shows.
        for _attempt in range(3):
            cdp.send(
                "ServiceWorker.deliverPushMessage",
                {
                    "origin": live_server,
                    "registrationId": registration_id,
                    "data": json.dumps(message),
                },
            )
            deadline = time.monotonic() + 10
            while not shown_notifications(page) and time.monotonic() < deadline:
                page.wait_for_timeout(100)
            if shown_notifications(page):
                break
        [shown] = shown_notifications(page)
        address = f"/#/open/review_reply/{question.json['id']}"
        assert shown == {
            "title": "Family Fieldwork",
            "body": "Someone replied on one of your notes or decisions.",
            "tag": "review_reply",
            "data": {"kind": "review_reply", "id": question.json["id"], "url": address},
        }
        for personal in ("Tobi", "Okoro", "Amara", "Hannah", str(family.id), note["id"]):
            assert personal not in json.dumps(shown)

        # The same push to a Welsh speaker reads in Welsh, from the app's cached catalogue.
        welsh = "Mae rhywun wedi ateb ar un o'ch nodiadau neu'ch penderfyniadau."
        for _attempt in range(3):
            cdp.send(
                "ServiceWorker.deliverPushMessage",
                {
                    "origin": live_server,
                    "registrationId": registration_id,
                    "data": json.dumps({**message, "lang": "cy"}),
                },
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if [n["body"] for n in shown_notifications(page)] == [welsh]:
                    break
                page.wait_for_timeout(100)
            if [n["body"] for n in shown_notifications(page)] == [welsh]:
                break
        assert [n["body"] for n in shown_notifications(page)] == [welsh]

        # The push made the page sync; the notification's address opens the note it is about.
        wait_until_synced(page)
        page.evaluate("address => { location.hash = address; }", address.lstrip("/"))
        page.wait_for_url(f"**/#/note/{note['id']}")
        expect(page.get_by_text("What did Tobi say about the Okoro family's move?")).to_be_visible()

        # Turning it off removes the subscription from the server and the browser.
        open_from_menu(page, "Notifications")
        page.get_by_role("button", name="Turn off notifications on this device").click()
        expect(page.get_by_text("Notifications are off for this device.")).to_be_visible()
        assert subscriptions(app) == []
        in_browser = "async () => (await navigator.serviceWorker.ready).pushManager"
        assert page.evaluate(f"{in_browser}.getSubscription()") is None
