"""An admin finds a person, exports every record about them and downloads the bundle."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import expect

from server import clock
from server.domain.exports import subject_access_deadline
from tests.api.casework import build_family, publish_practice_settings
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_conference_and_reviews import go, watch_for_errors
from tests.browser.test_policy_admin import sign_in_as_admin

HELD_ON_DEVICE = """async () => {
  const db = await new Promise((ok, fail) => {
    const request = indexedDB.open("fieldwork");
    request.onsuccess = () => ok(request.result);
    request.onerror = () => fail(request.error);
  });
  const count = (store) => new Promise((ok) => {
    if (!db.objectStoreNames.contains(store)) return ok(0);
    const request = db.transaction(store).objectStore(store).count();
    request.onsuccess = () => ok(request.result);
  });
  const drafts = await count("drafts");
  db.close();
  return {drafts, storage: JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})};
}"""


def words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def fill_date(group: Any, day: date) -> None:
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_an_admin_exports_a_persons_records_and_a_caseworker_cannot(
    app, make_user, make_client, new_context, exports_worker
):
    make_user("admin", username="root", team=None)
    make_user("caseworker", username="amara", display_name="Amara Mensah")
    make_user("supervisor", username="hannah")
    template = publish_practice_settings(make_client("root"))
    worker, supervisor = make_client("amara"), make_client("hannah")
    okoro = build_family(worker, supervisor, template["id"])
    build_family(worker, supervisor, template["id"], name="Bell")  # another Tobi

    # A caseworker has no link to the screen, and the address finds nothing.
    caseworker = new_context().new_page()
    sign_in(caseworker, "amara")
    menu = caseworker.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Caseload")).to_be_visible()
    expect(menu.get_by_role("link", name="Subject access requests")).to_have_count(0)
    go(caseworker, "#/subject-access")
    expect(caseworker.get_by_role("heading", level=1, name="Page not found")).to_be_visible()

    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in_as_admin(page, "root")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Subject access requests"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Subject access requests")).to_be_visible()
    expect(page.get_by_text("You have not asked for any yet.")).to_be_visible()
    check_accessibility(page, "subject access requests")

    # No text, then a name nobody has: each refused with the error summary.
    search = page.get_by_role("button", name="Search")
    search.click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter the person's name")).to_have_attribute(
        "href", "#q"
    )
    check_accessibility(page, "subject access search with no text")
    summary.get_by_role("link", name="Enter the person's name").click()
    expect(page.get_by_label("Their name")).to_be_focused()
    assert page.url.endswith("#/subject-access")
    page.get_by_label("Their name").fill("Zebedee")
    search.click()
    expect(summary.get_by_role("link", name="No one's name matches")).to_be_visible()
    expect(page.get_by_label("Their name")).to_have_value("Zebedee")
    check_accessibility(page, "subject access search with no match")

    # Two people called Tobi: the admin picks the right one.
    page.get_by_label("Their name").fill("tobi")
    search.click()
    people = page.get_by_role("group", name="Which person is the request from?")
    expect(people.get_by_role("radio")).to_have_count(2)
    expect(people).to_contain_text("Tobi Okoro, born 4 March 2017, 1 family")
    expect(people).to_contain_text("Tobi Bell, born 4 March 2017, 1 family")
    expect(page.get_by_text("It must be redacted by a trained person")).to_be_visible()
    assert "tobi" not in page.url.lower()
    check_accessibility(page, "subject access matches")
    page.get_by_role("button", name="Start the export").click()
    expect(
        summary.get_by_role("link", name="Choose the person the request is from")
    ).to_be_visible()
    check_accessibility(page, "subject access with no person chosen")

    people.get_by_label("Tobi Okoro", exact=False).check()
    # The day the request was received: today unless changed, and never in the future.
    received = page.get_by_role("group", name="When did the council receive the request?")
    today = clock.today()
    expect(received.get_by_label("Day")).to_have_value(str(today.day))
    tomorrow = today + timedelta(days=1)
    fill_date(received, tomorrow)
    page.get_by_role("button", name="Start the export").click()
    expect(summary.get_by_role("link", name="The date must be today or earlier")).to_have_attribute(
        "href", "#received_on"
    )
    expect(people.get_by_label("Tobi Okoro", exact=False)).to_be_checked()
    check_accessibility(page, "subject access with a date in the future")
    asked = today - timedelta(days=10)
    fill_date(received, asked)
    page.get_by_role("button", name="Start the export").click()
    progress = page.get_by_role("region", name="Export for Tobi Okoro")
    expect(progress.get_by_text("Ready")).to_be_visible(timeout=60_000)
    deadline = subject_access_deadline(asked)
    expect(progress).to_contain_text(f"Respond by {words(deadline)}")
    # The list says whose bundle each is and by when the council must respond.
    exports = page.get_by_role("table", name="Your exports")
    row = exports.get_by_role("row").filter(has_text="Tobi Okoro")
    expect(row).to_have_count(1)
    expect(row.get_by_role("rowheader")).to_contain_text(f"Request received {words(asked)}")
    expect(row.get_by_role("cell").first).to_have_text(words(deadline))
    expect(exports.get_by_text("Ready")).to_be_visible()
    check_accessibility(page, "subject access export ready")

    with page.expect_download() as info:
        progress.get_by_role("link", name="Download the bundle (zip)").click()
    with open(info.value.path(), "rb") as file:
        bundle = zipfile.ZipFile(io.BytesIO(file.read()))
    person = json.loads(bundle.read("person.json"))["records"]
    assert [(p["id"], p["given_name"], p["family_name"]) for p in person] == [
        (okoro["person"], "Tobi", "Okoro")
    ]
    assert "index.html" in bundle.namelist()

    # The index reads as a document on a phone: landmarks, headings, names, no sideways scroll.
    reader = new_context().new_page()
    reader.set_viewport_size({"width": 390, "height": 844})
    reader.set_content(bundle.read("index.html").decode())
    widths = reader.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], widths
    check_accessibility(reader, "subject access index")
    for role in ("banner", "main", "contentinfo"):
        expect(reader.get_by_role(role)).to_have_count(1)
    expect(reader.get_by_role("navigation", name="Contents")).to_be_visible()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Records about Tobi Okoro")
    facts = reader.locator("dl.facts")
    expect(facts).to_contain_text(f"{words(deadline)} (one calendar month from the request)")
    expect(facts).to_contain_text(f"Request received{words(asked)}")
    notes = reader.get_by_role("region", name="Notes (1)")
    expect(notes.get_by_role("heading", level=3)).to_have_count(1)
    expect(notes).to_contain_text("The child's voice")
    expect(notes).to_contain_text("Amara Mensah (caseworker)")
    visits = reader.get_by_role("region", name="Visits and other contacts (1)")
    expect(visits).to_contain_text("Home visit")
    expect(visits).to_contain_text("Statutory visit")

    # Nothing typed or found was kept on the device, and leaving the screen forgets it.
    held = page.evaluate(HELD_ON_DEVICE)
    assert held["drafts"] == 0
    assert "tobi" not in held["storage"].lower()
    go(page, "#/policy")
    go(page, "#/subject-access")
    expect(page.get_by_label("Their name")).to_have_value("")
    expect(page.get_by_role("region", name="Export for Tobi Okoro")).to_have_count(0)
    expect(page.get_by_role("table", name="Your exports").get_by_text("Ready")).to_be_visible()
    assert errors == []
