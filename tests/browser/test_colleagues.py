"""Peer consultation and practice suggestions, as staff use them in the app."""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from server.extensions import db
from server.persistence import Consultation, ConsultationReply
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_conference_and_reviews import go, wait_for_reference, watch_for_errors
from tests.browser.test_policy_admin import sign_in_as_admin

# What the ask page waits for after the last key before checking the text.
CHECK_DELAY_MS = 300


def open_from_menu(page: Any, link: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=link).click()


def sync_until(page: Any, locator: Any, tries: int = 10) -> None:
    """Press "Sync now" until what a sync should bring shows (each sync also looks for replies)."""
    for _ in range(tries):
        page.get_by_role("button", name="Sync now").click()
        try:
            locator.wait_for(timeout=2_000)
        except PlaywrightTimeout:
            continue  # not yet: sync again
        return
    expect(locator).to_be_visible()


def test_a_dilemma_is_checked_for_identifiers_posted_anonymously_and_answered_by_a_peer(
    app, make_user, make_family, make_client, new_context, live_server
):
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    make_user("supervisor", username="hannah", display_name="Hannah Shah")
    make_user("caseworker", team="South", username="ben", display_name="Ben Adeyemi")
    family = make_family(team_of=amara, worker=amara, name="Okoro", local_reference="CF-20931")
    worker = make_client("amara")
    people = worker.get(f"/api/people?family_id={family.id}").json["items"]
    sam = next(person for person in people if person["given_name"] == "Sam")
    dated = worker.patch(
        f"/api/people/{sam['id']}",
        json={"base_version": sam["version"], "date_of_birth": "2015-04-03"},
    )
    assert dated.status_code == 200, dated.json

    asker_device = new_context()
    asker_device.grant_permissions(["notifications"], origin=live_server)
    page = asker_device.new_page()
    sign_in(page, "amara")
    wait_for_reference(page)
    open_from_menu(page, "Peer consultations")
    expect(page.get_by_role("heading", level=1, name="Peer consultations")).to_be_visible()
    expect(page.get_by_text("No one in another team has asked anything yet.")).to_be_visible()
    check_accessibility(page, "peer consultations, none yet")

    page.get_by_role("button", name="Ask your peers").click()
    page.get_by_label("Title").fill("Boy refusing school")
    dilemma = page.get_by_label("Your dilemma")
    dilemma.fill(
        "sam, born 3 April 2015, has not been to school for a month. "
        "Mum says he is scared of the bus. What has worked for you?"
    )
    page.get_by_role("button", name="Post to your peers").click()
    warning = page.locator("#identifier-warning")
    expect(warning).to_be_focused()
    expect(warning.get_by_role("heading")).to_have_text("Check this does not identify a family")
    expect(warning.get_by_role("link")).to_have_text(
        [
            "“sam” in the dilemma: Sam Okoro's name",
            "“3 April 2015” in the dilemma: Sam Okoro's date of birth",
        ]
    )
    expect(page.get_by_text("This mentions “sam”, “3 April 2015”.")).to_be_visible()
    check_accessibility(page, "asking peers, with the identifier warning")

    # Taking the name out leaves the date; taking the date out clears the warning.
    dilemma.fill(
        "A boy, born 3 April 2015, has not been to school for a month. "
        "Mum says he is scared of the bus. What has worked for you?"
    )
    expect(warning.get_by_role("link")).to_have_text(
        ["“3 April 2015” in the dilemma: Sam Okoro's date of birth"]
    )
    anonymised = (
        "A boy of 11 has not been to school for a month. "
        "Mum says he is scared of the bus. What has worked for you?"
    )
    dilemma.fill(anonymised)
    expect(page.locator("#identifier-warning")).to_have_count(0)
    expect(page.get_by_role("button", name="Post it as it is")).to_have_count(0)
    page.get_by_role("button", name="Post to your peers").click()

    expect(page.get_by_role("heading", level=1, name="Boy refusing school")).to_be_visible()
    expect(page.get_by_text("Your consultation is posted.")).to_be_visible()
    expect(page.get_by_text("Your consultation", exact=True)).to_be_visible()
    check_accessibility(page, "your consultation, no replies")
    consultation_id = page.url.rsplit("/", 1)[1]
    open_from_menu(page, "Caseload")  # the asker goes back to work

    # The stored row is the title and the text, the team it is hidden from and the hash of
    # the asker's key: nothing that leads to the family or the asker.
    with app.app_context():
        row = db.session.execute(
            sa.select(Consultation.__table__).where(Consultation.id == uuid.UUID(consultation_id))
        ).one()
        stored = {key: str(value) for key, value in row._mapping.items() if value is not None}
        assert set(stored) == {
            "id",
            "title",
            "dilemma",
            "posted_at",
            "asked_in_team_id",
            "asker_key_hash",
        }
        assert stored["dilemma"] == anonymised
        assert stored["asked_in_team_id"] == str(amara.team_id)
        for value in stored.values():
            for secret in (str(family.id), str(amara.id), "Okoro", "Sam", "amara", "CF-20931"):
                assert secret not in value

    # Her own supervisor, in the same team, does not see it: the page promised other teams.
    supervisor = new_context().new_page()
    sign_in(supervisor, "hannah")
    open_from_menu(supervisor, "Peer consultations")
    expect(supervisor.get_by_text("No one in another team has asked anything yet.")).to_be_visible()
    expect(supervisor.get_by_role("link", name="Boy refusing school")).to_have_count(0)
    go(supervisor, f"#/consultations/{consultation_id}")
    expect(supervisor.locator("#consultations-problem")).to_contain_text(
        "consultations are for other teams"
    )
    expect(supervisor.get_by_text("Boy refusing school")).to_have_count(0)

    # A peer in another team reads it and replies on their own device.
    peer_device = new_context()
    peer = peer_device.new_page()
    sign_in(peer, "ben")
    wait_for_reference(peer)
    open_from_menu(peer, "Peer consultations")
    peers_table = peer.get_by_role("table", name="Your peers' consultations")
    peers_table.get_by_role("link", name="Boy refusing school").click()
    expect(peer.get_by_text("A peer's consultation")).to_be_visible()
    peer.get_by_label("Your reply").fill("A trusted adult on the bus helped one boy I worked with.")
    peer.get_by_role("button", name="Send reply").click()
    expect(peer.get_by_text("Your reply is sent.")).to_be_visible()
    check_accessibility(peer, "a peer's consultation with a reply")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ConsultationReply.id))) == 1

    # The asker's device finds the reply after a sync: a banner, and a notification naming nothing.
    banner = page.get_by_role("region", name="New replies")
    sync_until(page, banner)
    expect(banner).to_contain_text("A colleague replied to your consultation")
    check_accessibility(page, "caseload, with the new replies banner")
    notifications = page.evaluate(
        """async () => (await (await navigator.serviceWorker.ready).getNotifications())
            .map(n => ({title: n.title, body: n.body, data: n.data}))"""
    )
    assert notifications == [
        {
            "title": "Family Fieldwork",
            "body": "A colleague replied to your consultation.",
            "data": {
                "kind": "consultation_reply",
                "id": consultation_id,
                "url": f"/#/open/consultation_reply/{consultation_id}",
            },
        }
    ]
    banner.get_by_role("link", name="Boy refusing school").click()
    reply = "A trusted adult on the bus helped one boy I worked with."
    expect(page.get_by_text(reply)).to_be_visible()
    expect(page.get_by_text("Ben Adeyemi")).to_be_visible()
    # Read: the banner goes, and the device lists it among the worker's own consultations.
    expect(page.get_by_role("region", name="New replies")).to_have_count(0)
    page.get_by_role("link", name="Back to peer consultations").click()
    own = page.get_by_role("table", name="Your consultations").get_by_role("row").nth(1)
    expect(own).to_contain_text("Boy refusing school")
    expect(own).to_contain_text("1 reply")
    expect(own).not_to_contain_text("new")
    check_accessibility(page, "peer consultations, with your own")


