"""Correcting a child's ended plan in the app: offline, by amendment, the original kept."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from server import clock
from server.extensions import db
from server.persistence import Amendment
from tests.api.casework import created
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_family_and_network import people_of, watch_for_errors
from tests.browser.test_plans import PHONE, fits_the_screen, sync_on_a_phone


def test_an_ended_plan_is_corrected_offline_and_the_history_keeps_the_original(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    api = make_client("amara")
    sam = next(p for p in people_of(api, str(family.id)) if p["given_name"] == "Sam")
    today = clock.today()
    started, corrected_start = today - timedelta(days=60), today - timedelta(days=63)
    plan = created(
        api.post(
            "/api/plan-episodes",
            json={
                "family_id": str(family.id),
                "person_id": sam["id"],
                "plan_type": "child_protection",
                "cp_category": "NEG",
                "started_on": started.isoformat(),
            },
        )
    )
    ended = api.patch(
        f"/api/plan-episodes/{plan['id']}",
        json={"base_version": 1, "ended_on": today.isoformat(), "end_reason": "stepped_down"},
    )
    assert ended.status_code == 200, ended.json

    context = new_context()
    page = context.new_page()
    page.set_viewport_size(PHONE)
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    context.set_offline(True)
    page.get_by_role("link", name="Okoro").click()
    page.get_by_role("link", name="Plan now for Sam Okoro").click()
    history = page.locator("#plan-history")
    expect(history).to_contain_text("Child protection plan (Neglect)")
    history.get_by_role("link", name=re.compile("^Correct this plan")).click()
    expect(page.get_by_role("heading", level=1, name="Correct this plan")).to_be_visible()
    check_accessibility(page, "correcting an ended plan")
    assert fits_the_screen(page)

    # Nothing chosen and no reason: the form says what it needs.
    page.get_by_role("button", name="Save the correction").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose what is wrong with the plan")
    expect(summary).to_contain_text("Enter why you are correcting the plan")
    check_accessibility(page, "correcting an ended plan, with errors")

    wrong = page.get_by_role("group", name="What is wrong?")
    wrong.get_by_label("The category", exact=True).check()
    page.get_by_label("The category, corrected").select_option(label="Emotional abuse")
    wrong.get_by_label("The date it started", exact=True).check()
    start = page.get_by_role("group", name="The date it started, corrected")
    start.get_by_label("Day").fill(str(corrected_start.day))
    start.get_by_label("Month").fill(str(corrected_start.month))
    start.get_by_label("Year").fill(str(corrected_start.year))
    page.get_by_label("Why are you correcting it?").fill(
        "The conference minutes say emotional abuse, and the plan began on the Friday."
    )
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your correction is saved. It is sent at the next sync"
    )
    expect(page.locator("#plan-corrected")).to_contain_text(
        "Child protection plan (Emotional abuse)"
    )

    # The plan's history: as corrected, the original beside it, and the correction not sent yet.
    page.get_by_role("link", name="Back to Sam Okoro's plan").click()
    entry = page.locator(f"#episode-{plan['id']}")
    expect(entry).to_contain_text("Child protection plan (Emotional abuse)")
    expect(entry).to_contain_text("Corrected by amendment")
    expect(entry).to_contain_text("As first recorded: Child protection plan (Neglect)")
    expect(entry).to_contain_text("The category, corrected")
    expect(entry).to_contain_text("The conference minutes say emotional abuse")
    expect(entry).to_contain_text("Not synced yet")
    check_accessibility(page, "a child's plan history with a correction")
    assert fits_the_screen(page)

    context.set_offline(False)
    sync_on_a_phone(page)
    with app.app_context():
        amendment = db.session.scalars(
            sa.select(Amendment).where(Amendment.target_id == uuid.UUID(plan["id"]))
        ).one()
        assert amendment.target_kind == "plan_episode"
        assert amendment.changes == {
            "cp_category": "EMO",
            "started_on": corrected_start.isoformat(),
        }
    # The original is unchanged on the server.
    assert api.get(f"/api/plan-episodes/{plan['id']}").json["cp_category"] == "NEG"
    expect(entry).not_to_contain_text("Not synced yet")
    assert errors == []
