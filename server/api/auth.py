"""Sign-in, sign-out, the current session, second factors and devices."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import Response, current_app, g, jsonify, request
from flask_limiter import RequestLimit
from marshmallow import Schema, fields, validate

from ..audit import Actor, AuditAction, record_event
from ..domain.errors import NotAuthenticated, translatable
from ..domain.languages import LANGUAGES
from ..domain.roles import SecondFactorProof
from ..extensions import limiter
from ..security.sessions import (
    clear_session_cookie,
    current_user,
    hash_token,
    public,
    set_session_cookie,
)
from ..services import accounts
from .common import DeviceSchema, UserSchema, blueprint, current_actor

log = logging.getLogger(__name__)

blp = blueprint("auth", "/api/auth", "Sign-in, sessions and second factors")
devices_blp = blueprint("devices", "/api/devices", "Your devices")

# The sixth failure within 15 minutes, per account and per address, gets 429.
SIGN_IN_LIMIT = "5 per 15 minutes"
FAILED_SIGN_IN_CODES = {"invalid_credentials"}


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))
    device_id = fields.UUID(required=True)
    totp_code = fields.String(load_default=None, validate=validate.Regexp(r"^\d{6}$"))
    device_label = fields.String(load_default="", validate=validate.Length(max=200))


class SessionSchema(Schema):
    user = fields.Nested(UserSchema, required=True)
    csrf_token = fields.String(required=True)
    device_id = fields.UUID(required=True)
    second_factor_setup_required = fields.Boolean(required=True)


class SignedInSchema(SessionSchema):
    # Given only at sign-in: with the worker's passphrase it unlocks the device's store.
    device_secret = fields.String(required=True)


class TotpSetupSchema(Schema):
    secret = fields.String(required=True)
    provisioning_uri = fields.String(required=True)
    # What /totp/confirm will need besides the new app's code.
    proof = fields.String(
        required=True, validate=validate.OneOf([proof.value for proof in SecondFactorProof])
    )


class TotpConfirmSchema(Schema):
    secret = fields.String(required=True, validate=validate.Regexp(r"^[A-Z2-7]{32}$"))
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$"))
    # One of these proves it is the account's owner (see SecondFactorProof).
    current_code = fields.String(load_default=None, validate=validate.Regexp(r"^\d{6}$"))
    password = fields.String(load_default=None, validate=validate.Length(min=1, max=256))
    enrolment_code = fields.String(load_default=None, validate=validate.Length(min=1, max=64))


def _account_key() -> str:
    body = request.get_json(silent=True)
    username = body.get("username") if isinstance(body, dict) else None
    return f"account:{str(username or '')[:80].strip().lower()}"


def _address_key() -> str:
    return f"address:{request.remote_addr or 'unknown'}"


def _was_failed_sign_in(response: Response) -> bool:
    if response.status_code != 401:
        return False
    body = response.get_json(silent=True) or {}
    return body.get("code") in FAILED_SIGN_IN_CODES


def _log_breach(limit: RequestLimit) -> None:
    # The key names the account or the address whose failures reached the limit.
    key = _account_key() if "account" in limit.key else _address_key()
    log.warning("sign-in attempts limited: %s reached %s", key, limit.limit)


def _proves_both_factors() -> bool:
    """Let the right password with a right one-time code through the account's lock.

    Anyone can lock an account with five wrong passwords; its owner with an
    authenticator app still gets in. The code is checked first (cheaply), the
    password only with a code that is right now. The address limit still holds.
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return False
    username, password, code = body.get("username"), body.get("password"), body.get("totp_code")
    if not (isinstance(username, str) and isinstance(password, str) and isinstance(code, str)):
        return False
    return accounts.passes_both_factors(username[:80], password[:256], code)


@blp.route("/login", methods=["POST"])
@limiter.limit(
    SIGN_IN_LIMIT,
    key_func=_account_key,
    deduct_when=_was_failed_sign_in,
    exempt_when=_proves_both_factors,
    scope="sign-in-account",
    on_breach=_log_breach,
)
@limiter.limit(
    SIGN_IN_LIMIT,
    key_func=_address_key,
    deduct_when=_was_failed_sign_in,
    scope="sign-in-address",
    on_breach=_log_breach,
)
@blp.arguments(LoginSchema)
@blp.response(200, SignedInSchema)
@public
def login(data: dict[str, Any]) -> Response:
    """Sign in on a device; the session cookie is set and the CSRF token returned."""
    try:
        user, session, token = accounts.sign_in(
            data["username"],
            data["password"],
            data["device_id"],
            totp_code=data["totp_code"],
            production=current_app.config["PRODUCTION"],
            device_label=data["device_label"] or request.user_agent.string[:200],
        )
    except NotAuthenticated as error:
        log.warning("sign-in refused: %s from %s", error.code, request.remote_addr)
        raise
    record_event(
        AuditAction.SIGN_IN, "user", actor=Actor(user, session.device_id), record_id=user.id
    )
    body = SignedInSchema().dump({**_session_body(session), "device_secret": session.device.secret})
    response = jsonify(body)
    set_session_cookie(response, token)
    return response


