"""Each benchmark in bench/ runs end to end at tiny sizes, so none can rot unnoticed.

The figures are not checked against targets here (timings belong in
docs/performance.md, not in tests); only that each run completes, reports
its figures as a last JSON line, and loses or duplicates nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI, on_postgres

ROOT = Path(__file__).resolve().parents[1]
SMOKE_TIMEOUT = 120  # seconds; each smoke run takes a few


def run_smoke(module: str, database_url: str) -> dict[str, Any]:
    """Run ``python -m bench.<module> --smoke``; return the figures on its last line."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env["DATABASE_URL"] = database_url
    finished = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT,
        check=False,
    )
    output = f"{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}"
    assert finished.returncode == 0, output
    lines = finished.stdout.strip().splitlines()
    assert lines, output
    figures = json.loads(lines[-1])
    assert isinstance(figures, dict), output
    return figures


@pytest.fixture
def server_url(migrated_database: str, tmp_path: Path) -> str:
    """The database server a benchmark makes its own database on (a file's folder on SQLite)."""
    if on_postgres():
        return migrated_database
    return f"sqlite:///{tmp_path / 'unused.sqlite3'}"


@pytest.mark.slow
def test_push_benchmark_reports_rates_of_push_and_raw_inserts(server_url: str) -> None:
    figures = run_smoke("sync_push", server_url)
    assert {"push_per_s", "raw_insert_per_s", "ratio"} <= figures.keys()
    assert figures["push_per_s"] > 0 and figures["raw_insert_per_s"] > 0
    assert figures["ratio"] == pytest.approx(
        figures["push_per_s"] / figures["raw_insert_per_s"], rel=0.01
    )
    assert figures["errors"] == 0


@pytest.mark.slow
def test_pull_scale_benchmark_pulls_the_same_caseload_from_both_databases(
    server_url: str,
) -> None:
    figures = run_smoke("sync_pull_scale", server_url)
    assert {
        "records",
        "pull_small_s",
        "pull_large_s",
        "ratio",
        "peak_rss_mb",
        "pull_vs_raw",
    } <= figures.keys()
    assert figures["records"] > 0
    assert figures["large_rows"] > figures["records"]
    assert figures["peak_rss_mb"] > 0
    assert figures["errors"] == 0


@pytest.mark.slow
def test_export_scale_benchmark_times_the_summary_job_beside_its_sql(server_url: str) -> None:
    figures = run_smoke("export_scale", server_url)
    assert {
        "notes",
        "job_s",
        "sql_s",
        "ratio",
        "peak_rss_mb_100k",
        "peak_rss_mb_1m",
    } <= figures.keys()
    assert figures["notes"] > figures["first_notes"] > 0
    assert figures["job_s"] > 0 and figures["sql_s"] > 0 and figures["statements"] > 0
    # The times are rounded to milliseconds, which in a smoke run is a large share of the SQL's.
    job_s, sql_s, half_ms = figures["job_s"], figures["sql_s"], 0.0005
    assert (job_s - half_ms) / (sql_s + half_ms) <= figures["ratio"] * 1.001
    assert figures["ratio"] <= (job_s + half_ms) / max(sql_s - half_ms, 1e-9) * 1.001
    assert figures["peak_rss_mb_100k"] > 0 and figures["peak_rss_mb_1m"] > 0


@pytest.mark.slow
def test_census_benchmark_times_the_census_job_beside_its_sql(server_url: str) -> None:
    figures = run_smoke("census", server_url)
    assert {"children", "job_s", "sql_s", "ratio", "peak_rss_mb_small", "peak_rss_mb_large"} <= (
        figures.keys()
    )
    # Two children a family, every one on a plan in the year: none lost, none twice.
    assert figures["children"] == 2 * figures["families"]
    assert figures["first_children"] == 2 * figures["first_families"]
    assert figures["job_s"] > 0 and figures["sql_s"] > 0 and figures["statements"] > 0
    assert figures["job_cpu_s"] > 0
    job_s, sql_s, half_ms = figures["job_s"], figures["sql_s"], 0.0005
    assert (job_s - half_ms) / (sql_s + half_ms) <= figures["ratio"] * 1.001
    assert figures["ratio"] <= (job_s + half_ms) / max(sql_s - half_ms, 1e-9) * 1.001
    assert figures["peak_rss_mb_small"] > 0 and figures["peak_rss_mb_large"] > 0


@pytest.mark.slow
@pytest.mark.postgres
def test_load_benchmark_loses_and_duplicates_nothing(server_url: str) -> None:
    figures = run_smoke("sync_load", server_url)
    assert {
        "devices",
        "requests",
        "p50_ms",
        "p95_ms",
        "errors",
        "lost",
        "duplicated",
    } <= figures.keys()
    assert figures["requests"] > 0
    assert (figures["errors"], figures["lost"], figures["duplicated"]) == (0, 0, 0)


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not IN_CI, reason=f"needs Chromium at {CHROMIUM} (CI has it)"
)
def test_pwa_initial_sync_benchmark_stores_the_whole_scope(server_url: str) -> None:
    figures = run_smoke("pwa_initial_sync", server_url)
    assert {
        "records",
        "initial_sync_s",
        "records_per_s",
        "caseload_render_ms",
        "plain_sync_s",
        "encrypted_pull_s",
        "encryption_overhead",
        "key_derivation_s",
    } <= figures.keys()
    assert figures["records"] == figures["expected_records"] > 0
    assert figures["initial_sync_s"] > 0 and figures["plain_sync_s"] > 0
    assert figures["caseload_render_ms"] >= 0
    assert figures["errors"] == 0


@pytest.mark.slow
@pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not IN_CI, reason=f"needs Chromium at {CHROMIUM} (CI has it)"
)
def test_review_queue_benchmark_times_the_first_page(server_url: str) -> None:
    figures = run_smoke("review_queue", server_url)
    assert {"queue_items", "first_page_ms", "first_page_paint_ms", "ratio"} <= figures.keys()
    assert figures["queue_items"] > 0 and figures["records_on_device"] > 0
    assert figures["first_page_paint_ms"] >= figures["first_page_ms"] > 0
    assert figures["ratio"] == pytest.approx(figures["first_page_paint_ms"] / 300, abs=0.001)
    assert figures["errors"] == 0


@pytest.mark.slow
@pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not IN_CI, reason=f"needs Chromium at {CHROMIUM} (CI has it)"
)
def test_attachments_benchmark_times_the_record_sync_with_and_without_photos(
    server_url: str,
) -> None:
    figures = run_smoke("attachments", server_url)
    assert {"sync_without_ms", "sync_with_ms", "sync_during_ms", "ratio", "ratio_during"} <= (
        figures.keys()
    )
    assert figures["sync_without_ms"] > 0 and figures["sync_with_ms"] > 0
    assert figures["ratio"] == pytest.approx(
        figures["sync_with_ms"] / figures["sync_without_ms"], rel=0.01
    )
    # Every photo was made smaller, sent and accepted.
    assert figures["kept_bytes"] > 0 and figures["upload_s"] > 0
    assert figures["errors"] == 0
