"""What every response carries: the one error shape, security headers, health, OpenAPI."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def worker(make_user, make_client):
    make_user("caseworker", username="amara")
    return make_client("amara")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_name": 42}, "display_name"),
        ({"display_name": "x" * 201}, "display_name"),
        ({"display_name": "ok", "surprise": True}, "surprise"),
        ({"display_name": "ok", "id": "not-a-uuid"}, "id"),
        ({"display_name": "ok", "status": "sideways"}, "status"),
        ({"display_name": "ok", "goals": "not a list"}, "goals"),
        ({}, "display_name"),
    ],
)
def test_bad_input_gets_422_with_a_message_for_the_field(worker, body, field):
    response = worker.post("/api/families", json=body)
    assert response.status_code == 422
    assert set(response.json) >= {"code", "status", "message", "errors"}
    assert response.json["status"] == 422 and response.json["code"] == "invalid_input"
    assert field in response.json["errors"], response.json


def test_oversize_note_text_is_refused_and_names_the_section(worker):
    family = worker.post("/api/families", json={"display_name": "Big family"}).json
    response = worker.post(
        "/api/notes", json={"family_id": family["id"], "sections": {"reflection": "x" * 20_001}}
    )
    assert response.status_code == 422
    assert "reflection" in response.json["errors"]["sections"]


def test_non_json_and_malformed_json_are_clear_errors(worker):
    not_json = worker.client.post(
        "/api/families",
        data="display_name=x",
        content_type="application/x-www-form-urlencoded",
        headers={"X-CSRF-Token": worker.csrf_token},
    )
    assert not_json.status_code in (400, 415, 422)
    assert not_json.json["message"]
    broken = worker.client.post(
        "/api/families",
        data="{not json",
        content_type="application/json",
        headers={"X-CSRF-Token": worker.csrf_token},
    )
    assert broken.status_code == 400 and broken.json["code"] == "bad_request"


def test_a_malformed_id_in_the_address_is_400_not_500(worker):
    response = worker.get("/api/families/not-a-uuid")
    assert response.status_code == 400
    assert response.json["errors"] == {"id": ["Not a valid UUID."]}


def test_a_malformed_query_filter_names_the_field(worker):
    response = worker.get("/api/notes?family_id=nope&page=0")
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"family_id", "page"}


def test_too_large_request_is_413_in_the_one_shape(worker):
    response = worker.post("/api/families", json={"display_name": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert response.json["code"] == "too_large"


def test_unknown_api_route_and_wrong_method(worker):
    assert worker.get("/api/nowhere").status_code == 404
    wrong = worker.client.put("/api/families", json={}, headers={"X-CSRF-Token": worker.csrf_token})
    assert wrong.status_code == 405 and wrong.json["code"] == "method_not_allowed"


def test_security_headers_on_api_and_app_responses(worker, client):
    for response in (worker.get("/api/families"), client.get("/"), client.get("/api/health")):
        csp = response.headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in response.headers  # only in production
        response.close()
    assert worker.get("/api/families").headers["Cache-Control"] == "no-store"


@pytest.fixture
def client(app):
    return app.test_client()


def test_health_reports_database_and_redis(client, app):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    expected = "ok" if app.config["REDIS_URL"] else "not_configured"
    assert response.json["redis"] == expected


def test_health_reports_an_unreachable_redis_as_503(client, app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json == {"status": "degraded", "database": "ok", "redis": "unreachable"}


def test_openapi_description_is_public_and_lists_every_record(app, client):
    # Making the app describes nothing yet: the description is written when first read.
    api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    assert api._spec.to_dict()["paths"] == {}
    spec = client.get("/api/openapi.json").json
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert set(spec["paths"]) == routes - {"/api/openapi.json"}  # every route but itself
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/families",
        "/api/notes/{record_id}/amendments",
        "/api/judgments/{record_id}/sign",
        "/api/auth/login",
        "/api/health",
        "/api/admin/audit",
    ):
        assert path in spec["paths"], path
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) >= {"code", "status", "message", "errors"}


def test_a_second_app_routes_and_describes_the_same_records(app, database_url):
    # The record blueprints are built once a process and registered by every app made.
    from server import create_app

    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    assert {rule.rule for rule in other.url_map.iter_rules()} == {
        rule.rule for rule in app.url_map.iter_rules()
    }
    with other.test_request_context():
        described = other.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    assert "/api/families/{record_id}" in described["paths"]


def test_urls_are_built_from_the_routes_when_first_asked(app):
    # Each rule writes its URL builder on first use; what it builds is unchanged.
    from flask import url_for

    record_id = "0b7e2c1a-8f3d-4c55-9a1e-2d6f0c9b8a71"
    with app.test_request_context():
        assert url_for("family.get", record_id=record_id) == f"/api/families/{record_id}"
        assert url_for("family.get", record_id=record_id) == f"/api/families/{record_id}"
        assert (
            url_for("family.get", record_id=record_id, include="x")
            == f"/api/families/{record_id}?include=x"
        )
        assert url_for("family.list", _external=True) == "http://localhost/api/families"


def test_the_app_shell_and_manifest_are_served(client):
    with client.get("/") as page:
        assert page.status_code == 200 and b'rel="manifest"' in page.data
    with client.get("/manifest.webmanifest") as manifest:
        assert manifest.mimetype == "application/manifest+json"
        assert manifest.json["display"] == "standalone"


@pytest.mark.parametrize("text", ["a\u0000b", "lone \udc80 surrogate"])
def test_text_no_database_can_store_is_a_field_error(worker, text):
    response = worker.post("/api/families", json={"display_name": text, "goals": ["ok", text]})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"display_name", "goals.1"}
    assert worker.get("/api/families?status=" + "%00").status_code == 422


DEPTH_BOMBS = ["[" * 600 + "]" * 600, '{"a":' * 600 + "1" + "}" * 600]


@pytest.mark.parametrize("bomb", DEPTH_BOMBS, ids=["arrays", "objects"])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/auth/login"),
        ("POST", "/api/families"),
        ("POST", "/api/families/search"),
        ("POST", "/api/sync/pull"),
        ("POST", "/api/sync/push"),
        ("PUT", "/api/notifications/preferences"),
    ],
)
def test_json_nested_too_deep_is_422_at_the_door(worker, client, method, url, bomb):
    for sender, headers in ((worker.client, {"X-CSRF-Token": worker.csrf_token}), (client, {})):
        response = sender.open(
            url, method=method, data=bomb, content_type="application/json", headers=headers
        )
        assert response.status_code == 422, (url, response.get_data(as_text=True)[:200])
        assert response.json["code"] == "invalid_input"
        assert "nested" in response.json["message"]
        assert "_json" in response.json["errors"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_json_of_ordinary_depth_still_reads(worker):
    deep_enough = {"display_name": "Lee", "goals": ["a"], "address": {"line1": "1 High St"}}
    assert worker.post("/api/families", json=deep_enough).status_code == 201


def test_an_over_long_address_is_414_with_every_header(client):
    response = client.get("/api/families/" + "a" * 5000)
    assert response.status_code == 414
    assert response.json["code"] == "uri_too_long"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_headers_are_on_a_response_made_past_the_app(app, client):
    # A failure while the app finishes a response: the outer layer still adds them.
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in service, not raise to the test

    @app.after_request
    def broken(response):
        raise RuntimeError("boom")

    response = client.get("/api/health")
    assert response.status_code == 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("value", [0, 1, "true", "yes", "1"])
def test_a_boolean_must_be_true_or_false(worker, value):
    family = worker.post("/api/families", json={"display_name": "Lee"}).json
    changed = worker.patch(
        f"/api/families/{family['id']}", json={"base_version": 1, "interpreter_needed": value}
    )
    assert changed.status_code == 422, changed.json
    assert "interpreter_needed" in changed.json["errors"]
    person = worker.post(
        "/api/people",
        json={"family_id": family["id"], "given_name": "A", "family_name": "B", "is_child": value},
    )
    assert person.status_code == 422 and "is_child" in person.json["errors"]
    preferences = worker.client.put(
        "/api/notifications/preferences",
        json={"visit_due": value},
        headers={"X-CSRF-Token": worker.csrf_token},
    )
    assert preferences.status_code == 422 and "visit_due" in preferences.json["errors"]


def test_preferences_without_a_body_are_422(worker):
    for extra in ({}, {"json": {}}):
        response = worker.client.put(
            "/api/notifications/preferences", headers={"X-CSRF-Token": worker.csrf_token}, **extra
        )
        assert response.status_code == 422, response.json
        assert response.json["code"] == "invalid_input"


def test_a_wrong_method_on_a_named_route_is_405(worker):
    response = worker.patch("/api/families/search", json={})
    assert response.status_code == 405 and response.json["code"] == "method_not_allowed"
    assert response.headers["Allow"].split(", ").count("POST") == 1
    assert worker.get("/api/families/not-a-uuid").status_code == 400  # a bad id is still 400
