"""One monthly summary per month, held by the database however many processes race."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.jobs import reports as report_jobs
from server.persistence import ServiceSummary

OCTOBER = {"period_start": date(2026, 10, 1), "period_end": date(2026, 11, 1)}


def _add(kind: str, status: str) -> None:
    db.session.add(ServiceSummary(kind=kind, status=status, **OCTOBER))
    db.session.commit()


def test_the_database_refuses_a_second_live_monthly_summary_of_a_month(app_context):
    _add("monthly", "done")
    with pytest.raises(IntegrityError):
        _add("monthly", "queued")
    db.session.rollback()


def test_failed_monthly_and_requested_summaries_of_a_month_may_repeat(app_context):
    _add("monthly", "failed")
    _add("monthly", "failed")
    _add("monthly", "running")
    _add("requested", "queued")
    _add("requested", "queued")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceSummary)) == 5


def test_a_monthly_job_that_loses_a_race_returns_the_winners_summary(app, monkeypatch):
    app.config["REDIS_URL"] = None
    queued: list[str] = []
    monkeypatch.setattr(report_jobs, "enqueue_summary", lambda report: queued.append(report.id))
    with app.app_context():
        winner = ServiceSummary(kind="monthly", status="running", **OCTOBER)
        db.session.add(winner)
        db.session.commit()
        real_lookup = report_jobs.monthly_summary_for
        lookups: list[date] = []

        def lookup_racing(start, end):
            lookups.append(start)
            # The first look misses: the other process commits just after this one looked.
            return None if len(lookups) == 1 else real_lookup(start, end)

        monkeypatch.setattr(report_jobs, "monthly_summary_for", lookup_racing)
        assert report_jobs.produce_monthly_summary("2026-11-01") == str(winner.id)
        count = sa.select(sa.func.count()).select_from(ServiceSummary)
        assert db.session.scalar(count) == 1
    assert queued == []
    assert len(lookups) == 2  # it looked again after the database refused the insert


def test_the_migration_keeps_one_of_the_duplicate_monthly_summaries_made_before_it(app):
    # Made by racing schedulers before 0009: two live ones and a done one, oldest first.
    rows = [("running", 1), ("done", 2), ("queued", 3), ("failed", 4)]
    table = sa.table(
        "service_summary",
        sa.column("id", sa.Uuid()),
        *(sa.column(name, sa.String()) for name in ("kind", "status", "stage")),
        *(sa.column(name, sa.Date()) for name in ("period_start", "period_end")),
        sa.column("progress", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    ids = [uuid.uuid4() for _ in rows]
    with app.app_context():
        downgrade(revision="0008")
        try:
            with db.engine.begin() as connection:
                for report_id, (status, hour) in zip(ids, rows, strict=True):
                    connection.execute(
                        sa.insert(table).values(
                            id=report_id,
                            kind="monthly",
                            status=status,
                            stage="",
                            progress=0,
                            created_at=datetime(2026, 11, 1, hour, tzinfo=UTC),
                            **OCTOBER,
                        )
                    )
        finally:
            upgrade()
        statuses = [db.session.get(ServiceSummary, report_id).status for report_id in ids]
    assert statuses == ["failed", "done", "failed", "failed"]
