"""Sign-in, sessions that can be revoked, CSRF, rate limits, devices and second factors."""

from __future__ import annotations

import logging
import uuid

import pyotp
import pytest

from server import clock
from tests.conftest import PASSWORD


def test_sign_in_returns_user_role_and_csrf_token(make_user, make_client):
    user = make_user("caseworker", username="amara")
    client = make_client()
    response = client.login("amara")
    assert response.status_code == 200
    assert response.json["user"]["username"] == "amara"
    assert response.json["user"]["role"] == "caseworker"
    assert response.json["user"]["id"] == str(user.id)
    assert len(response.json["csrf_token"]) >= 32
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # development; production is tested below
    assert client.get("/api/auth/session").status_code == 200


def test_wrong_password_is_refused_without_saying_which_part(make_user, make_client):
    make_user(username="amara")
    client = make_client()
    wrong_password = client.login("amara", "not-the-password-at-all")
    no_such_user = client.login("nobody", PASSWORD)
    assert wrong_password.status_code == no_such_user.status_code == 401
    assert wrong_password.json["code"] == no_such_user.json["code"] == "invalid_credentials"
    assert wrong_password.json["message"] == no_such_user.json["message"]


def test_sixth_failure_in_fifteen_minutes_is_rate_limited_and_logged(
    make_user, make_client, caplog
):
    make_user(username="amara")
    client = make_client()
    caplog.set_level(logging.WARNING)
    for _ in range(5):
        assert client.login("amara", "wrong-password-guess").status_code == 401
    sixth = client.login("amara", PASSWORD)  # even the right password waits now
    assert sixth.status_code == 429
    assert sixth.json["code"] == "too_many_requests"
    assert "Retry-After" in sixth.headers
    assert any("sign-in attempts limited" in record.message for record in caplog.records)


