"""Ending our work: a step down proposed on the worker's phone, agreed by the supervisor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import expect

from server import clock
from server.extensions import db
from server.persistence import Judgment, Team
from tests.api.casework import created
from tests.browser.conftest import check_accessibility, sign_in, wait_until_synced
from tests.browser.test_conference_and_reviews import go, wait_for_reference, watch_for_errors
from tests.browser.test_visit_note_judgment import sync_and_wait


def closing_visit(worker: Any, family: Any) -> str:
    return created(
        worker.post(
            "/api/interactions",
            json={
                "family_id": str(family.id),
                "occurred_at": (clock.now() - timedelta(days=1)).isoformat(),
                "mode": "home_visit",
                "purpose": "closing_visit",
            },
        )
    )["id"]


def family_on_device(page: Any, family_id: str) -> bool:
    return bool(
        page.evaluate("id => Boolean(window.fieldwork.session.data.get('family', id))", family_id)
    )


def test_a_step_down_leaves_the_caseload_then_the_device_but_supervisors_find_it(
    app, make_user, make_family, make_client, new_context
):
    # Sessions outlive the clearing period here, so the devices need not sign in again.
    app.config["SESSION_IDLE_TIMEOUT"] = app.config["SESSION_ABSOLUTE_TIMEOUT"] = timedelta(days=60)
    app.config["CLOSED_FAMILY_CLEARING_DAYS"] = 28
    amara = make_user("caseworker", username="cw.amara", display_name="Amara Osei")
    make_user("supervisor", username="sup.north", display_name="Hannah Reid")
    family = make_family(
        team_of=amara, worker=amara, name="Okafor", goals=["Keep the children at school"]
    )
    family_id = str(family.id)
    closing_visit(make_client("cw.amara"), family)

    phone = new_context().new_page()
    errors = watch_for_errors(phone)
    sign_in(phone, "cw.amara")
    wait_for_reference(phone)
    go(phone, f"#/family/{family_id}")
    phone.get_by_role("link", name="Propose ending our work").click()
    expect(phone.get_by_role("heading", level=1, name="Propose ending our work")).to_be_visible()
    # Sending it empty says what is missing, field by field.
    phone.get_by_role("button", name="Send to your supervisor").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text(
        "Choose how our work with the family ends"
    )
    phone.get_by_label("Step down to early help").check()
    phone.get_by_label("What you propose, and why").fill("Step down to the early help hub.")
    phone.get_by_label("Which visit was the closing visit?").select_option(index=1)
    phone.get_by_label("What the children think of our work ending").fill("Ada is glad.")
    phone.get_by_label("What the family think of our work ending").fill("Mum feels ready.")
    phone.get_by_label("Against their goal: “Keep the children at school”").fill(
        "They go every day now; we sort the mornings out ourselves."
    )
    phone.get_by_label(
        "Services ended: the child is no longer in need, or for another reason"
    ).check()
    phone.get_by_label("What the family can do if worries come back").fill(
        "Call the early help hub, or the front door."
    )
    check_accessibility(phone, "propose ending")
    phone.get_by_role("button", name="Send to your supervisor").click()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("Your proposal is saved")
    sync_and_wait(phone)
    with app.app_context():
        proposal, ending = db.session.execute(
            sa.select(Judgment.id, Judgment.ending).where(Judgment.ending.is_not(None))
        ).one()
    # Sent with the edition of the list the screen showed, stored as the census's code.
    assert ending["closure_reason"] == "RC7"

    # The supervisor agrees it from the decision, with a reason.
    tablet = new_context().new_page()
    sign_in(tablet, "sup.north")
    wait_for_reference(tablet)
    go(tablet, f"#/judgment/{proposal}")
    expect(tablet.get_by_role("heading", name="Agree or decline this ending")).to_be_visible()
    expect(tablet.locator("body")).to_contain_text("we sort the mornings out ourselves")
    check_accessibility(tablet, "agree an ending")
    tablet.get_by_label("Your reason").fill("Agreed: the family have done the work.")
    tablet.get_by_role("button", name="Approve").click()
    sync_and_wait(tablet)

    # The family leaves the worker's caseload; her device still holds it, closed, for now.
    sync_and_wait(phone)
    go(phone, "#/")
    expect(phone.get_by_role("heading", level=1, name="Your caseload")).to_be_visible()
    expect(phone.get_by_role("link", name="Okafor")).to_have_count(0)
    go(phone, f"#/family/{family_id}")
    expect(phone.locator("#family-closed")).to_contain_text("Our work with the family ended on")
    check_accessibility(phone, "closed family")

    # After the clearing period the next sync removes it from her device.
    later = clock.advance(timedelta(days=28))
    for page in (phone, tablet):
        page.clock.set_system_time(later)
    sync_and_wait(phone)
    assert not family_on_device(phone, family_id)
    sync_and_wait(tablet)
    assert not family_on_device(tablet, family_id)
    # Supervisors still find it online, with its history, and can reopen it.
    found = make_client("sup.north").post(
        "/api/families/search", json={"q": "Okafor", "status": "closed"}
    )
    assert [item["id"] for item in found.json["items"]] == [family_id]
    go(tablet, "#/team")
    tablet.get_by_role("link", name="Closed families").click()
    closed = tablet.locator("#closed-families")
    expect(closed.get_by_role("rowheader", name="Okafor")).to_be_visible()
    history = closed.get_by_role("link", name="Read the chronology of Okafor")
    assert history.get_attribute("href") == f"/api/families/{family_id}/chronology/print"
    check_accessibility(tablet, "closed families")
    closed.get_by_role("link", name="Reopen Okafor").click()
    expect(tablet.get_by_role("heading", level=1, name="Reopen the family")).to_be_visible()
    expect(tablet.get_by_label("Why are we working with the family again?")).to_be_visible()
    assert errors == []


def test_a_north_family_transferred_to_children_in_care_moves_team_and_device(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="cw.amara", display_name="Amara Osei")
    make_user("supervisor", username="sup.north", display_name="Hannah Reid")
    make_user("supervisor", team="Children in Care", username="sup.care", display_name="Ife Bello")
    family = make_family(team_of=amara, worker=amara, name="Mensah")
    family_id = str(family.id)

    phone = new_context().new_page()
    errors = watch_for_errors(phone)
    sign_in(phone, "cw.amara")
    wait_for_reference(phone)
    go(phone, f"#/family/{family_id}/ending")
    phone.get_by_label("Transfer to another team").check()
    phone.get_by_label("What you propose, and why").fill("Kofi is now looked after.")
    phone.get_by_label("Which team does the family move to?").select_option(
        label="Children in Care"
    )
    phone.get_by_label("Handover note").fill(
        "Kofi trusts his foster carer; mum visits on Saturdays."
    )
    check_accessibility(phone, "propose a transfer")
    phone.get_by_role("button", name="Send to your supervisor").click()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("Your proposal is saved")
    sync_and_wait(phone)
    with app.app_context():
        proposal = db.session.scalar(sa.select(Judgment.id).where(Judgment.ending.is_not(None)))
        care = db.session.scalar(sa.select(Team.id).where(Team.name == "Children in Care"))
    assert proposal is not None and care is not None
    agreed = make_client("sup.north").post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": str(proposal),
            "review_kind": "approve",
            "body": "Agreed.",
        },
    )
    assert agreed.status_code == 201, agreed.json

    # The receiving team's supervisor sees it waiting, and accepts it.
    tablet = new_context().new_page()
    sign_in(tablet, "sup.care")
    go(tablet, "#/transfers")
    expect(
        tablet.get_by_role("heading", level=1, name="Families joining your team")
    ).to_be_visible()
    expect(tablet.locator("#transfers")).to_contain_text("Mensah")
    expect(tablet.locator("#transfers")).to_contain_text("Kofi trusts his foster carer")
    check_accessibility(tablet, "transfers")
    tablet.get_by_role("button", name="Accept Mensah into your team").click()
    expect(tablet.locator(".govuk-notification-banner")).to_contain_text("is now with your team")
    wait_until_synced(tablet)
    tablet.wait_for_function(
        "id => Boolean(window.fieldwork.session.data.get('family', id))", arg=family_id
    )

    # The old worker's device forgets it at its next sync.
    sync_and_wait(phone)
    assert not family_on_device(phone, family_id)
    assert errors == []
