"""A note signed offline reads the time it was signed on the device, with the server's receipt
beside it and a flag when the two are more than a few minutes apart."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from server import clock
from tests.api.casework import publish_practice_settings
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_visit_note_judgment import (
    go,
    ready_to_work_offline,
    record_visit_details,
    sync_and_wait,
)

LONDON = ZoneInfo("Europe/London")


def london_time(text: str) -> str:
    """Return an ISO time as the app shows its hour and minute in England."""
    return datetime.fromisoformat(text).astimezone(LONDON).strftime("%H:%M")


def test_a_note_signed_offline_shows_when_it_was_signed_and_when_it_arrived(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    family = make_family(team_of=amara, worker=amara, name="Patel")
    page = new_context().new_page()
    sign_in(page, "amara")
    ready_to_work_offline(page)

    page.context.set_offline(True)
    go(page, f"#/family/{family.id}/visit")
    record_visit_details(page, mode="Home visit", purpose="Direct work", meaningful="Yes")
    page.get_by_role("button", name="Save and continue to the note").click()
    page.get_by_label("What happened").fill("We drew the family tree.")
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_role("link", name="Summary").click()
    page.get_by_role("link", name="Read the relational note").click()
    page.get_by_role("button", name="Sign the note").click()
    page.get_by_role("button", name="Yes, sign the note").click()
    # Before it syncs, the device's time is shown, as the device knows it.
    expect(page.locator("#note-state")).to_contain_text("Signed on ")
    note_id = page.url.rsplit("/", 1)[1]
    signed_here = page.evaluate(
        "(id) => window.fieldwork.session.data.get('note', id).device_signed_at", note_id
    )
    expect(page.locator("#note-state")).to_contain_text(london_time(signed_here))

    # The worker gets a signal a quarter of an hour later, and the note syncs then.
    later = clock.advance(timedelta(minutes=15))
    page.clock.set_system_time(later)
    page.context.set_offline(False)
    sync_and_wait(page)

    stored = make_client("amara").get(f"/api/notes/{note_id}").json
    assert datetime.fromisoformat(stored["device_signed_at"]) == datetime.fromisoformat(signed_here)
    assert datetime.fromisoformat(stored["signed_at"]) == later
    state = page.locator("#note-state")
    expect(state).to_contain_text("Signed on ")
    expect(state).to_contain_text(london_time(signed_here))
    expect(state).to_contain_text("Synced later")
    expect(state).to_contain_text("received it on ")
    expect(state).to_contain_text(london_time(stored["signed_at"]))
    expect(state).to_contain_text("minutes later, when the device synced")
    expect(page.locator("#note-written")).to_contain_text("Synced later")
    check_accessibility(page, "a note signed offline and synced later")
