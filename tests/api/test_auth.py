"""Sign-in, sessions that can be revoked, CSRF, rate limits, devices and second factors."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.persistence import AuditEvent, User
from tests.conftest import PASSWORD

ADMIN_SECRET = pyotp.random_base32()


def admin_client(make_user, make_client):
    """Return a signed-in admin with an authenticator app (as production asks)."""
    make_user("admin", username="root", team=None, totp_secret=ADMIN_SECRET)
    admin = make_client()
    response = admin.login("root", totp_code=pyotp.TOTP(ADMIN_SECRET).at(clock.now()))
    assert response.status_code == 200, response.json
    return admin


def issue_enrolment_code(make_user, make_client, username: str) -> str:
    """Return an enrolment code an admin issued for ``username``."""
    admin = admin_client(make_user, make_client)
    users = admin.get("/api/admin/users").json["items"]
    user_id = next(user["id"] for user in users if user["username"] == username)
    response = admin.post(f"/api/admin/users/{user_id}/enrolment-code")
    assert response.status_code == 201, response.json
    code: str = response.json["code"]
    return code


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
    assert setup["proof"] == "enrolment_code"
    code = pyotp.TOTP(setup["secret"]).at(clock.now())
    enrolment_code = issue_enrolment_code(make_user, make_client, "hannah")
    confirmed = client.post(
        "/api/auth/totp/confirm",
        json={"secret": setup["secret"], "code": code, "enrolment_code": enrolment_code},
    )
    assert confirmed.status_code == 204, confirmed.json
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
    ok = client.post(
        "/api/auth/totp/confirm",
        json={"secret": setup["secret"], "code": first, "password": PASSWORD},
    )
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


# --- changing a second factor ------------------------------------------------------------


def step() -> None:
    """Move the clock on one TOTP time step (30 s): each code is accepted once."""
    clock.advance(timedelta(seconds=30))


def enrol(client, password: str = PASSWORD) -> pyotp.TOTP:
    """Set up an authenticator app on a signed-in session (no factor yet); return it."""
    setup = client.post("/api/auth/totp/setup").json
    totp = pyotp.TOTP(setup["secret"])
    response = client.post(
        "/api/auth/totp/confirm",
        json={"secret": setup["secret"], "code": totp.at(clock.now()), "password": password},
    )
    assert response.status_code == 204, response.json
    step()
    return totp


def test_a_session_alone_cannot_replace_an_enrolled_second_factor(make_user, make_client):
    make_user("caseworker", username="amara")
    owner = make_client("amara")
    current = enrol(owner)
    thief = make_client()
    assert thief.login("amara", totp_code=current.at(clock.now())).status_code == 200
    step()
    setup = thief.post("/api/auth/totp/setup").json
    assert setup["proof"] == "current_code"
    theirs = pyotp.TOTP(setup["secret"])
    for proof in ({}, {"password": PASSWORD}, {"current_code": "123456"}):
        refused = thief.post(
            "/api/auth/totp/confirm",
            json={"secret": setup["secret"], "code": theirs.at(clock.now()), **proof},
        )
        assert refused.status_code == 422, refused.json
        assert refused.json["code"] == "proof_refused"
        assert "current_code" in refused.json["errors"]
    # The owner's app still signs in; the thief's does not.
    step()
    assert make_client().login("amara", totp_code=theirs.at(clock.now())).status_code == 401
    assert make_client().login("amara", totp_code=current.at(clock.now())).status_code == 200


def test_changing_the_second_factor_needs_the_current_code_and_ends_other_sessions(
    app, make_user, make_client
):
    user = make_user("caseworker", username="amara")
    phone = make_client("amara")
    current = enrol(phone)
    laptop = make_client()
    assert laptop.login("amara", totp_code=current.at(clock.now())).status_code == 200
    step()
    setup = phone.post("/api/auth/totp/setup").json
    new = pyotp.TOTP(setup["secret"])
    changed = phone.post(
        "/api/auth/totp/confirm",
        json={
            "secret": setup["secret"],
            "code": new.at(clock.now()),
            "current_code": current.at(clock.now()),
        },
    )
    assert changed.status_code == 204, changed.json
    assert phone.get("/api/auth/session").status_code == 200  # the session that changed it
    assert laptop.get("/api/auth/session").status_code == 401  # every other one ended
    with app.app_context():
        row = db.session.get(User, user.id)
        assert row is not None and row.totp_secret == setup["secret"]
        details = db.session.scalars(
            sa.select(AuditEvent.detail).where(
                AuditEvent.entity == "user", AuditEvent.record_id == user.id
            )
        ).all()
    assert {"second_factor": "changed", "sessions_ended": 1} in details
    step()
    assert make_client().login("amara", totp_code=current.at(clock.now())).status_code == 401
    assert make_client().login("amara", totp_code=new.at(clock.now())).status_code == 200


def test_setting_a_first_second_factor_needs_the_password(make_user, make_client):
    make_user("caseworker", username="amara")
    client = make_client("amara")
    setup = client.post("/api/auth/totp/setup").json
    assert setup["proof"] == "password"
    code = pyotp.TOTP(setup["secret"]).at(clock.now())
    for proof in ({}, {"password": "not-the-password-at-all"}):
        refused = client.post(
            "/api/auth/totp/confirm", json={"secret": setup["secret"], "code": code, **proof}
        )
        assert refused.status_code == 422 and "password" in refused.json["errors"]
    ok = client.post(
        "/api/auth/totp/confirm",
        json={"secret": setup["secret"], "code": code, "password": PASSWORD},
    )
    assert ok.status_code == 204


def test_refused_proofs_are_rate_limited(make_user, make_client):
    make_user("caseworker", username="amara")
    client = make_client("amara")
    setup = client.post("/api/auth/totp/setup").json
    code = pyotp.TOTP(setup["secret"]).at(clock.now())
    body = {"secret": setup["secret"], "code": code, "password": "not-the-password-at-all"}
    statuses = [client.post("/api/auth/totp/confirm", json=body).status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
    right = client.post("/api/auth/totp/confirm", json={**body, "password": PASSWORD})
    assert right.status_code == 429  # even the right password waits


def test_a_change_of_role_ends_the_users_sessions(app, make_user, make_client):
    app.config["PRODUCTION"] = True
    amara = make_user("caseworker", username="amara")
    worker = make_client("amara")
    admin = admin_client(make_user, make_client)
    admin.post(f"/api/admin/users/{amara.id}/enrolment-code")  # issued before: irrelevant
    renamed = admin.patch(f"/api/admin/users/{amara.id}", json={"display_name": "Amara O."})
    assert renamed.status_code == 200
    assert worker.get("/api/auth/session").status_code == 200  # a new name ends nothing
    promoted = admin.patch(f"/api/admin/users/{amara.id}", json={"role": "supervisor"})
    assert promoted.status_code == 200
    assert worker.get("/api/families").status_code == 401
    # Signed in again, the supervisor must set up a second factor before anything else.
    again = make_client()
    assert again.login("amara").json["second_factor_setup_required"] is True
    assert again.get("/api/families").status_code == 403


def test_in_production_a_privileged_first_enrolment_needs_an_admin_issued_code(
    app, make_user, make_client
):
    app.config["PRODUCTION"] = True
    hannah = make_user("supervisor", username="hannah")
    client = make_client()
    client.login("hannah")
    setup = client.post("/api/auth/totp/setup").json
    totp = pyotp.TOTP(setup["secret"])

    def confirm(**proof: str):
        return client.post(
            "/api/auth/totp/confirm",
            json={"secret": setup["secret"], "code": totp.at(clock.now()), **proof},
        )

    assert confirm(password=PASSWORD).json["errors"].keys() == {"enrolment_code"}
    assert confirm(enrolment_code="AAAA-BBBB-CCCC-DDDD").status_code == 422

    code = issue_enrolment_code(make_user, make_client, "hannah")
    with app.app_context():
        stored = db.session.get(User, hannah.id)
        assert stored is not None and stored.enrolment_code_hash
        assert code.replace("-", "") not in stored.enrolment_code_hash  # kept as a hash only
    clock.advance(timedelta(minutes=61))
    expired = confirm(enrolment_code=code)
    assert expired.status_code == 422 and "enrolment_code" in expired.json["errors"]

    step()
    admin = make_client()
    admin.login("root", totp_code=pyotp.TOTP(ADMIN_SECRET).at(clock.now()))
    code = admin.post(f"/api/admin/users/{hannah.id}/enrolment-code").json["code"]
    assert confirm(enrolment_code=code.lower().replace("-", " ")).status_code == 204
    # Used once: it cannot enrol anyone again.
    with app.app_context():
        stored = db.session.get(User, hannah.id)
        assert stored is not None and stored.enrolment_code_hash is None
    assert admin.post(f"/api/admin/users/{hannah.id}/enrolment-code").status_code == 409


def test_only_an_admin_issues_enrolment_codes(make_user, make_client):
    hannah = make_user("supervisor", username="hannah")
    make_user("supervisor", username="sunita")
    peer = make_client("sunita")
    assert peer.post(f"/api/admin/users/{hannah.id}/enrolment-code").status_code == 403


def test_the_enrolment_code_command_prints_a_code_that_works(app, make_user, make_client):
    app.config["PRODUCTION"] = True
    make_user("admin", username="first.admin", team=None)
    result = app.test_cli_runner().invoke(args=["enrolment-code", "first.admin"])
    assert result.exit_code == 0, result.output
    code = result.output.split(": ", 1)[1].splitlines()[0]
    client = make_client()
    client.login("first.admin")
    setup = client.post("/api/auth/totp/setup").json
    confirmed = client.post(
        "/api/auth/totp/confirm",
        json={
            "secret": setup["secret"],
            "code": pyotp.TOTP(setup["secret"]).at(clock.now()),
            "enrolment_code": code,
        },
    )
    assert confirmed.status_code == 204, confirmed.json


def test_a_locked_account_still_lets_its_owner_in_with_both_factors(make_user, make_client):
    secret = pyotp.random_base32()
    make_user("supervisor", username="hannah", totp_secret=secret)
    attacker = make_client()
    for _ in range(5):
        assert attacker.login("hannah", "wrong-password-guess").status_code == 401
    owner = make_client()

    def sign_in_from_elsewhere(**body: str):
        return owner.client.post(
            "/api/auth/login",
            json={"username": "hannah", "device_id": str(owner.device_id), **body},
            environ_base={"REMOTE_ADDR": "192.0.2.7"},  # not the attacker's address
        )

    code = pyotp.TOTP(secret).at(clock.now())
    # The lock holds against the password alone and against a wrong code.
    assert sign_in_from_elsewhere(password=PASSWORD).status_code == 429
    assert sign_in_from_elsewhere(password=PASSWORD, totp_code="000000").status_code == 429
    assert (
        sign_in_from_elsewhere(password="wrong-password-guess", totp_code=code).status_code == 429
    )
    # The right password with a right code is let through, once.
    assert sign_in_from_elsewhere(password=PASSWORD, totp_code=code).status_code == 200
    assert sign_in_from_elsewhere(password=PASSWORD, totp_code=code).status_code == 429
