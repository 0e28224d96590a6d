"""Give each job an app context, building the app lazily in the worker process."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Flask, has_app_context

P = ParamSpec("P")
R = TypeVar("R")

_worker_app: Flask | None = None


def _app() -> Flask:
    global _worker_app
    if _worker_app is None:
        from .. import create_app

        _worker_app = create_app()
    return _worker_app


def with_app_context(job: Callable[P, R]) -> Callable[P, R]:
    """Run the job inside the current app context, or the worker's own app."""

    @functools.wraps(job)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if has_app_context():  # in-process mode: the request's app is already there
            return job(*args, **kwargs)
        with _app().app_context():
            return job(*args, **kwargs)

    return run
