"""Where jobs go: an rq queue on Redis, or straight through in-process.

Services never import a job: they name it by its import path and hand it to
``enqueue_after_commit``, the one queue of side effects, which enqueues it
once the transaction that caused it commits (and forgets it on a rollback),
so a worker always finds the rows it was queued for. A job declares, beside
itself, the queue it runs on and its rq options (``runs_on``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g
from redis import Redis
from rq import Queue, get_current_job
from rq.utils import import_attribute
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from ..extensions import db

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


# A job: the function, or its import path ("server.jobs.push.send_push").
JobRef = Callable[..., Any] | str
F = TypeVar("F", bound=Callable[..., Any])
AFTER_COMMIT_KEY = "after_commit_jobs"


def runs_on(queue_name: str = DEFAULT_QUEUE, **options: Any) -> Callable[[F], F]:
    """Declare the queue a job runs on and its rq options (``retry``, ``job_timeout``)."""

    def declare(job: F) -> F:
        # Kept on the function itself, where enqueue reads them back.
        job.__dict__.update(queue_name=queue_name, enqueue_options=options)
        return job

    return declare


def resolve(job: JobRef) -> Callable[..., Any]:
    """Return the job function itself, importing it when named by its path."""
    function: Callable[..., Any] = import_attribute(job) if isinstance(job, str) else job
    return function


def enqueue(job: JobRef, *args: Any, queue_name: str | None = None, **options: Any) -> str | None:
    """Run a job in the background; without Redis, run it in-process through the same function.

    The queue and rq options are the job's own (``runs_on``) unless given.
    In-process, a job runs when the current app context ends (for a request,
    after the response's work is committed), never inside the caller's
    transaction, so jobs behave the same with and without a worker; a job of
    a ``BACKGROUND_QUEUES`` queue is handed to a background thread then
    instead. Returns the rq job id, or None.
    """
    function = resolve(job)
    queue_name = queue_name or str(getattr(function, "queue_name", DEFAULT_QUEUE))
    options = {**getattr(function, "enqueue_options", {}), **options}
    if current_app.config["REDIS_URL"]:
        return queue(queue_name).enqueue(function, *args, **options).id
    g.setdefault("deferred_jobs", []).append((function, args, queue_name))
    return None


def set_job_progress(percent: int, stage: str) -> None:
    """Record progress on the running rq job (none in-process: then the row is the only record)."""
    job = get_current_job()
    if job is not None:
        job.meta.update(progress=percent, stage=stage)
        job.save_meta()


def set_progress(model: Any, row_id: Any, percent: int, stage: str) -> None:
    """Record a job's progress on the job and, in its own short transaction, on its row.

    ``model`` is the row's table (a summary, a statutory return): one with
    ``progress`` and ``stage`` columns. The row is written through a separate
    connection and committed at once, so every web replica sees it while the
    job's own session is still reading.
    """
    percent = max(0, min(100, int(percent)))
    set_job_progress(percent, stage)
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(model).where(model.id == row_id).values(progress=percent, stage=stage[:200])
        )


def enqueue_after_commit(job: JobRef, *args: Any) -> None:
    """Enqueue a job once the current transaction commits; forget it if it rolls back.

    The one way a service starts background work: a push, a summary, a
    bundle. Nothing is queued for work that did not happen.
    """
    session = db.session()
    if not session.in_transaction():
        session.begin()  # the job belongs to a transaction, even one that has sent no SQL yet
    session.info.setdefault(AFTER_COMMIT_KEY, []).append((job, args))


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    # No SQL may run here: whatever a job needs was looked up before the commit.
    for job, args in session.info.pop(AFTER_COMMIT_KEY, []):
        enqueue(job, *args)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    # Every rollback of the whole transaction, even one that sent no SQL yet; a
    # savepoint's rollback keeps what the transaction around it queued.
    if previous_transaction.parent is None:
        session.info.pop(AFTER_COMMIT_KEY, None)


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
