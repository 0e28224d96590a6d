"""Decisions that get reviewed (offline), the worker's side of a decline, the private record."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from playwright.sync_api import expect

from server import clock
from server.extensions import db
from server.persistence import Team, User
from tests.api.casework import created, publish_practice_settings
from tests.browser.conftest import check_accessibility, sign_in, wait_until_synced
from tests.browser.test_conference_and_reviews import (
    go,
    wait_for_reference,
    wait_until_sent,
    watch_for_errors,
)

QUESTION = "Should Sam stay with his nan at weekends?"


def decision(api, family_id: str, category: str, **fields: Any) -> dict:
    judgment = created(
        api.post(
            "/api/judgments",
            json={
                "family_id": family_id,
                "question": QUESTION,
                "category": category,
                "options": [{"option": "Weekends with nan"}],
                "decision": "Sam stays with his nan at weekends.",
                "rationale": "She is his closest support.",
                **fields,
            },
        )
    )
    assert api.post(f"/api/judgments/{judgment['id']}/sign").status_code == 200
    return judgment


def sync_now(page: Any) -> None:
    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    wait_until_synced(page)


def test_a_decision_due_for_review_is_reviewed_offline_and_the_teams_figure_moves(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    make_user("supervisor", username="hannah", display_name="Hannah Ward")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    api = make_client("amara")
    judgment = decision(
        api, str(family.id), "routine_support", review_date=clock.today().isoformat()
    )

    # The supervisor's team view, before: nothing reviewed, one decision waiting.
    supervisor = new_context().new_page()
    sign_in(supervisor, "hannah")
    go(supervisor, "#/team")
    expect(supervisor.locator("#reviewed-count")).to_have_text("0")
    expect(supervisor.locator("#review-waiting-count")).to_have_text("1")
    check_accessibility(supervisor, "team view with supervision and learning")

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    wait_for_reference(page)
    due = page.locator("#decisions-to-review")
    expect(due.get_by_role("link", name=QUESTION)).to_be_visible()
    check_accessibility(page, "caseload with a decision to review")

    device.set_offline(True)
    due.get_by_role("link", name=QUESTION).click()
    expect(page.get_by_role("heading", level=1, name="Review this decision")).to_be_visible()
    check_accessibility(page, "review this decision")
    page.get_by_role("button", name="Save the review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    missing = summary.get_by_role("link", name="Enter what happened after the decision")
    expect(missing).to_be_visible()
    check_accessibility(page, "review this decision, with errors")

    page.get_by_label("What happened after the decision?").fill("Weekends settled; school is up.")
    page.get_by_label("Partly").check()
    page.get_by_label("What would you do differently? (optional)").fill("Ask the school sooner.")
    page.get_by_label("The family's view now (optional)").fill("Nan says it works.")
    page.get_by_label("Outcome of the review").fill("The arrangement continues.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_role("heading", level=1, name="Decision reviewed")).to_be_visible()
    expect(page.locator("#review-outcome")).to_have_text("The arrangement continues.")
    expect(page.locator("#decision-review")).to_contain_text("Not synced yet")
    check_accessibility(page, "decision reviewed, offline")
    go(page, "#/")
    expect(page.locator("#decisions-to-review")).to_have_count(0)  # off the caseload at once

    device.set_offline(False)
    wait_until_sent(page)
    stored = api.get(f"/api/judgments/{judgment['id']}").json
    assert (stored["review_outcome"], stored["reviewed_on"]) == (
        "The arrangement continues.",
        clock.today().isoformat(),
    )
    assert api.get(f"/api/amendments?target_id={judgment['id']}").json["total"] == 0

    # The team's "reviewed" figure moves once the supervisor's device syncs.
    sync_now(supervisor)
    expect(supervisor.locator("#reviewed-count")).to_have_text("1")
    expect(supervisor.locator("#review-waiting-count")).to_have_text("0")

    # From the review, a letter to peers: checked for what identifies the family first.
    go(page, f"#/judgment/{judgment['id']}/review")
    page.get_by_role("link", name="Write an anonymised letter to your peers").click()
    expect(page.get_by_role("heading", level=1, name="Write to your peers")).to_be_visible()
    page.get_by_label("Your letter").fill("Sam's weekends with the Okoro grandparents settled.")
    page.get_by_role("button", name="Share the letter").click()
    warning = page.locator("#identifier-warning")
    expect(warning).to_be_focused()
    expect(warning).to_contain_text("“Sam”")
    expect(warning).to_contain_text("“Okoro”")
    check_accessibility(page, "peer letter with identifying details")
    page.get_by_label("Your letter").fill("Time with a grandparent settled; ask the school sooner.")
    page.get_by_role("button", name="Check again and send").click()
    expect(page.get_by_role("heading", level=1, name="Letters from peers")).to_be_visible()
    expect(page.get_by_text("ask the school sooner")).to_be_visible()
    check_accessibility(page, "letters from peers")
    assert errors == []


def test_disagreement_and_escalation_show_on_the_decisions_thread(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    make_user("supervisor", username="hannah", display_name="Hannah Ward")
    make_user("supervisor", username="sam", team="Service managers", display_name="Sam Head")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    with app.app_context():
        team = db.session.scalar(sa.select(Team).where(Team.name == "North"))
        team.escalation_contact_id = db.session.scalar(
            sa.select(User.id).where(User.username == "sam")
        )
        db.session.commit()
    judgment = decision(make_client("amara"), str(family.id), "safety_plan_change")
    make_client("hannah").post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment["id"],
            "review_kind": "decline",
            "body": "Not until the safety plan is agreed.",
        },
    )

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    wait_for_reference(page)
    go(page, f"#/judgment/{judgment['id']}")
    heading = page.get_by_role("heading", level=2, name="If you disagree with this decline")
    expect(heading).to_be_visible()
    check_accessibility(page, "declined decision, the worker's side")

    device.set_offline(True)  # recorded offline, like any entry on the thread
    page.get_by_label("Your professional view").fill("Nan's home was checked last week.")
    page.get_by_role("button", name="Record my disagreement").click()
    expect(page.get_by_text("Your disagreement is saved")).to_be_visible()
    expect(
        page.get_by_role("heading", level=3, name="Professional disagreement from you")
    ).to_be_visible()
    device.set_offline(False)
    wait_until_sent(page)

    page.get_by_label("Your professional view").fill("We could not agree: please look again.")
    page.get_by_role("button", name="Escalate to the next manager").click()
    expect(page.get_by_text("Your escalation is saved")).to_be_visible()
    wait_until_sent(page)
    escalated = page.locator(".app-record--review").filter(
        has=page.get_by_role("heading", name="Escalated by you to the next manager")
    )
    expect(escalated).to_contain_text("Sent to Sam Head")
    expect(page.get_by_role("button", name="Escalate to the next manager")).to_have_count(0)
    check_accessibility(page, "decision thread with disagreement and escalation")

    manager = new_context().new_page()
    sign_in(manager, "sam")
    go(manager, "#/escalations")
    section = manager.get_by_role("region", name=QUESTION)
    expect(section).to_contain_text("We could not agree: please look again.")
    expect(section).to_contain_text("Not until the safety plan is agreed.")
    check_accessibility(manager, "escalations to the next manager")
    section.get_by_label("Your answer").fill("Let us meet on Friday with Hannah.")
    section.get_by_role("button", name="Send your answer").click()
    expect(manager.get_by_text("Your answer is on the decision's thread.")).to_be_visible()

    sync_now(page)
    expect(page.get_by_text("Let us meet on Friday with Hannah.")).to_be_visible()
    assert errors == []


def test_the_private_supervision_record_stays_between_worker_and_supervisor(
    app, make_user, make_family, new_context
):
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    make_user("caseworker", username="ben", display_name="Ben Ode")
    make_user("supervisor", username="hannah", display_name="Hannah Ward")
    make_family(team_of=amara, worker=amara, name="Okoro")
    remark = "How is the Okoro family affecting you?"

    supervisor = new_context().new_page()
    sign_in(supervisor, "hannah")
    wait_for_reference(supervisor)
    go(supervisor, "#/supervision-record")
    supervisor.get_by_role("link", name="Amara Okafor").click()
    heading = supervisor.get_by_role("heading", level=1, name="Private supervision record")
    expect(heading).to_be_visible()
    supervisor.get_by_role("button", name="Add to the record").click()
    expect(supervisor.locator(".govuk-error-summary")).to_be_focused()
    supervisor.get_by_label("Add to their record").fill(remark)
    supervisor.get_by_role("button", name="Add to the record").click()
    expect(supervisor.get_by_text("Added to the private supervision record.")).to_be_visible()
    check_accessibility(supervisor, "a worker's private supervision record")

    worker = new_context().new_page()
    sign_in(worker, "amara")
    go(worker, "#/supervision-record")
    expect(worker.locator("#record-entries")).to_contain_text(remark)
    check_accessibility(worker, "my private supervision record")
    # Nothing of it reaches the device's own store: it is read from the server only.
    stored = worker.evaluate("() => JSON.stringify(window.fieldwork.session.data)")
    assert "affecting you" not in stored

    other = new_context().new_page()
    sign_in(other, "ben")
    go(other, "#/supervision-record")
    expect(other.get_by_text("Nothing written yet.")).to_be_visible()
    expect(other.get_by_text(remark)).to_have_count(0)