def test_the_dilemma_is_checked_as_the_worker_types_offline_without_moving_focus(
    make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    family = make_family(
        team_of=amara,
        worker=amara,
        name="Sikora family",
        address={"line1": "7 Birch Road", "town": "Northtown", "postcode": "N2 4AB"},
    )
    worker = make_client("amara")
    people = worker.get(f"/api/people?family_id={family.id}").json["items"]
    sam = next(person for person in people if person["given_name"] == "Sam")
    renamed = worker.patch(
        f"/api/people/{sam['id']}", json={"base_version": sam["version"], "family_name": "Sikora"}
    )
    assert renamed.status_code == 200, renamed.json
    school = worker.post(
        "/api/relationships",
        json={
            "family_id": str(family.id),
            "from_person_id": sam["id"],
            "to_organisation": "Oakfield Primary School",
            "organisation_kind": "school",
            "type": "TEACHER",
        },
    )
    assert school.status_code == 201, school.json

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    wait_for_reference(page)
    open_from_menu(page, "Peer consultations")
    page.get_by_role("button", name="Ask your peers").click()
    expect(page.get_by_role("heading", level=1, name="Ask your peers")).to_be_visible()
    device.set_offline(True)  # the check needs nothing from the server
    assert page.evaluate("navigator.onLine") is False

    dilemma = page.get_by_label("Your dilemma")
    dilemma.click()
    # Stop the page's clock (Playwright's, installed frozen by new_context: Date.now() in the
    # page reads it, never the wall clock) so the pause after typing is measured exactly (only the
    # keyboard from here: a paused page cannot show that an element is still).
    page.clock.pause_at(page.evaluate("Date.now()") / 1_000 + 1)  # in seconds
    page.keyboard.type("Sam is scared at Oakfield since")
    warning = page.locator("#dilemma-group .govuk-warning-text")
    status = page.locator("#identifier-status")
    page.clock.run_for(CHECK_DELAY_MS - 50)
    expect(warning).to_have_count(0)  # not while the worker is still typing
    page.keyboard.type(" May.")
    page.clock.run_for(CHECK_DELAY_MS - 50)
    expect(warning).to_have_count(0)  # each key starts the wait again
    page.clock.run_for(60)
    expect(warning).to_have_text(
        "! Warning This could identify a family: “Sam” (Sam Sikora's name); "
        "“Oakfield” (an organisation in the Sikora family's network)."
    )
    expect(dilemma).to_be_focused()  # announced, not focused: the worker keeps typing
    expect(dilemma).to_have_attribute("aria-describedby", "dilemma-hint dilemma-identifiers")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(
        "2 details in your text could identify a family: “Sam”, “Oakfield”."
    )
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("#dilemma-group")).not_to_have_class(re.compile("govuk-form-group--error"))
    page.clock.resume()  # axe waits on timers
    check_accessibility(page, "asking peers, warned while typing")
    page.clock.pause_at(page.evaluate("Date.now()") / 1_000 + 1)

    # The title too; the family's own details are said once, and plainly.
    title = page.get_by_label("Title")
    page.keyboard.press("Shift+Tab")
    expect(title).to_be_focused()
    page.keyboard.type("The Sikora family at 7 Birch Road")
    page.clock.run_for(CHECK_DELAY_MS + 10)
    expect(page.locator("#title-group .govuk-warning-text")).to_have_text(
        "! Warning This could identify a family: “Sikora family” (the Sikora family's name); "
        "“7 Birch Road” (the Sikora family's address)."
    )
    expect(page.locator("#title-group")).not_to_contain_text("family family")
    expect(title).to_be_focused()
    expect(status).to_contain_text("4 details in your text could identify a family")

    # Taking them out clears the warnings, and says so once.
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("Boy scared of school")
    page.keyboard.press("Tab")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("A boy of 9 is scared at school since May.")
    page.clock.run_for(CHECK_DELAY_MS + 10)
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    expect(status).to_have_text(
        "Nothing in your text matches the details of a family you work with."
    )
    expect(dilemma).to_be_focused()
    page.clock.resume()
    assert errors == []


