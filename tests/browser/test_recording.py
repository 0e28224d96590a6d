"""Recording without double entry: the checklist starts from who was there, a decision
can be logged from the family page, options come in their usual order, and supervision
questions wait for the worker in an inbox."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from server import clock
from tests.api.casework import (
    POLICY,
    VISIT_TEMPLATE,
    practice_lead_beside,
    publish_practice_settings,
)
from tests.browser.conftest import check_accessibility, sign_in, unlock
from tests.browser.test_visit_note_judgment import (
    go,
    items_of,
    ready_to_work_offline,
    record_visit_details,
    sync_and_wait,
    watch_for_errors,
)


def radio_labels(page: Any, legend: str) -> list[str]:
    labels: list[str] = (
        page.get_by_role("group", name=legend).locator(".govuk-radios__label").all_inner_texts()
    )
    return [label.strip() for label in labels]


def test_the_checklist_starts_from_who_was_there_and_can_be_changed(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    worker = make_client("amara")
    mia = {"family_id": str(family.id), "given_name": "Mia", "family_name": "Okoro"}
    assert worker.post("/api/people", json={**mia, "is_child": True}).status_code == 201

    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    ready_to_work_offline(page)
    go(page, f"#/family/{family.id}/visit")

    # The usual way of meeting comes first; the catch-all purpose comes last.
    assert radio_labels(page, "How did you meet?")[0] == "Home visit"
    assert radio_labels(page, "What was it for?")[-1] == "Other"

    record_visit_details(page, mode="Home visit", purpose="Statutory visit", meaningful="Yes")
    sam = page.get_by_role("group", name="Sam Okoro (child)")
    sam.get_by_label("Present").check()
    sam.get_by_label("Seen alone").check()
    page.get_by_role("group", name="Mia Okoro (child)").get_by_label("Seen", exact=True).check()
    page.get_by_role("button", name="Save and continue to the note").click()
    page.get_by_role("link", name="4. Compliance checklist").click()
    expect(page.get_by_role("heading", level=1, name="Compliance checklist")).to_be_visible()

    # Both were seen, only Sam alone: each child's answers say so, and where they came from.
    sam_seen = page.get_by_role("group", name="Child seen: Sam Okoro", exact=True)
    mia_seen = page.get_by_role("group", name="Child seen: Mia Okoro", exact=True)
    sam_alone = page.get_by_role("group", name="Child seen alone: Sam Okoro")
    mia_alone = page.get_by_role("group", name="Child seen alone: Mia Okoro")
    expect(sam_seen.get_by_label("Yes")).to_be_checked()
    expect(mia_seen.get_by_label("Yes")).to_be_checked()
    expect(sam_alone.get_by_label("Yes")).to_be_checked()
    expect(mia_alone.get_by_label("No", exact=True)).to_be_checked()
    expect(page.get_by_role("group", name="Bedroom seen").locator("input:checked")).to_have_count(0)
    expect(sam_alone).to_have_accessible_description(
        "Filled in from “Who was there” on this visit: Sam Okoro was seen alone."
        " Change it if it is wrong."
    )
    expect(mia_alone).to_contain_text(
        "Filled in from “Who was there” on this visit: Mia Okoro was not seen alone."
    )
    check_accessibility(page, "checklist filled in from the visit")

    # The worker can still change what was filled in, for one child.
    mia_alone.get_by_label("Not applicable").check()
    page.get_by_label("Reason for the answer to “Child seen alone” for Mia Okoro").fill(
        "Mia is two: too young to be seen alone"
    )
    page.get_by_role("group", name="Bedroom seen").get_by_label("Yes").check()
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.get_by_role("heading", level=1, name="Visit record")).to_be_visible()
    sync_and_wait(page)

    checklist = items_of(worker, f"/api/checklists?family_id={family.id}")[0]
    names = {
        person["id"]: person["given_name"]
        for person in items_of(worker, f"/api/people?family_id={family.id}")
    }
    assert sorted(names[child] for child in checklist["child_ids"]) == ["Mia", "Sam"]
    answers = {
        (item["item_key"], names.get(item["child_id"])): (item["answer"], item["reason"])
        for item in items_of(worker, f"/api/checklist-items?checklist_id={checklist['id']}")
    }
    assert answers == {
        ("child_seen", "Sam"): ("yes", None),
        ("child_seen", "Mia"): ("yes", None),
        ("child_seen_alone", "Sam"): ("yes", None),
        ("child_seen_alone", "Mia"): ("na", "Mia is two: too young to be seen alone"),
        ("bedroom_seen", None): ("yes", None),
    }
    assert errors == []


def test_a_plans_checklist_asks_about_the_children_on_that_plan(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    admin = make_client("root")
    assert practice_lead_beside(admin).post("/api/decision-policy", json=POLICY).status_code == 201
    child_protection_visit = {
        **VISIT_TEMPLATE,
        "timescale": {"applies_to": ["child_protection"], **VISIT_TEMPLATE["timescale"]},
    }
    assert admin.post("/api/checklist-templates", json=child_protection_visit).status_code == 201
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    worker = make_client("amara")
    mia = {"family_id": str(family.id), "given_name": "Mia", "family_name": "Okoro"}
    assert worker.post("/api/people", json={**mia, "is_child": True}).status_code == 201
    sam = next(
        person
        for person in items_of(worker, f"/api/people?family_id={family.id}")
        if person["given_name"] == "Sam"
    )
    plan = {
        "family_id": str(family.id),
        "person_id": sam["id"],
        "plan_type": "child_protection",
        "cp_category": "NEG",
        "started_on": clock.today().isoformat(),
    }
    assert worker.post("/api/plan-episodes", json=plan).status_code == 201

    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    ready_to_work_offline(page)
    go(page, f"#/family/{family.id}/visit")
    record_visit_details(page, mode="Home visit", purpose="Statutory visit", meaningful="Yes")
    page.get_by_role("group", name="Sam Okoro (child)").get_by_label("Seen alone").check()
    page.get_by_role("button", name="Save and continue to the note").click()
    page.get_by_role("link", name="4. Compliance checklist").click()
    expect(page.get_by_role("heading", level=1, name="Compliance checklist")).to_be_visible()

    # Sam's child protection visit: Mia, on no plan and not seen, is not what it asks about.
    seen = page.get_by_role("group", name="Child seen: Sam Okoro", exact=True)
    alone = page.get_by_role("group", name="Child seen alone: Sam Okoro")
    expect(seen.get_by_label("Yes")).to_be_checked()
    expect(alone.get_by_label("Yes")).to_be_checked()
    expect(seen).to_have_accessible_description(
        "Filled in from “Who was there” on this visit: Sam Okoro was seen."
        " Change it if it is wrong."
    )
    expect(page.get_by_role("group", name=re.compile("Mia Okoro$"))).to_have_count(0)
    expect(page.locator("#checklist-children")).to_have_text(
        "Items about the children are answered for each child: Sam Okoro."
    )
    expect(page.locator("#visit-due")).to_contain_text("Within timescale")
    check_accessibility(page, "a plan's checklist filled in from the visit")
    assert errors == []


def test_a_decision_is_logged_from_the_family_page_offline_and_syncs_once(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Singh")
    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    ready_to_work_offline(page)
    device.set_offline(True)

    go(page, f"#/family/{family.id}")
    page.get_by_role("button", name="Log a decision").click()
    expect(page.get_by_role("heading", level=1, name="Log a decision")).to_be_visible()
    check_accessibility(page, "log a decision")
    page.get_by_role("button", name="Sign this entry").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the decision you are making")
    expect(summary).to_contain_text("Describe at least one option you considered")

    page.get_by_label("What decision are you making?").fill("Should Sam join the holiday club?")
    page.get_by_label("What kind of decision is it?").select_option(label="Routine support")
    expect(page.locator("#category-light")).to_contain_text("You decide and log it")
    option = page.get_by_role("group", name="Option 1")
    option.get_by_label("The option").fill("Holiday club three days a week")
    option.get_by_label("For", exact=True).fill("Sam wants to go; Alex gets a rest")
    page.get_by_label("Your decision").fill("Sam joins the holiday club")
    page.get_by_label("Why you decided this").fill("It gives Sam friends and Alex a break")
    consulted = page.get_by_role("group", name="Person consulted 1")
    consulted.get_by_label("Name").fill("Mr Shah")
    consulted.get_by_label("Role or relationship").fill("Youth worker")
    consulted.get_by_label("Their view").fill("There is a place for Sam")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as a draft")
    draft_address = page.url.split("#", 1)[1]
    assert draft_address.startswith(f"/family/{family.id}/judgment/")

    # From the family page's timeline the draft opens, and its author carries on with it.
    go(page, f"#/family/{family.id}")
    page.get_by_role("link", name=re.compile(r"^Read the judgment.*holiday club")).click()
    page.get_by_role("link", name="Carry on writing or sign this entry").click()
    assert page.url.split("#", 1)[1] == draft_address

    # The draft is kept on the device through a reload with no network.
    page.reload()
    unlock(page)
    expect(page.get_by_role("heading", level=1, name="Judgment log entry")).to_be_visible()
    expect(page.get_by_label("Your decision")).to_have_value("Sam joins the holiday club")
    page.get_by_role("button", name="Sign this entry").click()
    page.get_by_role("button", name="Yes, sign the entry").click()
    expect(page.locator("#judgment-status")).to_contain_text("Logged")
    check_accessibility(page, "a decision logged from the family page")

    page.get_by_role("link", name="Back to Singh").first.click()
    timeline = page.locator(".app-timeline")
    expect(timeline).to_contain_text("Should Sam join the holiday club?")
    expect(timeline).to_contain_text("Not synced yet")

    # Online again: it syncs like any other record, exactly once, with no visit.
    device.set_offline(False)
    page.reload()
    unlock(page)
    expect(page.get_by_role("heading", level=1, name="Singh")).to_be_visible()
    sync_and_wait(page)
    judgments = items_of(make_client("amara"), f"/api/judgments?family_id={family.id}")
    assert len(judgments) == 1
    judgment = judgments[0]
    assert judgment["interaction_id"] is None
    assert (judgment["state"], judgment["light"], judgment["status"]) == (
        "signed",
        "green",
        "logged",
    )
    assert judgment["consulted"] == [
        {"name": "Mr Shah", "role": "Youth worker", "view": "There is a place for Sam"}
    ]
    assert [o["option"] for o in judgment["options"]] == ["Holiday club three days a week"]
    assert [error for error in errors if "ERR_INTERNET_DISCONNECTED" not in error] == []


def signed_note_and_decision(worker: Any, family_id: str) -> tuple[str, str]:
    note = worker.post(
        "/api/notes",
        json={"family_id": family_id, "sections": {"what_happened": "We drew the family tree."}},
    )
    assert note.status_code == 201, note.json
    assert worker.post(f"/api/notes/{note.json['id']}/sign").status_code == 200
    judgment = worker.post(
        "/api/judgments",
        json={
            "family_id": family_id,
            "question": "Tell the school?",
            "category": "share_with_school",
            "decision": "Yes, with consent",
            "rationale": "Sam asked for help at school",
        },
    )
    assert judgment.status_code == 201, judgment.json
    assert worker.post(f"/api/judgments/{judgment.json['id']}/sign").status_code == 200
    return note.json["id"], judgment.json["id"]


def test_the_inbox_brings_supervision_questions_to_the_worker_offline(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    make_user("supervisor", username="hannah", display_name="Hannah Reid")
    family = make_family(team_of=amara, worker=amara, name="Patel")
    worker, supervisor = make_client("amara"), make_client("hannah")
    note_id, judgment_id = signed_note_and_decision(worker, str(family.id))
    question = supervisor.post(
        "/api/reviews",
        json={
            "target_kind": "note",
            "target_id": note_id,
            "review_kind": "question",
            "body": "What helped Sam open up?",
        },
    )
    assert question.status_code == 201, question.json
    comment = supervisor.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment_id,
            "review_kind": "comment",
            "body": "Good to see Sam's own request recorded.",
        },
    )
    assert comment.status_code == 201, comment.json

    device = new_context()
    page = device.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    ready_to_work_offline(page)
    device.set_offline(True)

    # On a phone the count shows on the menu button, and beside Inbox in the menu.
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_accessible_name("Menu 2 waiting for your reply")
    menu.click()
    inbox_link = page.get_by_role("link", name="Inbox")
    expect(inbox_link).to_have_accessible_name("Inbox 2 waiting for your reply")
    inbox_link.click()
    expect(page.get_by_role("heading", level=1, name="Inbox")).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting for your reply (2)")).to_be_visible()
    check_accessibility(page, "inbox")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

    asked = page.locator(f"[data-inbox-thread='{question.json['id']}']")
    expect(asked.get_by_role("heading", name="Question from Hannah Reid")).to_be_visible()
    expect(asked).to_contain_text("What helped Sam open up?")
    expect(asked).to_contain_text("your relational note for Patel")
    # A question needs an answer: it cannot be waved through.
    expect(asked.get_by_role("button", name=re.compile("Acknowledge"))).to_have_count(0)

    # Each links to the record it is about.
    asked.get_by_role("link", name="Open the relational note for Patel").click()
    expect(page.get_by_role("heading", level=1, name="Relational note")).to_be_visible()
    expect(page.get_by_role("heading", name="Question from Hannah Reid")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", level=1, name="Inbox")).to_be_visible()

    # A reply written here, offline.
    asked = page.locator(f"[data-inbox-thread='{question.json['id']}']")
    asked.locator(".govuk-details__summary").click()
    asked.get_by_role("button", name="Send reply").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your reply")
    check_accessibility(page, "inbox with an error")
    asked.get_by_label("Your reply to Hannah Reid").fill("Drawing side by side, not face to face.")
    asked.get_by_role("button", name="Send reply").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your reply is saved")
    expect(page.get_by_role("heading", name="Waiting for your reply (1)")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_have_accessible_name(
        "Menu 1 waiting for your reply"
    )

    # A comment can be acknowledged instead.
    commented = page.locator(f"[data-inbox-thread='{comment.json['id']}']")
    expect(commented).to_contain_text("your decision “Tell the school?” for Patel")
    commented.get_by_role("button", name=re.compile("Acknowledge: no reply needed")).click()
    expect(page.get_by_role("heading", name="Waiting for your reply (0)")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for your reply.")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_have_accessible_name("Menu")
    answered = page.locator("ol[aria-labelledby='inbox-answered'] > li")
    expect(answered).to_have_count(2)
    expect(answered.first).to_contain_text("Acknowledged by you")
    expect(answered.nth(1)).to_contain_text("You replied")

    # Still so after a reload with no network.
    page.reload()
    unlock(page)
    expect(page.get_by_role("heading", name="Waiting for your reply (0)")).to_be_visible()
    expect(answered).to_have_count(2)

    # Online: both are sent once, and the supervisor's answer waits for the worker again.
    device.set_offline(False)
    page.reload()
    unlock(page)
    expect(page.get_by_role("heading", level=1, name="Inbox")).to_be_visible()
    sync_and_wait(page)
    on_note = items_of(worker, f"/api/reviews?target_id={note_id}")
    reply = next(review for review in on_note if review["review_kind"] == "reply")
    assert len(on_note) == 2 and reply["parent_id"] == question.json["id"]
    assert reply["body"] == "Drawing side by side, not face to face."
    on_judgment = items_of(worker, f"/api/reviews?target_id={judgment_id}")
    assert sorted(review["review_kind"] for review in on_judgment) == ["acknowledgement", "comment"]
    follow_up = supervisor.post(
        "/api/reviews",
        json={
            "target_kind": "note",
            "target_id": note_id,
            "parent_id": question.json["id"],
            "review_kind": "reply",
            "body": "Let's try that with Mia too.",
        },
    )
    assert follow_up.status_code == 201, follow_up.json
    sync_and_wait(page)
    expect(page.get_by_role("heading", name="Waiting for your reply (1)")).to_be_visible()
    asked = page.locator(f"[data-inbox-thread='{question.json['id']}']")
    expect(asked.get_by_role("heading", name="Reply from Hannah Reid")).to_be_visible()
    expect(asked).to_contain_text("In reply to Hannah Reid's question")
    expect(page.get_by_role("button", name="Menu")).to_have_accessible_name(
        "Menu 1 waiting for your reply"
    )
    assert [error for error in errors if "ERR_INTERNET_DISCONNECTED" not in error] == []
