"""The one queue of side effects: a job is enqueued when its transaction commits, never before.

Services name jobs by their import path; each job declares its own queue and
rq options. Both ways of running (rq on Redis, in-process) are checked.
"""

from __future__ import annotations

import uuid

import pytest
from rq.job import Job

from server.extensions import db
from server.jobs.queue import EXPORT_QUEUE, enqueue_after_commit, queue
from server.jobs.reports import SUMMARY_TIMEOUT_SECONDS
from server.services.reports import PRODUCE_SUMMARY

RAN: list[str] = []


def remember(word: str) -> None:
    """A job for these tests: note that it ran, and with what."""
    RAN.append(word)


def test_in_process_only_the_committed_job_runs_after_the_request(app):
    app.config["REDIS_URL"] = None
    RAN.clear()
    with app.app_context():
        enqueue_after_commit("tests.jobs.test_queue.remember", "rolled back")
        db.session.rollback()
        enqueue_after_commit("tests.jobs.test_queue.remember", "committed")
        assert RAN == [], "nothing runs before the commit"
        db.session.commit()
        assert RAN == [], "nor inside the caller's app context"
    assert RAN == ["committed"]


def test_on_redis_the_job_goes_to_its_own_queue_with_its_own_options(app):
    if not app.config["REDIS_URL"]:
        pytest.skip("needs Redis: set REDIS_URL (CI always does)")
    committed, rolled_back = str(uuid.uuid4()), str(uuid.uuid4())
    with app.app_context():
        enqueue_after_commit(PRODUCE_SUMMARY, rolled_back)
        db.session.rollback()
        enqueue_after_commit(PRODUCE_SUMMARY, committed)
        exports = queue(EXPORT_QUEUE)
        assert _jobs_for(exports.jobs, committed) == [], "nothing is queued before the commit"
        db.session.commit()
        jobs = exports.jobs
        try:
            queued = _jobs_for(jobs, committed)
            assert [job.func_name for job in queued] == [PRODUCE_SUMMARY]
            assert queued[0].timeout == SUMMARY_TIMEOUT_SECONDS
            assert _jobs_for(jobs, rolled_back) == []
        finally:
            for job in _jobs_for(jobs, committed):
                job.delete()


def _jobs_for(jobs: list[Job], report_id: str) -> list[Job]:
    return [job for job in jobs if job.args == (report_id,)]
