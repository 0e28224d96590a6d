"""Recording a visit offline: the interaction, a relational note, a judgment and the checklist,
each its own record, synced exactly once; a supervisor approves the red-light decision."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from server import clock
from tests.api.casework import created, publish_practice_settings
from tests.browser.conftest import (
    check_accessibility,
    sign_in,
    unlock,
    wait_until_synced,
    watch_for_errors,
)

SECOND_NOTE = "We met at the park.\nSam showed me the swings."


def ready_to_work_offline(page: Any) -> None:
    """Wait until the device holds the code lists and practice settings, and the app is cached."""
    page.wait_for_function(
        """() => {
            const data = window.fieldwork.session.data;
            return navigator.serviceWorker.controller !== null
                && data.reference?.vocabularies?.interaction_mode
                && data.all('checklist_template').length > 0
                && data.all('decision_policy').length > 0;
        }"""
    )


def go(page: Any, address: str) -> None:
    page.evaluate("(address) => { location.hash = address; }", address)


def sync_and_wait(page: Any) -> None:
    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    page.wait_for_function(
        "() => window.fieldwork.session.data.outbox.length === 0"
        " && window.fieldwork.session.sync.state === 'idle'"
    )
    wait_until_synced(page)


def record_visit_details(page: Any, *, mode: str, purpose: str, meaningful: str) -> None:
    page.get_by_label("How long it lasted, in minutes").fill("45")
    page.get_by_label(mode, exact=True).check()
    page.get_by_label(purpose, exact=True).check()
    page.get_by_label("Yes, it was announced").check()
    page.get_by_role("group", name="Was it a meaningful contact?").get_by_label(
        meaningful, exact=True
    ).check()


def items_of(client: Any, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.json
    items: list[dict[str, Any]] = response.json["items"]
    return items


def test_a_visit_recorded_offline_syncs_once_and_a_supervisor_approves_the_decision(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    template = publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    make_user("supervisor", username="hannah", display_name="Hannah Reid")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    fid = str(family.id)
    # Sam is on a plan, so the visit has a statutory timescale to meet.
    api = make_client("amara")
    sam_id = next(
        p["id"] for p in items_of(api, f"/api/people?family_id={fid}") if p["given_name"] == "Sam"
    )
    plan = {"plan_type": "child_in_need", "started_on": clock.today().isoformat()}
    created(api.post("/api/plan-episodes", json={"family_id": fid, "person_id": sam_id, **plan}))

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    ready_to_work_offline(page)
    device.set_offline(True)

    # Part 1: the interaction, with validation first.
    go(page, f"#/family/{fid}/visit")
    expect(page.get_by_role("heading", level=1, name="Visit details")).to_be_visible()
    check_accessibility(page, "visit details")
    page.get_by_role("button", name="Save and continue to the note").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose how you met")
    expect(summary).to_contain_text("Choose whether it was a meaningful contact")
    check_accessibility(page, "visit details with errors")
    record_visit_details(page, mode="Home visit", purpose="Statutory visit", meaningful="Yes")
    sam = page.get_by_role("group", name="Sam Okoro (child)")
    sam.get_by_label("Present").check()
    sam.get_by_label("Seen alone").check()
    sam.get_by_label("Spoken to").check()
    page.get_by_role("group", name="Alex Okoro").get_by_label("Present").check()
    page.get_by_role("button", name="Save and continue to the note").click()

    # Part 2: the relational note, signed after confirming.
    expect(page.get_by_role("heading", level=1, name="Relational note")).to_be_visible()
    assert "/visit/" in page.url
    check_accessibility(page, "visit: relational note")
    page.get_by_label("What happened").fill("We baked bread together.\nSam laughed a lot.")
    page.get_by_label("The child's voice").fill("I like the dog.")
    page.get_by_label("Strengths").fill("Alex stayed calm when Sam was upset.")
    page.get_by_role("button", name="Sign the note").click()
    expect(page.get_by_role("heading", level=1, name="Sign this note?")).to_be_visible()
    expect(
        page.get_by_text("any correction is added as an amendment with a reason")
    ).to_be_visible()
    check_accessibility(page, "visit: confirm signing the note")
    page.get_by_role("button", name="Yes, sign the note").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The note is signed")
    page.get_by_role("button", name="Continue").click()

    # Part 3: a red-light judgment; the light shows as soon as the kind is chosen.
    expect(page.get_by_role("heading", level=1, name="Judgment log entry")).to_be_visible()
    check_accessibility(page, "visit: judgment log entry")
    page.get_by_label("What decision are you making?").fill(
        "Should Sam stay with Gran at weekends?"
    )
    page.get_by_label("What kind of decision is it?").select_option(label="Change the safety plan")
    expect(page.locator("#category-light")).to_contain_text(
        "Needs a supervisor's approval before you act"
    )
    expect(page.locator("#category-light")).to_contain_text("Red light")
    page.get_by_label("What kind of decision is it?").select_option(label="Routine support")
    expect(page.locator("#category-light")).to_contain_text("You decide and log it")
    page.get_by_label("What kind of decision is it?").select_option(label="Change the safety plan")
    option_one = page.get_by_role("group", name="Option 1")
    option_one.get_by_label("The option").fill("Keep the plan as it is")
    option_one.get_by_label("For", exact=True).fill("Nothing changes for Sam")
    option_one.get_by_label("Against").fill("Alex is exhausted")
    page.get_by_role("button", name="Add another option").click()
    option_two = page.get_by_role("group", name="Option 2")
    expect(option_two.get_by_label("The option")).to_be_focused()
    expect(option_one.get_by_label("The option")).to_have_value("Keep the plan as it is")
    option_two.get_by_label("The option").fill("Weekends with Gran")
    option_two.get_by_label("For", exact=True).fill("Sam asked for it")
    page.get_by_label("Your decision").fill("Sam stays with Gran on Saturdays")
    page.get_by_label("Why you decided this").fill("Gran is Sam's safe adult")
    page.get_by_role("group", name="Risk 1").get_by_label("The risk").fill("Gran's partner")
    page.get_by_role("group", name="Risk 1").get_by_label("How it will be reduced").fill(
        "He is away at weekends"
    )
    consulted = page.get_by_role("group", name="Person consulted 1")
    consulted.get_by_label("Name").fill("Ms Bell")
    consulted.get_by_label("Role or relationship").fill("Class teacher")
    consulted.get_by_label("Their view").fill("Sam is brighter on Mondays")
    disagreed = page.get_by_role("group", name="Person who disagreed 1")
    disagreed.get_by_label("Name").fill("Alex Okoro")
    disagreed.get_by_label("Their view").fill("Worried about Gran's partner")
    page.get_by_label("The child's view").fill("I want to see Gran")
    page.get_by_role("button", name="Sign this entry").click()
    expect(page.get_by_role("heading", level=1, name="Sign this entry?")).to_be_visible()
    expect(page.get_by_text("red-light decision")).to_be_visible()
    page.get_by_role("button", name="Yes, sign the entry").click()
    expect(page.locator("#judgment-status")).to_contain_text("Awaiting approval")
    page.get_by_role("button", name="Continue").click()

    # Part 4: the statutory visit checklist, kept apart; a "no" needs a reason.
    expect(page.get_by_role("heading", level=1, name="Compliance checklist")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Statutory visit")).to_be_visible()
    expect(page.get_by_text("Children Act 1989")).to_be_visible()
    expect(page.locator("#visit-due")).to_contain_text("working days")
    check_accessibility(page, "visit: compliance checklist")
    page.get_by_role("group", name="Child seen: Sam Okoro", exact=True).get_by_label("Yes").check()
    page.get_by_role("group", name="Child seen alone: Sam Okoro").get_by_label("Yes").check()
    page.get_by_role("group", name="Bedroom seen").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Give the reason the answer to “Bedroom seen” is no"
    )
    check_accessibility(page, "visit: compliance checklist with errors")
    page.get_by_label("Reason for the answer to “Bedroom seen”").fill(
        "Sam did not want me upstairs"
    )
    page.get_by_role("button", name="Save the checklist").click()

    # The summary links to each separate record.
    expect(page.get_by_role("heading", level=1, name="Visit record")).to_be_visible()
    expect(page.locator("#visit-part-4-status")).to_have_text("Completed")
    expect(page.locator("#visit-part-3-status")).to_have_text("Awaiting approval")
    check_accessibility(page, "visit: summary")
    judgment_address = page.get_by_role("link", name="Read the judgment log entry").get_attribute(
        "href"
    )
    judgment_id = judgment_address.rsplit("/", 1)[1]

    # Correct the signed note with an amendment; the original stays.
    page.get_by_role("link", name="Read the relational note").click()
    expect(page.get_by_role("heading", level=1, name="Relational note")).to_be_visible()
    expect(page.locator("#note-state")).to_contain_text("Signed")
    check_accessibility(page, "note page")
    page.get_by_role("button", name="Correct this note").click()
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are correcting it")
    check_accessibility(page, "note page: correction with errors")
    page.get_by_label("Which part are you correcting?").select_option(label="The child's voice")
    page.get_by_label("The corrected text").fill("I like the cat.")
    page.get_by_label("Why are you correcting it?").fill("I wrote down the wrong pet")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your correction is saved")
    expect(page.get_by_text("I wrote down the wrong pet")).to_be_visible()
    expect(page.get_by_text("I like the dog.")).to_be_visible()
    expect(page.get_by_text("I like the cat.")).to_be_visible()

    # A second note half-written when the app is closed is still there when it reopens.
    go(page, f"#/family/{fid}/visit")
    record_visit_details(page, mode="In the community", purpose="Direct work", meaningful="No")
    page.get_by_role("button", name="Save and continue to the note").click()
    expect(page.get_by_role("heading", level=1, name="Relational note")).to_be_visible()
    page.get_by_label("What happened").fill(SECOND_NOTE)
    expect(page.locator(".app-draft-saved")).to_contain_text("Draft saved at")
    second_visit = page.url.split("#", 1)[1]
    page.close()

    page = device.new_page()
    errors += watch_for_errors(page)
    page.goto(f"/#{second_visit}")
    unlock(page)
    expect(page.get_by_role("heading", level=1, name="Relational note")).to_be_visible()
    expect(page.get_by_label("What happened")).to_have_value(SECOND_NOTE)

    # Online again: everything is sent, each record exactly once. The app was unlocked
    # offline, so it has no server session token yet: reload and unlock, as its sync
    # message asks (the core restores the token only when unlocking online).
    device.set_offline(False)
    page.reload()
    unlock(page)
    expect(page.get_by_label("What happened")).to_have_value(SECOND_NOTE)
    sync_and_wait(page)
    assert page.evaluate("() => window.fieldwork.session.data.notices.length") == 0
    worker = make_client("amara")
    visits = items_of(worker, f"/api/interactions?family_id={fid}")
    assert sorted(v["purpose"] for v in visits) == ["direct_work", "statutory_visit"]
    visit = next(v for v in visits if v["purpose"] == "statutory_visit")
    assert visit["mode"] == "home_visit" and visit["duration_minutes"] == 45
    assert visit["announced"] is True and visit["meaningful"] is True
    sam_seen = [p for p in visit["participants"] if p["seen_alone"]]
    assert len(sam_seen) == 1 and sam_seen[0]["seen"] and sam_seen[0]["spoken_to"]
    assert len(visit["participants"]) == 2

    notes = items_of(worker, f"/api/notes?family_id={fid}")
    assert len(notes) == 1  # the second note is still a draft on the device only
    note = notes[0]
    assert note["interaction_id"] == visit["id"] and note["state"] == "signed"
    assert note["sections"]["child_voice"] == "I like the dog."

    amendments = items_of(worker, f"/api/amendments?target_id={note['id']}")
    assert len(amendments) == 1
    assert amendments[0]["reason"] == "I wrote down the wrong pet"
    assert amendments[0]["changes"] == {"child_voice": "I like the cat."}

    judgments = items_of(worker, f"/api/judgments?family_id={fid}")
    assert len(judgments) == 1
    judgment = judgments[0]
    assert judgment["id"] == judgment_id and judgment["interaction_id"] == visit["id"]
    assert (judgment["light"], judgment["state"]) == ("red", "signed")
    assert judgment["status"] == "awaiting_approval"
    assert [o["option"] for o in judgment["options"]] == [
        "Keep the plan as it is",
        "Weekends with Gran",
    ]
    assert judgment["options"][0]["for"] == "Nothing changes for Sam"
    assert judgment["risks"] == [{"risk": "Gran's partner", "mitigation": "He is away at weekends"}]
    assert judgment["consulted"][0]["name"] == "Ms Bell"
    assert judgment["disagreed"][0]["view"] == "Worried about Gran's partner"

    checklists = items_of(worker, f"/api/checklists?family_id={fid}")
    assert len(checklists) == 1
    checklist = checklists[0]
    assert checklist["template_id"] == template["id"]
    assert checklist["interaction_id"] == visit["id"] and checklist["completed_on"]
    answers = {
        item["item_key"]: (item["answer"], item["reason"])
        for item in items_of(worker, f"/api/checklist-items?checklist_id={checklist['id']}")
    }
    assert answers == {
        "child_seen": ("yes", None),
        "child_seen_alone": ("yes", None),
        "bedroom_seen": ("no", "Sam did not want me upstairs"),
    }

    # The supervisor approves the red-light decision on their own device.
    supervisor_page = new_context().new_page()
    errors += watch_for_errors(supervisor_page)
    sign_in(supervisor_page, "hannah")
    go(supervisor_page, f"#/judgment/{judgment_id}")
    expect(
        supervisor_page.get_by_role("heading", level=1, name="Judgment log entry")
    ).to_be_visible()
    check_accessibility(supervisor_page, "judgment page for a supervisor")
    supervisor_page.get_by_role("button", name="Approve").click()
    expect(supervisor_page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are approving this decision"
    )
    supervisor_page.get_by_label("Your reason").fill("Gran's home is safe; review in a month")
    supervisor_page.get_by_role("button", name="Approve").click()
    expect(supervisor_page.locator(".govuk-notification-banner")).to_contain_text(
        "You approved this decision"
    )
    sync_and_wait(supervisor_page)
    assert worker.get(f"/api/judgments/{judgment_id}").json["status"] == "approved"

    # The worker syncs and sees the approval and its reason; no approve button for them.
    go(page, f"#/judgment/{judgment_id}")
    sync_and_wait(page)
    status = page.locator("#judgment-status")
    expect(status).to_contain_text("Approved")
    expect(status).to_contain_text("Gran's home is safe; review in a month")
    expect(status).to_contain_text("Hannah Reid")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    check_accessibility(page, "judgment page")
    assert errors == []


def test_the_judgment_step_keeps_what_was_typed_when_the_question_is_missing(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Singh")
    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    ready_to_work_offline(page)

    go(page, f"#/family/{family.id}/visit")
    record_visit_details(page, mode="Phone call", purpose="Statutory visit", meaningful="Yes")
    page.get_by_role("button", name="Save and continue to the note").click()
    page.get_by_role("link", name="3. Judgment log entry").click()
    expect(page.get_by_role("heading", level=1, name="Judgment log entry")).to_be_visible()

    page.get_by_label("What kind of decision is it?").select_option(label="Change the safety plan")
    page.get_by_role("group", name="Option 1").get_by_label("The option").fill("Do nothing")
    page.get_by_label("Your decision").fill("Ask Gran to help")
    page.get_by_role("button", name="Sign this entry").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Enter the decision you are making")
    expect(link).to_have_attribute("href", "#question")
    expect(summary.get_by_role("link", name="Enter why you decided this")).to_be_visible()
    expect(page.locator("#question-error")).to_contain_text("Enter the decision you are making")
    expect(page.get_by_label("Your decision")).to_have_value("Ask Gran to help")
    expect(page.get_by_role("group", name="Option 1").get_by_label("The option")).to_have_value(
        "Do nothing"
    )
    expect(page.get_by_label("What kind of decision is it?")).to_have_value("safety_plan_change")
    expect(page.locator("#category-light")).to_contain_text("Red light")
    check_accessibility(page, "visit: judgment log entry with errors")

    link.click()
    expect(page.get_by_label("What decision are you making?")).to_be_focused()
    assert "#/family/" in page.url  # the link moved focus; it did not leave the screen
    assert page.evaluate("() => window.fieldwork.session.data.all('judgment').length") == 0
    assert errors == []


def test_supervision_on_a_note_is_a_conversation(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    make_user("supervisor", username="hannah", display_name="Hannah Reid")
    family = make_family(team_of=amara, worker=amara, name="Patel")
    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    ready_to_work_offline(page)
    go(page, f"#/family/{family.id}/visit")
    record_visit_details(page, mode="Home visit", purpose="Direct work", meaningful="Yes")
    page.get_by_role("button", name="Save and continue to the note").click()
    page.get_by_label("What happened").fill("We drew the family tree.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as a draft")
    page.get_by_role("link", name="Summary").click()
    page.get_by_role("link", name="Read the relational note").click()

    # The author edits the draft on the note's page, then signs it there.
    expect(page.locator("#note-state")).to_contain_text("Draft")
    expect(page.get_by_label("What happened")).to_have_value("We drew the family tree.")
    page.get_by_label("Strengths").fill("Sam knew every cousin's name.")
    page.get_by_role("button", name="Sign the note").click()
    page.get_by_role("button", name="Yes, sign the note").click()
    expect(page.locator("#note-state")).to_contain_text("Signed")
    expect(page.get_by_text("Sam knew every cousin's name.")).to_be_visible()
    note_address = page.url.split("#", 1)[1]
    sync_and_wait(page)

    supervisor = new_context().new_page()
    errors += watch_for_errors(supervisor)
    sign_in(supervisor, "hannah")
    go(supervisor, f"#{note_address}")
    expect(supervisor.get_by_role("heading", level=1, name="Relational note")).to_be_visible()
    supervisor.get_by_role("button", name="Add to the conversation").click()
    expect(supervisor.locator(".govuk-error-summary")).to_contain_text("Choose comment or question")
    check_accessibility(supervisor, "note page for a supervisor, with errors")
    supervisor.get_by_label("A question for the worker to reflect on").check()
    supervisor.get_by_label("Your comment or question").fill("What helped Sam open up?")
    supervisor.get_by_role("button", name="Add to the conversation").click()
    expect(supervisor.locator(".govuk-notification-banner")).to_contain_text(
        "Your question is saved"
    )
    sync_and_wait(supervisor)

    sync_and_wait(page)
    expect(page.get_by_role("heading", name="Question from Hannah Reid")).to_be_visible()
    page.get_by_text("Reply to this question").click()
    page.get_by_label("Your reply").fill("Drawing side by side, not face to face.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("heading", name="Reply from you")).to_be_visible()
    check_accessibility(page, "note page with a conversation")
    sync_and_wait(page)

    sync_and_wait(supervisor)
    expect(supervisor.get_by_role("heading", name="Reply from Amara Obi")).to_be_visible()
    supervisor.context.set_offline(True)
    supervisor.get_by_role("button", name="Mark as discussed").click()
    expect(supervisor.locator("#note-state")).to_contain_text("Discussed in supervision")
    expect(supervisor.get_by_role("button", name="Mark as discussed")).to_have_count(0)
    supervisor.context.set_offline(False)
    sync_and_wait(supervisor)

    worker = make_client("amara")
    note_id = note_address.rsplit("/", 1)[1]
    reviews = items_of(worker, f"/api/reviews?target_id={note_id}")
    question = next(r for r in reviews if r["review_kind"] == "question")
    reply = next(r for r in reviews if r["review_kind"] == "reply")
    assert reply["parent_id"] == question["id"]
    assert sorted(r["review_kind"] for r in reviews) == ["discussed", "question", "reply"]
    assert worker.get(f"/api/notes/{note_id}").json["review_status"] == "discussed"
    assert errors == []
