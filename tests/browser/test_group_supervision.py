"""Group supervision run offline by a supervisor, synced once, seen on the caseworker's phone."""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.persistence import Judgment, SupervisionDiscussion, SupervisionSession
from tests.api.casework import publish_practice_settings
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_conference_and_reviews import (
    date_in,
    go,
    wait_for_reference,
    wait_until_sent,
    watch_for_errors,
)
from tests.browser.test_visit_note_judgment import ready_to_work_offline, sync_and_wait


def rows(app: Any, model: Any) -> list[Any]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(model)))
        for row in found:
            db.session.expunge(row)
        return found


def test_a_session_run_offline_reaches_the_server_once_and_the_caseworker(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    make_user("supervisor", username="hannah", display_name="Hannah Reid")
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    okoro = make_family(team_of=amara, worker=amara, name="Okoro")
    make_family(team_of=amara, worker=amara, name="Byrne")

    phone = new_context().new_page()
    sign_in(phone, "amara")

    laptop_context = new_context()
    laptop = laptop_context.new_page()
    errors = watch_for_errors(laptop)
    sign_in(laptop, "hannah")
    wait_for_reference(laptop)
    ready_to_work_offline(laptop)

    # Offline, the supervisor starts a session about two families, Amara attending.
    laptop_context.set_offline(True)
    laptop.get_by_role("link", name="Group supervision").click()
    expect(laptop.get_by_role("heading", level=1, name="Group supervision")).to_be_visible()
    check_accessibility(laptop, "group supervision: the team's sessions")
    laptop.get_by_role("button", name="Start session").click()
    expect(laptop.get_by_role("heading", name="There is a problem")).to_be_visible()
    laptop.get_by_label("Title or theme").fill("Working with fathers")
    date_in(laptop, "Date of the session", "25", "11", "2026")
    laptop.get_by_label("Time", exact=True).fill("14:00")
    laptop.get_by_label("Amara Okafor").check()
    laptop.get_by_label("Okoro").check()
    laptop.get_by_label("Byrne").check()
    laptop.get_by_role("button", name="Start session").click()
    expect(laptop.get_by_role("heading", level=1, name="Working with fathers")).to_be_visible()
    check_accessibility(laptop, "group supervision: a session")

    laptop.get_by_role("link", name="Okoro").click()
    expect(laptop.get_by_role("heading", level=1, name="Okoro")).to_be_visible()
    laptop.get_by_label("Question", exact=True).fill("What is Sam telling us without words?")
    laptop.get_by_label("What the group said (optional)").fill("School feels safer than home.")
    laptop.get_by_role("button", name="Add question").click()
    expect(laptop.get_by_text("Question added")).to_be_visible()

    laptop.get_by_label("What was decided about?").fill("Should Gran join the safety plan?")
    laptop.get_by_label("What kind of decision is it?").select_option(
        label="Change the safety plan"
    )
    expect(laptop.locator("#category-light")).to_contain_text("Red light")
    laptop.get_by_label("The decision").fill("Yes: Gran does the school run")
    laptop.get_by_label("Why the group decided this").fill("Sam trusts her")
    laptop.get_by_role("button", name="Record decision").click()
    expect(laptop.get_by_text("Decision recorded as a judgment entry")).to_be_visible()
    expect(laptop.get_by_text("Awaiting approval")).to_be_visible()

    laptop.get_by_label("What needs to be done").fill("Invite Sam's father to the next visit")
    laptop.get_by_label("Who will do it").select_option(label="Amara Okafor")
    date_in(laptop, "Due date (optional)", "5", "12", "2026")
    laptop.get_by_role("button", name="Add action").click()
    expect(laptop.get_by_text("Action added")).to_be_visible()
    expect(laptop.get_by_role("row").filter(has_text="Invite Sam's father")).to_be_visible()
    check_accessibility(laptop, "group supervision: a family's discussion")

    # Back online: everything reaches the server once.
    laptop_context.set_offline(False)
    wait_until_sent(laptop)
    sessions = rows(app, SupervisionSession)
    assert [(s.title, s.attendee_ids) for s in sessions] == [
        ("Working with fathers", [str(amara.id)])
    ]
    discussions = rows(app, SupervisionDiscussion)
    assert len(discussions) == 2
    okoro_talk = next(d for d in discussions if d.family_id == okoro.id)
    assert [q["answer"] for q in okoro_talk.questions] == ["School feels safer than home."]
    assert [(a["task"], a["owner_id"], a["due_on"]) for a in okoro_talk.actions] == [
        ("Invite Sam's father to the next visit", str(amara.id), "2026-12-05")
    ]
    judgments = rows(app, Judgment)
    assert [(j.supervision_discussion_id, j.family_id, j.light, j.status) for j in judgments] == [
        (okoro_talk.id, okoro.id, "red", "awaiting_approval")
    ]

    # Amara's phone shows her action, the session she attended, and the family's timeline.
    sync_and_wait(phone)
    go(phone, "#/group-supervision")
    actions = phone.locator("#my-actions")
    expect(actions.get_by_role("row").filter(has_text="Invite Sam's father")).to_contain_text(
        "Not started"
    )
    expect(phone.get_by_role("link", name="Working with fathers")).to_be_visible()
    check_accessibility(phone, "group supervision: a caseworker's actions")
    go(phone, f"#/family/{okoro.id}")
    timeline = phone.locator(".app-timeline")
    expect(
        timeline.get_by_role(
            "heading", name=re.compile(r"Group supervision\s*:\s*Working with fathers")
        )
    ).to_be_visible()
    timeline.get_by_role("link", name="Read the discussion").click()
    expect(phone.get_by_role("heading", level=1, name="Okoro")).to_be_visible()
    expect(phone.get_by_text("School feels safer than home.")).to_be_visible()
    assert uuid.UUID(str(okoro_talk.session_id)) == sessions[0].id
    assert errors == []
