"""The supervisor's queue: red first, asks to discuss from a worker's device, group approvals."""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import expect

import demo
from server import clock
from server.extensions import db
from server.persistence import Judgment, Review
from tests.api.casework import created, publish_practice_settings
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_conference_and_reviews import (
    go,
    wait_for_reference,
    wait_until_sent,
    watch_for_errors,
)
from tests.test_demo import MAKE_RUN_FAMILIES, MAKE_RUN_SEED


def signed(client: Any, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    record = created(client.post(f"/api/{kind}", json=body))
    response = client.post(f"/api/{kind}/{record['id']}/sign")
    assert response.status_code == 200, response.json
    return response.json


def decision(client: Any, family: Any, question: str, category: str) -> dict[str, Any]:
    return signed(
        client,
        "judgments",
        {
            "family_id": str(family.id),
            "question": question,
            "category": category,
            "decision": "Go ahead",
        },
    )


def note(client: Any, family: Any, text: str) -> dict[str, Any]:
    return signed(
        client, "notes", {"family_id": str(family.id), "sections": {"what_happened": text}}
    )


def test_the_queue_holds_red_first_then_what_to_talk_through_a_page_at_a_time(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    ben_user = make_user("caseworker", username="ben", display_name="Ben Adeyemi")
    make_user("supervisor", username="priya", display_name="Priya Shah")
    okoro = make_family(team_of=amara, worker=amara, name="Okoro")
    byrne = make_family(team_of=amara, worker=ben_user, name="Byrne")
    worker, ben = make_client("amara"), make_client("ben")
    red = decision(
        worker, okoro, "Change the safety plan so Sam stays with Nan?", "safety_plan_change"
    )
    decision(worker, okoro, "Share the plan with school?", "share_with_school")
    decision(worker, okoro, "Carry on weekly visits?", "routine_support")  # green: never queued
    note(worker, okoro, "We walked to the park.")  # signed: complete as it is
    # Ben's yellow decisions fill more than a page.
    for number in range(21):
        decision(ben, byrne, f"Tell the school about week {number + 1}?", "share_with_school")

    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in(page, "priya")
    wait_for_reference(page)
    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", level=1, name="Review queue")).to_be_visible()
    expect(page.locator("#queue-count")).to_have_text("23 in the queue. Showing 1 to 20 of 23.")
    expect(page.locator("#queue-red")).to_have_text("1 red decision waits for your approval.")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(20)
    first = rows.first
    expect(first).to_contain_text("Decision: Change the safety plan so Sam stays with Nan?")
    expect(first).to_contain_text("Red: needs approval")
    expect(first).to_contain_text("Waits for your approval")
    assert first.get_by_role("link").get_attribute("href") == f"#/judgment/{red['id']}"
    expect(page.locator("main")).not_to_contain_text("Carry on weekly visits?")
    expect(page.locator("main")).not_to_contain_text("We walked to the park.")
    check_accessibility(page, "review queue")

    page.get_by_role("link", name="Next page").click()
    expect(rows).to_have_count(3)
    expect(page.locator("#queue-count")).to_have_text("23 in the queue. Showing 21 to 23 of 23.")
    expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    check_accessibility(page, "review queue, page 2")

    # The approval filter shows exactly what waits for this supervisor.
    page.get_by_label("Only decisions waiting for your approval").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Change the safety plan")
    page.get_by_role("button", name="Clear filters").click()
    # A family by its name; the worker; what kind of item.
    page.get_by_label("Family name or reference").fill("okor")
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(2)
    page.get_by_role("button", name="Clear filters").click()
    page.get_by_label("Yellow: to talk through").check()
    page.get_by_label("Worker", exact=True).select_option(label="Amara Okafor")
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Share the plan with school?")
    check_accessibility(page, "review queue, filtered")
    page.get_by_role("button", name="Clear filters").click()

    # The monthly sample: Amara's signed note is drawn (Ben has none).
    page.get_by_role("button", name=re.compile(r"Draw \w+'s sample \(1 note\)")).click()
    expect(page.locator("#queue-sample")).to_contain_text("1 note drawn")
    page.get_by_role("checkbox", name="Monthly sample", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Relational note: We walked to the park.")
    wait_until_sent(page)
    with app.app_context():
        kinds = db.session.scalars(sa.select(Review.review_kind)).all()
    assert kinds == ["sampled"]
    assert errors == []


def test_a_worker_asks_offline_to_talk_a_note_through_and_it_reaches_the_queue(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    make_user("supervisor", username="hannah", display_name="Hannah Price")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    written = note(make_client("amara"), family, "Sam showed me his drawings.")

    context = new_context()
    phone = context.new_page()
    errors = watch_for_errors(phone)
    sign_in(phone, "amara")
    context.set_offline(True)
    go(phone, f"#/note/{written['id']}")
    expect(
        phone.get_by_role("heading", level=2, name="Talk this through with my supervisor")
    ).to_be_visible()
    check_accessibility(phone, "a signed note, with ask to discuss")
    phone.get_by_label("What would you like to talk about? (optional)").fill(
        "Was I too quick to reassure his mum?"
    )
    phone.get_by_role("button", name="Ask to talk it through").click()
    expect(phone.get_by_text("Your supervisor will see this in their queue.")).to_be_visible()
    expect(phone.locator("#ask-to-discuss-status")).to_contain_text(
        "You asked to talk this note through"
    )
    expect(phone.get_by_role("button", name="Ask to talk it through")).to_have_count(0)
    check_accessibility(phone, "a note asked about, offline")
    context.set_offline(False)
    wait_until_sent(phone)

    supervisor = new_context().new_page()
    errors += watch_for_errors(supervisor)
    sign_in(supervisor, "hannah")
    wait_for_reference(supervisor)
    go(supervisor, "#/reviews")
    rows = supervisor.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Relational note: Sam showed me his drawings.")
    expect(rows.first).to_contain_text("Asked to discuss")
    expect(rows.first).to_contain_text("Was I too quick to reassure his mum?")
    check_accessibility(supervisor, "review queue with a worker's ask")

    rows.first.get_by_role("link").click()
    expect(supervisor.get_by_text("Amara Okafor asked to talk this through")).to_be_visible()
    supervisor.get_by_label("What you talked about (optional)").fill("Talked on Tuesday.")
    supervisor.get_by_role("button", name="Mark as discussed").click()
    expect(supervisor.get_by_text("Marked as discussed.")).to_be_visible()
    go(supervisor, "#/reviews")
    expect(supervisor.locator("#queue-count")).to_have_text("Nothing is waiting for you.")
    wait_until_sent(supervisor)
    with app.app_context():
        kinds = sorted(db.session.scalars(sa.select(Review.review_kind)).all())
    assert kinds == ["ask_to_discuss", "discussed"]
    assert errors == []


def test_a_red_decision_from_group_supervision_is_approved_by_the_facilitator(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    hannah = make_user("supervisor", username="hannah", display_name="Hannah Price")
    family = make_family(team_of=hannah, worker=amara, name="Okoro")
    lead = make_client("hannah")
    session = created(
        lead.post(
            "/api/supervision-sessions",
            json={
                "held_at": "2026-11-25T14:00:00+00:00",
                "title": "Working with fathers",
                "attendee_ids": [str(amara.id)],
            },
        )
    )
    discussion = created(
        lead.post(
            "/api/supervision-discussions",
            json={"session_id": session["id"], "family_id": str(family.id)},
        )
    )
    group = signed(
        lead,
        "judgments",
        {
            "family_id": str(family.id),
            "supervision_discussion_id": discussion["id"],
            "question": "Should Gran join the safety plan?",
            "category": "safety_plan_change",
            "decision": "Yes: Gran does the school run",
        },
    )
    assert group["status"] == "awaiting_approval"

    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in(page, "hannah")
    wait_for_reference(page)
    go(page, "#/reviews")
    page.get_by_label("Only decisions waiting for your approval").check()
    page.get_by_role("button", name="Apply filters").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Should Gran join the safety plan?")
    expect(rows.first).to_contain_text("Waits for your approval")
    rows.first.get_by_role("link").click()
    expect(
        page.get_by_role("heading", level=2, name="Approve or decline this decision")
    ).to_be_visible()
    check_accessibility(page, "a group supervision decision to approve")
    page.get_by_label("Your reason").fill("Agreed by the group; Gran is known to school.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("You approved this decision.")).to_be_visible()
    wait_until_sent(page)
    with app.app_context():
        stored = db.session.get(Judgment, uuid.UUID(group["id"]))
        assert stored is not None
        assert (stored.status, stored.decided_by_id) == ("approved", hannah.id)
    go(page, "#/reviews")
    expect(page.locator("#queue-count")).to_have_text("Nothing is waiting for you.")
    assert errors == []


def test_sup_north_s_queue_after_the_demo_load_is_short_with_red_first(app, new_context):
    with app.app_context():
        demo.load_demo_data(families=MAKE_RUN_FAMILIES, seed=MAKE_RUN_SEED)
        asked = db.session.scalar(
            sa.select(sa.func.count()).where(Review.review_kind == "ask_to_discuss")
        )
    assert asked
    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in(page, "sup.north", password=demo.DEMO_PASSWORD, first_sync_ms=120_000)
    wait_for_reference(page)
    go(page, "#/reviews")
    count = page.locator("#queue-count")
    expect(count).to_contain_text("in the queue")
    found = re.match(r"(\d+) in the queue", count.inner_text())
    assert found, count.inner_text()
    waiting = int(found.group(1))
    assert 0 < waiting < 60, f"{waiting} items in sup.north's queue on {clock.today()}"
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Red: needs approval")
    expect(page.locator("main")).to_contain_text("Asked to discuss")
    check_accessibility(page, "sup.north's review queue after the demo load")
    assert errors == []


def test_a_supervisor_changes_the_teams_queue_settings(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    make_user("supervisor", username="priya", display_name="Priya Shah")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    worker = make_client("amara")
    for number in range(3):
        note(worker, family, f"Visit {number + 1}: we talked about school.")

    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in(page, "priya")
    wait_for_reference(page)
    go(page, "#/reviews")
    # Amara started this month, so she is new: up to 4 notes, and she has 3.
    expect(page.get_by_role("button", name=re.compile(r"sample \(3 notes\)"))).to_be_visible()
    page.get_by_text("Your team's queue settings").click()
    settings = page.locator("#queue-settings")
    expect(settings.get_by_label(re.compile("Days before an item"))).to_have_value("60")
    settings.get_by_label("Notes in each worker's monthly sample").fill("3")
    settings.get_by_label(re.compile("first three months")).fill("1")
    settings.get_by_role("button", name="Save settings").click()
    expect(settings.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(settings).to_contain_text("must be at least the sample for others")
    check_accessibility(page, "queue settings with a problem")
    settings.get_by_label("Notes in each worker's monthly sample").fill("1")
    settings.get_by_role("button", name="Save settings").click()
    expect(settings.get_by_text("Settings saved for your team.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"sample \(1 note\)"))).to_be_visible()
    assert make_client("amara").get("/api/supervision-settings").json["sample_size_new"] == 1
    # The refused save is the browser's "failed to load resource" (422); nothing else.
    assert [error for error in errors if "422" not in error] == []
