"""A referral's assessment put right in the app, from the census validation report.

The performance officer sees the demo's authorised assessment with no factors
in the report; the child's worker opens the report's link, records the
factors offline and syncs; the officer runs the report again and the issue
has gone.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in, wait_until_synced

NO_FACTORS = "Assessment authorised with no factors identified"
NONE_QUOTED = "\u2018No factors identified\u2019"


def issues(page: Any) -> Any:
    return page.locator("#issues-table tbody tr")


def test_a_worker_records_the_missing_factors_offline_and_the_issue_leaves_the_report(
    app, new_context
):
    import demo
    from server.extensions import db
    from server.persistence import Assignment, Referral, User
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
    missing = issues(officer).filter(has_text=NO_FACTORS)
    expect(missing).to_have_count(1)
    before = issues(officer).count()
    link = str(missing.get_by_role("link").get_attribute("href"))
    found = re.search(
        r"#/family/([0-9a-f-]{36})/child/([0-9a-f-]{36})/referral/([0-9a-f-]{36})$", link
    )
    assert found, link
    family_id, referral_id = (uuid.UUID(found.group(n)) for n in (1, 3))
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
    assert worker and worker.startswith("cw."), worker

    device = new_context()
    page = device.new_page()
    sign_in(page, worker, password=demo.DEMO_PASSWORD, first_sync_ms=120_000)
    page.goto(f"/{link}")
    page.get_by_role("heading", level=1, name="Referral and assessment").wait_for()
    check_accessibility(page, "a child's referral and its assessment")

    # Offline: the authorised assessment is not saved without its factors.
    device.set_offline(True)
    page.get_by_role("button", name="Save the referral").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        f"Choose the factors the assessment identified, or {NONE_QUOTED}"
    )
    expect(summary).to_be_focused()
    check_accessibility(page, "a referral whose factors are missing")
    factors = page.get_by_role("group", name="Assessment factors")
    factors.get_by_label("No factors identified").check()
    factors.get_by_label("Mental health: concerns about a parent or carer").check()
    page.get_by_role("button", name="Save the referral").click()
    expect(summary).to_contain_text(f"Choose {NONE_QUOTED} or the factors, not both")
    factors.get_by_label("No factors identified").uncheck()
    factors.get_by_label("Domestic abuse: concerns about a parent or carer").check()
    page.get_by_role("button", name="Save the referral").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Referral saved")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Not synced")

    # The child's census details list the referral, its assessment now complete.
    page.get_by_role("link", name=re.compile("census details")).click()
    referrals = page.locator("#referrals")
    expect(referrals).to_contain_text("Assessment authorised")
    expect(referrals.get_by_role("link", name=re.compile("^Record a referral"))).to_be_visible()

    device.set_offline(False)
    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    wait_until_synced(page)
    expect(page.locator("#referrals")).not_to_contain_text("Not synced")
    with app.app_context():
        referral = db.session.get(Referral, referral_id)
        assert referral is not None
        assert sorted(referral.assessment_factors) == ["3B", "4B"]

    officer.get_by_role("button", name="Show the validation report").click()
    expect(issues(officer)).to_have_count(before - 1)
    expect(issues(officer).filter(has_text=NO_FACTORS)).to_have_count(0)


def test_a_new_referral_is_recorded_offline_from_the_childs_census_details(
    app, make_user, make_family, make_client, new_context
):
    from server import clock
    from tests.browser.test_family_and_network import people_of

    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    api = make_client("amara")
    sam = next(p for p in people_of(api, str(family.id)) if p["given_name"] == "Sam")
    today = clock.today()

    device = new_context()
    page = device.new_page()
    sign_in(page, "amara")
    page.goto(f"/#/family/{family.id}/child/{sam['id']}/census")
    referrals = page.locator("#referrals")
    expect(referrals).to_contain_text("No referral recorded for Sam Okoro.")

    device.set_offline(True)
    referrals.get_by_role("link", name="Record a referral for Sam Okoro").click()
    page.get_by_role("heading", level=1, name="Record a referral").wait_for()
    check_accessibility(page, "a new referral")
    page.get_by_role("button", name="Save the referral").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date of the referral")
    expect(summary).to_contain_text("Choose who made the referral")
    expect(page.locator("#source-error")).to_contain_text("Choose who made the referral")
    check_accessibility(page, "a new referral with its problems")

    when = page.get_by_role("group", name="Date of the referral")
    when.get_by_label("Day").fill(str(today.day))
    when.get_by_label("Month").fill(str(today.month))
    when.get_by_label("Year").fill(str(today.year))
    page.get_by_role("group", name="Who made the referral").get_by_label("Schools").check()
    page.get_by_label("The child's main need (optional)").select_option(
        label="Family in acute stress"
    )
    started = page.get_by_role("group", name="Date the assessment started (optional)")
    started.get_by_label("Day").fill(str(today.day))
    started.get_by_label("Month").fill(str(today.month))
    started.get_by_label("Year").fill(str(today.year + 1))
    page.get_by_role("button", name="Save the referral").click()
    expect(summary).to_contain_text("The date the assessment started must be today or in the past")
    started.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Save the referral").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Referral saved")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral and assessment")
    expect(page).to_have_url(re.compile(r"/referral/[0-9a-f-]{36}$"))

    page.get_by_role("link", name="Back to Sam Okoro's census details").click()
    row = page.locator("#referrals tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Schools")
    expect(row).to_contain_text("Assessment started")

    device.set_offline(False)
    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    wait_until_synced(page)
    (stored,) = api.get(f"/api/referrals?person_id={sam['id']}").json["items"]
    assert (stored["referred_on"], stored["source"], stored["primary_need"]) == (
        today.isoformat(),
        "2A",
        "N4",
    )
    assert stored["assessment_started_on"] == today.isoformat()
    assert stored["assessment_factors"] == []
