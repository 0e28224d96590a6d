"""Where a request's time goes, as a ``Server-Timing`` header (off unless configured).

Each request's time is split into phases that do not overlap: ``door`` (the
checks on the raw body), ``auth`` (the session and CSRF check, with its SQL),
``sql`` (every other statement, COPY included), ``audit`` (statements that
write the audit log), ``encode`` (turning the answer into JSON), ``commit``
(the commit itself, less the SQL it flushes) and ``app`` (the rest: views,
services, validation). A phase's time excludes the phases inside it, so the
parts add up to ``total``.

The header is for measuring (``bench.sync_load`` reads it) and is sent only
when ``SERVER_TIMING`` is set: it says how long the database took, which is
no business of a stranger's.

    Server-Timing: door;dur=0.1, auth;dur=1.9, sql;dur=12.4, ..., total;dur=20.3
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import sqlalchemy as sa
from flask import Flask, Response, g, has_request_context

PHASES = ("door", "auth", "sql", "audit", "encode", "commit", "app")
HEADER = "Server-Timing"
AUDIT_TABLE = "audit_event"

P = ParamSpec("P")
R = TypeVar("R")


class Timings:
    """A request's phases, each with the time spent in it and not in a phase inside it."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.spent: dict[str, float] = dict.fromkeys(PHASES, 0.0)
        self._inner: list[float] = []  # per open phase: the time its inner phases took

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self._inner.append(0.0)
        began = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - began
            inner = self._inner.pop()
            self.spent[name] += elapsed - inner
            if self._inner:
                self._inner[-1] += elapsed

    def header(self) -> str:
        total = time.perf_counter() - self.started
        self.spent["app"] = max(0.0, total - sum(v for k, v in self.spent.items() if k != "app"))
        parts = [f"{name};dur={self.spent[name] * 1000:.2f}" for name in PHASES]
        return ", ".join([*parts, f"total;dur={total * 1000:.2f}"])


def _current() -> Timings | None:
    if not has_request_context():
        return None
    timings: Timings | None = g.get("timings")
    return timings


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Count the block's time to ``name`` when the request is being timed."""
    timings = _current()
    if timings is None:
        yield
        return
    with timings.phase(name):
        yield


def timed(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Count each call of the decorated function to the phase ``name``."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with phase(name):
                return function(*args, **kwargs)

        return wrapper

    return decorate


def sql_phase(statement: str) -> str:
    """Return the phase a statement's time counts to: the audit log's writes, or SQL."""
    head = statement.lstrip()[:40].lower()
    return "audit" if f" {AUDIT_TABLE}" in head and head.startswith(("insert", "copy")) else "sql"


def _start() -> None:
    g.timings = Timings()


def _send(response: Response) -> Response:
    timings = _current()
    if timings is not None:
        response.headers[HEADER] = timings.header()
    return response


def watch_engine(engine: sa.Engine) -> None:
    """Time each statement the engine runs for a timed request."""

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        timings = _current()
        if timings is not None:
            block = timings.phase(sql_phase(statement))
            block.__enter__()
            g.timing_statement = block

    def after(*_args: Any) -> None:
        block = g.pop("timing_statement", None) if has_request_context() else None
        if block is not None:
            block.__exit__(None, None, None)

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    sa.event.listen(engine, "handle_error", after)


def init_app(app: Flask) -> None:
    """Time requests when ``SERVER_TIMING`` is set: first to start, last to finish."""
    if not app.config.get("SERVER_TIMING"):
        return
    from .extensions import db

    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    # Flask runs after-request functions last-registered first: this one ends last.
    app.after_request_funcs.setdefault(None, []).insert(0, _send)
    with app.app_context():
        watch_engine(db.engine)
