"""On a 390 px phone: every screen fits, the skip link works, the network map is legible."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

PHONE = {"width": 390, "height": 844}


def phone(new_context: Any) -> Any:
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    return page


def test_the_skip_link_moves_to_the_main_content_and_stays_on_the_screen(
    make_user, make_family, new_context
):
    amara = make_user("caseworker", username="amara")
    make_family(team_of=amara, worker=amara, name="Okoro")
    page = phone(new_context)
    sign_in(page, "amara")
    page.get_by_role("link", name="Okoro").click()
    heading = page.get_by_role("heading", level=1, name="Okoro")
    expect(heading).to_be_visible()
    address = page.url

    skip = page.get_by_role("link", name="Skip to main content")
    skip.focus()
    expect(skip).to_be_in_viewport()  # shown when it has the focus
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    expect(heading).to_be_visible()
    expect(page.get_by_role("heading", name="Page not found")).to_have_count(0)
    assert page.url == address

    # Reached without the link (typed into the address bar, say): the same.
    page.get_by_role("button", name="Network map").click()
    expect(page.get_by_role("heading", level=1, name="Network map")).to_be_visible()
    address = page.url
    page.evaluate("() => { location.hash = '#main-content'; }")
    expect(page.locator("main")).to_be_focused()
    expect(page).to_have_url(address)
    expect(page.get_by_role("heading", level=1, name="Network map")).to_be_visible()
