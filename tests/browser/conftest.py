"""Browser tests: the real app in Debian's Chromium, driven by Playwright, against a live server.

The server runs in a thread on the test's own database, so factories and the
browser see the same data. Under CI a missing Chromium fails the run.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from server import clock
from tests.conftest import IN_CI, PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
PASSPHRASE = "river-stone-lamp"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shutil.which(CHROMIUM) or IN_CI:
        return
    skip = pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM} (CI installs it)")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Any) -> Iterator[Any]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    yield browser
    browser.close()


class _Answering:
    """The app, counting the requests it is still answering."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.count = 0
        self.idle = threading.Condition()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.idle:
            self.count += 1
        try:
            # Flask's answers are whole bodies: the work is done once this returns.
            return self.app(environ, start_response)
        finally:
            with self.idle:
                self.count -= 1
                self.idle.notify_all()

    def wait_until_idle(self, timeout: float) -> None:
        with self.idle:
            self.idle.wait_for(lambda: self.count == 0, timeout=timeout)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test's app on a free local port for the browser.

    Once the test's pages are closed, the server stops and its last requests are
    let finish, so none writes to the database after the test has been cleared away.
    """
    answering = _Answering(app)
    server = make_server("127.0.0.1", 0, answering, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    answering.wait_until_idle(timeout=30)
    server.server_close()


@pytest.fixture
def new_context(browser: Any, live_server: str) -> Iterator[Any]:
    """Return a factory of browser contexts (each a separate device) on the live server."""
    contexts = []

    def make() -> Any:
        # A device in England, whose clock starts at the server's frozen moment
        # and runs on from there (timers fire as usual).
        context = browser.new_context(
            base_url=live_server,
            service_workers="allow",
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.clock.install(time=clock.now())
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def exports_worker(app: Flask) -> Iterator[None]:
    """Work the exports queue in a thread while the test runs (in-process without Redis)."""
    if not app.config["REDIS_URL"]:
        yield
        return
    from redis import Redis
    from rq import Queue, SimpleWorker
    from rq.timeouts import TimerDeathPenalty

    class ThreadWorker(SimpleWorker):
        # Signals belong to the main thread: time jobs out with a timer, and let
        # the test stop the loop itself.
        death_penalty_class = TimerDeathPenalty

        def _install_signal_handlers(self) -> None:
            pass

        # No listener for rq's remote commands (stop, kill): the test stops the loop,
        # and a listener started and stopped every 0.2 s raced inside redis-py's
        # pub/sub thread as it closed (its connection already gone).
        def subscribe(self) -> None:
            pass

        def unsubscribe(self) -> None:
            pass

    connection = Redis.from_url(app.config["REDIS_URL"])
    queue = Queue("exports", connection=connection)
    queue.empty()
    stop = threading.Event()

    def work() -> None:
        with app.app_context():
            while not stop.is_set():
                ThreadWorker([queue], connection=connection).work(burst=True)
                stop.wait(0.2)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)


def sign_in(
    page: Any,
    username: str,
    *,
    passphrase: str = PASSPHRASE,
    password: str = PASSWORD,
    first_sync_ms: float | None = None,
) -> None:
    """Sign in on a fresh device, choose its passphrase and wait for the caseload.

    ``first_sync_ms`` allows a first sync longer than the context's default wait:
    a whole team of the demo council is tens of thousands of records.
    """
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Passphrase", exact=True).fill(passphrase)
    page.get_by_label("Type it again").fill(passphrase)
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", level=1, name="Your caseload").or_(
        page.get_by_role("heading", level=1, name="Your team's families")
    ).wait_for(timeout=first_sync_ms)
    wait_until_synced(page, first_sync_ms)


def unlock(page: Any, passphrase: str = PASSPHRASE) -> None:
    page.get_by_label("Passphrase", exact=True).fill(passphrase)
    page.get_by_role("button", name="Unlock").click()


def wait_until_synced(page: Any, timeout_ms: float | None = None) -> None:
    page.wait_for_function(
        "() => window.fieldwork.session.sync && window.fieldwork.session.sync.state === 'idle'"
        " && !window.fieldwork.session.sync.running",
        timeout=timeout_ms,
    )


def watch_for_errors(page: Any) -> list[str]:
    """Collect the page's errors; a request the browser could not send while offline is not one."""
    errors: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and "ERR_INTERNET_DISCONNECTED" not in message.text:
            errors.append(message.text)

    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", on_console)
    return errors


def check_accessibility(page: Any, screen: str) -> None:
    """Run axe-core on the page: no WCAG 2.2 AA violations."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern
    # (a <script> tag would be refused, as it should be).
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
    violations = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
    ]
    assert violations == [], f"{screen}: {violations}"
