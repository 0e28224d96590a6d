"""Service summaries: analysts request them, a worker produces them, they download in 4 formats."""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import load_workbook

from server import clock
from server.extensions import db
from server.i18n import say
from server.jobs import reports as report_jobs
from server.persistence import AuditEvent, ServiceSummary

from .casework import build_family, publish_practice_settings

BASE = "/api/reports"
# A month before every moment the suite runs at (tests/fixtures/moments.json).
LAST_MONTH = {"first_day": "2023-10-01", "last_day": "2023-10-31"}


@pytest.fixture
def people(make_user, make_client):
    """An analyst, and a family with one record of everything to count."""
    make_user("admin", username="root", team=None)
    make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    make_user("analyst", username="ana", team=None)
    template = publish_practice_settings(make_client("root"))
    build_family(make_client("amara"), make_client("hannah"), template["id"])
    return make_client("ana")


def _exports_queue(app):
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(app.config["REDIS_URL"])
    return connection, Queue("exports", connection=connection)


def _check_downloads(analyst, report: dict) -> None:
    for fmt, (mimetype, extension) in _formats().items():
        response = analyst.get(f"{BASE}/{report['id']}/download?format={fmt}")
        assert response.status_code == 200, (fmt, response.data[:200])
        assert response.content_type == mimetype
        period = f"{report['first_day']}-to-{report['last_day']}"
        name = f"service-summary-{period}.{extension}"
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response.data


def _formats():
    from server.reports.render import FORMATS

    return FORMATS


def test_a_worker_produces_a_requested_summary_with_progress_on_the_job_and_the_row(app, people):
    if not app.config["REDIS_URL"]:
        pytest.skip("needs Redis: set REDIS_URL (CI always does)")
    from rq import SimpleWorker

    connection, queue = _exports_queue(app)
    queue.empty()
    analyst = people
    response = analyst.post(BASE, json=LAST_MONTH)
    assert response.status_code == 202, response.json
    report = response.json
    assert (report["status"], report["progress"], report["kind"]) == ("queued", 0, "requested")
    assert report["label"] == "1 October 2023 to 31 October 2023"
    assert (report["first_day"], report["last_day"]) == ("2023-10-01", "2023-10-31")
    [job] = queue.get_jobs()
    assert job.args == (report["id"],)

    with app.app_context():
        SimpleWorker([queue], connection=connection).work(burst=True)
    job.refresh()
    assert job.get_status() == "finished" and job.return_value() == "done"
    assert job.meta["progress"] == 100 and job.meta["stage"]

    done = analyst.get(f"{BASE}/{report['id']}").json
    assert (done["status"], done["progress"]) == ("done", 100)
    assert done["finished_at"] and sorted(done["formats"]) == sorted(_formats())
    _check_downloads(analyst, done)
    stored = analyst.get(f"{BASE}/{report['id']}/download?format=json")
    summary = json.loads(stored.data)
    assert summary["period"]["start"] == "2023-10-01"
    assert summary["tables"], "a summary has tables"
    text = json.dumps(summary)
    assert "Okoro" not in text and "Tobi" not in text and "2017-03-04" not in text


def test_progress_is_committed_as_it_goes_so_any_replica_sees_it(app, people, monkeypatch):
    real_build = report_jobs.build_summary
    seen: list[tuple[str, int, str]] = []

    def build_and_watch(period, *, progress):
        def watched(percent, stage):
            progress(percent, stage)
            # A fresh connection, as another web process would use.
            with db.engine.connect() as other:
                row = other.execute(
                    sa.select(ServiceSummary.status, ServiceSummary.progress, ServiceSummary.stage)
                ).one()
            seen.append(tuple(row))

        return real_build(period, progress=watched)

    monkeypatch.setattr(report_jobs, "build_summary", build_and_watch)
    app.config["REDIS_URL"] = None  # in-process: the job runs as the request ends
    response = people.post(BASE, json=LAST_MONTH)
    assert response.status_code == 202
    assert seen and all(status == "running" for status, _, _ in seen)
    percents = [percent for _, percent, _ in seen]
    assert percents == sorted(percents) and all(0 <= p <= 100 for p in percents)
    assert all(stage for _, _, stage in seen)
    done = people.get(f"{BASE}/{response.json['id']}").json
    assert (done["status"], done["progress"]) == ("done", 100)


