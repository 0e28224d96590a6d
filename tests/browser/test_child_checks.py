"""Each child's statutory visit, tried as a caseworker would: a plan sets it, a visit where
the child is seen moves it (the checklist asking about each child by name), ending the plan
ends it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from server import clock
from server.domain.timescales import Interval, Unit, add_interval
from server.services.statutory import child_dues
from tests.api.casework import POLICY, practice_lead_beside
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_family_and_network import watch_for_errors
from tests.browser.test_visit_note_judgment import (
    items_of,
    ready_to_work_offline,
    record_visit_details,
    sync_and_wait,
)

TEN_WORKING_DAYS = Interval(10, Unit.WORKING_DAYS)
CP_VISITS = {
    "key": "statutory_visit",
    "name": "Statutory visit: child protection plan",
    "purpose": "statutory_visit",
    "items": [
        {"key": "child_seen", "label": "Child seen", "from_visit": "child_seen"},
        {"key": "child_seen_alone", "label": "Child seen alone", "from_visit": "child_seen_alone"},
        {"key": "bedroom_seen", "label": "Bedroom seen"},
    ],
    "timescale": {
        "applies_to": ["child_protection"],
        "every": {"count": 10, "unit": "working_days"},
    },
    "legal_basis": "Working Together to Safeguard Children",
}


def long_date(day: Any) -> str:
    return f"{day.day} {day:%B %Y}"


def start_a_plan(page: Any, child: str, category: str, started: Any = None) -> None:
    """Give a child a child protection plan from the family page ("Plan now")."""
    page.get_by_role("link", name=f"Plan now for {child}").click()
    page.get_by_label("Child protection plan").check()
    page.get_by_label("Category").select_option(label=category)
    if started is not None:
        when = page.get_by_role("group", name="When did the plan start?")
        when.get_by_label("Day").fill(str(started.day))
        when.get_by_label("Month").fill(str(started.month))
        when.get_by_label("Year").fill(str(started.year))
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is now on")


def childs_row(page: Any, name: str) -> Any:
    return page.get_by_role("table", name="Each child's statutory checks").get_by_role(
        "row", name=re.compile(name)
    )


def test_a_childs_visit_is_set_by_their_plan_moved_by_a_visit_that_saw_them_and_ended_with_it(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    admin = make_client("root")
    lead = practice_lead_beside(admin)
    assert lead.post("/api/decision-policy", json=POLICY).status_code == 201
    assert admin.post("/api/checklist-templates", json=CP_VISITS).status_code == 201
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    worker = make_client("amara")
    mia = {"family_id": str(family.id), "given_name": "Mia", "family_name": "Okoro"}
    assert worker.post("/api/people", json={**mia, "is_child": True}).status_code == 201
    today = clock.today()
    due_from_today = add_interval(today, TEN_WORKING_DAYS)
    # Mia's plan began a month ago (recorded late): her first visit is overdue.
    mia_started = today - timedelta(days=30)
    mia_was_due = add_interval(mia_started, TEN_WORKING_DAYS)

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    ready_to_work_offline(page)
    okoro = page.get_by_role("row", name=re.compile("Okoro"))
    expect(okoro).to_contain_text("No statutory visit set")

    # Sam gets a child protection plan from today: due in 10 working days, by name.
    okoro.get_by_role("link", name="Okoro").click()
    start_a_plan(page, "Sam Okoro", "Neglect")
    page.get_by_role("link", name="Back to Okoro").click()
    expect(childs_row(page, "Sam Okoro")).to_contain_text("Visit due in 10 working days")
    expect(childs_row(page, "Mia Okoro")).to_contain_text("No statutory visit set")
    check_accessibility(page, "a family's statutory checks, child by child")
    page.get_by_role("link", name="Caseload", exact=True).click()
    # The family page's rows name Okoro too: read the caseload only once it is shown.
    page.get_by_role("heading", level=1, name="Your caseload").wait_for()
    expect(okoro).to_contain_text("Visit due in 10 working days: Sam")
    check_accessibility(page, "the caseload naming the child whose visit is due")

    # Mia's plan, recorded late, started a month ago: her visit is overdue.
    okoro.get_by_role("link", name="Okoro").click()
    start_a_plan(page, "Mia Okoro", "Emotional abuse", started=mia_started)
    page.get_by_role("link", name="Back to Okoro").click()
    expect(childs_row(page, "Mia Okoro")).to_contain_text(f"Visit was due {long_date(mia_was_due)}")
    expect(childs_row(page, "Mia Okoro")).to_contain_text("Not recorded as seen")

    # The visit, offline: Sam seen alone, Mia seen with her dad.
    device.set_offline(True)
    page.get_by_role("button", name="Record a visit").click()
    record_visit_details(page, mode="Home visit", purpose="Statutory visit", meaningful="Yes")
    page.get_by_role("group", name="Sam Okoro (child)").get_by_label("Seen alone").check()
    page.get_by_role("group", name="Mia Okoro (child)").get_by_label("Seen", exact=True).check()
    page.get_by_role("button", name="Save and continue to the note").click()
    page.get_by_role("link", name="4. Compliance checklist").click()
    expect(page.get_by_role("heading", level=1, name="Compliance checklist")).to_be_visible()

    # The checklist asks about each child on the plan by name, filled in from who was there.
    expect(page.locator("#checklist-children")).to_have_text(
        "Items about the children are answered for each child: Mia Okoro and Sam Okoro."
    )
    sam_seen = page.get_by_role("group", name="Child seen: Sam Okoro", exact=True)
    sam_alone = page.get_by_role("group", name="Child seen alone: Sam Okoro")
    mia_seen = page.get_by_role("group", name="Child seen: Mia Okoro", exact=True)
    mia_alone = page.get_by_role("group", name="Child seen alone: Mia Okoro")
    expect(sam_seen.get_by_label("Yes")).to_be_checked()
    expect(sam_alone.get_by_label("Yes")).to_be_checked()
    expect(mia_seen.get_by_label("Yes")).to_be_checked()
    expect(mia_alone.get_by_label("No", exact=True)).to_be_checked()
    expect(sam_alone).to_have_accessible_description(
        "Filled in from “Who was there” on this visit: Sam Okoro was seen alone."
        " Change it if it is wrong."
    )
    # Measured against the soonest due of the children: Mia's, already passed.
    expect(page.locator("#visit-due")).to_contain_text(long_date(mia_was_due))
    expect(page.locator("#visit-due")).to_contain_text("Late")
    check_accessibility(page, "a checklist asking about each child by name")

    # Each child's answer needs its own reason.
    page.get_by_role("group", name="Bedroom seen").get_by_label("Yes").check()
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Give the reason the answer to “Child seen alone” for Mia Okoro is no"
    )
    check_accessibility(page, "a checklist with an answer for one child missing its reason")
    page.get_by_label("Reason for the answer to “Child seen alone” for Mia Okoro").fill(
        "Mia wanted her dad with her today; I will ask again next visit"
    )
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.get_by_role("heading", level=1, name="Visit record")).to_be_visible()
    page.get_by_role("link", name="4. Compliance checklist").click()
    answers = page.locator("#checklist-answers")
    expect(answers).to_contain_text("Child seen alone: Sam Okoro")
    expect(answers).to_contain_text("Mia wanted her dad with her today")
    check_accessibility(page, "a completed checklist, child by child")

    # Still offline, the due dates have moved: counted from this visit, for each child seen.
    page.get_by_role("link", name="Back to Okoro").click()
    expect(childs_row(page, "Mia Okoro")).to_contain_text("Visit due in 10 working days")
    expect(childs_row(page, "Sam Okoro")).to_contain_text("Visit due in 10 working days")
    expect(childs_row(page, "Sam Okoro")).to_contain_text(f"{long_date(today)}, seen alone")
    expect(childs_row(page, "Mia Okoro")).not_to_contain_text("seen alone")
    expect(page.locator("#timeline-heading ~ ol")).to_contain_text(
        "Mia Okoro: seen, not alone. Sam Okoro: seen alone"
    )

    device.set_offline(False)
    sync_and_wait(page)
    fid = str(family.id)
    people = {p["given_name"]: p["id"] for p in items_of(worker, f"/api/people?family_id={fid}")}
    [checklist] = items_of(worker, f"/api/checklists?family_id={fid}")
    assert sorted(checklist["child_ids"]) == sorted([people["Sam"], people["Mia"]])
    stored = {
        (item["item_key"], item["child_id"]): item["answer"]
        for item in items_of(worker, f"/api/checklist-items?checklist_id={checklist['id']}")
    }
    assert stored == {
        ("child_seen", people["Sam"]): "yes",
        ("child_seen_alone", people["Sam"]): "yes",
        ("child_seen", people["Mia"]): "yes",
        ("child_seen_alone", people["Mia"]): "no",
        ("bedroom_seen", None): "yes",
    }
    # The server counts the same: each child's visit is due 10 working days after this one.
    visit_day = clock.council_date(clock.now())
    with app.app_context():
        dues = {str(due.person_id): due.due for due in child_dues([family.id])}
    assert dues == {
        people["Sam"]: add_interval(visit_day, TEN_WORKING_DAYS),
        people["Mia"]: add_interval(visit_day, TEN_WORKING_DAYS),
    }
    assert due_from_today == add_interval(visit_day, TEN_WORKING_DAYS)

    # Sam's plan ends: his visit, and the reminders it set, go; Mia's stays.
    page.get_by_role("link", name="Plan now for Sam Okoro").click()
    page.get_by_label("No plan: end the current plan").check()
    page.get_by_label("If the current plan ends, why?").select_option(label="Another reason")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sam's plan has ended")
    page.get_by_role("link", name="Back to Okoro").click()
    expect(childs_row(page, "Sam Okoro")).to_contain_text("No statutory visit set")
    expect(childs_row(page, "Mia Okoro")).to_contain_text("Visit due in 10 working days")
    page.get_by_role("link", name="Caseload", exact=True).click()
    # The family page's rows name Okoro too: read the caseload only once it is shown.
    page.get_by_role("heading", level=1, name="Your caseload").wait_for()
    expect(okoro).to_contain_text("Visit due in 10 working days: Mia")
    sync_and_wait(page)
    with app.app_context():
        assert [str(due.person_id) for due in child_dues([family.id])] == [people["Mia"]]
    assert errors == []
