"""The practice lead's lights: a trial in one team that only its workers see and that ends
by itself, and narrower lights for a newly qualified worker."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from playwright.sync_api import expect

from server import clock
from tests.api.casework import POLICY, VISIT_TEMPLATE
from tests.browser.conftest import check_accessibility, sign_in, unlock
from tests.browser.test_conference_and_reviews import go, watch_for_errors
from tests.browser.test_policy_admin import sign_in_without_caseload
from tests.browser.test_visit_note_judgment import ready_to_work_offline, sync_and_wait

SCHOOL = "Share information with school"


def council_settings(make_user: Any, make_client: Any) -> None:
    """Publish the policy (the practice lead) and the visit template (an admin)."""
    make_user("admin", username="root", team=None, display_name="Sam Admin")
    make_user("practice_lead", username="grace", team=None, display_name="Grace Adeyemi")
    assert make_client("grace").post("/api/decision-policy", json=POLICY).status_code == 201
    assert (
        make_client("root").post("/api/checklist-templates", json=VISIT_TEMPLATE).status_code == 201
    )


def decision_form_light(page: Any, family_id: Any, category: str) -> Any:
    """Open a family's decision form, choose a kind of decision; return where its light shows."""
    go(page, "#/")
    go(page, f"#/family/{family_id}/judgment")
    page.get_by_label("What kind of decision is it?").select_option(label=category)
    return page.locator("#category-light")


def test_a_north_only_trial_is_seen_by_north_workers_only_and_ends_by_itself(
    app, make_user, make_family, make_client, new_context
):
    council_settings(make_user, make_client)
    amara = make_user("caseworker", username="amara", team="North")
    farah = make_user("caseworker", username="farah", team="South")
    north_family = make_family(team_of=amara, worker=amara, name="Okoro")
    south_family = make_family(team_of=farah, worker=farah, name="Begum")
    north = new_context().new_page()
    sign_in(north, "amara")
    ready_to_work_offline(north)
    south = new_context().new_page()
    sign_in(south, "farah")
    ready_to_work_offline(south)

    lead = new_context().new_page()
    errors = watch_for_errors(lead)
    sign_in_without_caseload(lead, "grace")
    lead.get_by_role("navigation", name="Menu").get_by_role("link", name="Trials").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Trials of the decision policy")
    expect(lead.locator("#no-trials")).to_be_visible()
    check_accessibility(lead, "trials, none yet")

    # Nothing chosen: each question is named in the error summary.
    lead.get_by_role("button", name="Start a trial").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Start a trial")
    lead.get_by_role("button", name="Start the trial").click()
    summary = lead.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Choose the team that tries the light",
            "Choose the kind of decision",
            "Choose the light to try",
            "Choose how long the trial runs",
            "Enter why you are starting this trial",
        ]
    )
    check_accessibility(lead, "start a trial, with errors")

    # The council's own light is refused: a trial tries something else.
    lead.get_by_label("North").check()
    lead.get_by_label("Which kind of decision?").select_option(label=f"{SCHOOL} (now yellow)")
    lead.get_by_label(re.compile("^Yellow: ")).check()
    lead.get_by_label(re.compile("^3 months: up to and including ")).check()
    lead.get_by_label("Why is the team trying this?").fill(
        "North asked to decide this themselves; the practice board agreed three months."
    )
    lead.get_by_role("button", name="Start the trial").click()
    expect(summary.get_by_role("link")).to_have_text(
        [f"Yellow is already the council's light for \u2018{SCHOOL}\u2019: choose a different one"]
    )
    expect(lead.get_by_label("Why is the team trying this?")).to_have_value(
        re.compile("^North asked")
    )
    lead.get_by_label(re.compile("^Green: ")).check()
    lead.get_by_role("button", name="Start the trial").click()

    banner = lead.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(f"\u2018{SCHOOL}\u2019 is green for North")
    card = lead.locator("[data-trial]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Running")
    expect(card.locator("[data-trial-counts] tbody tr")).to_have_count(3)
    check_accessibility(lead, "trials, one running")
    [trial] = make_client("grace").get("/api/decision-policy/trials").json
    assert (trial["team_name"], trial["category"], trial["light"]) == (
        "North",
        "share_with_school",
        "green",
    )
    assert errors == []

    # Each device applies its own team's trials only.
    sync_and_wait(north)
    north.wait_for_function("() => window.fieldwork.session.data.all('policy_trial').length === 1")
    light = decision_form_light(north, north_family.id, SCHOOL)
    expect(light).to_contain_text("Green light")
    expect(light).to_contain_text("Your team is trying a green light for this kind of decision")
    check_accessibility(north, "a decision under the team's trial")
    sync_and_wait(south)
    south.wait_for_function("() => window.fieldwork.session.data.all('policy_trial').length === 1")
    light = decision_form_light(south, south_family.id, SCHOOL)
    expect(light).to_contain_text("Yellow light")
    expect(south.locator("#category-light-reason")).to_have_count(0)

    # The trial ends by itself on its end day, on the device and offline too.
    north.context.set_offline(True)
    ends_on = datetime.fromisoformat(trial["ends_on"]).date()
    north.clock.set_system_time(
        datetime.combine(ends_on, time(9), tzinfo=clock.COUNCIL_ZONE) - timedelta(days=1)
    )
    light = decision_form_light(north, north_family.id, SCHOOL)
    expect(light).to_contain_text("Green light")  # its last day
    north.clock.set_system_time(datetime.combine(ends_on, time(9), tzinfo=clock.COUNCIL_ZONE))
    if north.get_by_role("button", name="Unlock").is_visible():
        unlock(north)
    light = decision_form_light(north, north_family.id, SCHOOL)
    expect(light).to_contain_text("Yellow light")
    expect(north.locator("#category-light-reason")).to_have_count(0)


