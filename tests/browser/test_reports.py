"""An analyst asks for a service summary, watches it finish and downloads it."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

from server import clock
from tests.api.casework import build_family, publish_practice_settings
from tests.browser.conftest import check_accessibility
from tests.conftest import PASSWORD

# Polling one summary's state; not the list, the request or a download.
ONE_SUMMARY = re.compile(r".*/api/reports/[0-9a-f-]{36}$")


def fill_date(page: Any, legend: str, value: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def download(page: Any, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("region", name="Summary progress").get_by_role("link", name=name).click()
    path = info.value.path()
    with open(path, "rb") as file:
        return file.read()


def sign_in_as_analyst(page: Any, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name="Service summaries").wait_for()


def last_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def test_an_analyst_requests_a_summary_sees_it_finish_and_downloads_it(
    app, make_user, make_client, new_context, exports_worker
):
    make_user("admin", username="root", team=None)
    make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    make_user("analyst", username="ana", team=None)
    template = publish_practice_settings(make_client("root"))
    build_family(make_client("amara"), make_client("hannah"), template["id"])

    page = new_context().new_page()
    page.goto("/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name="Service summaries").wait_for()
    check_accessibility(page, "service summaries")

    # A period that ends tomorrow is refused on the page, with the error summary.
    today = clock.today()
    fill_date(page, "First day", today - timedelta(days=30))
    fill_date(page, "Last day", today + timedelta(days=1))
    page.get_by_role("button", name="Ask for summary").click()
    summary = page.get_by_role("alert")
    summary.get_by_text("The last day must be today or earlier").wait_for()
    check_accessibility(page, "service summaries with errors")

    first = today.replace(day=1) - timedelta(days=1)
    first = first.replace(day=1)
    last = today.replace(day=1) - timedelta(days=1)
    fill_date(page, "First day", first)
    fill_date(page, "Last day", last)
    page.get_by_role("button", name="Ask for summary").click()
    panel = page.get_by_role("region", name="Summary progress")
    panel.get_by_text("Ready").wait_for(timeout=60_000)
    progress = panel.get_by_label("How far the summary has got")
    assert progress.get_attribute("value") == "100"
    check_accessibility(page, "service summary ready")

    html_report = download(page, "Report (HTML, prints to PDF)").decode()
    label = f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"
    assert label in html_report and 'role="img"' in html_report
    assert "Okoro" not in html_report and "Tobi" not in html_report
    rows = list(csv.reader(io.StringIO(download(page, "CSV").decode("utf-8-sig"))))
    assert len(rows) > 1
    flat = " ".join(" ".join(row) for row in rows)
    assert "Okoro" not in flat and "Tobi" not in flat

    # The request is listed; nothing about families was kept on the device.
    requested = page.get_by_role("table", name="Summaries you and colleagues asked for")
    requested.get_by_role("cell", name=label, exact=True).wait_for()
    held = page.evaluate(
        """async () => {
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
          const counts = [await count("records"), await count("outbox"), await count("drafts")];
          db.close();
          return counts;
        }"""
    )
    assert held == [0, 0, 0]

    # Reloading the app's home keeps the analyst signed in, on their screen.
    page.goto("/#/")
    page.reload()
    page.get_by_role("heading", level=1, name="Service summaries").wait_for()
    navigation = page.get_by_role("navigation", name="Menu")
    assert navigation.get_by_role("link", name="Service summaries").get_attribute("aria-current")
    navigation.get_by_role("link", name="Sign out").click()
    page.get_by_role("heading", level=1, name="Sign in").wait_for()
    assert page.request.get("/api/reports").status == 401


def test_the_progress_panel_and_the_table_read_the_same_state_of_the_summary(
    app, make_user, new_context, exports_worker
):
    make_user("analyst", username="ana", team=None)
    page = new_context().new_page()
    sign_in_as_analyst(page, "ana")
    first, last = last_month(clock.today())
    label = f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"

    # With no polling, the panel shows the state it was drawn from: it must be the
    # table's, not the older answer to the request.
    page.route(ONE_SUMMARY, lambda route: route.abort())
    fill_date(page, "First day", first)
    fill_date(page, "Last day", last)
    page.get_by_role("button", name="Ask for summary").click()
    panel = page.get_by_role("region", name="Summary progress")
    panel.get_by_role("heading", name=f"Summary for {label}").wait_for()
    row = page.get_by_role("table", name="Summaries you and colleagues asked for").get_by_role(
        "row", name=label
    )
    assert panel.locator(".govuk-tag").inner_text() == row.locator(".govuk-tag").inner_text()

    # Polling again, both follow the job to the end together.
    page.unroute(ONE_SUMMARY)
    panel.get_by_text("Ready").wait_for(timeout=60_000)
    assert row.locator(".govuk-tag").inner_text() == "Ready"
    assert row.get_by_role("link", name="CSV").count() == 1
    check_accessibility(page, "service summary ready, panel and table")


def test_the_report_reads_on_a_phone_with_its_definitions_and_the_footer_is_true(
    app, make_user, make_client, new_context, exports_worker
):
    make_user("admin", username="root", team=None)
    make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    make_user("analyst", username="ana", team=None)
    template = publish_practice_settings(make_client("root"))
    build_family(make_client("amara"), make_client("hannah"), template["id"])

    page = new_context().new_page()
    sign_in_as_analyst(page, "ana")
    # The app's footer tells an analyst the truth: nothing about a family is on the device.
    footer = page.get_by_role("contentinfo")
    assert "nothing about a family is kept on this device" in footer.inner_text()
    assert "Case records kept on this device" not in footer.inner_text()

    first, last = last_month(clock.today())
    fill_date(page, "First day", first)
    fill_date(page, "Last day", last)
    page.get_by_role("button", name="Ask for summary").click()
    page.get_by_role("region", name="Summary progress").get_by_text("Ready").wait_for(
        timeout=60_000
    )
    report = download(page, "Report (HTML, prints to PDF)").decode()

    reader = new_context().new_page()
    reader.set_viewport_size({"width": 390, "height": 844})
    reader.set_content(report)
    widths = reader.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], widths
    check_accessibility(reader, "service summary report on a phone")
    assert "docs/" not in report and "metrics.md" not in report
    produced = reader.get_by_text("Produced on")
    assert re.search(
        r"Produced on \d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}(:\d\d)?[ap]m\.", (produced.inner_text())
    ) or re.search(r"at (midday|midnight)\.", produced.inner_text())
    # Each measure links to its definition in the report's own appendix.
    reader.get_by_role("link", name="How this is counted for Continuity").click()
    definition = reader.get_by_role("heading", level=3, name="Continuity: allocated workers")
    assert definition.is_visible()
    appendix = reader.get_by_role("region", name="Appendix: what each measure counts")
    assert "allocated to them at any time in the 12 months" in appendix.inner_text()
    # A stacked row still reads as a row of a table, each figure beside its column's name.
    table = reader.get_by_role("table", name="Families and meaningful contacts")
    first_figure = table.get_by_role("row").nth(1).get_by_role("cell").first
    label = first_figure.evaluate("(cell) => getComputedStyle(cell, '::before').content")
    assert label == '"Families open"'
    # The report's own footer says what it holds.
    assert "figures for teams and the whole council only" in (
        reader.get_by_role("contentinfo").inner_text()
    )
