"""Where jobs go: an rq queue on Redis, or straight through in-process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app, g
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
    """Run a job in the background; without Redis, run it now through the same function.

    Returns the rq job id, or None when the job ran in-process.
    """
    if not current_app.config["REDIS_URL"]:
        log.info("running job %s in-process", job.__name__)
        job(*args)
        return None
    return queue(queue_name).enqueue(job, *args, **options).id
