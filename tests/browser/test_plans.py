"""A child's plan in the app: "Plan now" offline, and the statutory visit it sets."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import expect

from server import clock
from tests.browser.conftest import check_accessibility, sign_in, wait_until_synced
from tests.browser.test_family_and_network import people_of, record_pushes, watch_for_errors

PHONE = {"width": 390, "height": 844}


def sync_on_a_phone(page: Any) -> None:
    """Sync from the Sync screen, as on a phone (the bar has no "Sync now"), and come back."""
    wait_until_synced(page)
    page.get_by_role("region", name="Sync status").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Sync")).to_be_visible()
    page.get_by_role("main").get_by_role("button", name="Sync now").click()
    page.wait_for_function(
        "() => window.fieldwork.session.data.outbox.length === 0"
        " && window.fieldwork.session.sync.state === 'idle'"
        " && !window.fieldwork.session.sync.running"
    )
    page.go_back()


def fits_the_screen(page: Any, selector: str = "main") -> bool:
    """Return whether every element under ``selector`` that is drawn fits a phone's width.

    What is there for screen readers only (inside a clipped box of 1px, such as
    the headings of a table whose rows stack on a phone) is not drawn.
    """
    return bool(
        page.evaluate(
            """(selector) => {
              const unseen = (element) => {
                for (let up = element; up; up = up.parentElement) {
                  const style = getComputedStyle(up);
                  const tiny = up.clientWidth <= 1 && up.clientHeight <= 1;
                  if (style.position === "absolute" && tiny) return true;
                }
                return false;
              };
              const fits = (element) => element.getBoundingClientRect().right <= window.innerWidth;
              return [...document.querySelectorAll(`${selector}, ${selector} *`)]
                .every((element) => unseen(element) || fits(element));
            }""",
            selector,
        )
    )


def test_a_plan_is_started_and_stepped_down_offline_and_syncs(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    fid = str(family.id)
    api = make_client("amara")
    sam = next(p for p in people_of(api, fid) if p["given_name"] == "Sam")

    context = new_context()
    page = context.new_page()
    page.set_viewport_size(PHONE)
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    page.get_by_role("link", name="Okoro").click()
    members = page.get_by_role("table", name="People in the family, children first")
    expect(members.get_by_role("row", name=re.compile("Sam Okoro"))).to_contain_text("No plan")
    # The people, with their plans, fit a phone: the rows stack.
    assert fits_the_screen(page, "table.govuk-table")

    context.set_offline(True)
    members.get_by_role("link", name="Plan now for Sam Okoro").click()
    expect(page.get_by_role("heading", level=1, name="Sam Okoro's plan")).to_be_visible()
    check_accessibility(page, "a child's plan")
    assert fits_the_screen(page)

    # A child protection plan needs its category.
    page.get_by_label("Child protection plan").check()
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the category of the child protection plan"
    )
    page.get_by_label("Category").select_option(label="Neglect")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Sam is now on: Child protection plan (Neglect)"
    )
    expect(page.locator("#plan-now")).to_contain_text("Not synced yet")

    # Stepped down to a child in need plan, still offline: the old plan ends with a reason.
    page.get_by_label("Child in need plan").check()
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the current plan ended")
    page.get_by_label("If the current plan ends, why?").select_option(
        label="Moved to a plan with less involvement"
    )
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#plan-now")).to_contain_text("Child in need plan")
    history = page.locator("section", has=page.get_by_role("heading", name="Earlier plans"))
    expect(history).to_contain_text("Child protection plan (Neglect)")
    expect(history).to_contain_text("Moved to a plan with less involvement")
    check_accessibility(page, "a child's plan after a change")

    context.set_offline(False)
    sync_on_a_phone(page)
    episodes = api.get(f"/api/plan-episodes?person_id={sam['id']}").json["items"]
    today = clock.today().isoformat()
    assert sorted((e["plan_type"], e["ended_on"], e["end_reason"]) for e in episodes) == [
        ("child_in_need", None, None),
        ("child_protection", today, "stepped_down"),
    ]
    page.get_by_role("link", name="Back to Okoro").click()
    expect(members.get_by_role("row", name=re.compile("Sam Okoro"))).to_contain_text(
        "Child in need plan, since"
    )
    assert errors == []


CP_VISITS = {
    "key": "statutory_visit",
    "name": "Statutory visit",
    "purpose": "statutory_visit",
    "items": [{"key": "child_seen", "label": "Child seen"}],
    "timescale": {
        "applies_to": ["child_protection"],
        "every": {"count": 10, "unit": "working_days"},
    },
    "legal_basis": "Working Together to Safeguard Children",
}


def test_a_child_protection_plan_from_today_sets_a_visit_due_in_ten_working_days(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    assert make_client("root").post("/api/checklist-templates", json=CP_VISITS).status_code == 201
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    make_family(team_of=amara, worker=amara, name="Okoro")

    context = new_context()
    page = context.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    okoro = page.get_by_role("row", name=re.compile("Okoro"))
    expect(okoro).to_contain_text("No statutory visit set")  # no child is on a plan

    okoro.get_by_role("link", name="Okoro").click()
    page.get_by_role("link", name="Plan now for Sam Okoro").click()
    page.get_by_label("Child protection plan").check()
    page.get_by_label("Category").select_option(label="Physical abuse")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sam is now on")

    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(okoro).to_contain_text("Visit due in 10 working days: Sam")
    check_accessibility(page, "the caseload with a child's visit due")

    # Ending the plan ends the visits it set.
    okoro.get_by_role("link", name="Okoro").click()
    page.get_by_role("link", name="Plan now for Sam Okoro").click()
    page.get_by_label("No plan: end the current plan").check()
    page.get_by_label("If the current plan ends, why?").select_option(label="Another reason")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sam's plan has ended")
    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(okoro).to_contain_text("No statutory visit set")
    assert errors == []


def test_the_demo_council_shows_only_its_genuine_overdue_visits(app, new_context):
    import demo
    from tests.test_demo import MAKE_RUN_FAMILIES, MAKE_RUN_SEED

    with app.app_context():
        demo.load_demo_data(families=MAKE_RUN_FAMILIES, seed=MAKE_RUN_SEED)

    context = new_context()
    page = context.new_page()
    sign_in(page, "cw.amara", password=demo.DEMO_PASSWORD, first_sync_ms=120_000)
    overdue = page.get_by_role("row").filter(has=page.locator(".govuk-tag", has_text="Overdue"))
    expect(overdue).to_have_count(2)
    for row in overdue.all():
        # Each names the check and the child: "Visit was due 3 December 2026: Kaviya".
        expect(row).to_contain_text(re.compile(r"Visit was due \d+ \w+ \d{4}: \w+"))
    amara_overdue = sorted(row.get_by_role("link").first.inner_text() for row in overdue.all())

    supervisor = new_context().new_page()
    sign_in(supervisor, "sup.north", password=demo.DEMO_PASSWORD, first_sync_ms=120_000)
    supervisor.get_by_role("link", name="Team view").click()
    panel = supervisor.locator("#compliance-panel table").filter(has_text="overdue")
    rows = panel.locator("tbody tr")
    expect(rows).to_have_count(2)
    team_overdue = sorted(row.get_by_role("link").first.inner_text() for row in rows.all())
    assert team_overdue == amara_overdue

    # The council summary counts the same visits as not done (before its small
    # numbers are hidden): one data set, the same answer.
    from datetime import timedelta

    import sqlalchemy as sa

    from server import clock
    from server.extensions import db
    from server.persistence import Family, Team
    from server.services.statutory import VisitOutcome, statutory_visits_due

    with app.app_context():
        today = clock.today()
        north = db.session.scalar(sa.select(Team.id).where(Team.name == "North Family Support"))
        names = {
            family_id: name
            for family_id, name in db.session.execute(sa.select(Family.id, Family.display_name))
        }
        not_done = statutory_visits_due(today - timedelta(days=120), today, as_of=today)
        summary_overdue = sorted(
            {
                names[visit.family_id]
                for visit in not_done
                if visit.outcome is VisitOutcome.NOT_DONE and visit.team_id == north
            }
        )
    assert summary_overdue == team_overdue


def test_the_placement_address_is_seen_online_and_never_kept_on_the_device(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    fid = str(family.id)
    api = make_client("amara")
    sam = next(p for p in people_of(api, fid) if p["given_name"] == "Sam")
    started = clock.today().isoformat()
    assert (
        api.post(
            "/api/plan-episodes",
            json={
                "family_id": fid,
                "person_id": sam["id"],
                "plan_type": "looked_after",
                "legal_status": "C2",
                "placement_type": "U4",
                "placement_started_on": started,
                "started_on": started,
            },
        ).status_code
        == 201
    )

    context = new_context()
    page = context.new_page()
    errors = watch_for_errors(page)
    pushed = record_pushes(page)
    sign_in(page, "amara")
    page.get_by_role("link", name="Okoro").click()
    page.get_by_role("link", name="Plan now for Sam Okoro").click()
    section = page.locator("#placement-address")
    context.set_offline(True)
    section.get_by_role("button", name="Show the placement address").click()
    expect(section).to_contain_text("can only be seen online")
    context.set_offline(False)
    section.get_by_role("button", name="Show the placement address").click()
    expect(section).to_contain_text("No placement address recorded yet.")
    section.get_by_label("Address line 1").fill("14 Kittiwake Row")
    section.get_by_label("Postcode (optional)").fill("em4 7qt")
    section.get_by_role("button", name="Record the address").click()
    expect(page.locator("#placement-now")).to_contain_text("14 Kittiwake Row")
    expect(page.locator("#placement-now")).to_contain_text("EM4 7QT")
    check_accessibility(page, "a looked-after child's plan with the placement address")

    # Nothing of it is kept on the device (the stores are sealed, so look at what
    # they hold once opened: the records, the outbox, the screen's draft) or sent.
    page.wait_for_timeout(1500)  # longer than the drafts' save delay
    kept = page.evaluate(
        """async (key) => {
            const session = window.fieldwork.session;
            const data = session.data;
            const held = [...data.confirmed.values()].map((table) => [...table.values()]);
            const draft = await session.loadDraft(key).catch(() => null);
            return JSON.stringify([held, data.outbox, data.notices, draft]);
        }""",
        f"family/{fid}/child/{sam['id']}/plan",
    )
    assert "Sam" in kept  # the look reaches the records
    assert "Kittiwake" not in kept
    assert "Kittiwake" not in json.dumps(pushed)
    with app.app_context():
        from server.extensions import db
        from server.persistence import PlacementAddress

        [row] = db.session.query(PlacementAddress).all()
        assert row.address["postcode"] == "EM4 7QT"
    assert errors == []
