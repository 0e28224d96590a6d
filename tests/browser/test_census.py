"""A performance officer on the demo council: the validation report, the census XML and Annex A.

They see the demo's deliberate errors, produce and download both returns; the
child's worker puts one error right in the app, and it leaves the report.
"""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from server.census import cin_xml
from server.domain.upn import check_letter
from tests.browser.conftest import check_accessibility, sign_in, wait_until_synced


def download(page: Any, link: Any) -> bytes:
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as file:
        return file.read()


def produce(page: Any, button: str, kind: str) -> bytes:
    page.get_by_role("button", name=button).click()
    table = page.locator("#returns-table")
    row = table.locator("tbody tr").filter(has_text=kind).first
    link = row.get_by_role("link", name=re.compile("Download"))
    link.wait_for(timeout=60_000)
    return download(page, link)


def issues(page: Any) -> Any:
    return page.locator("#issues-table tbody tr")


def test_a_performance_officer_checks_produces_and_sees_a_fixed_error_leave(
    app, new_context, exports_worker
):
    import demo
    from server.extensions import db
    from server.persistence import Assignment, User
    from tests.test_demo import MAKE_RUN_FAMILIES, MAKE_RUN_SEED

    with app.app_context():
        demo.load_demo_data(families=MAKE_RUN_FAMILIES, seed=MAKE_RUN_SEED)

    officer = new_context().new_page()
    officer.goto("/")
    officer.get_by_label("Username").fill("performance")
    officer.get_by_label("Password", exact=True).fill(demo.DEMO_PASSWORD)
    officer.get_by_role("button", name="Sign in").click()
    officer.get_by_role("heading", level=1, name="Statutory returns").wait_for()
    officer.locator("#report-summary").wait_for()
    expect(officer.locator("#report-summary")).to_contain_text("4 issues")
    expect(issues(officer)).to_have_count(4)
    for title in (
        "No unique pupil number, and no reason why",
        "Unique pupil number is not valid",
        "Child protection plan without an initial conference",
        "Assessment authorised with no factors identified",
    ):
        expect(issues(officer).filter(has_text=title)).to_have_count(1)
    check_accessibility(officer, "statutory returns with the validation report")

    census = produce(officer, "Produce the CIN census", "CIN census")
    cin_xml.validate(io.BytesIO(census))  # the Department's schema, as the app holds it
    assert b"<Collection>CIN</Collection>" in census
    annex = load_workbook(io.BytesIO(produce(officer, "Produce Annex A", "Annex A")))
    assert "List 7 Child protection" in annex.sheetnames
    assert annex["List 7 Child protection"].max_row > 1
    check_accessibility(officer, "statutory returns with files to download")

    # The child with no number: their worker opens the report's link and records it.
    missing = issues(officer).filter(has_text="No unique pupil number, and no reason why")
    link = missing.get_by_role("link").get_attribute("href")
    family_id = uuid.UUID(re.search(r"#/family/([0-9a-f-]{36})/child/", link).group(1))
    with app.app_context():
        worker = db.session.scalar(
            sa.select(User.username)
            .join(Assignment, Assignment.worker_id == User.id)
            .where(
                Assignment.family_id == family_id,
                Assignment.ended_on.is_(None),
                Assignment.deleted_at.is_(None),
            )
        )
    page = new_context().new_page()
    sign_in(page, worker, password=demo.DEMO_PASSWORD, first_sync_ms=120_000)
    page.goto(f"/{link}")
    page.get_by_role("heading", level=1, name=re.compile("census details")).wait_for()
    check_accessibility(page, "a child's census details")
    page.get_by_label("Unique pupil number (UPN)").fill("A99900012600")  # 12: too short
    page.get_by_role("button", name="Save the census details").click()
    expect(page.get_by_role("alert")).to_contain_text("A unique pupil number is 13 characters")
    rest = "999000126001"
    page.get_by_label("Unique pupil number (UPN)").fill(check_letter(rest) + rest)
    page.get_by_role("button", name="Save the census details").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Census details saved")
    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    wait_until_synced(page)

    officer.get_by_role("button", name="Show the validation report").click()
    expect(officer.locator("#report-summary")).to_contain_text("3 issues")
    expect(issues(officer).filter(has_text="No unique pupil number")).to_have_count(0)
    expect(issues(officer).filter(has_text="Unique pupil number is not valid")).to_have_count(1)
