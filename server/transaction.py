"""The one owner of each transaction: a request's work, or a job's, commits in one place.

Services and API handlers only add and flush. When a request's response is a
success (below 400), ``commit_or_roll_back`` commits everything the handler
did; any error response, including one the error translator
(``server/errors.py``) made from an exception, rolls it all back. Jobs commit
the same way when they return (``unit_of_work``, which ``with_app_context``
wraps around every job) and roll back when they raise.

Side effects wait for the real commit: ``enqueue_after_commit``
(``server/jobs/queue.py``) listens for it, and forgets its jobs on a rollback.

An error that is itself a record keeps the work done before it
(``DomainError.keeps_work``: an upload judged and refused is kept though its
answer is 422); the error translator marks the request with ``keep_work``.

Outside these owners only two things commit on their own: the session check
before a request (``server/security/sessions.py``: a timed-out session ends
even though its request is refused) and the operator's commands (``cli.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, current_app, g

from .extensions import db
from .timing import timed

log = logging.getLogger(__name__)

# A response below this status is a success: its work is kept.
FIRST_ERROR_STATUS = 400


def keep_work() -> None:
    """Keep this request's work though its answer is an error (the error is itself a record)."""
    g.keep_work = True


@timed("commit")
def commit_or_roll_back(response: Response) -> Response:
    """Commit the request's work if its response is a success; roll it back otherwise.

    A streamed body is sent after this runs: whatever it writes is not kept.
    When the commit itself fails (a race another request won), the request
    gets the error translator's answer for that failure instead.
    """
    if response.status_code >= FIRST_ERROR_STATUS and not g.get("keep_work"):
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        return current_app.make_response(current_app.handle_user_exception(error))
    return response


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block did when it ends; roll it back if it raises."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def checkpoint() -> None:
    """Commit a long job's work so far, so others see it now (``running``, ``failed``).

    Only jobs call this, between steps of their own work; a request or a
    service never does.
    """
    db.session.commit()


def init_app(app: Flask) -> None:
    app.after_request(commit_or_roll_back)
