"""Where jobs go: an rq queue on Redis, or straight through in-process."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
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
# In-process, these queues' jobs run on background threads, never in a request's
# time: a push service that answers slowly (or not at all) must not hold the
# answer to the supervisor who commented, nor get a web worker killed.
BACKGROUND_QUEUES = frozenset({PUSH_QUEUE})
BACKGROUND_THREADS = 2


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
    transaction, so jobs behave the same with and without a worker; a job of
    a ``BACKGROUND_QUEUES`` queue is handed to a background thread then
    instead. Returns the rq job id, or None.
    """
    if current_app.config["REDIS_URL"]:
        return queue(queue_name).enqueue(job, *args, **options).id
    g.setdefault("deferred_jobs", []).append((job, args, queue_name))
    return None


def _run_now(job: Callable[..., Any], args: tuple[Any, ...]) -> None:
    log.info("running job %s in-process", job.__name__)
    try:
        job(*args)
    except Exception:  # one failing job must not take the others (or the request) down
        log.exception("in-process job %s failed", job.__name__)


class BackgroundJobs:
    """A few threads of this process that run in-process jobs of the background queues.

    Started at the first job (in the web worker, after any fork). Jobs still
    waiting when the process stops are lost: with Redis they are kept.
    """

    def __init__(self, threads: int):
        self.threads = threads
        self._executor: ThreadPoolExecutor | None = None
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()

    def submit(self, app: Flask, job: Callable[..., Any], args: tuple[Any, ...]) -> None:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.threads, "background-job")
            future = self._executor.submit(self._run, app, job, args)
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    @staticmethod
    def _run(app: Flask, job: Callable[..., Any], args: tuple[Any, ...]) -> None:
        with app.app_context():  # whose end runs what the job queued in turn
            _run_now(job, args)

    def wait(self, timeout: float = 60) -> None:
        """Wait until every job handed over so far has run, or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return
            wait_for(pending, timeout=left)


BACKGROUND = BackgroundJobs(BACKGROUND_THREADS)


def wait_for_background_jobs(timeout: float = 60) -> None:
    """Wait for this process's background jobs to finish."""
    BACKGROUND.wait(timeout)


def run_deferred_jobs(_error: BaseException | None = None) -> None:
    # A job may queue more jobs: run until none are left.
    while deferred := g.pop("deferred_jobs", []):
        for job, args, queue_name in deferred:
            if queue_name in BACKGROUND_QUEUES:
                BACKGROUND.submit(current_app._get_current_object(), job, args)  # type: ignore[attr-defined]  # the real app, for another thread
            else:
                _run_now(job, args)


def init_app(app: Flask) -> None:
    # Registered after Flask-SQLAlchemy's, so it runs first: the session is still there.
    app.teardown_appcontext(run_deferred_jobs)