def test_each_stage_of_a_summary_reads_in_the_readers_language(app, people, monkeypatch):
    """Stages are stored in English and served in Welsh to a reader who chose it."""
    real_build = report_jobs.build_summary
    stages: list[str] = []

    def build_and_watch(period, *, progress):
        def watched(percent, stage):
            progress(percent, stage)
            stages.append(stage)

        return real_build(period, progress=watched)

    monkeypatch.setattr(report_jobs, "build_summary", build_and_watch)
    app.config["REDIS_URL"] = None
    report = people.post(BASE, json=LAST_MONTH).json
    assert len(stages) >= 9 and "Continuity" in stages
    assert people.get(f"{BASE}/{report['id']}").json["stage"] == "Done"
    assert people.put("/api/auth/language", json={"language": "cy"}).status_code == 200
    assert people.get(f"{BASE}/{report['id']}").json["stage"] == "Wedi'i wneud"
    with app.test_request_context(), force_locale("cy"):
        english = [stage for stage in stages if say(stage) == stage]
    assert english == [], "stages with no Welsh"


def test_without_redis_the_summary_is_produced_in_process(app, people):
    app.config["REDIS_URL"] = None
    report = people.post(BASE, json=LAST_MONTH).json
    done = people.get(f"{BASE}/{report['id']}").json
    assert done["status"] == "done"
    _check_downloads(people, done)
    rows = list(
        csv.reader(
            io.StringIO(people.get(f"{BASE}/{report['id']}/download?format=csv").data.decode())
        )
    )
    assert rows and any(row for row in rows)
    workbook = load_workbook(
        io.BytesIO(people.get(f"{BASE}/{report['id']}/download?format=xlsx").data)
    )
    assert workbook.sheetnames
    page = people.get(f"{BASE}/{report['id']}/download?format=html").data.decode()
    assert 'role="img"' in page and "1 October 2023 to 31 October 2023" in page


def test_a_failed_summary_says_so_without_detail(app, people, monkeypatch):
    def broken(period, *, progress):
        progress(10, "Counting families")
        raise RuntimeError("database went away: SELECT ... Okoro")

    monkeypatch.setattr(report_jobs, "build_summary", broken)
    app.config["REDIS_URL"] = None
    report = people.post(BASE, json=LAST_MONTH).json
    failed = people.get(f"{BASE}/{report['id']}").json
    assert failed["status"] == "failed"
    assert failed["error"] == report_jobs.FAILED_MESSAGE
    response = people.get(f"{BASE}/{report['id']}/download?format=csv")
    assert response.status_code == 409
    # Kept in English, shown in the reader's language.
    people.put("/api/auth/language", json={"language": "cy"})
    in_welsh = people.get(f"{BASE}/{report['id']}").json["error"]
    assert in_welsh.startswith("Nid oedd modd llunio'r crynodeb.")
    with app.app_context():
        stored = db.session.get(ServiceSummary, report["id"])
        assert stored is not None and stored.error == report_jobs.FAILED_MESSAGE


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"first_day": "2026-10-31", "last_day": "2026-10-01"},
            "last_day",
            "The last day must be the same as or after the first day.",
        ),
        (
            # Tomorrow, at the moment the test runs (not when it was collected).
            {"first_day": "2023-10-01", "last_day": "tomorrow"},
            "last_day",
            "The last day must be today or earlier.",
        ),
        (
            {"first_day": "2020-01-01", "last_day": "2021-01-01"},  # 367 days
            "last_day",
            "The period must be 366 days or shorter.",
        ),
        ({"first_day": "2026-10-01"}, "last_day", "Missing data for required field."),
        ({"first_day": "2026-13-01", "last_day": "2026-10-01"}, "first_day", "Not a valid date."),
    ],
)
def test_a_bad_period_gets_a_field_error(app, people, body, field, message):
    if body.get("last_day") == "tomorrow":
        body = {**body, "last_day": (clock.today() + timedelta(days=1)).isoformat()}
    response = people.post(BASE, json=body)
    assert response.status_code == 422, response.json
    assert response.json["errors"][field] == [message]


