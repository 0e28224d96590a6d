"""The practice lead publishes a new version of the decision policy; devices use it after sync.

An admin, like a supervisor, reads the policy and cannot change it."""

from __future__ import annotations

import re
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


def quoted(name: str) -> str:
    """Return a name in the curly single quotes the app puts round it."""
    return f"\u2018{name}\u2019"


def sign_in_without_caseload(page: Any, username: str) -> None:
    """Sign in with a device passphrase; a practice lead or an admin lands on the decision
    policy, not a caseload."""
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_label("Type it again").fill(PASSPHRASE)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1, name="Decision policy")).to_be_visible()


sign_in_as_admin = sign_in_without_caseload  # the same steps, for the admin's screens


def test_the_practice_lead_adds_a_red_category_and_a_workers_judgment_form_shows_it(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None, display_name="Sam Admin")
    make_user("practice_lead", username="rita", team=None, display_name="Rita Lead")
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")

    worker = new_context().new_page()
    sign_in(worker, "amara")
    ready_to_work_offline(worker)

    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in_without_caseload(page, "rita")
    expect(page.get_by_role("link", name="Caseload")).to_have_count(0)
    expect(page.get_by_role("heading", level=2, name="Version 1 is in use")).to_be_visible()
    current = page.locator("table").first.locator("tbody tr")
    expect(current).to_have_count(3)
    expect(current.filter(has_text="Change the safety plan")).to_contain_text("Red")
    expect(page.get_by_text("There are no earlier versions.")).to_be_visible()
    check_accessibility(page, "decision policy")

    # A new category without a light, and no reason, are refused with the error summary.
    page.get_by_label("Name", exact=True).last.fill("Leave a child at home alone")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(
        summary.get_by_role("link", name="Choose a light for the new category")
    ).to_have_attribute("href", "#new-light-0")
    expect(
        summary.get_by_role("link", name="Enter why you are changing the policy")
    ).to_have_attribute("href", "#reason")
    expect(page.get_by_label("Name", exact=True).last).to_have_value("Leave a child at home alone")
    check_accessibility(page, "decision policy with an error")

    page.locator("#new-light-0").select_option("red")
    page.get_by_label("Why are you changing the policy?").fill("Agreed at the practice board.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the changes before you publish"
    )
    page.get_by_role("button", name="Publish version 2").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Version 2 of the decision policy is published")
    expect(banner.get_by_role("listitem")).to_have_text(
        [f"{quoted('Leave a child at home alone')} is added, with a red light."]
    )
    expect(page.get_by_role("heading", level=2, name="Version 2 is in use")).to_be_visible()
    expect(current).to_have_count(4)
    added = current.filter(has_text="Leave a child at home alone")
    expect(added).to_contain_text("leave_a_child_at_home_alone")
    expect(added).to_contain_text("Red")
    page.get_by_text("Version 1, published").click()
    expect(page.locator(".govuk-details__text tbody tr")).to_have_count(3)
    check_accessibility(page, "decision policy, two versions")
    policy = make_client("rita").get("/api/decision-policy").json
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


def test_publishing_shows_what_changes_needs_a_reason_and_asks_for_confirmation(
    app, make_user, make_client, new_context
):
    make_user("admin", username="root", team=None, display_name="Sam Admin")
    make_user("practice_lead", username="rita", team=None, display_name="Rita Lead")
    make_user("caseworker", username="amara", display_name="Amara Okafor")
    publish_practice_settings(make_client("root"))
    suggestion = make_client("amara").post(
        "/api/suggestions",
        json={"title": "Safety plans: discuss, not approve", "body": "We wait days."},
    )
    assert suggestion.status_code == 201
    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in_without_caseload(page, "rita")

    # Nothing changed: there is nothing to publish.
    page.get_by_label("Why are you changing the policy?").fill("Just checking.")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="You have not changed the policy")).to_be_visible()

    # Change the safety plan from red to yellow, and rename another category.
    page.locator("#light-2").select_option("yellow")
    page.locator("#label-1").fill("Share with school")
    page.get_by_label("Why are you changing the policy?").fill("")
    page.get_by_role("button", name="Continue").click()
    expect(
        summary.get_by_role("link", name="Enter why you are changing the policy")
    ).to_be_visible()
    expect(page.locator("#reason-error")).to_contain_text("Enter why you are changing the policy")
    page.get_by_label("Why are you changing the policy?").fill(
        "The practice board agreed on 1 December that safety plan changes are discussed, "
        "not approved."
    )
    page.get_by_label("Which practice suggestion led to this change? (optional)").select_option(
        label="Safety plans: discuss, not approve"
    )
    page.get_by_role("button", name="Continue").click()

    # The check page lists each change in plain English; nothing is published yet.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the changes before you publish"
    )
    changes = page.locator("#policy-changes")
    expect(changes.locator(".govuk-summary-list__row")).to_have_count(2)
    expect(changes).to_contain_text("Share with school")
    expect(changes).to_contain_text(f"Renamed from {quoted('Share information with school')}")
    expect(changes).to_contain_text("Change the safety plan")
    expect(changes).to_contain_text("Light changes from red to yellow")
    expect(page.locator("#policy-reason")).to_contain_text("The practice board agreed")
    expect(page.locator("#policy-suggestion")).to_have_text("Safety plans: discuss, not approve")
    expect(page.get_by_text("will be the decision policy for the whole council")).to_be_visible()
    check_accessibility(page, "check the policy changes")
    assert make_client("rita").get("/api/decision-policy").json["version"] == 1

    # Going back keeps what was typed; the reason can be changed from the check page.
    page.get_by_role("link", name="Change the reason").click()
    expect(page.get_by_label("Why are you changing the policy?")).to_be_focused()
    expect(page.get_by_label("Why are you changing the policy?")).to_have_value(
        re.compile("^The practice board agreed")
    )
    expect(page.locator("#light-2")).to_have_value("yellow")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Publish version 2").click()

    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_be_focused()
    expect(banner).to_contain_text("Version 2 of the decision policy is published")
    expect(banner.get_by_role("listitem")).to_have_text(
        [
            f"{quoted('Share information with school')} is renamed {quoted('Share with school')}.",
            f"{quoted('Change the safety plan')} goes from red to yellow.",
        ]
    )
    expect(page.get_by_role("heading", level=2, name="Version 2 is in use")).to_be_visible()
    current_reason = page.locator(".govuk-inset-text").first
    expect(current_reason).to_contain_text("The practice board agreed")
    expect(
        current_reason.get_by_role("link", name="Safety plans: discuss, not approve")
    ).to_be_visible()
    expect(page.get_by_text(re.compile("^published .* by Rita Lead"))).to_be_visible()
    check_accessibility(page, "decision policy published")
    published = make_client("rita").get("/api/decision-policy").json
    assert published["version"] == 2
    assert published["reason"].startswith("The practice board agreed on 1 December")
    assert published["suggestion_id"] == suggestion.json["id"]
    assert errors == []


