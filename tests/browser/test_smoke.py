from __future__ import annotations

from tests.browser.conftest import check_accessibility, sign_in


def test_sign_in_and_see_the_caseload(app, make_user, make_family, new_context):
    amara = make_user("caseworker", username="amara")
    make_family(team_of=amara, worker=amara, name="Okoro")
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    sign_in(page, "amara")
    assert page.get_by_role("link", name="Okoro").is_visible()
    check_accessibility(page, "caseload")
    assert errors == []
