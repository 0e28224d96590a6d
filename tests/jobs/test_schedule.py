"""The periodic jobs the one ``rq cron`` process runs."""

from __future__ import annotations

from datetime import datetime

from croniter import croniter
from rq.cron import _job_data_registry

import server.jobs.schedule  # noqa: F401  (registers the jobs)


def _scheduled() -> dict[str, dict]:
    return {job["func"].__name__: job for job in _job_data_registry}


def test_last_months_summary_is_made_early_each_night_so_a_failed_one_is_retried():
    job = _scheduled()["produce_monthly_summary"]
    assert job["queue_name"] == "exports"
    runs = croniter(job["cron"], datetime(2026, 11, 30, 12, 0))
    assert [runs.get_next(datetime) for _ in range(2)] == [
        datetime(2026, 12, 1, 1, 15),
        datetime(2026, 12, 2, 1, 15),
    ]


def test_stuck_exports_are_swept_every_ten_minutes_off_the_exports_queue():
    job = _scheduled()["fail_stuck_exports"]
    assert (job["queue_name"], job["interval"]) == ("default", 600)


def test_old_subject_access_bundles_are_cleared_nightly():
    job = _scheduled()["clear_old_subject_access_bundles"]
    runs = croniter(job["cron"], datetime(2026, 11, 15, 12, 0))
    assert runs.get_next(datetime) == datetime(2026, 11, 16, 2, 30)


def test_records_past_retention_are_deleted_nightly_after_the_bundles_are_cleared():
    job = _scheduled()["delete_records_past_retention"]
    assert job["queue_name"] == "default"
    runs = croniter(job["cron"], datetime(2026, 11, 15, 12, 0))
    assert runs.get_next(datetime) == datetime(2026, 11, 16, 2, 45)
