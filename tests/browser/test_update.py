"""A new version of the app is offered, and applied only when the worker agrees."""

from __future__ import annotations

import shutil

from tests.browser.conftest import sign_in


def test_a_new_version_waits_for_the_worker_to_agree(
    app, make_user, make_family, new_context, tmp_path
):
    served = tmp_path / "pwa"
    shutil.copytree(app.config["PWA_DIR"], served)
    app.config["PWA_DIR"] = str(served)
    amara = make_user("caseworker", username="amara")
    make_family(team_of=amara, worker=amara, name="Okoro")
    page = new_context().new_page()
    sign_in(page, "amara")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    worker = served / "sw.js"
    text = worker.read_text()
    worker.write_text(text.replace("const VERSION = ", "const VERSION = 'next-' + ", 1))
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    banner = page.get_by_role("region", name="New version")
    banner.wait_for()
    # Nothing changes until the worker agrees: still the same page, still unlocked.
    assert page.evaluate("() => window.fieldwork.session.unlocked") is True

    with page.expect_event("load"):
        banner.get_by_role("button", name="Use the new version").click()
    page.get_by_role("heading", name="Unlock").wait_for()
    version = page.evaluate(
        "async () => (await caches.keys()).filter((k) => k.startsWith('fieldwork-app-'))"
    )
    assert len(version) == 1 and version[0].startswith("fieldwork-app-next-")