def test_a_year_long_period_ending_today_is_accepted(app, people):
    app.config["REDIS_URL"] = None
    last = clock.today()
    response = people.post(
        BASE,
        json={"first_day": (last - timedelta(days=365)).isoformat(), "last_day": last.isoformat()},
    )
    assert response.status_code == 202, response.json


@pytest.mark.parametrize("username", ["amara", "hannah", "root"])
def test_only_analysts_may_use_summaries(app, people, make_client, username):
    app.config["REDIS_URL"] = None
    report = people.post(BASE, json=LAST_MONTH).json
    caller = make_client(username)
    for response in (
        caller.post(BASE, json=LAST_MONTH),
        caller.get(BASE),
        caller.get(f"{BASE}/{report['id']}"),
        caller.get(f"{BASE}/{report['id']}/download?format=csv"),
    ):
        assert response.status_code == 403
        assert response.json["code"] == "forbidden"


def test_requests_and_downloads_are_audited(app, people):
    app.config["REDIS_URL"] = None
    report = people.post(BASE, json=LAST_MONTH).json
    people.get(f"{BASE}/{report['id']}/download?format=html")
    with app.app_context():
        events = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.record_id, AuditEvent.detail)
            .where(AuditEvent.entity == "service_summary")
            .order_by(AuditEvent.id)
        ).all()
    assert [(action, str(record), detail) for action, record, detail in events] == [
        ("create", report["id"], {}),
        ("export", report["id"], {"format": "html"}),
    ]


