"""Setting up an authenticator app in production: an admin's enrolment code, then the app."""

from __future__ import annotations

import pyotp

from server import clock
from tests.browser.conftest import PASSPHRASE, check_accessibility, wait_until_synced
from tests.conftest import PASSWORD


def test_a_supervisor_enrols_with_the_code_her_admin_issued(
    app, make_user, make_family, new_context
):
    app.config["PRODUCTION"] = True
    hannah = make_user("supervisor", username="hannah")
    make_family(team_of=hannah, name="Okoro")
    issued = app.test_cli_runner().invoke(args=["enrolment-code", "hannah"])
    assert issued.exit_code == 0, issued.output
    enrolment_code = issued.output.split(": ", 1)[1].splitlines()[0]

    page = new_context().new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.get_by_label("Username").fill("hannah")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name="Set up your authenticator app").wait_for()
    secret = page.locator("code").inner_text().strip()
    code = pyotp.TOTP(secret).at(clock.now())

    # The password alone is not enough: a wrong enrolment code is refused, by the field.
    page.get_by_label("Enrolment code from your administrator").fill("AAAA-BBBB-CCCC-DDDD")
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "enrolment code your administrator gave you" in summary.inner_text()
    assert summary.get_by_role("link").get_attribute("href") == "#enrolment_code"
    check_accessibility(page, "second factor set-up with an error")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    page.get_by_label("Enrolment code from your administrator").fill(enrolment_code)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_label("Type it again").fill(PASSPHRASE)
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", level=1, name="Your team's families").wait_for()
    wait_until_synced(page)
    assert page.get_by_role("link", name="Okoro").is_visible()
