"""Where a request's time goes: the Server-Timing header, sent only when asked for."""

from __future__ import annotations

import re

import pytest

from server import timing

TIMING = re.compile(r"(\w+);dur=([0-9.]+)")


def phases(response) -> dict[str, float]:
    return {name: float(ms) for name, ms in TIMING.findall(response.headers["Server-Timing"])}


@pytest.fixture
def timed_app(app):
    app.config["SERVER_TIMING"] = True
    timing.init_app(app)
    return app


def test_no_timing_is_sent_unless_configured(okoro, make_client):
    response = make_client("amara").get("/api/families")
    assert response.status_code == 200
    assert "Server-Timing" not in response.headers


def test_a_pull_says_where_its_time_went_and_the_parts_add_up(timed_app, okoro, make_client):
    api = make_client("amara")
    response = api.post("/api/sync/pull", json={"device_id": str(api.device_id), "limit": 500})
    assert response.status_code == 200
    assert response.json["changes"], "the family's records came down"
    spent = phases(response)
    assert set(spent) == {*timing.PHASES, "total"}
    # The session and CSRF check, the reads and the audit of what was read all took time.
    assert spent["auth"] > 0 and spent["sql"] > 0 and spent["audit"] > 0 and spent["encode"] > 0
    parts = sum(spent[name] for name in timing.PHASES)
    assert parts == pytest.approx(spent["total"], abs=0.05 * len(timing.PHASES))


def test_a_push_times_its_writes(timed_app, okoro, make_client):
    api = make_client("amara")
    api.post("/api/sync/pull", json={"device_id": str(api.device_id)})
    note = {
        "mutation_id": 1,
        "entity": "family",
        "op": "update",
        "id": okoro["family"],
        "base_version": 1,
        "data": {"goals": ["Sam gets to school on time, with Grandma's help."]},
        "client_ts": "2026-12-01T10:00:00Z",
    }
    response = api.post(
        "/api/sync/push",
        json={"device_id": str(api.device_id), "schema_version": 1, "mutations": [note]},
    )
    assert response.status_code == 200
    assert response.json["results"][0]["status"] == "applied", response.json
    spent = phases(response)
    assert spent["door"] > 0 and spent["sql"] > 0 and spent["commit"] > 0


def test_statements_that_write_the_audit_log_count_as_audit():
    assert timing.sql_phase('COPY audit_event ("user_id") FROM STDIN') == "audit"
    assert timing.sql_phase("INSERT INTO audit_event (user_id) VALUES (%s)") == "audit"
    assert timing.sql_phase("SELECT audit_event.id FROM audit_event") == "sql"
    assert timing.sql_phase("INSERT INTO note (id) VALUES (%s)") == "sql"
