"""Give each job an app context and a transaction, building the app lazily in the worker process."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Flask, has_app_context

from ..transaction import unit_of_work

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
    """Run the job inside the current app context, or the worker's own app, as one unit of work.

    What the job did is committed when it returns and rolled back when it
    raises: jobs never commit themselves (a long one may ``checkpoint``).
    """

    @functools.wraps(job)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if has_app_context():  # in-process mode: the request's app is already there
            with unit_of_work():
                return job(*args, **kwargs)
        with _app().app_context(), unit_of_work():
            return job(*args, **kwargs)

    return run
