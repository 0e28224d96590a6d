"""A Welsh-speaking supervisor reads the team view and the review queue in Welsh:
headings, table captions, the queue's counts and tags, and the month of the sample."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.api.casework import publish_practice_settings
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_conference_and_reviews import go, wait_for_reference, watch_for_errors
from tests.browser.test_supervision_queue import decision
from tests.browser.test_welsh import choose_language, no_english

WELSH_MONTH = re.compile(
    r"^Sampl (Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref"
    r"|Tachwedd|Rhagfyr)$"
)


def test_a_welsh_speaking_supervisor_reads_the_team_view_and_the_review_queue_in_welsh(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    make_user("supervisor", username="priya", display_name="Priya Shah")
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    okoro = make_family(team_of=amara, worker=amara, name="Okoro")
    decision(
        make_client("amara"),
        okoro,
        "Change the safety plan so Sam stays with Nan?",
        "safety_plan_change",
    )

    page = new_context().new_page()
    errors = watch_for_errors(page)
    sign_in(page, "priya")
    choose_language(page, "Cymraeg")
    wait_for_reference(page)

    # The team view: its panels and tables in Welsh, the count of families in its plural.
    go(page, "#/team")
    expect(page.get_by_role("heading", level=1, name="Eich tîm")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Iechyd perthynol")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Cydymffurfio")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Goruchwyliaeth a dysgu")).to_be_visible()
    expect(
        page.get_by_role("heading", level=3, name="Dim cyswllt ystyrlon ers mwy na 20 diwrnod")
    ).to_be_visible()
    expect(page.locator("#team-view")).to_contain_text("1 teulu agored ar y ddyfais hon")
    expect(page.get_by_role("button", name="Dangos teuluoedd")).to_be_visible()
    no_english(page, "Your team", "Relational health", "Compliance", "Supervision and learning")
    expect(page).to_have_title(re.compile(r"^Eich tîm \u2013 "))
    check_accessibility(page, "Welsh: team view")

    # The review queue: the red decision waiting, its tag, the filters and the sample.
    go(page, "#/reviews")
    expect(page.get_by_role("heading", level=1, name="Ciw adolygu")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Hidlo'r ciw")).to_be_visible()
    expect(page.locator("#queue-red")).to_have_text(
        "Mae 1 penderfyniad coch yn aros i chi ei gymeradwyo."
    )
    expect(page.locator("#queue-count")).to_have_text("1 yn y ciw. Yn dangos 1 i 1 o 1.")
    row = page.locator("[data-queue-entry]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Coch: angen cymeradwyaeth")
    expect(row).to_contain_text("Yn aros i chi ei gymeradwyo")
    expect(row).to_contain_text("heddiw")
    expect(page.locator("#queue-sample h2")).to_have_text(WELSH_MONTH)
    expect(page.get_by_role("button", name="Defnyddio'r hidlyddion")).to_be_visible()
    no_english(page, "Review queue", "Filter the queue", "Apply filters", "Clear filters")
    check_accessibility(page, "Welsh: review queue")

    # Back in English, the same screens speak English again.
    choose_language(page, "English")
    go(page, "#/reviews")
    expect(page.get_by_role("heading", level=1, name="Review queue")).to_be_visible()
    expect(page.locator("#queue-count")).to_have_text("1 in the queue. Showing 1 to 1 of 1.")
    assert errors == []
