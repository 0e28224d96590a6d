"""Housekeeping of sign-in sessions."""

from __future__ import annotations

from flask import current_app

from .. import clock
from ..persistence import UserSession
from ..security.sessions import EndReason, end_sessions
from .context import with_app_context


@with_app_context
def end_expired_sessions() -> int:
    """End sessions past their idle or absolute timeout; return how many ended."""
    now = clock.now()
    idle = end_sessions(
        EndReason.IDLE, UserSession.last_seen_at < now - current_app.config["SESSION_IDLE_TIMEOUT"]
    )
    expired = end_sessions(
        EndReason.EXPIRED,
        UserSession.created_at < now - current_app.config["SESSION_ABSOLUTE_TIMEOUT"],
    )
    return idle + expired
