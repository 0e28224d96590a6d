"""A child at immediate risk: the numbers offline, agreement by phone, confirmed later."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.api.casework import practice_lead_beside, publish_practice_settings
from tests.api.test_urgent_risk import NUMBERS, URGENT_POLICY
from tests.browser.conftest import check_accessibility, sign_in, wait_until_synced
from tests.browser.test_conference_and_reviews import (
    go,
    wait_for_reference,
    wait_until_sent,
    watch_for_errors,
)

QUESTION = "Should we call a strategy discussion about Sam today?"


def test_offline_a_worker_sees_the_numbers_records_agreement_by_phone_and_it_is_confirmed(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    admin = make_client("root")
    publish_practice_settings(admin)
    lead = practice_lead_beside(admin)
    assert lead.post("/api/decision-policy", json=URGENT_POLICY).status_code == 201
    assert lead.put("/api/urgent-contacts", json=NUMBERS).status_code == 200
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    make_user("supervisor", username="hannah", display_name="Hannah Ward")
    make_user("supervisor", username="omar", display_name="Omar Reid")
    make_user("supervisor", username="elsa", team="East", display_name="Elsa Berg")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    api = make_client("amara")

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    wait_for_reference(page)
    page.wait_for_function(
        "() => window.fieldwork.session.data?.reference?.urgent_contacts?.configured === true"
    )

    # No network from here: the numbers are on the device.
    device.set_offline(True)
    go(page, f"#/family/{family.id}")
    expect(page.get_by_role("heading", level=1, name="Okoro")).to_be_visible()
    page.locator("#immediate-risk summary").click()
    panel = page.locator("#immediate-risk #urgent-numbers")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name="Phone the emergency services on 999")).to_have_attribute(
        "href", "tel:999"
    )
    expect(panel.locator("#urgent-number-team_manager a")).to_have_attribute(
        "href", "tel:+442079460123"
    )
    expect(panel.locator("#urgent-number-emergency_duty_team")).to_have_text("0161 496 0789")
    check_accessibility(page, "family page with the numbers to phone, offline")

    # Logging the decision: an urgent kind shows the numbers at once.
    go(page, f"#/family/{family.id}/judgment")
    page.get_by_label("What decision are you making?").fill(QUESTION)
    expect(page.locator("#urgent-numbers-slot #urgent-numbers")).to_have_count(0)
    page.get_by_label("What kind of decision is it?").select_option(
        label="Call a strategy discussion"
    )
    expect(page.locator("#urgent-numbers-slot #urgent-numbers")).to_be_visible()
    expect(page.locator("#urgent-numbers-slot #urgent-number-duty_team")).to_have_text(
        "020 7946 0456"
    )
    check_accessibility(page, "log a decision of an urgent kind, offline")
    option = page.get_by_role("group", name="Option 1")
    option.get_by_label("The option").fill("A strategy discussion today")
    page.get_by_label("Your decision").fill("Ask for a strategy discussion today.")
    page.get_by_label("Why you decided this").fill("Sam has a new bruise and no account of it.")
    page.get_by_role("button", name="Sign this entry").click()
    page.get_by_role("button", name="Yes, sign the entry").click()
    expect(page.locator("#judgment-status")).to_contain_text("Awaiting approval")
    page.get_by_role("link", name="See the numbers to phone, and record agreement by phone").click()

    # The entry: the numbers again, and the agreement by phone, saved offline.
    expect(page.get_by_role("heading", level=1, name="Judgment log entry")).to_be_visible()
    expect(page.locator("#urgent-numbers")).to_be_visible()
    judgment_id = page.evaluate("() => location.hash.split('/').pop()")
    who = page.get_by_label("Who agreed it?")
    # Only the supervisors of the family's team are offered.
    assert who.locator("option").all_text_contents()[1:] == ["Hannah Ward", "Omar Reid"]
    expect(page.get_by_label("Time they agreed")).not_to_have_value("")
    check_accessibility(page, "record agreement by phone, offline")
    page.get_by_role("button", name="Record agreement by phone").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Choose who agreed the decision")).to_be_visible()
    who.select_option(label="Hannah Ward")
    page.get_by_label("Time they agreed").fill("25:00")
    page.get_by_role("button", name="Record agreement by phone").click()
    expect(summary.get_by_role("link", name="Enter the time in hours and minutes")).to_be_visible()
    page.get_by_label("Time they agreed").fill("00:10")
    page.get_by_role("button", name="Record agreement by phone").click()
    status = page.locator("#judgment-status")
    expect(status).to_contain_text("Verbal approval, to confirm")
    expect(page.locator("#verbal-approval")).to_contain_text("Agreed by Hannah Ward by phone")
    expect(page.locator("#verbal-approval")).to_contain_text("not synced yet")
    expect(page.get_by_role("button", name="Record agreement by phone")).to_have_count(0)
    check_accessibility(page, "decision agreed by phone, offline")

    # Online again: it syncs through the outbox.
    device.set_offline(False)
    wait_until_sent(page)
    stored = api.get(f"/api/judgments/{judgment_id}").json
    assert stored["status"] == "verbal_approval"
    agreed = [
        review
        for review in api.get(f"/api/reviews?target_id={judgment_id}").json["items"]
        if review["review_kind"] == "verbal_approval"
    ]
    assert len(agreed) == 1 and agreed[0]["device_written_at"] is not None
    expect(page.locator("#verbal-approval")).to_contain_text("Waiting for them to confirm it")

    # The supervisor who agreed confirms it.
    supervisor = new_context().new_page()
    sign_in(supervisor, "hannah")
    go(supervisor, "#/reviews")
    entry = supervisor.locator(".app-queue-verbal")
    expect(entry).to_contain_text("Agreed by you by phone")
    expect(entry).to_contain_text("waits for you to confirm it")
    check_accessibility(supervisor, "review queue with a verbal approval")
    go(supervisor, f"#/judgment/{judgment_id}")
    expect(
        supervisor.get_by_role("heading", level=2, name="Confirm the agreement you gave by phone")
    ).to_be_visible()
    check_accessibility(supervisor, "confirm an agreement by phone")
    supervisor.get_by_label("Your reason").fill("Confirmed: we agreed this at ten past midnight.")
    supervisor.get_by_role("button", name="Confirm I agreed").click()
    expect(supervisor.locator("#judgment-status")).to_contain_text("Approved")
    wait_until_sent(supervisor)
    done = api.get(f"/api/judgments/{judgment_id}").json
    assert done["status"] == "approved"
    assert done["decided_by_id"] == make_client("hannah").user["id"]

    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    wait_until_synced(page)
    expect(page.locator("#judgment-status")).to_contain_text("First agreed by phone")
    assert errors == []


def test_the_practice_lead_marks_a_kind_urgent_and_sets_the_councils_numbers(
    app, make_user, make_client, new_context
):
    from tests.browser.test_policy_admin import quoted, sign_in_without_caseload

    make_user("admin", username="root", team=None)
    make_user("practice_lead", username="rita", team=None, display_name="Rita Lead")
    publish_practice_settings(make_client("root"))
    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in_without_caseload(page, "rita")

    # Marking a kind of decision urgent is a change of policy, said in words before publishing.
    page.get_by_label(
        "Urgent: show the numbers to phone, and let a supervisor agree it by phone"
    ).nth(2).check()
    page.get_by_label("Why are you changing the policy?").fill("Agreed at the practice board.")
    page.get_by_role("button", name="Continue").click()
    changes = page.locator("#policy-changes")
    expect(changes).to_contain_text("Change the safety plan")
    expect(changes).to_contain_text("Marked urgent")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{quoted('Change the safety plan')} is marked urgent"
    )
    current = page.locator("table").first.locator("tbody tr")
    expect(current.filter(has_text="Change the safety plan")).to_contain_text("Urgent")
    check_accessibility(page, "decision policy with an urgent kind")
    policy = make_client("root").get("/api/decision-policy").json
    assert [c["key"] for c in policy["categories"] if c.get("urgent")] == ["safety_plan_change"]

    # The council's numbers: checked as UK phone numbers, then saved.
    page.get_by_role("link", name="Set the numbers to phone").click()
    expect(
        page.get_by_role(
            "heading", level=1, name="Numbers to phone when a child may be at immediate risk"
        )
    ).to_be_visible()
    check_accessibility(page, "the council's urgent numbers, empty")
    page.get_by_label("Your team manager").fill("020 7946 0123")
    page.get_by_label("The duty team").fill("ring the office")
    page.get_by_role("button", name="Save the numbers").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter a UK phone number")).to_have_attribute(
        "href", "#duty_team"
    )
    expect(
        summary.get_by_role("link", name="Enter the number for the emergency duty team")
    ).to_be_visible()
    check_accessibility(page, "the council's urgent numbers, with errors")
    page.get_by_label("The duty team").fill("020 7946 0456")
    page.get_by_label("The emergency duty team").fill("0161 496 0789")
    page.get_by_role("button", name="Save the numbers").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The numbers are saved")
    check_accessibility(page, "the council's urgent numbers, saved")
    assert make_client("root").get("/api/urgent-contacts").json["duty_team"] == "020 7946 0456"
    assert errors == []