def test_rate_limit_is_per_account_as_well_as_per_address(app, make_user):
    make_user(username="amara")
    make_user(username="hannah")
    # Five failures for amara from five different addresses still lock amara.
    for index in range(5):
        client = app.test_client()
        response = client.post(
            "/api/auth/login",
            json={"username": "amara", "password": "wrong-guess", "device_id": str(uuid.uuid4())},
            environ_base={"REMOTE_ADDR": f"10.0.0.{index + 1}"},
        )
        assert response.status_code == 401
    locked = app.test_client().post(
        "/api/auth/login",
        json={"username": "amara", "password": PASSWORD, "device_id": str(uuid.uuid4())},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert locked.status_code == 429
    other = app.test_client().post(
        "/api/auth/login",
        json={"username": "hannah", "password": PASSWORD, "device_id": str(uuid.uuid4())},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert other.status_code == 200


def test_successful_sign_ins_do_not_count_towards_the_limit(make_user, make_client):
    make_user(username="amara")
    for _ in range(7):
        assert make_client().login("amara").status_code == 200


def test_after_sign_out_the_old_cookie_gets_401_everywhere(make_user, make_client):
    make_user(username="amara")
    client = make_client("amara")
    cookie = client.client.get_cookie("session")
    assert client.post("/api/auth/logout").status_code == 204
    client.client.set_cookie("session", cookie.value)
    for url in ("/api/auth/session", "/api/families", "/api/devices"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json["code"] == "not_authenticated"


def test_unsafe_request_without_csrf_token_is_refused(make_user, make_client):
    make_user(username="amara")
    client = make_client("amara")
    client.csrf_token = None
    response = client.post("/api/auth/logout")
    assert response.status_code == 403
    assert "X-CSRF-Token" in response.json["errors"]
    client.csrf_token = "forged"
    assert client.post("/api/auth/logout").status_code == 403


def test_disabling_an_account_ends_its_sessions(make_user, make_client):
    amara = make_user(username="amara")
    make_user("admin", username="root", team=None)
    client = make_client("amara")
    admin = make_client("root")
    response = admin.patch(f"/api/admin/users/{amara.id}", json={"active": False})
    assert response.status_code == 200
    assert client.get("/api/auth/session").status_code == 401
    assert make_client().login("amara").status_code == 401


def test_admin_can_end_all_sessions_of_a_user(make_user, make_client):
    amara = make_user(username="amara")
    make_user("admin", username="root", team=None)
    phone, tablet = make_client("amara"), make_client("amara")
    response = make_client("root").post(f"/api/admin/users/{amara.id}/end-sessions")
    assert response.json == {"ended": 2}
    assert phone.get("/api/auth/session").status_code == 401
    assert tablet.get("/api/auth/session").status_code == 401


def test_revoked_device_is_told_to_wipe(make_user, make_client):
    make_user(username="amara")
    phone, laptop = make_client("amara"), make_client("amara")
    assert {d["id"] for d in laptop.get("/api/devices").json} == {
        str(phone.device_id),
        str(laptop.device_id),
    }
    assert laptop.post(f"/api/devices/{phone.device_id}/revoke").status_code == 200
    response = phone.get("/api/families")
    assert response.status_code == 401
    assert response.json["error"] == "device_revoked"
    assert response.json["wipe"] is True
    again = phone.login("amara")
    assert again.status_code == 401 and again.json["wipe"] is True
    assert laptop.get("/api/families").status_code == 200


def test_a_device_registered_to_someone_else_is_refused(make_user, make_client):
    make_user(username="amara")
    make_user(username="hannah")
    client = make_client("amara")
    client.client.delete_cookie("session")
    response = client.login("hannah")
    assert response.status_code == 403


def test_users_cannot_revoke_each_others_devices(make_user, make_client):
    make_user(username="amara")
    make_user(username="hannah")
    amara, hannah = make_client("amara"), make_client("hannah")
    assert hannah.post(f"/api/devices/{amara.device_id}/revoke").status_code == 404
    assert amara.get("/api/auth/session").status_code == 200


def test_idle_session_times_out(app, make_user, make_client):
    from datetime import timedelta

    make_user(username="amara")
    client = make_client("amara")
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(seconds=-1)
    response = client.get("/api/auth/session")
    assert response.status_code == 401
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(hours=1)
    assert client.get("/api/auth/session").status_code == 401  # ended for good


def test_in_production_a_supervisor_must_set_up_a_second_factor_first(app, make_user, make_client):
    app.config["PRODUCTION"] = True
    make_user("supervisor", username="hannah")
    client = make_client()
    response = client.login("hannah")
    assert response.status_code == 200
    assert response.json["second_factor_setup_required"] is True
    blocked = client.get("/api/families")
    assert blocked.status_code == 403 and "authenticator" in blocked.json["message"]
    setup = client.post("/api/auth/totp/setup").json
    code = pyotp.TOTP(setup["secret"]).at(clock.now())
    assert (
        client.post(
            "/api/auth/totp/confirm", json={"secret": setup["secret"], "code": code}
        ).status_code
        == 204
    )
    assert client.get("/api/families").status_code == 200
    fresh = make_client()
    assert fresh.login("hannah").json["code"] == "second_factor_required"


def test_caseworkers_in_production_sign_in_without_a_second_factor(app, make_user, make_client):
    app.config["PRODUCTION"] = True
    make_user("caseworker", username="amara")
    response = make_client().login("amara")
    assert response.json["second_factor_setup_required"] is False


def test_totp_enrolment_and_sign_in_with_a_code(app, make_user, make_client):
    make_user("supervisor", username="hannah")
    client = make_client("hannah")
    setup = client.post("/api/auth/totp/setup").json
    totp = pyotp.TOTP(setup["secret"])
    wrong = client.post(
        "/api/auth/totp/confirm", json={"secret": setup["secret"], "code": "000000"}
    )
    assert wrong.status_code == 422 and "code" in wrong.json["errors"]
    when = clock.now().timestamp()
    first = totp.at(when)
    ok = client.post("/api/auth/totp/confirm", json={"secret": setup["secret"], "code": first})
    assert ok.status_code == 204

    app.config["PRODUCTION"] = True
    fresh = make_client()
    asked = fresh.login("hannah")
    assert asked.status_code == 401 and asked.json["code"] == "second_factor_required"
    # The code that confirmed the app cannot be used again; the next one can, once.
    assert fresh.login("hannah", totp_code=first).json["code"] == "invalid_credentials"
    following = totp.at(when + totp.interval)
    assert fresh.login("hannah", totp_code=following).status_code == 200
    again = make_client().login("hannah", totp_code=following)
    assert again.status_code == 401 and again.json["code"] == "invalid_credentials"


def test_production_cookies_are_secure_and_hsts_is_sent(app, make_user, make_client):
    app.config.update(
        PRODUCTION=True, SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="__Host-session"
    )
    make_user("caseworker", username="amara")
    response = make_client().login("amara")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Set-Cookie"].startswith("__Host-session=")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "amara", "password": "x"},
        {"username": "amara", "password": "x", "device_id": "not-a-uuid"},
        {"username": "amara", "password": "x", "device_id": str(uuid.uuid4()), "extra": 1},
        {"username": ["amara"], "password": "x", "device_id": str(uuid.uuid4())},
    ],
)
def test_malformed_sign_in_gets_field_messages(make_client, body):
    response = make_client().client.post("/api/auth/login", json=body)
    assert response.status_code == 422
    assert response.json["code"] == "invalid_input"
    assert response.json["errors"]
