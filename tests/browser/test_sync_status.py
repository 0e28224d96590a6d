"""What the app says about sync: offline at once, changes counted by record, a
live Sync screen, storage the browser may clear, and a bar of one line on a phone."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import expect

from tests.api.casework import publish_practice_settings
from tests.browser.conftest import check_accessibility, sign_in, unlock, wait_until_synced
from tests.browser.test_field_day import record_a_visit
from tests.browser.test_visit_note_judgment import go, ready_to_work_offline

PHONE = {"width": 390, "height": 844}

# The browser's storage manager, answered by the test: whether it agrees to keep
# the app's data (persist), and how much space it reports (estimate).
STORAGE_STUB = """(() => {
  const state = { persistCalls: 0, grant: false, persisted: false, usage: 5e6, quota: 2e9 };
  window.storageStub = state;
  navigator.storage.persist = async () => {
    state.persistCalls += 1;
    state.persisted = state.persisted || state.grant;
    return state.persisted;
  };
  navigator.storage.persisted = async () => state.persisted;
  navigator.storage.estimate = async () => ({ usage: state.usage, quota: state.quota });
})();"""


def sync_bar(page: Any) -> Any:
    return page.get_by_role("region", name="Sync status")


def bar_height(page: Any) -> float:
    box = sync_bar(page).bounding_box()
    assert box is not None
    height: float = box["height"]
    return height


def screen_row(page: Any, key: str) -> Any:
    """The value of a row of the Sync screen's summary, by its key."""
    return page.locator("#sync-page .govuk-summary-list__row", has_text=key).locator("dd")


def enqueue(page: Any, entity: str, op: str, record_id: str, data: dict[str, Any]) -> None:
    page.evaluate(
        "([entity, op, id, data]) => window.fieldwork.session.sync.enqueue(entity, op, id, data)",
        [entity, op, record_id, data],
    )