def test_a_supervisor_reads_the_policy_in_force_and_cannot_change_it(
    app, make_user, make_client, new_context
):
    make_user("admin", username="root", team=None, display_name="Sam Admin")
    publish_practice_settings(make_client("root"))
    make_user("supervisor", username="hannah")

    context = new_context()
    page = context.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "hannah")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Decision policy").click()
    expect(page.get_by_role("heading", level=1, name="Decision policy")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Version 1 is in use")).to_be_visible()
    expect(page.get_by_text("This version was published")).to_contain_text("by Pat Lead")
    expect(page.locator(".govuk-inset-text")).to_contain_text("agreed by the practice board")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Change the safety plan")).to_contain_text("Red")
    # Read only: no form, no way to publish.
    expect(page.locator("form")).to_have_count(0)
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)
    check_accessibility(page, "decision policy, read only")

    # Offline, the device's copy is shown and says so.
    ready_to_work_offline(page)
    context.set_offline(True)
    go(page, "#/")
    go(page, "#/policy")
    expect(page.locator("#policy-note")).to_contain_text("You are offline")
    expect(page.get_by_role("heading", level=2, name="Version 1 is in use")).to_be_visible()
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(3)
    context.set_offline(False)
    assert errors == []


def test_an_admin_reads_the_policy_and_cannot_change_it(app, make_user, make_client, new_context):
    make_user("admin", username="root", team=None, display_name="Sam Admin")
    publish_practice_settings(make_client("root"))
    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in_without_caseload(page, "root")
    expect(page.get_by_role("heading", level=2, name="Version 1 is in use")).to_be_visible()
    expect(page.get_by_text("practice lead sets the policy")).to_be_visible()
    expect(page.locator("form")).to_have_count(0)
    expect(page.get_by_role("link", name="Trials")).to_have_count(0)
    check_accessibility(page, "decision policy, read by an admin")
    assert errors == []


def test_the_practice_lead_names_who_approves_red_decisions_made_in_group_supervision(
    app, make_user, make_client, new_context
):
    make_user("admin", username="root", team=None)
    make_user("practice_lead", username="rita", team=None, display_name="Rita Lead")
    publish_practice_settings(make_client("root"))
    make_user("supervisor", username="hannah")

    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in_without_caseload(page, "rita")
    expect(page.locator("#group-approver")).to_contain_text(
        "The supervisor who facilitated the session"
    )
    approver = page.get_by_role("group", name="Who approves a red decision made in group")
    expect(approver.get_by_label("The supervisor who facilitated the session")).to_be_checked()
    approver.get_by_label("Another supervisor of the team").check()
    page.get_by_label("Why are you changing the policy?").fill("A second pair of eyes.")
    page.get_by_role("button", name="Continue").click()
    changes = page.locator("#policy-changes")
    expect(changes).to_contain_text("Red decisions made in group supervision")
    expect(changes).to_contain_text("Approved by: Another supervisor of the team")
    check_accessibility(page, "check a change of group approver")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 2")
    policy = make_client("rita").get("/api/decision-policy").json
    assert policy["group_supervision_approver"] == "another_supervisor"

    reader = new_context().new_page()
    sign_in(reader, "hannah")
    go(reader, "#/policy")
    expect(reader.locator("#group-approver")).to_contain_text("Another supervisor of the team")
    assert errors == []
