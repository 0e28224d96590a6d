"""One owner of each transaction: a request commits once, after a success; a job when it returns.

The rule is checked on the source too: nothing under ``server/services`` or
``server/api`` commits, and jobs only ``checkpoint`` a long run's state.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from server.domain.errors import RuleBroken
from server.extensions import db
from server.jobs.context import with_app_context
from server.jobs.queue import enqueue_after_commit
from server.persistence import Team

ROOT = Path(__file__).resolve().parents[1]
RAN: list[str] = []


def remember(word: str) -> None:
    """A job for these tests: note that it ran."""
    RAN.append(word)


def _teams() -> list[str]:
    return sorted(db.session.scalars(sa.select(Team.name)))


@pytest.fixture
def routes(app: Flask) -> Flask:
    """Add routes outside /api/ (no session needed) that write a team and queue a job."""
    app.config["REDIS_URL"] = None  # jobs run in-process, after the request

    def write(name: str, status: int) -> tuple[str, int]:
        db.session.add(Team(name=name))
        enqueue_after_commit("tests.test_transaction.remember", name)
        return "", status

    def refuse(name: str) -> str:
        db.session.add(Team(name=name))
        db.session.flush()
        enqueue_after_commit("tests.test_transaction.remember", name)
        raise RuleBroken("Refused after writing.")

    app.add_url_rule("/test-tx/write/<name>/<int:status>", view_func=write, methods=["POST"])
    app.add_url_rule("/test-tx/refuse/<name>", view_func=refuse, methods=["POST"])
    RAN.clear()
    return app


def test_a_successful_request_commits_its_work_and_then_runs_its_jobs(routes):
    response = routes.test_client().post("/test-tx/write/Kept/201")
    assert response.status_code == 201
    with routes.app_context():
        assert _teams() == ["Kept"]
    assert RAN == ["Kept"]


def test_an_error_response_rolls_back_its_work_and_forgets_its_jobs(routes):
    response = routes.test_client().post("/test-tx/write/Dropped/422")
    assert response.status_code == 422
    with routes.app_context():
        assert _teams() == []
    assert RAN == []


def test_an_error_the_translator_answers_rolls_back_what_was_flushed(routes):
    response = routes.test_client().post("/test-tx/refuse/Flushed")
    assert response.status_code == 409
    assert response.json["code"] == "rule_broken"
    with routes.app_context():
        assert _teams() == []
    assert RAN == []


def test_a_commit_that_fails_gets_the_translators_answer_and_runs_no_job(routes):
    with routes.app_context():
        db.session.add(Team(name="Taken"))
        db.session.commit()
    # The clash shows only at the commit: nothing was flushed before it.
    response = routes.test_client().post("/test-tx/write/Taken/200")
    assert response.status_code == 409
    assert response.json["code"] == "conflict"
    with routes.app_context():
        assert _teams() == ["Taken"]
    assert RAN == []


@with_app_context
def _job_that_writes(name: str, fail: bool) -> None:
    db.session.add(Team(name=name))
    enqueue_after_commit("tests.test_transaction.remember", name)
    if fail:
        raise RuntimeError("the job failed")


def test_a_job_commits_when_it_returns_and_rolls_back_when_it_raises(app):
    app.config["REDIS_URL"] = None
    RAN.clear()
    with app.app_context():
        _job_that_writes("Done", fail=False)
        with pytest.raises(RuntimeError):
            _job_that_writes("Failed", fail=True)
        assert _teams() == ["Done"]
    assert RAN == ["Done"]


def _calls(source: str, where: str, names: set[str]) -> list[str]:
    """Return each call of ``x.name(...)`` or ``name(...)`` for the names, as "where:line name"."""
    found = []
    for node in ast.walk(ast.parse(source, filename=where)):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in names:
                found.append(f"{where}:{node.lineno} {called}")
    return found


def _modules(*folders: str) -> list[tuple[str, str]]:
    """Return (source, path) of each module in the folders."""
    paths = [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]
    return [(path.read_text(), str(path.relative_to(ROOT))) for path in paths]


def test_services_and_handlers_never_commit():
    found = [
        call
        for source, where in _modules("server/services", "server/api")
        for call in _calls(source, where, {"commit", "checkpoint"})
    ]
    assert found == [], "services flush; server/transaction.py commits the request"


def test_jobs_never_commit_themselves():
    found = [
        call
        for source, where in _modules("server/jobs")
        for call in _calls(source, where, {"commit"})
    ]
    assert found == [], "with_app_context commits a job; a long one may checkpoint()"


def test_the_check_finds_a_commit():
    source = "from server.extensions import db\n\ndef save():\n    db.session.commit()\n"
    assert _calls(source, "probe.py", {"commit"}) == ["probe.py:4 commit"]