def test_a_newly_qualified_worker_sees_the_narrower_light_their_team_sets(
    app, make_user, make_family, make_client, new_context
):
    council_settings(make_user, make_client)
    niamh = make_user(
        "caseworker",
        username="niamh",
        team="North",
        qualified_on=clock.today() - timedelta(days=100),
    )
    family = make_family(team_of=niamh, worker=niamh, name="Okoro")

    lead = new_context().new_page()
    errors = watch_for_errors(lead)
    sign_in_without_caseload(lead, "grace")
    lead.get_by_role("navigation", name="Menu").get_by_role("link", name="Newly qualified").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Newly qualified workers")
    north_row = lead.locator("#nq-teams [data-team]").filter(has_text="North")
    expect(north_row).to_contain_text("The same as other workers")
    check_accessibility(lead, "newly qualified workers' lights")
    north_row.get_by_role("link", name=re.compile("^Change")).click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(
        "North: lights for newly qualified workers"
    )
    lead.get_by_label("Routine support").select_option("yellow")
    lead.get_by_role("button", name="Save the team's lights").click()
    expect(lead.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are changing this team's lights"
    )
    check_accessibility(lead, "a team's newly qualified lights, with an error")
    expect(lead.get_by_label("Routine support")).to_have_value("yellow")
    lead.get_by_label("Why are you changing these lights?").fill(
        "In their first year, workers talk routine support through with a supervisor."
    )
    lead.get_by_role("button", name="Save the team's lights").click()
    expect(lead.locator(".govuk-notification-banner")).to_contain_text(
        "North's lights for newly qualified workers are saved"
    )
    expect(north_row).to_contain_text("Routine support")
    expect(north_row).to_contain_text("Yellow")
    assert errors == []

    # The newly qualified worker's device narrows the light; the council's is green.
    worker = new_context().new_page()
    sign_in(worker, "niamh")
    ready_to_work_offline(worker)
    worker.wait_for_function(
        "() => window.fieldwork.session.data.all('newly_qualified_lights').length === 1"
    )
    light = decision_form_light(worker, family.id, "Routine support")
    expect(light).to_contain_text("Yellow light")
    expect(light).to_contain_text("In your first year since qualifying")
    expect(light).to_contain_text("the council's is green")
    check_accessibility(worker, "a newly qualified worker's narrower light")
