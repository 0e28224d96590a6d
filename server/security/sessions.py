"""Server-side sessions that can be revoked, and CSRF tokens bound to them.

The cookie holds a random token; the database holds only its SHA-256. Ending
a session (sign-out, account disabled, an admin ending it, device revoked)
makes the old cookie fail on every endpoint at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request

from .. import clock
from ..domain.errors import DeviceRevoked, Forbidden, NotAuthenticated, translatable
from ..extensions import db
from ..persistence import Device, User, UserSession
from ..timing import timed

CSRF_HEADER = "X-CSRF-Token"
# The OpenAPI description is public: it describes the API, not its data.
PUBLIC_BLUEPRINTS = ("api-docs.",)
# All a session may reach before its user has set up a required second factor.
ENROLMENT_ENDPOINTS = frozenset(
    {"auth.totp_setup", "auth.totp_confirm", "auth.logout", "auth.session_info"}
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Refresh last_seen_at at most this often, so reads do not all become writes.
TOUCH_INTERVAL = timedelta(seconds=60)

View = TypeVar("View", bound=Callable[..., Any])


class EndReason:
    SIGNED_OUT = "signed_out"
    ACCOUNT_DISABLED = "account_disabled"
    ENDED_BY_ADMIN = "ended_by_admin"
    DEVICE_REVOKED = "device_revoked"
    SECOND_FACTOR_CHANGED = "second_factor_changed"
    ROLE_CHANGED = "role_changed"
    IDLE = "idle_timeout"
    EXPIRED = "absolute_timeout"


def public(view: View) -> View:
    """Mark a view as reachable without signing in."""
    view.is_public = True  # type: ignore[attr-defined]  # a mark read back by the session check
    return view


def hash_token(token: str) -> str:
    """Return the SHA-256 of a session token, as the database keeps it."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, device: Device) -> tuple[str, UserSession]:
    """Open a session for this user on this device; return the cookie token and the row."""
    token = secrets.token_urlsafe(32)
    session = UserSession(
        token_hash=hash_token(token),
        user_id=user.id,
        device_id=device.id,
        csrf_token=secrets.token_urlsafe(32),
    )
    db.session.add(session)
    return token, session


def end_sessions(reason: str, *conditions: sa.ColumnElement[bool]) -> int:
    """End every open session matching the conditions; return how many ended."""
    result = db.session.execute(
        sa.update(UserSession)
        .where(UserSession.ended_at.is_(None), *conditions)
        .values(ended_at=clock.now(), end_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def end_user_sessions(user_id: uuid.UUID, reason: str) -> int:
    return end_sessions(reason, UserSession.user_id == user_id)


def end_device_sessions(device_id: uuid.UUID, reason: str) -> int:
    return end_sessions(reason, UserSession.device_id == device_id)


def _load_session() -> UserSession:
    token = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    if not token:
        raise NotAuthenticated()
    session = db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == hash_token(token))
    )
    if session is None:
        raise NotAuthenticated()
    if session.device.revoked_at is not None:
        raise DeviceRevoked()
    if session.ended_at is not None or not session.user.active:
        raise NotAuthenticated(translatable("Your session has ended. Sign in again."))
    now = clock.now()
    if now - session.created_at > current_app.config["SESSION_ABSOLUTE_TIMEOUT"]:
        _end_now(session, EndReason.EXPIRED)
    if now - session.last_seen_at > current_app.config["SESSION_IDLE_TIMEOUT"]:
        _end_now(session, EndReason.IDLE)
    if now - session.last_seen_at > TOUCH_INTERVAL:
        session.last_seen_at = now
        session.device.last_seen_at = now
        db.session.commit()
    return session


def _end_now(session: UserSession, reason: str) -> None:
    session.ended_at, session.end_reason = clock.now(), reason
    db.session.commit()
    raise NotAuthenticated(translatable("Your session has timed out. Sign in again."))


def _check_csrf(session: UserSession) -> None:
    sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
        raise Forbidden(
            translatable(
                "The form's security token is missing or out of date. Reload and try again."
            ),
            errors={CSRF_HEADER: [translatable("Missing or wrong CSRF token.")]},
        )


@timed("auth")
def authenticate_request() -> None:
    """Resolve the session cookie of an API request, or refuse it."""
    g.session = g.user = g.device = None
    if not request.path.startswith("/api/"):
        return
    endpoint = request.endpoint or ""
    view = current_app.view_functions.get(endpoint)
    if endpoint.startswith(PUBLIC_BLUEPRINTS) or getattr(view, "is_public", False):
        return
    session = _load_session()
    if request.method not in SAFE_METHODS:
        _check_csrf(session)
    if session.enrolment_only and endpoint not in ENROLMENT_ENDPOINTS:
        raise Forbidden(
            translatable("Set up your authenticator app before you continue."),
            errors={"second_factor": [translatable("Required for your role.")]},
        )
    g.session, g.user, g.device = session, session.user, session.device


def current_user() -> User:
    """Return the signed-in user of this request."""
    user: User | None = g.get("user")
    if user is None:
        raise NotAuthenticated()
    return user


def current_device_id() -> uuid.UUID | None:
    device: Device | None = g.get("device")
    return device.id if device is not None else None


def set_session_cookie(response: Response, token: str) -> None:
    config = current_app.config
    response.set_cookie(
        config["SESSION_COOKIE_NAME"],
        token,
        max_age=int(config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()),
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    config = current_app.config
    response.delete_cookie(
        config["SESSION_COOKIE_NAME"],
        path="/",
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )


def init_app(app: Flask) -> None:
    app.before_request(authenticate_request)
