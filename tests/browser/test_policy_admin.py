"""An admin publishes a new version of the decision policy; workers' devices use it after sync."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.api.casework import publish_practice_settings
from tests.browser.conftest import PASSPHRASE, check_accessibility, sign_in, wait_until_synced
from tests.browser.test_conference_and_reviews import go, watch_for_errors
from tests.browser.test_visit_note_judgment import (
    ready_to_work_offline,
    record_visit_details,
    sync_and_wait,
)
from tests.conftest import PASSWORD


def sign_in_as_admin(page: Any, username: str) -> None:
    """Sign in with a device passphrase; an admin lands on the decision policy, not a caseload."""
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_label("Type it again").fill(PASSPHRASE)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1, name="Decision policy")).to_be_visible()


def test_an_admin_adds_a_red_category_and_a_workers_judgment_form_shows_it(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None, display_name="Rita Admin")
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")

    worker = new_context().new_page()
    sign_in(worker, "amara")
    ready_to_work_offline(worker)

    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in_as_admin(page, "root")
    expect(page.get_by_role("link", name="Caseload")).to_have_count(0)
    expect(page.get_by_role("heading", level=2, name="Version 1 is in use")).to_be_visible()
    current = page.locator("table").first.locator("tbody tr")
    expect(current).to_have_count(3)
    expect(current.filter(has_text="Change the safety plan")).to_contain_text("Red")
    expect(page.get_by_text("There are no earlier versions.")).to_be_visible()
    check_accessibility(page, "decision policy")

    # A new category without a light is refused, with the error summary.
    page.get_by_label("Name", exact=True).last.fill("Leave a child at home alone")
    page.get_by_role("button", name="Publish a new version").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(
        summary.get_by_role("link", name="Choose a light for the new category")
    ).to_have_attribute("href", "#new-light-0")
    expect(page.get_by_label("Name", exact=True).last).to_have_value("Leave a child at home alone")
    check_accessibility(page, "decision policy with an error")

    page.locator("#new-light-0").select_option("red")
    page.get_by_role("button", name="Publish a new version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Version 2 published. Categories 1 added."
    )
    expect(page.get_by_role("heading", level=2, name="Version 2 is in use")).to_be_visible()
    expect(current).to_have_count(4)
    added = current.filter(has_text="Leave a child at home alone")
    expect(added).to_contain_text("leave_a_child_at_home_alone")
    expect(added).to_contain_text("Red")
    page.get_by_text("Version 1, published").click()
    expect(page.locator(".govuk-details__text tbody tr")).to_have_count(3)
    check_accessibility(page, "decision policy, two versions")
    policy = make_client("root").get("/api/decision-policy").json
    assert policy["version"] == 2
    assert policy["categories"][-1] == {
        "key": "leave_a_child_at_home_alone",
        "label": "Leave a child at home alone",
        "light": "red",
    }
    assert errors == []

    # The worker's device gets version 2 at its next sync; the judgment form shows red.
    sync_and_wait(worker)
    worker.wait_for_function(
        "() => window.fieldwork.session.data.all('decision_policy').some((p) => p.version === 2)"
    )
    go(worker, f"#/family/{family.id}/visit")
    record_visit_details(worker, mode="Phone call", purpose="Statutory visit", meaningful="Yes")
    worker.get_by_role("button", name="Save and continue to the note").click()
    worker.get_by_role("link", name="3. Judgment log entry").click()
    worker.get_by_label("What kind of decision is it?").select_option(
        label="Leave a child at home alone"
    )
    expect(worker.locator("#category-light")).to_contain_text("Red light")
    wait_until_synced(worker)
