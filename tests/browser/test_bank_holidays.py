"""The app counts working days by the server's bank holidays, kept on the device for offline."""

from __future__ import annotations

from server import clock
from tests.browser.conftest import sign_in, unlock

# 28 April 2023 and ten working days: past 1 May and the coronation (8 May).
DUE = """async () => {
  const { addInterval, formatDate, parseDate } = await import("/src/domain/timescales.js");
  return formatDate(addInterval(parseDate("2023-04-28"), { count: 10, unit: "working_days" }));
}"""


def test_the_app_counts_the_servers_bank_holidays_online_and_offline(app, make_user, new_context):
    make_user("caseworker", username="amara")
    device = new_context()
    page = device.new_page()
    sign_in(page, "amara")
    page.wait_for_function("() => window.fieldwork.session.data.reference.bank_holidays")
    table = page.evaluate("() => window.fieldwork.session.data.reference.bank_holidays")
    year = clock.today().year
    assert (table["first_year"], table["last_year"]) == (year - 10, year + 10)
    assert "2023-05-08" in table["days"]
    assert page.evaluate(DUE) == "2023-05-16"

    # Offline, the table comes back from the device's sealed store at unlock.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    device.set_offline(True)
    page.reload()
    unlock(page)
    page.get_by_role("heading", level=1, name="Your caseload").wait_for()
    assert page.evaluate(DUE) == "2023-05-16"