def test_roles_that_do_not_consult_peers_get_no_dead_end(make_user, new_context):
    make_user("admin", username="root", team=None)
    page = new_context().new_page()
    sign_in_as_admin(page, "root")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Peer consultations")).to_have_count(0)
    for address in ("#/consultations", "#/consultations/new"):
        go(page, address)
        expect(page.locator("#consultations-problem")).to_have_text(
            "Peer consultation is for caseworkers and supervisors. "
            "Your role does not ask or answer them."
        )
        expect(page.locator("main a[href^='#/consultations']")).to_have_count(0)
        check_accessibility(page, f"an admin at {address}")
    page.get_by_role("link", name="Go to the decision policy").click()
    expect(page.get_by_role("heading", level=1, name="Decision policy")).to_be_visible()


def test_a_managers_answer_to_a_suggestion_reaches_other_staff(make_user, new_context):
    make_user("caseworker", username="amara", display_name="Amara Okafor")
    make_user("supervisor", username="hannah", display_name="Hannah Shah")
    make_user("caseworker", team="South", username="ben", display_name="Ben Adeyemi")

    author = new_context().new_page()
    sign_in(author, "amara")
    open_from_menu(author, "Suggestions")
    expect(author.get_by_role("heading", level=1, name="Practice suggestions")).to_be_visible()
    author.get_by_role("button", name="Put forward a suggestion").click()
    author.get_by_role("button", name="Send suggestion").click()
    expect(author.get_by_role("link", name="Enter your idea in a few words")).to_be_visible()
    check_accessibility(author, "suggestion form with errors")
    author.get_by_label("Your idea in a few words").fill("Evening visits")
    author.get_by_label("Tell us more").fill("Parents who work could meet us after 6pm.")
    author.get_by_role("button", name="Send suggestion").click()
    expect(author.get_by_role("heading", level=1, name="Evening visits")).to_be_visible()
    expect(author.locator("#suggestion-status")).to_have_text("Waiting for an answer")
    expect(author.locator("#answer-form")).to_have_count(0)  # a caseworker cannot answer
    check_accessibility(author, "a suggestion, not answered")

    manager = new_context().new_page()
    sign_in(manager, "hannah")
    open_from_menu(manager, "Suggestions")
    manager.get_by_role("link", name="Evening visits").click()
    manager.get_by_role("button", name="Save answer").click()
    missing = manager.get_by_role("link", name="Choose adopted, being tried or not now")
    expect(missing).to_be_visible()
    check_accessibility(manager, "answering a suggestion, with errors")
    manager.get_by_label("Being tried: we are testing it").check()
    manager.get_by_label("Your reasons").fill("Two teams will try it until March, then we decide.")
    manager.get_by_role("button", name="Save answer").click()
    expect(manager.get_by_text("Your answer is saved.")).to_be_visible()
    expect(manager.locator("#suggestion-status")).to_have_text("Being tried")

    colleague = new_context().new_page()
    sign_in(colleague, "ben")
    open_from_menu(colleague, "Suggestions")
    row = colleague.get_by_role("row").filter(has_text="Evening visits")
    expect(row).to_contain_text("Being tried")
    expect(row).to_contain_text("by Amara Okafor")
    check_accessibility(colleague, "practice suggestions")
    row.get_by_role("link", name="Evening visits").click()
    expect(colleague.locator("#suggestion-reasons")).to_contain_text(
        "Two teams will try it until March, then we decide."
    )