def _session_body(session: Any) -> dict[str, Any]:
    return {
        "user": session.user,
        "csrf_token": session.csrf_token,
        "device_id": session.device_id,
        "second_factor_setup_required": session.enrolment_only,
    }


@blp.route("/logout", methods=["POST"])
@blp.response(204)
def logout() -> Response:
    """Sign out: the session ends on the server and the cookie is cleared."""
    record_event(AuditAction.SIGN_OUT, "user", record_id=g.user.id, actor=current_actor())
    accounts.sign_out(g.session)
    response = Response(status=204)
    clear_session_cookie(response)
    return response


@blp.route("/session", methods=["GET"])
@blp.response(200, SessionSchema)
def session_info() -> dict[str, Any]:
    """Return who is signed in on this session, with its CSRF token."""
    return _session_body(g.session)


@blp.route("/totp/setup", methods=["POST"])
@blp.response(200, TotpSetupSchema)
def totp_setup() -> dict[str, str]:
    """Start setting up an authenticator app: a secret to scan or type in, and the proof needed.

    Nothing changes yet: the secret is kept only when /totp/confirm succeeds.
    """
    user = current_user()
    secret, uri = accounts.start_totp_enrolment(user)
    proof = accounts.totp_proof(user, production=current_app.config["PRODUCTION"])
    return {"secret": secret, "provisioning_uri": uri, "proof": proof.value}


def _session_key() -> str:
    # The limiter runs before the session is loaded: count by the cookie's hash.
    token = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"], "")
    return f"session:{hash_token(token)}"


def _was_refused_proof(response: Response) -> bool:
    body = response.get_json(silent=True) or {}
    return response.status_code == 422 and body.get("code") == "proof_refused"


@blp.route("/totp/confirm", methods=["POST"])
@limiter.limit(
    SIGN_IN_LIMIT,
    key_func=_session_key,
    deduct_when=_was_refused_proof,
    scope="second-factor-proof",
)
@limiter.limit(
    SIGN_IN_LIMIT,
    key_func=_address_key,
    deduct_when=_was_refused_proof,
    scope="second-factor-proof-address",
)
@blp.arguments(TotpConfirmSchema)
@blp.response(204)
def totp_confirm(data: dict[str, str]) -> None:
    """Set or change the second factor: the new app's code and the proof /totp/setup named.

    Every other session of the user ends, and the user is notified.
    """
    accounts.confirm_totp_enrolment(
        g.session,
        data["secret"],
        data["code"],
        {proof.value: data[proof.value] for proof in SecondFactorProof},
        production=current_app.config["PRODUCTION"],
    )


class LanguageSchema(Schema):
    language = fields.String(
        required=True,
        validate=validate.OneOf(LANGUAGES, error=translatable("Choose English or Cymraeg.")),
        metadata={"description": "en for English, cy for Cymraeg (Welsh)"},
    )


@blp.route("/language", methods=["PUT"])
@blp.arguments(LanguageSchema)
@blp.response(200, UserSchema)
def set_language(data: dict[str, str]) -> Any:
    """Choose the language of your screens, messages and notifications: English or Cymraeg."""
    user = current_user()
    accounts.set_language(user, data["language"])
    return user


@devices_blp.route("", methods=["GET"])
@devices_blp.response(200, DeviceSchema(many=True))
def list_devices() -> list[Any]:
    """List your devices."""
    return accounts.devices_of(current_user().id)


@devices_blp.route("/<uuid:device_id>/revoke", methods=["POST"])
@devices_blp.response(200, DeviceSchema)
def revoke_device(device_id: uuid.UUID) -> Any:
    """Revoke one of your devices (an admin may revoke anyone's): it is wiped on next contact."""
    device = accounts.revoke_device(current_user(), device_id)
    record_event(
        AuditAction.REVOKE, "device", detail={"device_id": str(device_id)}, actor=current_actor()
    )
    return device
