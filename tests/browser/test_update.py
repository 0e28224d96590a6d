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


def test_a_new_version_downloads_only_the_files_that_changed_and_keeps_other_caches(
    app, make_user, new_context, tmp_path
):
    served = tmp_path / "pwa"
    shutil.copytree(app.config["PWA_DIR"], served)
    app.config["PWA_DIR"] = str(served)
    make_user("caseworker", username="amara")
    context = new_context()
    page = context.new_page()
    sign_in(page, "amara")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # Another part of the origin's cache storage that is not the app's.
    page.evaluate("() => caches.open('someone-else').then((c) => c.put('/x', new Response('x')))")

    # The next version changes one file: the icon.
    (served / "icon.svg").write_text((served / "icon.svg").read_text() + "<!-- next -->\n")
    worker = served / "sw.js"
    text = worker.read_text()
    start = text.index('{"url":"/icon.svg","revision":"') + len('{"url":"/icon.svg","revision":"')
    text = text[:start] + "0" * 12 + text[start + 12 :]
    worker.write_text(text.replace("const VERSION = ", "const VERSION = 'next-' + ", 1))

    fetched: list[str] = []
    context.on("request", lambda request: fetched.append(request.url))
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.get_by_role("region", name="New version").wait_for()

    assets = {url.removeprefix(page.url.split("#")[0].rstrip("/")) for url in fetched}
    assert "/icon.svg" in assets
    assert not assets & {"/app.css", "/src/app.js", "/vendor/idb.js", "/"}, assets
    names = page.evaluate("() => caches.keys()")
    assert "someone-else" in names
    held = page.evaluate(
        """async () => {
            const name = (await caches.keys()).find((k) => k.startsWith('fieldwork-app-next-'));
            const cache = await caches.open(name);
            return (await (await cache.match('/icon.svg', {ignoreSearch: true})).text());
        }"""
    )
    assert held.endswith("<!-- next -->\n")
