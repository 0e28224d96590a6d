"""The family group conference workspace (offline, then synced); the queue is for supervisors."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.api.casework import created
from tests.browser.conftest import (
    check_accessibility,
    sign_in,
    unlock,
    wait_until_synced,
    watch_for_errors,
)

SECTIONS = ["referral", "invited", "stages", "new-action", "review"]


def wait_for_reference(page: Any) -> None:
    """Wait until the code lists and the staff directory have reached the device."""
    page.wait_for_function(
        "() => Object.keys(window.fieldwork.session.data?.reference?.directory || {}).length > 0"
    )


def go(page: Any, address: str) -> None:
    """Move within the app as a link would: no reload, so it works offline and stays unlocked."""
    page.evaluate("address => { location.hash = address; }", address)


def wait_until_sent(page: Any) -> None:
    page.wait_for_function("() => window.fieldwork.session.data.outbox.length === 0")
    wait_until_synced(page)


def date_in(page: Any, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def add_plan_action(
    page: Any, task: str, who: str, when: tuple[str, str, str], checker: str
) -> None:
    page.get_by_label("Task", exact=True).fill(task)
    page.get_by_label("Who does it").fill(who)
    date_in(page, "By when (optional)", *when)
    page.get_by_label("Who checks it is done (optional)").fill(checker)
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("row").filter(has_text=task)).to_be_visible()


def test_a_conference_made_offline_syncs_once(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    api = make_client("amara")
    people = api.get(f"/api/people?family_id={family.id}").json["items"]
    alex = next(person for person in people if person["given_name"] == "Alex")
    sam = next(person for person in people if person["given_name"] == "Sam")
    school = created(
        api.post(
            "/api/relationships",
            json={
                "family_id": str(family.id),
                "from_person_id": sam["id"],
                "to_organisation": "Hillside Primary School",
                "organisation_kind": "school",
                "type": "TEACHER",
            },
        )
    )

    context = new_context()
    page = context.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    wait_for_reference(page)

    context.set_offline(True)
    go(page, f"#/family/{family.id}/conference")
    expect(page.get_by_role("heading", level=1, name="Family group conference")).to_be_visible()
    check_accessibility(page, "conference not yet offered")
    page.get_by_role("button", name="Offer a family group conference").click()
    expect(page.get_by_role("heading", level=2, name="Referral")).to_be_visible()
    assert re.search(r"/conference/[0-9a-f-]{36}$", page.url)
    check_accessibility(page, "conference workspace, empty")

    # The referral: who referred, two questions and a bottom line.
    page.get_by_label("Who referred the family").fill("Jo Smith, health visitor")
    page.get_by_label("Why the family was referred").fill("Grandparents offered to help.")
    page.get_by_label("Question 1", exact=True).fill("How will Sam get to school every day?")
    page.get_by_role("button", name="Add another question").click()
    expect(page.get_by_label("Question 2", exact=True)).to_be_focused()
    page.get_by_label("Question 2", exact=True).fill("Who will Sam go to when worried?")
    page.get_by_label("Bottom line 1", exact=True).fill("Sam is never left alone overnight.")
    page.get_by_role("button", name="Save referral").click()
    expect(page.get_by_text("Referral saved")).to_be_visible()

    # Two people from the network map: someone in the family and Sam's school.
    page.get_by_label("Alex Okoro, Family member").check()
    page.get_by_label("Hillside Primary School, Teacher or school for Sam").check()
    page.get_by_role("button", name="Save who is invited").click()
    expect(page.get_by_text("Who is invited saved")).to_be_visible()

    date_in(page, "Private family time", "14", "5", "2027")
    page.get_by_label("Conference held").check()
    page.get_by_role("button", name="Save stages and dates").click()
    expect(page.get_by_text("Stages and dates saved")).to_be_visible()

    # Once held, who came is recorded from the same network.
    came = page.get_by_role("group", name="Who came to the conference")
    came.get_by_label("Alex Okoro, Family member").check()
    page.get_by_role("button", name="Save who is invited").click()
    expect(page.get_by_text("Who is invited saved")).to_be_visible()

    add_plan_action(
        page, "Walk Sam to school", "Alex Okoro", ("1", "6", "2027"), "Hillside Primary School"
    )
    add_plan_action(page, "Sunday dinner at Nan's", "Nan", ("8", "6", "2027"), "Alex Okoro")
    walk = page.get_by_role("row").filter(has_text="Walk Sam to school")
    walk.get_by_label("Status of Walk Sam to school").select_option("on_track")
    walk.get_by_role("button", name="Change status").click()
    expect(
        page.get_by_role("row").filter(has_text="Walk Sam to school").locator(".govuk-tag")
    ).to_have_text("On track")
    check_accessibility(page, "conference workspace, filled")

    waiting = page.evaluate("() => window.fieldwork.session.data.outbox.length")
    assert waiting >= 6, "everything was kept on the device while offline"
    assert api.get(f"/api/conferences?family_id={family.id}").json["items"] == []

    context.set_offline(False)
    wait_until_sent(page)
    assert page.evaluate("() => window.fieldwork.session.data.notices.length") == 0

    conferences = api.get(f"/api/conferences?family_id={family.id}").json["items"]
    assert len(conferences) == 1
    conference = conferences[0]
    assert conference["status"] == "held"
    assert conference["referral"] == {
        "referrer": "Jo Smith, health visitor",
        "reason": "Grandparents offered to help.",
        "questions": ["How will Sam get to school every day?", "Who will Sam go to when worried?"],
        "bottom_lines": ["Sam is never left alone overnight."],
    }
    assert conference["invited"] == [
        {"name": "Alex Okoro", "person_id": alex["id"], "role": "Family member"},
        {
            "name": "Hillside Primary School",
            "relationship_id": school["id"],
            "role": "Teacher or school for Sam",
        },
    ]
    assert conference["attending"] == [
        {"name": "Alex Okoro", "person_id": alex["id"], "role": "Family member"}
    ]
    assert conference["private_family_time_on"] == "2027-05-14"

    actions = api.get(f"/api/plan-actions?family_id={family.id}").json["items"]
    assert sorted(action["task"] for action in actions) == [
        "Sunday dinner at Nan's",
        "Walk Sam to school",
    ]
    assert {action["conference_id"] for action in actions} == {conference["id"]}
    by_task = {action["task"]: action for action in actions}
    assert by_task["Walk Sam to school"]["status"] == "on_track"
    assert by_task["Walk Sam to school"]["who"] == "Alex Okoro"
    assert by_task["Walk Sam to school"]["due_on"] == "2027-06-01"
    assert by_task["Walk Sam to school"]["checked_by"] == "Hillside Primary School"
    assert by_task["Sunday dinner at Nan's"]["status"] == "not_started"
    # Every section was saved, so no draft is left behind on the device.
    drafts = page.evaluate(
        """async ([id, sections]) => Promise.all(sections.map(
            (section) => window.fieldwork.session.loadDraft(`conference/${id}/${section}`)))""",
        [conference["id"], SECTIONS],
    )
    assert drafts == [None] * len(SECTIONS)
    assert errors == []


def test_a_plan_action_without_a_task_is_refused_and_nothing_typed_is_lost(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    go(page, f"#/family/{family.id}/conference")
    page.get_by_role("button", name="Offer a family group conference").click()
    expect(page.get_by_role("heading", level=2, name="The family's plan")).to_be_visible()

    page.get_by_label("Who does it").fill("Nan")
    date_in(page, "By when (optional)", "8", "6", "2027")
    page.get_by_label("Who checks it is done (optional)").fill("Alex")
    page.get_by_role("button", name="Add action").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Enter the task")
    assert link.get_attribute("href") == "#action-task"
    expect(page.locator("#action-task-error")).to_contain_text("Enter the task")
    # What was typed is still there.
    expect(page.get_by_label("Who does it")).to_have_value("Nan")
    expect(page.get_by_role("group", name="By when (optional)").get_by_label("Day")).to_have_value(
        "8"
    )
    expect(page.get_by_label("Who checks it is done (optional)")).to_have_value("Alex")
    check_accessibility(page, "conference workspace with an error")
    link.click()
    expect(page.get_by_label("Task", exact=True)).to_be_focused()
    assert "/conference" in page.url, "the summary's link moves focus, not the page"
    assert page.evaluate("() => window.fieldwork.session.data.all('plan_action').length") == 0

    # What was typed survives closing the app: it comes back from the draft.
    page.get_by_label("Task", exact=True).fill("Sunday dinner at Nan's")
    page.wait_for_timeout(800)  # drafts are saved a moment after typing stops
    page.reload()
    unlock(page)
    expect(page.get_by_label("Task", exact=True)).to_have_value("Sunday dinner at Nan's")
    expect(page.get_by_label("Who does it")).to_have_value("Nan")
    expect(
        page.get_by_role("group", name="By when (optional)").get_by_label("Month")
    ).to_have_value("6")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("row").filter(has_text="Sunday dinner at Nan's")).to_be_visible()
    expect(page.get_by_label("Task", exact=True)).to_have_value("")

    # Removing an action asks first, then takes it off the plan (and off the server).
    page.get_by_role("button", name="Remove Sunday dinner at Nan's").click()
    expect(page.get_by_role("button", name="Yes, remove it")).to_be_focused()
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.get_by_text("Action removed from the plan")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Sunday dinner at Nan's")).to_have_count(0)
    wait_until_sent(page)
    assert make_client("amara").get(f"/api/plan-actions?family_id={family.id}").json["items"] == []
    assert page.evaluate("() => window.fieldwork.session.data.notices.length") == 0
    assert errors == []


def test_the_review_queue_is_for_supervisors(app, make_user, new_context):
    # The queue itself is tested in tests/browser/test_supervision_queue.py.
    make_user("caseworker", username="amara", display_name="Amara Okafor")
    caseworker_page = new_context().new_page()
    sign_in(caseworker_page, "amara")
    expect(caseworker_page.get_by_role("link", name="Review queue")).to_have_count(0)
    go(caseworker_page, "#/reviews")
    expect(caseworker_page.get_by_text("The review queue is for supervisors.")).to_be_visible()
    expect(caseworker_page.get_by_text("Talk this through with my supervisor")).to_be_visible()
    expect(caseworker_page.locator("table")).to_have_count(0)
    check_accessibility(caseworker_page, "review queue, for a caseworker")
