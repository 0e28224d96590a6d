"""A Welsh-speaking worker walks the visit flow in Welsh: the caseload, the family page,
a visit recorded offline with its relational note signed, the sync screen, and a family
copy made in Welsh and printed. The copy keeps its own language when the worker's changes."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.api.casework import publish_practice_settings
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_visit_note_judgment import (
    go,
    items_of,
    ready_to_work_offline,
    sync_and_wait,
    watch_for_errors,
)

AGREED = "Beth wnaethon ni ei drafod a'i gytuno"
WELSH_MONTH = re.compile(
    r"\d{1,2} (Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref"
    r"|Tachwedd|Rhagfyr) \d{4}"
)


def choose_language(page: Any, name: str) -> None:
    go(page, "#/language")
    page.get_by_label(name).check()
    page.locator("#language-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy" if name == "Cymraeg" else "en-GB")


def no_english(page: Any, *texts: str) -> None:
    """The screen's headings and buttons have no English left on them."""
    for text in texts:
        expect(page.get_by_role("button", name=text, exact=True)).to_have_count(0)
        expect(page.get_by_role("heading", name=text, exact=True)).to_have_count(0)


def test_a_welsh_speaking_worker_records_a_visit_and_prints_a_welsh_family_copy(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    fid = str(family.id)
    api = make_client("amara")

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    choose_language(page, "Cymraeg")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Mae'r iaith wedi'i chadw.")
    expect(page.locator("#language-note")).to_contain_text("Mae gan gopïau i'r teulu eu hiaith")
    ready_to_work_offline(page)
    page.wait_for_function("() => window.fieldwork.session.data.outbox.length === 0")
    device.set_offline(True)

    # The caseload.
    go(page, "#/")
    expect(page.get_by_role("heading", level=1, name="Eich llwyth achosion")).to_be_visible()
    no_english(page, "Your caseload")
    check_accessibility(page, "Welsh: caseload")

    # The family page.
    go(page, f"#/family/{fid}")
    expect(page.get_by_role("heading", level=2, name="Pobl yn y teulu")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Beth sy'n bwysig i ni")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Llinell amser")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Manylion y teulu")).to_be_visible()
    no_english(page, "People in the family", "Timeline", "Record a visit", "Family details")
    check_accessibility(page, "Welsh: family page")

    # A visit recorded offline: its details, then the relational note, signed.
    page.get_by_role("button", name="Cofnodi ymweliad").click()
    expect(page.get_by_role("heading", level=1, name="Manylion yr ymweliad")).to_be_visible()
    page.get_by_label("Pa mor hir y parodd, mewn munudau").fill("45")
    page.get_by_label("Ymweliad cartref", exact=True).check()  # code lists are in Welsh too
    page.get_by_label("Ymweliad statudol", exact=True).check()
    page.get_by_label("Oedd, roedd wedi'i gyhoeddi ymlaen llaw").check()
    page.get_by_role("group", name="Oedd yn gyswllt ystyrlon?").get_by_label(
        "Ie", exact=True
    ).check()
    check_accessibility(page, "Welsh: visit details")
    page.get_by_role("button", name="Cadw a pharhau i'r nodyn").click()

    expect(page.get_by_role("heading", level=1, name="Nodyn perthynol")).to_be_visible()
    page.get_by_label("Beth ddigwyddodd").fill("Fe wnaethon ni bobi bara gyda'n gilydd.")
    page.get_by_label("Y camau nesaf").fill("Byddwn ni'n cwrdd eto wythnos nesaf.")
    no_english(page, "What happened", "Sign the note", "Save as draft")
    check_accessibility(page, "Welsh: relational note")
    page.get_by_role("button", name="Llofnodi'r nodyn").click()
    expect(page.get_by_role("heading", level=1, name="Llofnodi'r nodyn hwn?")).to_be_visible()
    expect(page.get_by_text("caiff unrhyw gywiriad ei ychwanegu fel diwygiad")).to_be_visible()
    no_english(page, "Sign this note?", "Yes, sign the note", "No, go back to the note")
    check_accessibility(page, "Welsh: confirm signing the note")
    page.get_by_role("button", name="Ie, llofnodi'r nodyn").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Mae'r nodyn wedi'i lofnodi")
    page.get_by_role("button", name="Parhau").click()
    expect(
        page.get_by_role("heading", level=1, name="Cofnod yn y log penderfyniadau")
    ).to_be_visible()
    expect(page.get_by_label("Pa benderfyniad rydych chi'n ei wneud?")).to_be_visible()
    no_english(page, "Judgment log entry", "Add another option", "Sign this entry")
    check_accessibility(page, "Welsh: judgment log entry")

    # The signed note on its own page, from the family's timeline.
    go(page, f"#/family/{fid}")
    page.get_by_role("link", name=re.compile("^Darllen y nodyn")).click()
    expect(page.get_by_role("heading", level=1, name="Nodyn perthynol")).to_be_visible()
    expect(page.locator("#note-state")).to_contain_text("Wedi'i lofnodi")
    expect(page.locator("#note-state")).to_contain_text("Heb ei gysoni eto")
    expect(page.get_by_role("heading", level=2, name="Copïau'r teulu")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Cywiriadau")).to_be_visible()
    no_english(page, "Family copies", "Corrections", "Supervision", "Make a family copy")
    check_accessibility(page, "Welsh: signed note")
    note_address = page.evaluate("() => location.hash")

    # The sync screen's detail, then a sync once the connection is back.
    go(page, "#/sync")
    expect(page.get_by_role("heading", level=1, name="Cysoni")).to_be_visible()
    summary = page.locator("#sync-summary")
    expect(summary).to_contain_text("Newidiadau'n aros i'w hanfon")
    expect(summary).to_contain_text("1 nodyn perthynol")
    expect(summary).to_contain_text("1 ymweliad neu gyswllt")
    no_english(page, "Sync", "Sync now", "Not saved (0)")
    check_accessibility(page, "Welsh: sync screen")
    device.set_offline(False)
    sync_and_wait(page)
    expect(summary).to_contain_text("Dim")
    notes = items_of(api, f"/api/notes?family_id={fid}")
    assert [note["state"] for note in notes] == ["signed"]

    # A family copy in Welsh, chosen when it is made.
    go(page, note_address)
    expect(page.get_by_role("heading", level=1, name="Nodyn perthynol")).to_be_visible()
    language = page.get_by_role("group", name="Ym mha iaith y dylai copi'r teulu fod?")
    expect(language.get_by_label("Cymraeg")).to_be_checked()
    page.get_by_role("button", name="Gwneud copi i'r teulu").click()
    expect(page.get_by_role("heading", level=1, name="Copi'r teulu")).to_be_visible()
    expect(page.locator("#copy-language")).to_have_text("Cymraeg")
    expect(page.get_by_label("Y camau nesaf")).to_have_value("Byddwn ni'n cwrdd eto wythnos nesaf.")
    no_english(page, "Family copy", "Save the draft", "Share the copy")
    check_accessibility(page, "Welsh: family copy")

    page.get_by_role("link", name="Argraffu'r copi").click()
    expect(page.get_by_role("heading", level=1, name="Argraffu copi'r teulu")).to_be_visible()
    copy = page.locator(".app-family-copy")
    expect(copy).to_have_attribute("lang", "cy")
    expect(copy.get_by_role("heading", level=2)).to_have_text(AGREED)
    expect(copy.get_by_role("heading", level=3, name="Y camau nesaf")).to_be_visible()
    expect(copy).to_contain_text("gan Amara Obi")
    expect(copy).to_contain_text(WELSH_MONTH)
    expect(copy).not_to_contain_text("What we talked about")
    no_english(page, "Print the family copy", "Print")
    check_accessibility(page, "Welsh: family copy print view")
    print_address = page.evaluate("() => location.hash")

    # The copy keeps its language when the worker changes theirs.
    choose_language(page, "English")
    go(page, print_address)
    expect(page.get_by_role("heading", level=1, name="Print the family copy")).to_be_visible()
    expect(copy.get_by_role("heading", level=2)).to_have_text(AGREED)
    expect(copy.get_by_role("heading", level=3, name="Y camau nesaf")).to_be_visible()
    check_accessibility(page, "family copy in Welsh printed by an English-speaking worker")

    sync_and_wait(page)
    copies = items_of(api, f"/api/family-copies?note_id={notes[0]['id']}")
    assert [item["language"] for item in copies] == ["cy"]
    assert errors == []
