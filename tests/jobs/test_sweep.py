"""The sweep: summaries and bundles whose worker died are shown failed and can be asked again.

A worker killed with SIGKILL leaves its row exactly as these tests set it up:
``running`` with the time it started, or ``queued`` if the job was lost before
it began. Nothing else ever moves such a row on.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server import clock
from server.domain.exports import QUEUED_TOO_LONG, STUCK_MARGIN
from server.extensions import db
from server.jobs import reports as report_jobs
from server.jobs import subject_access as subject_access_jobs
from server.jobs.sweep import fail_stuck_exports
from server.persistence import Membership, ServiceSummary, SubjectAccessExport, User

REPORTS = "/api/reports"
SUBJECT_ACCESS = "/api/admin/subject-access"
OCTOBER = {"first_day": "2026-10-01", "last_day": "2026-10-31"}
SUMMARY_LIMIT = timedelta(seconds=report_jobs.SUMMARY_TIMEOUT_SECONDS) + STUCK_MARGIN
BUNDLE_LIMIT = timedelta(seconds=subject_access_jobs.EXPORT_TIMEOUT_SECONDS) + STUCK_MARGIN


@pytest.fixture
def people(app, make_user, make_family):
    """An analyst, an admin, and a family whose people a bundle can be made for."""
    app.config["REDIS_URL"] = None  # a new request runs in-process, so it finishes here
    analyst = make_user("analyst", username="ana", team=None)
    admin = make_user("admin", username="root", team=None)
    worker = make_user("caseworker", username="amara")
    family = make_family(team_of=worker, worker=worker, name="Okoro")
    with app.app_context():
        person_id = db.session.scalar(
            sa.select(Membership.person_id).where(Membership.family_id == family.id).limit(1)
        )
    return analyst, admin, person_id


def _summary(app, analyst: User | None, *, status: str, age: timedelta, **fields) -> str:
    """Store a summary left ``status`` by a lost job: started (or asked for) ``age`` ago."""
    with app.app_context():
        when = clock.now() - age
        report = ServiceSummary(
            kind=fields.pop("kind", "requested"),
            period_start=date(2026, 10, 1),
            period_end=date(2026, 11, 1),
            requested_by_id=analyst.id if analyst else None,
            status=status,
            created_at=when,
            started_at=when if status == "running" else None,
            **fields,
        )
        db.session.add(report)
        db.session.commit()
        return str(report.id)


def _bundle(app, admin: User, person_id: uuid.UUID, *, status: str, age: timedelta) -> str:
    with app.app_context():
        when = clock.now() - age
        export = SubjectAccessExport(
            person_id=person_id,
            requested_by_id=admin.id,
            status=status,
            created_at=when,
            started_at=when if status == "running" else None,
        )
        db.session.add(export)
        db.session.commit()
        return str(export.id)


def _sweep(app) -> int:
    with app.app_context():
        return fail_stuck_exports()


def test_a_summary_whose_worker_died_is_shown_failed_and_can_be_asked_again(
    app, people, make_client
):
    analyst, _, _ = people
    stuck = _summary(app, analyst, status="running", age=SUMMARY_LIMIT + timedelta(minutes=1))
    client = make_client("ana")
    # Still running: asking again returns it rather than queuing a second job.
    assert client.post(REPORTS, json=OCTOBER).json["id"] == stuck

    assert _sweep(app) == 1

    shown = client.get(f"{REPORTS}/{stuck}").json
    assert shown["status"] == "failed"
    assert shown["error"] == report_jobs.STOPPED_MESSAGE
    assert shown["finished_at"] is not None
    again = client.post(REPORTS, json=OCTOBER)
    assert again.status_code == 202
    assert again.json["id"] != stuck
    assert client.get(f"{REPORTS}/{again.json['id']}").json["status"] == "done"


def test_a_summary_still_within_its_timeout_or_recently_queued_is_left_alone(app, people):
    analyst, _, _ = people
    running = _summary(app, analyst, status="running", age=SUMMARY_LIMIT - timedelta(minutes=1))
    queued = _summary(app, analyst, status="queued", age=QUEUED_TOO_LONG - timedelta(minutes=1))
    assert _sweep(app) == 0
    with app.app_context():
        assert db.session.get(ServiceSummary, uuid.UUID(running)).status == "running"
        assert db.session.get(ServiceSummary, uuid.UUID(queued)).status == "queued"


def test_a_summary_queued_far_too_long_is_failed_and_its_late_job_does_nothing(app, people):
    analyst, _, _ = people
    lost = _summary(app, analyst, status="queued", age=QUEUED_TOO_LONG + timedelta(minutes=1))
    assert _sweep(app) == 1
    with app.app_context():
        assert report_jobs.produce_summary(lost) == "failed"
        report = db.session.get(ServiceSummary, uuid.UUID(lost))
        assert (report.status, report.error) == ("failed", report_jobs.NOT_STARTED_MESSAGE)
        assert report.summary is None


def test_a_job_that_finishes_after_it_was_given_up_leaves_it_failed(app, people, monkeypatch):
    analyst, _, _ = people
    report_id = _summary(app, analyst, status="queued", age=timedelta(minutes=1))
    real_build = report_jobs.build_summary

    def build_then_swept(period, *, progress):
        summary = real_build(period, progress=progress)
        # The sweep runs while the job is in its last moments (it ran far too long).
        db.session.execute(
            sa.update(ServiceSummary)
            .where(ServiceSummary.id == uuid.UUID(report_id))
            .values(started_at=clock.now() - SUMMARY_LIMIT - timedelta(minutes=1))
        )
        db.session.commit()
        assert fail_stuck_exports() == 1
        return summary

    monkeypatch.setattr(report_jobs, "build_summary", build_then_swept)
    with app.app_context():
        assert report_jobs.produce_summary(report_id) == "failed"
        db.session.expire_all()
        report = db.session.get(ServiceSummary, uuid.UUID(report_id))
        assert (report.status, report.error) == ("failed", report_jobs.STOPPED_MESSAGE)


def test_a_stuck_monthly_summary_is_tried_again_by_the_monthly_job(app, people, make_client):
    stuck = _summary(
        app, None, kind="monthly", status="running", age=SUMMARY_LIMIT + timedelta(hours=1)
    )
    with app.app_context():
        # Before the sweep the month counts as on its way: nothing new is queued.
        assert report_jobs.produce_monthly_summary("2026-11-02") == stuck
    assert _sweep(app) == 1
    with app.app_context():
        retried = report_jobs.produce_monthly_summary("2026-11-03")
    assert retried != stuck
    monthly = make_client("ana").get(f"{REPORTS}?kind=monthly").json["items"]
    assert sorted((item["id"], item["status"]) for item in monthly) == sorted(
        [(stuck, "failed"), (retried, "done")]
    )


def test_a_subject_access_export_whose_worker_died_is_shown_failed(app, people, make_client):
    _, admin, person_id = people
    stuck = _bundle(
        app, admin, person_id, status="running", age=BUNDLE_LIMIT + timedelta(minutes=1)
    )
    lost = _bundle(app, admin, person_id, status="queued", age=QUEUED_TOO_LONG + timedelta(hours=1))
    working = _bundle(
        app, admin, person_id, status="running", age=BUNDLE_LIMIT - timedelta(minutes=1)
    )
    assert _sweep(app) == 2

    client = make_client("root")
    for export_id, message in (
        (stuck, subject_access_jobs.STOPPED_MESSAGE),
        (lost, subject_access_jobs.NOT_STARTED_MESSAGE),
    ):
        shown = client.get(f"{SUBJECT_ACCESS}/{export_id}").json
        assert (shown["status"], shown["error"]) == ("failed", message)
        assert client.get(f"{SUBJECT_ACCESS}/{export_id}/download").status_code == 409
    assert client.get(f"{SUBJECT_ACCESS}/{working}").json["status"] == "running"
    again = client.post(SUBJECT_ACCESS, json={"person_id": str(person_id)})
    assert again.status_code == 202
    assert client.get(f"{SUBJECT_ACCESS}/{again.json['id']}").json["status"] == "done"
