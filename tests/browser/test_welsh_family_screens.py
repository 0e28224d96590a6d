"""A Welsh-speaking worker opens a family's own screens in Welsh: the chronology, a
child's plan, the network map and the story so far, with Welsh headings, labels and
buttons, and dates said with Welsh months."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_family_and_network import people_of
from tests.browser.test_visit_note_judgment import go, watch_for_errors
from tests.browser.test_welsh import WELSH_MONTH, choose_language, no_english


def test_a_welsh_speaking_worker_reads_the_chronology_plan_and_network_in_welsh(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    fid = str(family.id)
    sam = next(p for p in people_of(make_client("amara"), fid) if p["given_name"] == "Sam")

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    choose_language(page, "Cymraeg")

    # The chronology, with an event added in Welsh: its date is said with a Welsh month.
    go(page, f"#/family/{fid}/chronology")
    expect(page.get_by_role("heading", level=1, name="Cronoleg")).to_be_visible()
    page.get_by_role("button", name="Ychwanegu digwyddiad").click()
    expect(page.get_by_role("heading", level=2, name="Ychwanegu digwyddiad")).to_be_visible()
    page.get_by_role("button", name="Cadw'r digwyddiad").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Dywedwch beth ddigwyddodd")
    page.locator("#occurred_on").fill("3")  # the date's own parts are another screen's words
    page.locator("#occurred_on-month").fill("2")
    page.locator("#occurred_on-year").fill("2026")
    page.get_by_label("Beth ddigwyddodd?").fill("Dechreuodd Sam yn yr ysgol newydd.")
    page.get_by_label("O ble daeth yr wybodaeth?").fill("Galwad ffôn gan yr ysgol")
    page.get_by_role("button", name="Cadw'r digwyddiad").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Mae'r digwyddiad wedi'i ychwanegu at y gronoleg"
    )
    table = page.get_by_role("table", name="Digwyddiadau, yr hynaf yn gyntaf")
    expect(table).to_contain_text("3 Chwefror 2026")
    expect(table.get_by_role("columnheader", name="Digwyddiad")).to_be_visible()
    no_english(page, "Chronology", "Add an event", "Show events")
    check_accessibility(page, "Welsh: chronology")

    # A child's plan.
    go(page, f"#/family/{fid}/child/{sam['id']}/plan")
    expect(page.get_by_role("heading", level=1, name="Cynllun Sam Okoro")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Cynllun nawr ar gyfer Sam")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Cynlluniau cynharach")).to_be_visible()
    expect(page.get_by_role("button", name="Cadw'r cynllun")).to_be_visible()
    no_english(page, "Sam Okoro's plan", "Earlier plans", "Save the plan")
    check_accessibility(page, "Welsh: a child's plan")

    # The network map and the story so far.
    go(page, f"#/family/{fid}/network")
    expect(page.get_by_role("heading", level=1, name="Map o'r rhwydwaith")).to_be_visible()
    expect(
        page.get_by_role("heading", level=2, name="Ychwanegu rhywun at y rhwydwaith")
    ).to_be_visible()
    expect(page.get_by_role("group", name=re.compile("^Map o'r rhwydwaith: Okoro"))).to_be_visible()
    no_english(page, "Network map", "Add someone to the network", "Add to the network")
    check_accessibility(page, "Welsh: network map")
    go(page, f"#/family/{fid}/story")
    expect(page.get_by_role("heading", level=1, name="Y stori hyd yma")).to_be_visible()
    expect(page.get_by_label("Beth sy'n mynd yn dda")).to_be_visible()
    no_english(page, "Story so far", "Earlier versions", "Save this version")

    # Back in English, the same screen speaks English again.
    choose_language(page, "English")
    go(page, f"#/family/{fid}/chronology")
    expect(page.get_by_role("heading", level=1, name="Chronology")).to_be_visible()
    expect(page.get_by_role("table", name="Events, oldest first")).not_to_contain_text(WELSH_MONTH)
    assert errors == []
