"""The processes docker-compose.yml runs, run here without Docker.

Against the real PostgreSQL (DATABASE_URL, migrated by the conftest) and Redis
(REDIS_URL): gunicorn serving ``server:create_app()`` with two workers, and an
rq worker running the real session housekeeping job. Every wait has a timeout.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from redis import Redis
from rq import Queue
from rq.job import JobStatus

from server import clock
from server.extensions import db
from server.persistence import Device, UserSession

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BOOT_TIMEOUT = 60  # seconds for gunicorn to listen and answer healthy
WORKER_TIMEOUT = 120  # seconds for the burst worker to run its queue and exit


@pytest.fixture(scope="session", autouse=True)
def redis_url() -> str:
    """REDIS_URL, checked before the database is migrated: skip without it, or fail in CI."""
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI must run the process tests against Redis: set REDIS_URL.")
        pytest.skip("needs Redis: set REDIS_URL (CI always does)")
    return url


@pytest.fixture
def process_env(redis_url: str, migrated_database: str, tmp_path: Path) -> dict[str, str]:
    """The environment compose gives the app services, pointed at the test stores."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.update(
        DATABASE_URL=migrated_database,
        REDIS_URL=redis_url,
        SECRET_KEY="deploy-test-secret-key",
        PRODUCTION="1",
        INSTANCE_PATH=str(tmp_path / "instance"),
        PYTHONUNBUFFERED="1",
    )
    return env


def _tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


@pytest.fixture
def gunicorn(process_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Start gunicorn on a port of its own choosing; yield its base URL and log file."""
    log_path = tmp_path / "gunicorn.log"
    command = [
        str(BIN / "gunicorn"),
        "--bind=127.0.0.1:0",  # the kernel picks a free port; the log says which
        "--workers=2",
        "--timeout=30",
        "--graceful-timeout=5",
        "--no-control-socket",
        "--access-logfile=-",
        "server:create_app()",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=process_env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield _wait_for_listening(process, log_path), log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _wait_for_listening(process: subprocess.Popen[bytes], log_path: Path) -> str:
    deadline = time.monotonic() + BOOT_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{_tail(log_path)}")
        match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log_path.read_text())
        if match:
            return match.group(1)
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not listen within {BOOT_TIMEOUT}s:\n{_tail(log_path)}")


def _get_json(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http on localhost)
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def test_gunicorn_serves_a_healthy_app(gunicorn: tuple[str, Path]) -> None:
    base_url, log_path = gunicorn
    deadline = time.monotonic() + BOOT_TIMEOUT
    status, body = 0, None
    while time.monotonic() < deadline:
        try:
            status, body = _get_json(f"{base_url}/api/health")
        except (OSError, ValueError):  # workers still booting
            status, body = 0, None
        if status == 200:
            break
        time.sleep(0.25)
    assert status == 200, f"health: {status} {body}\n{_tail(log_path)}"
    assert body == {"status": "ok", "database": "ok", "redis": "ok"}

    # Both workers came up, and each answers: a few more requests in a row.
    assert len(re.findall(r"Booting worker with pid", log_path.read_text())) >= 2
    for _ in range(6):
        assert _get_json(f"{base_url}/api/health")[0] == 200


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    connection = Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=10)
    yield connection
    connection.close()


@pytest.fixture
def idle_session(app: Flask, make_user: Any) -> uuid.UUID:
    """A session last seen two days ago: past the 12-hour idle timeout, within 14 days."""
    user = make_user("caseworker")
    now = clock.now()
    with app.app_context():
        device = Device(id=uuid.uuid4(), user_id=user.id, label="deploy test", registered_at=now)
        db.session.add(device)
        db.session.flush()
        session = UserSession(
            token_hash=uuid.uuid4().hex,
            user_id=user.id,
            device_id=device.id,
            csrf_token=uuid.uuid4().hex,
            created_at=now - timedelta(days=3),
            last_seen_at=now - timedelta(days=2),
        )
        db.session.add(session)
        db.session.commit()
        return session.id


def test_rq_worker_runs_the_session_job(
    app: Flask,
    idle_session: uuid.UUID,
    process_env: dict[str, str],
    redis: Redis,
) -> None:
    queue = Queue(f"deploy-test-{uuid.uuid4().hex}", connection=redis)
    job = queue.enqueue("server.jobs.sessions.end_expired_sessions")
    try:
        worker = subprocess.run(
            [
                str(BIN / "rq"),
                "worker",
                "--burst",
                "--with-scheduler",
                "--url",
                process_env["REDIS_URL"],
                queue.name,
            ],
            cwd=ROOT,
            env=process_env,
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT,
            check=False,
        )
        output = worker.stdout + worker.stderr
        assert worker.returncode == 0, output
        assert job.get_status(refresh=True) == JobStatus.FINISHED, output
        ended = job.return_value(refresh=True)
        assert isinstance(ended, int) and ended >= 1, output
    finally:
        job.delete()
        queue.delete(delete_jobs=True)

    with app.app_context():
        row = db.session.execute(
            sa.select(UserSession.ended_at, UserSession.end_reason).where(
                UserSession.id == idle_session
            )
        ).one()
    assert row.ended_at is not None
    assert row.end_reason == "idle_timeout"