def test_on_a_phone_the_bar_is_one_line_that_says_offline_at_once_and_counts_records(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    okoro = make_family(team_of=amara, worker=amara, name="Okoro")
    phone = new_context()
    page = phone.new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, "amara")
    ready_to_work_offline(page)
    bar = sync_bar(page)
    status = bar.locator("#sync-state")
    expect(status).to_have_text("Up to date")
    expect(bar.get_by_text("No changes waiting")).to_be_visible()
    assert bar_height(page) <= 60, "one line on a phone"

    # The offline event says it at once: no sync has to fail first.
    phone.set_offline(True)
    expect(status).to_have_text("Offline", timeout=1_000)

    record_a_visit(page, str(okoro.id), "Sam Okoro", "We baked bread.")
    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")  # fails: no network
    mutations = page.evaluate("() => window.fieldwork.session.data.outbox.length")
    assert mutations > 4, "the visit, note, judgment and checklist took several edits"
    expect(status).to_have_text("Offline")
    # The visit, its note, its judgment and its checklist (with its answers): four records.
    expect(bar.locator("#sync-waiting")).to_have_text("4 changes waiting")

    # One line: status, count and the way to the details, side by side.
    assert bar_height(page) <= 60
    tops = [
        round(locator.bounding_box()["y"])
        for locator in (status, bar.locator("#sync-waiting"), bar.get_by_role("link"))
    ]
    assert max(tops) - min(tops) < 12, tops
    expect(bar.get_by_role("button", name="Sync now")).to_be_hidden()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    check_accessibility(page, "sync bar on a phone, offline")

    # The details live on the Sync screen.
    bar.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Sync")).to_be_visible()
    waiting = screen_row(page, "Changes waiting to send")
    expect(waiting).to_contain_text("4 changes")
    for kind in ("visit or contact", "relational note", "judgment log entry", "checklist"):
        expect(waiting).to_contain_text(f"1 {kind}")
    expect(page.get_by_role("main").get_by_role("button", name="Sync now")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    check_accessibility(page, "sync screen on a phone")

    # One change more is one more record; a record changed twice is still one.
    enqueue(page, "family", "update", str(okoro.id), {"preferred_language": "Welsh"})
    enqueue(page, "family", "update", str(okoro.id), {"preferred_language": "Polish"})
    expect(bar.locator("#sync-waiting")).to_have_text("5 changes waiting")

    phone.set_offline(False)
    expect(bar.locator("#sync-waiting")).to_have_text("No changes waiting")
    expect(status).to_have_text("Up to date")


def test_a_request_that_fails_reads_as_offline_until_one_succeeds(
    app, make_user, make_family, new_context
):
    amara = make_user("caseworker", username="amara")
    make_family(team_of=amara, worker=amara, name="Okoro")
    page = new_context().new_page()
    sign_in(page, "amara")
    status = page.locator("#sync-state")
    expect(status).to_have_text("Up to date")

    # The network fails while the browser still believes it is online.
    page.evaluate(
        """() => {
            window.realFetch = window.fetch;
            window.fetch = () => Promise.reject(new TypeError("Failed to fetch"));
        }"""
    )
    page.evaluate("() => window.fieldwork.session.refreshReference().catch(() => null)")
    assert page.evaluate("() => navigator.onLine") is True
    expect(status).to_have_text("Offline")
    expect(sync_bar(page)).to_contain_text("changes are saved on this device")

    # It stays offline until a request gets an answer.
    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    expect(status).to_have_text("Offline")
    page.evaluate("() => { window.fetch = window.realFetch; }")
    page.evaluate("() => window.fieldwork.session.refreshReference()")
    expect(status).to_have_text("Up to date")


def test_the_sync_screen_stays_live_without_losing_what_the_worker_is_doing(
    app, make_user, make_family, new_context
):
    amara = make_user("caseworker", username="amara")
    okoro = make_family(team_of=amara, worker=amara, name="Okoro")
    context = new_context()
    page = context.new_page()
    sign_in(page, "amara")
    go(page, "#/sync")
    expect(page.get_by_role("heading", level=1, name="Sync")).to_be_visible()
    expect(screen_row(page, "Status")).to_have_text("Up to date")
    expect(screen_row(page, "Changes waiting to send")).to_have_text("None")

    context.set_offline(True)
    expect(screen_row(page, "Status")).to_contain_text("Offline")
    enqueue(page, "family", "update", str(okoro.id), {"preferred_language": "Welsh"})
    # A note for a family not in her caseload: the server will refuse it.
    refused = {
        "family_id": str(uuid.uuid4()),
        "sections": {"reflection": "Written for the wrong family"},
    }
    enqueue(page, "note", "create", str(uuid.uuid4()), refused)
    expect(screen_row(page, "Changes waiting to send")).to_contain_text("2 changes")

    # The worker is on the screen's own button when the connection comes back.
    button = page.get_by_role("main").get_by_role("button", name="Sync now")
    button.focus()
    context.set_offline(False)
    expect(screen_row(page, "Changes waiting to send")).to_have_text("None")
    expect(screen_row(page, "Status")).to_have_text("Up to date")
    expect(page.get_by_role("heading", name="Not saved (1)")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Not saved: your relational note")
    expect(button).to_be_focused()

    # Reading what was refused survives the next sync.
    page.get_by_text("What you wrote").click()
    expect(page.get_by_text("Written for the wrong family")).to_be_visible()
    button.click()
    wait_until_synced(page)
    expect(screen_row(page, "Last synced")).not_to_have_text("Not yet")
    expect(page.get_by_text("Written for the wrong family")).to_be_visible()
    check_accessibility(page, "live sync screen")

    page.get_by_role("button", name="I have dealt with this").click()
    expect(page.get_by_role("heading", name="Not saved (0)")).to_be_visible()


def test_storage_is_asked_for_at_unlock_and_work_that_could_be_lost_is_warned_of(
    app, make_user, make_family, new_context
):
    amara = make_user("caseworker", username="amara")
    okoro = make_family(team_of=amara, worker=amara, name="Okoro")
    context = new_context()
    context.add_init_script(STORAGE_STUB)
    page = context.new_page()
    sign_in(page, "amara")
    page.get_by_role("link", name="Lock").click()
    page.get_by_role("heading", name="Unlock").wait_for()
    asked_before = page.evaluate("() => window.storageStub.persistCalls")
    unlock(page)
    page.get_by_role("link", name="Okoro").wait_for()
    page.wait_for_function(f"() => window.storageStub.persistCalls > {asked_before}")

    # Refused: the screen says what that means, and there is nothing to lose yet.
    go(page, "#/sync")
    kept = screen_row(page, "Storage kept when space is short")
    expect(kept).to_contain_text("No")
    expect(kept).to_contain_text("may delete")
    warning = page.get_by_role("main").locator(".govuk-warning-text")
    expect(warning).to_have_count(0)

    # Unsent work on a device whose browser may clear it: a warning, here and in the bar.
    context.set_offline(True)
    enqueue(page, "family", "update", str(okoro.id), {"preferred_language": "Welsh"})
    expect(warning).to_contain_text("1 change on this device has not been sent")
    expect(warning).to_contain_text("could delete it")
    expect(sync_bar(page).get_by_role("link", name="Storage warning")).to_be_visible()
    check_accessibility(page, "sync screen with a storage warning")

    # Space running out is warned of too, even where the browser keeps the data.
    page.evaluate("() => { window.storageStub.grant = true; window.storageStub.usage = 1.97e9; }")
    page.evaluate("() => window.fieldwork.session.storage.askToKeep()")
    expect(kept).to_have_text("Yes")
    expect(warning).to_contain_text("almost out of space")
    expect(warning).not_to_contain_text("could delete it")

    page.evaluate("() => { window.storageStub.usage = 5e6; }")
    context.set_offline(False)
    expect(screen_row(page, "Changes waiting to send")).to_have_text("None")
    expect(warning).to_have_count(0)
    expect(sync_bar(page).get_by_role("link", name="Storage warning")).to_have_count(0)