def test_an_unknown_format_or_summary_is_refused(app, people):
    app.config["REDIS_URL"] = None
    report = people.post(BASE, json=LAST_MONTH).json
    response = people.get(f"{BASE}/{report['id']}/download?format=pdf")
    assert response.status_code == 422 and "format" in response.json["errors"]
    missing = people.get(f"{BASE}/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404


def test_the_monthly_summary_is_made_once_per_month_and_listed(app, people):
    app.config["REDIS_URL"] = None
    with app.app_context():
        first = report_jobs.produce_monthly_summary("2026-11-01")
        again = report_jobs.produce_monthly_summary("2026-11-01")
    assert first == again
    page = people.get(f"{BASE}?kind=monthly").json
    assert page["total"] == 1
    [monthly] = page["items"]
    assert (monthly["kind"], monthly["first_day"], monthly["last_day"]) == (
        "monthly",
        "2026-10-01",
        "2026-10-31",
    )
    assert monthly["status"] == "done" and monthly["requested_by_id"] is None
    people.post(BASE, json=LAST_MONTH)
    assert people.get(BASE).json["total"] == 2
    assert people.get(f"{BASE}?kind=requested").json["total"] == 1


def test_asking_twice_while_the_first_is_queued_returns_it_and_queues_one_job(
    app, people, make_user, make_client
):
    if not app.config["REDIS_URL"]:
        pytest.skip("needs Redis: set REDIS_URL (CI always does)")
    _connection, queue = _exports_queue(app)
    queue.empty()
    first = people.post(BASE, json=LAST_MONTH)
    again = people.post(BASE, json=LAST_MONTH)
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json["id"] == first.json["id"] and again.json["status"] == "queued"
    assert [job.args for job in queue.get_jobs()] == [(first.json["id"],)]
    # Another period, or another analyst's same period, is a request of its own.
    other_period = people.post(BASE, json={"first_day": "2023-09-01", "last_day": "2023-09-30"})
    make_user("analyst", username="bea", team=None)
    other_analyst = make_client("bea").post(BASE, json=LAST_MONTH)
    ids = {first.json["id"], other_period.json["id"], other_analyst.json["id"]}
    assert len(ids) == 3 and len(queue.get_jobs()) == 3
    queue.empty()


def test_once_the_summary_is_done_asking_again_makes_a_new_one(app, people):
    app.config["REDIS_URL"] = None
    first = people.post(BASE, json=LAST_MONTH).json
    assert people.get(f"{BASE}/{first['id']}").json["status"] == "done"
    again = people.post(BASE, json=LAST_MONTH).json
    assert again["id"] != first["id"]
    assert people.get(f"{BASE}?kind=requested").json["total"] == 2


def test_the_api_description_names_each_download_type(app, people):
    spec = people.get("/api/openapi.json").json
    download = spec["paths"]["/api/reports/{report_id}/download"]["get"]["responses"]["200"]
    documented = set(download["content"])
    assert documented == {content_type.split(";")[0] for content_type, _ in _formats().values()}
    assert "application/octet-stream" not in documented
    app.config["REDIS_URL"] = None
    report = people.post(BASE, json=LAST_MONTH).json
    for fmt in _formats():
        response = people.get(f"{BASE}/{report['id']}/download?format={fmt}")
        assert response.mimetype in documented, fmt
    bundle = spec["paths"]["/api/admin/subject-access/{export_id}/download"]["get"]
    assert set(bundle["responses"]["200"]["content"]) == {"application/zip"}
    request = " ".join(spec["paths"]["/api/reports"]["post"]["description"].split())
    assert "still queued or running, that summary is returned" in request


def test_a_welsh_analysts_printable_summary_is_in_welsh_with_welsh_dates(app, people):
    app.config["REDIS_URL"] = None
    report = people.post(BASE, json=LAST_MONTH).json
    english = people.get(f"{BASE}/{report['id']}/download?format=html").data.decode()
    assert people.put("/api/auth/language", json={"language": "cy"}).status_code == 200
    page = people.get(f"{BASE}/{report['id']}/download?format=html").data.decode()
    assert '<html lang="cy">' in page
    assert "<h1>Crynodeb gwasanaeth y cyngor</h1>" in page
    assert "<h2>Sut i ddarllen y ffigurau hyn</h2>" in page
    assert "Atodiad: beth mae pob mesur yn ei gyfrif" in page
    assert ">Teuluoedd a chysylltiadau ystyrlon</h2>" in page
    assert ">Teuluoedd ar agor</th>" in page
    # The period, the day it was made and the months of the contacts table, in Welsh.
    assert "1 Hydref 2023 i 31 Hydref 2023" in page
    assert "1 October 2023" not in page and "October 2023" not in page
    assert "Lluniwyd ar " in page and ">Hydref 2023</th>" in page
    # Each chart is described to screen readers in Welsh, its months and table too.
    read = html.unescape(page)
    assert "Siart bar: cysylltiadau ystyrlon ar draws y cyngor, fesul mis, 12 mis." in read
    assert 'Mae pob ffigur yn y tabl "Cysylltiadau ystyrlon fesul mis".' in read
    assert "Bar chart of" not in read and "Bar chart of" in english
    # The CSV and the spreadsheet are in Welsh too; the JSON is the stored data, in English.
    table = people.get(f"{BASE}/{report['id']}/download?format=csv").data.decode("utf-8-sig")
    assert table.startswith("Crynodeb gwasanaeth y cyngor\r\nCyfnod,1 Hydref 2023 i 31 Hydref 2023")
    assert "Council service summary" not in table and "Period" not in table
    book = load_workbook(
        io.BytesIO(people.get(f"{BASE}/{report['id']}/download?format=xlsx").data), read_only=True
    )
    assert book.sheetnames[0] == "Ynghylch" and book.sheetnames[-1] == "Diffiniadau"
    assert book.worksheets[0]["A1"].value == "Crynodeb gwasanaeth y cyngor"
    stored = json.loads(people.get(f"{BASE}/{report['id']}/download?format=json").data)
    assert stored["title"] == "Council service summary"
    assert '<html lang="en-GB">' in english and "Crynodeb" not in english
