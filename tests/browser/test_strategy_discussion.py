"""A worker records a strategy discussion offline; the supervisor's team view shows the ICPC due."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import expect

from server import clock
from server.domain.timescales import icpc_due
from server.extensions import db
from server.persistence import StrategyDiscussion
from tests.browser.conftest import check_accessibility, sign_in, wait_until_synced
from tests.browser.test_conference_and_reviews import (
    go,
    wait_for_reference,
    wait_until_sent,
    watch_for_errors,
)


def person(page: Any, index: int, name: str, role: str, agency: str) -> None:
    group = page.get_by_role("group", name=f"Person {index}")
    group.get_by_label("Name").fill(name)
    group.get_by_label("Role (optional)").fill(role)
    group.get_by_label("Agency").select_option(label=agency)


def plain(day: Any) -> str:
    return f"{day.day} {day:%B %Y}"


def test_a_strategy_discussion_starts_an_enquiry_the_team_view_shows(
    app, make_user, make_family, new_context
):
    make_user("supervisor", username="priya", display_name="Priya Shah")
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    family = make_family(team_of=amara, worker=amara, name="Okoro")

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    wait_for_reference(page)
    device.set_offline(True)
    go(page, f"#/family/{family.id}")
    page.get_by_role("button", name="Record a strategy discussion").click()
    expect(
        page.get_by_role("heading", level=1, name="Record a strategy discussion")
    ).to_be_visible()
    expect(page.get_by_text("A section 47 enquiry is when")).to_be_visible()
    check_accessibility(page, "record a strategy discussion")

    # Nothing chosen: each problem is named, beside its field and in the summary.
    page.get_by_role("button", name="Save and sign").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose the children the discussion was about")
    expect(summary).to_contain_text("Enter at least one person who took part")
    expect(summary).to_contain_text("Choose what was decided")
    check_accessibility(page, "strategy discussion with errors")

    page.get_by_role("group", name="Which children was it about?").get_by_label("Sam Okoro").check()
    person(page, 1, "DC Rana Begum", "Child abuse investigation", "Police")
    person(page, 2, "Amara Okafor", "Social worker", "Children's social care")
    page.get_by_role("button", name="Add another person").click()
    expect(page.get_by_role("group", name="Person 3").get_by_label("Name")).to_be_focused()
    person(page, 3, "Joy Adeyemi", "Health visitor", "Health")
    page.get_by_label("What information was shared?").fill(
        "Sam told his teacher his father hit him. The school saw a bruise on his arm."
    )
    page.get_by_label("Joint section 47 enquiry with the police").check()
    page.get_by_role("button", name="Save and sign").click()

    due = icpc_due(clock.today())
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(f"due by {plain(due)}")
    expect(page.locator("#icpc-due")).to_contain_text(plain(due))
    check_accessibility(page, "a signed strategy discussion")

    device.set_offline(False)
    wait_until_sent(page)
    with app.app_context():
        [stored] = db.session.scalars(sa.select(StrategyDiscussion)).all()
        assert (stored.state, stored.decision, stored.icpc_due_on) == ("signed", "joint_s47", due)
        assert [p["agency"] for p in stored.participants] == [
            "police",
            "childrens_social_care",
            "health",
        ]
        assert stored.device_written_at is not None and stored.device_signed_at is not None
        assert stored.family_id == uuid.UUID(str(family.id))

    # The supervisor's team view lists the enquiry and when its conference is due.
    supervisor = new_context().new_page()
    sign_in(supervisor, "priya")
    wait_until_synced(supervisor)
    supervisor.get_by_role("link", name="Team view").click()
    rows = (
        supervisor.locator("#compliance-panel table")
        .filter(has_text="Open section 47 enquiries")
        .locator("tbody tr")
    )
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Okoro")
    expect(rows.first).to_contain_text(plain(due))
    expect(rows.first).to_contain_text("Amara Okafor")
    check_accessibility(supervisor, "team view with a section 47 enquiry")
    assert errors == []
