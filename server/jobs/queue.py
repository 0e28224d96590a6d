"""Where jobs go: an rq queue on Redis, or straight through in-process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g
from redis import Redis
from rq import Queue

log = logging.getLogger(__name__)

# Queue names, declared once.
DEFAULT_QUEUE = "default"
PUSH_QUEUE = "push"
EXPORT_QUEUE = "exports"
QUEUES = (PUSH_QUEUE, DEFAULT_QUEUE, EXPORT_QUEUE)


def redis_connection() -> Redis:
    """Return this app's Redis connection (one per app context)."""
    if "redis" not in g:
        g.redis = Redis.from_url(
            current_app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5
        )
    connection: Redis = g.redis
    return connection


def queue(name: str = DEFAULT_QUEUE) -> Queue:
    return Queue(name, connection=redis_connection())


def enqueue(
    job: Callable[..., Any], *args: Any, queue_name: str = DEFAULT_QUEUE, **options: Any
) -> str | None:
    """Run a job in the background; without Redis, run it in-process through the same function.

    In-process, a job runs when the current app context ends (for a request,
    after the response's work is committed), never inside the caller's
    transaction, so jobs behave the same with and without a worker. Returns
    the rq job id, or None.
    """
    if current_app.config["REDIS_URL"]:
        return queue(queue_name).enqueue(job, *args, **options).id
    g.setdefault("deferred_jobs", []).append((job, args))
    return None


def _run_now(job: Callable[..., Any], args: tuple[Any, ...]) -> None:
    log.info("running job %s in-process", job.__name__)
    try:
        job(*args)
    except Exception:  # one failing job must not take the others (or the request) down
        log.exception("in-process job %s failed", job.__name__)


def run_deferred_jobs(_error: BaseException | None = None) -> None:
    # A job may queue more jobs: run until none are left.
    while deferred := g.pop("deferred_jobs", []):
        for job, args in deferred:
            _run_now(job, args)


def init_app(app: Flask) -> None:
    # Registered after Flask-SQLAlchemy's, so it runs first: the session is still there.
    app.teardown_appcontext(run_deferred_jobs)
