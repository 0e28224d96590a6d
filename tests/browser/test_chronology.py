"""A family's chronology and story so far in the app: per child, added offline, printed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from server import clock
from server.extensions import db
from server.persistence import AuditEvent, CaseSummary, ChronologyEntry
from tests.api.casework import created
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_family_and_network import people_of, watch_for_errors
from tests.browser.test_plans import PHONE, fits_the_screen, sync_on_a_phone


def test_a_childs_chronology_is_filtered_added_to_offline_and_printed(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    fid = str(family.id)
    api = make_client("amara")
    sam = next(p for p in people_of(api, fid) if p["given_name"] == "Sam")
    mia = created(
        api.post(
            "/api/people",
            json={"family_id": fid, "given_name": "Mia", "family_name": "Okoro", "is_child": True},
        )
    )
    today = clock.today()
    for child, plan in ((sam, "child_protection"), (mia, "child_in_need")):
        created(
            api.post(
                "/api/plan-episodes",
                json={
                    "family_id": fid,
                    "person_id": child["id"],
                    "plan_type": plan,
                    "cp_category": "NEG" if plan == "child_protection" else None,
                    "started_on": (today - timedelta(days=30)).isoformat(),
                },
            )
        )
    created(
        api.post(
            "/api/case-summaries",
            json={
                "family_id": fid,
                "sections": {"who": "Alex looks after Sam and Mia. Nan lives nearby."},
            },
        )
    )

    context = new_context()
    page = context.new_page()
    page.set_viewport_size(PHONE)
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    page.get_by_role("link", name="Okoro").click()
    story = page.locator("#story-so-far")
    expect(story).to_contain_text("Alex looks after Sam and Mia. Nan lives nearby.")
    expect(story).to_contain_text("Last updated")

    # The story so far: a new version offline, the earlier one kept and listed.
    context.set_offline(True)
    story.get_by_role("link", name="Update the story so far").click()
    expect(page.get_by_role("heading", level=1, name="Story so far")).to_be_visible()
    page.get_by_label("What happens next").fill("A review of the plan with the family in March.")
    page.get_by_role("button", name="Save this version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The story so far is saved")
    expect(page.locator("#story-versions")).to_contain_text("Last updated")
    check_accessibility(page, "the story so far, with an earlier version")
    context.set_offline(False)

    # The chronology: events proposed from the records, then only Sam's and the family's.
    page.get_by_role("link", name="Back to Okoro").click()
    page.get_by_role("button", name="Chronology").click()
    expect(page.get_by_role("heading", level=1, name="Chronology")).to_be_visible()
    table = page.locator("#chronology-table")
    expect(table).to_contain_text("Sam: Child protection plan started")
    expect(table).to_contain_text("Mia: Child in need plan started")
    page.get_by_label("Show events for").select_option(label="Sam Okoro")
    page.get_by_role("button", name="Show events").click()
    expect(table).not_to_contain_text("Mia: Child in need plan started")
    expect(table).to_contain_text("Sam: Child protection plan started")
    check_accessibility(page, "a child's chronology")

    # An event added with no connection: listed at once, sent at the next sync.
    context.set_offline(True)
    page.get_by_role("button", name="Add an event").click()
    when = page.get_by_role("group", name="When did it happen?")
    day = today - timedelta(days=3)
    when.get_by_label("Day").fill(str(day.day))
    when.get_by_label("Month").fill(str(day.month))
    when.get_by_label("Year").fill(str(day.year))
    page.get_by_label("What happened?").fill("Sam was excluded from school for one day.")
    page.get_by_label("Where did the information come from?").fill(
        "Phone call from the school's safeguarding lead"
    )
    page.get_by_label("What was the impact on the child? (optional)").fill(
        "Sam missed a school trip he had been looking forward to."
    )
    page.get_by_role("group", name="Which children does it concern?").get_by_label(
        "Sam Okoro"
    ).check()
    page.get_by_role("button", name="Save the event").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The event is added")
    expect(table).to_contain_text("Sam was excluded from school for one day.")
    expect(table).to_contain_text("Not synced yet")
    check_accessibility(page, "a child's chronology with an event added offline")
    assert fits_the_screen(page)

    context.set_offline(False)
    sync_on_a_phone(page)
    with app.app_context():
        entry = db.session.scalars(
            sa.select(ChronologyEntry).where(ChronologyEntry.family_id == family.id)
        ).one()
        assert entry.child_ids == [sam["id"]]
        assert entry.device_written_at is not None
        versions = db.session.scalars(
            sa.select(CaseSummary).where(CaseSummary.family_id == family.id)
        ).all()
        assert len(versions) == 2
        assert {v.previous_id for v in versions} - {None} == {
            min(versions, key=lambda v: v.created_at).id
        }

    # The print: Sam's events and the family's, nobody else's, accessible, and recorded.
    expect(table).not_to_contain_text("Not synced yet")
    # The Print link opens the server's page in a new tab; open its address the
    # same way (a click can land on a link the screen is just drawing again).
    link = page.get_by_role("button", name="Print")
    expect(link).to_have_attribute("target", "_blank")
    printed = page.context.new_page()
    printed.goto(str(link.get_attribute("href")))
    expect(printed.get_by_role("heading", level=1, name="Chronology for Sam")).to_be_visible()
    expect(printed.locator("table")).to_contain_text("Sam was excluded from school for one day.")
    expect(printed.locator("table")).to_contain_text("Sam missed a school trip")
    expect(printed.locator("main")).not_to_contain_text("Mia: Child in need plan started")
    expect(printed.locator("main")).not_to_contain_text("Nan lives nearby")
    check_accessibility(printed, "the printed chronology for one child")
    with app.app_context():
        printed_events = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.entity == "chronology", AuditEvent.action == "export"
            )
        ).all()
        assert [(e.family_id, e.detail["child_id"]) for e in printed_events] == [
            (uuid.UUID(fid), sam["id"])
        ]
    assert errors == []
