"""A field day with no signal, and two devices that disagree about a family.

A caseworker records two families' visits offline (interaction, relational
note, judgment and checklist each), corrects a note, adds someone to a
network map, closes and reopens the app, and comes back online: the server
holds each record exactly once, her other device sees it all, and her
supervisor reads the new work on their device (nothing needs signing off).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.api.casework import publish_practice_settings
from tests.browser.conftest import check_accessibility, sign_in, unlock, wait_until_synced
from tests.browser.test_visit_note_judgment import (
    go,
    items_of,
    ready_to_work_offline,
    record_visit_details,
    watch_for_errors,
)


def sync_and_wait(page: Any) -> None:
    page.get_by_role("button", name="Sync now").click()
    page.wait_for_function(
        "() => window.fieldwork.session.data.outbox.length === 0"
        " && window.fieldwork.session.sync.state === 'idle'"
        " && !window.fieldwork.session.sync.running"
    )


def record_a_visit(page: Any, family_id: str, child: str, words: str) -> None:
    """Interaction, then a signed note, a green judgment and the checklist: four records."""
    go(page, f"#/family/{family_id}/visit")
    expect(page.get_by_role("heading", level=1, name="Visit details")).to_be_visible()
    record_visit_details(page, mode="Home visit", purpose="Statutory visit", meaningful="Yes")
    page.get_by_role("group", name=f"{child} (child)").get_by_label("Seen alone").check()
    page.get_by_role("button", name="Save and continue to the note").click()
    expect(page.get_by_role("heading", level=1, name="Relational note")).to_be_visible()
    page.get_by_label("What happened").fill(words)
    page.get_by_role("button", name="Sign the note").click()
    page.get_by_role("button", name="Yes, sign the note").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Judgment log entry")).to_be_visible()
    page.get_by_label("What decision are you making?").fill("Offer the parenting group?")
    page.get_by_label("What kind of decision is it?").select_option(label="Routine support")
    page.get_by_role("group", name="Option 1").get_by_label("The option").fill("Offer it")
    page.get_by_label("Your decision").fill("Offer the Tuesday group")
    page.get_by_label("Why you decided this").fill("Mum asked for it")
    page.get_by_role("button", name="Sign this entry").click()
    page.get_by_role("button", name="Yes, sign the entry").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Compliance checklist")).to_be_visible()
    # Every item, and for each child the items about each child ("Child seen: Sam Okoro").
    answers = page.get_by_role(
        "group", name=re.compile(r"^(Child seen|Child seen alone|Bedroom seen)")
    )
    expect(answers.first).to_be_visible()
    for group in answers.all():
        group.get_by_label("Yes").check()
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.get_by_role("heading", level=1, name="Visit record")).to_be_visible()


def test_a_field_day_offline_reaches_the_server_once_and_every_device(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    make_user("supervisor", username="hannah", display_name="Hannah Reid")
    okoro = make_family(team_of=amara, worker=amara, name="Okoro")
    singh = make_family(team_of=amara, worker=amara, name="Singh")

    phone = new_context()
    page = phone.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    ready_to_work_offline(page)
    phone.set_offline(True)
    page.reload()  # the whole app loads from the service worker's cache
    unlock(page)
    expect(page.get_by_role("link", name="Okoro")).to_be_visible()

    record_a_visit(page, str(okoro.id), "Sam Okoro", "We baked bread. CANARY-okoro")
    record_a_visit(page, str(singh.id), "Sam Singh", "Sam read to me. CANARY-singh")

    # Correct the Okoro note with an amendment.
    go(page, f"#/family/{okoro.id}")
    page.get_by_role("link", name=re.compile("Read the note")).first.click()
    page.get_by_role("button", name="Correct this note").click()
    page.get_by_label("Which part are you correcting?").select_option(label="What happened")
    page.get_by_label("The corrected text").fill("We baked bread and scones.")
    page.get_by_label("Why are you correcting it?").fill("I left out the scones")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your correction is saved")

    # Add Gran to the Singh network map.
    go(page, f"#/family/{singh.id}/network")
    expect(page.get_by_role("heading", level=1, name="Network map")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Sam Singh, child")).click()
    add = page.locator("#add-form")
    add.get_by_label("Someone new").check()
    add.get_by_label("Given name", exact=True).fill("Gita")
    add.get_by_label("Family name", exact=True).fill("Singh")
    add.get_by_label("What are they to the first person?").select_option("PGRMTH")
    add.get_by_role("group", name="How is the relationship?").get_by_label("Strong").check()
    add.get_by_label("The family's account").check()
    add.get_by_role("button", name="Add to the network").click()
    expect(page.get_by_role("table", name="Relationships")).to_contain_text("Gita Singh")

    waiting = page.evaluate("() => window.fieldwork.session.data.outbox.length")
    assert waiting >= 14

    # Close the app and open it again, still offline: everything is still there.
    page.close()
    page = phone.new_page()
    errors += watch_for_errors(page)
    page.goto("/")
    unlock(page)
    expect(page.get_by_role("link", name="Singh")).to_be_visible()
    assert page.evaluate("() => window.fieldwork.session.data.outbox.length") == waiting

    # Online again: one tap sends the day's work.
    phone.set_offline(False)
    sync_and_wait(page)
    wait_until_synced(page)
    assert page.evaluate("() => window.fieldwork.session.data.notices.length") == 0

    api = make_client("amara")
    for family in (okoro, singh):
        fid = str(family.id)
        assert len(items_of(api, f"/api/interactions?family_id={fid}")) == 1
        notes = items_of(api, f"/api/notes?family_id={fid}")
        assert len(notes) == 1 and notes[0]["state"] == "signed"
        judgments = items_of(api, f"/api/judgments?family_id={fid}")
        assert len(judgments) == 1 and judgments[0]["status"] == "logged"
        checklists = items_of(api, f"/api/checklists?family_id={fid}")
        assert len(checklists) == 1
        answers = items_of(api, f"/api/checklist-items?checklist_id={checklists[0]['id']}")
        assert {item["answer"] for item in answers} == {"yes"}
    okoro_note = items_of(api, f"/api/notes?family_id={okoro.id}")[0]
    amendments = items_of(api, f"/api/amendments?target_id={okoro_note['id']}")
    assert [a["reason"] for a in amendments] == ["I left out the scones"]
    people = items_of(api, f"/api/people?family_id={singh.id}")
    assert [p["given_name"] for p in people].count("Gita") == 1
    relationships = items_of(api, f"/api/relationships?family_id={singh.id}")
    assert len(relationships) == 1 and relationships[0]["type"] == "PGRMTH"

    # Her tablet, signed in afresh, sees all of it.
    tablet = new_context().new_page()
    errors += watch_for_errors(tablet)
    sign_in(tablet, "amara")
    for family in (okoro, singh):
        go(tablet, f"#/family/{family.id}")
        timeline = tablet.locator(".app-timeline")
        expect(timeline).to_contain_text("Home visit: Statutory visit")
        expect(timeline.get_by_role("link", name=re.compile("Read the note"))).to_have_count(1)
    go(tablet, f"#/family/{singh.id}/network")
    expect(tablet.get_by_role("table", name="Relationships")).to_contain_text("Gita Singh")

    # Signed notes and green decisions are complete: nothing waits in the supervisor's
    # queue, and the supervisor reads both families' new notes on their own device.
    supervisor = new_context().new_page()
    errors += watch_for_errors(supervisor)
    sign_in(supervisor, "hannah")
    go(supervisor, "#/reviews")
    expect(supervisor.locator("#queue-count")).to_have_text("Nothing is waiting for you.")
    check_accessibility(supervisor, "review queue after a field day")
    for family in (okoro, singh):
        go(supervisor, f"#/family/{family.id}")
        expect(
            supervisor.locator(".app-timeline").get_by_role(
                "link", name=re.compile("Read the note")
            )
        ).to_have_count(1)
    offline_noise = re.compile(r"ERR_INTERNET_DISCONNECTED|Failed to load resource")
    assert [error for error in errors if not offline_noise.search(error)] == []


def test_two_devices_editing_a_family_offline_lose_nothing_and_see_the_clash(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Adeyemi")
    devices = []
    for _ in range(2):
        context = new_context()
        page = context.new_page()
        sign_in(page, "amara")
        go(page, f"#/family/{family.id}")
        page.get_by_role("heading", level=1, name="Adeyemi").wait_for()
        context.set_offline(True)
        devices.append((context, page))

    (phone_context, phone), (tablet_context, tablet) = devices
    for page, language in ((phone, "Yoruba"), (tablet, "English and Yoruba")):
        page.get_by_role("button", name="Change family details").click()
        page.locator("#details-form").get_by_label("Preferred language (optional)").fill(language)
        if page is tablet:
            page.locator("#details-form").get_by_role(
                "group", name="Does the family need an interpreter?"
            ).get_by_label("Yes").check()
        page.locator("#details-form").get_by_role("button", name="Save family details").click()

    phone_context.set_offline(False)
    sync_and_wait(phone)
    tablet_context.set_offline(False)
    sync_and_wait(tablet)

    # The tablet's edit came later, so it wins; the phone's value is kept and the clash shown.
    tablet.get_by_role("link", name=re.compile("1 problem to look at")).click()
    clash = tablet.locator(".govuk-inset-text", has_text="Changed by someone else too")
    expect(clash).to_contain_text("Their version: Yoruba")
    expect(clash).to_contain_text("Your version: English and Yoruba")
    check_accessibility(tablet, "sync problems")

    api = make_client("amara")
    stored = api.get(f"/api/families/{family.id}").json
    assert stored["preferred_language"] == "English and Yoruba"
    assert stored["interpreter_needed"] is True
    history = api.get(f"/api/families/{family.id}/history").json
    kept = [row for row in history if row["conflict"]]
    assert kept and kept[-1]["changes"]["preferred_language"]["old"] == "Yoruba"

    sync_and_wait(phone)
    details = phone.locator(".govuk-summary-card").filter(has_text="Family details")
    expect(details).to_contain_text("English and Yoruba")
