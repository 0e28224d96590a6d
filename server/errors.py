"""The one translator from exceptions to the API's error shape.

Every error response is ``{"code", "status", "message", "errors"}``: ``code``
a machine-readable reason, ``status`` the HTTP status, ``message`` a sentence
a person can act on, ``errors`` field-level messages (may be empty).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, jsonify
from flask_babel import gettext
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from . import transaction
from .domain import errors as domain
from .domain.errors import translatable
from .extensions import db

log = logging.getLogger(__name__)

HTTP_STATUS: dict[type[domain.DomainError], int] = {
    domain.InvalidInput: 422,
    domain.NotAuthenticated: 401,
    domain.Forbidden: 403,
    domain.NotFound: 404,
    domain.VersionConflict: 409,
    domain.RecordSigned: 409,
    domain.RuleBroken: 409,
    domain.TooLarge: 413,
    domain.TryLater: 503,
    # The tus protocol's checksum extension names this status for a damaged chunk.
    domain.ChunkChecksumMismatch: 460,
    domain.UploadOffsetMismatch: 409,
    domain.UploadRefused: 422,
}

# Plain-English messages for the HTTP errors Werkzeug and webargs raise.
HTTP_MESSAGES = {
    400: (
        "bad_request",
        translatable("The request could not be read. Send JSON with the documented fields."),
    ),
    404: ("not_found", translatable("Not found.")),
    405: ("method_not_allowed", translatable("That method is not allowed here.")),
    413: ("too_large", translatable("The request is too large.")),
    414: ("uri_too_long", translatable("The address is too long.")),
    415: ("unsupported_media_type", translatable("Send the request body as application/json.")),
    422: ("invalid_input", translatable("Check the highlighted fields.")),
    429: (
        "too_many_requests",
        translatable("Too many attempts. Wait a few minutes and try again."),
    ),
}


class ErrorSchema(Schema):
    code = fields.String(required=True)
    status = fields.Integer(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(required=True)
    wipe = fields.Boolean()


def error_response(
    status: int, code: str, message: str, errors: dict[str, Any] | None = None, **extra: Any
) -> tuple[Response, int]:
    """Return the JSON error response every failure uses."""
    body = {
        "code": code,
        "status": status,
        "message": _in_language(message),
        "errors": _in_language(errors or {}),
        **extra,
    }
    return jsonify(body), status


def _in_language(errors: Any) -> Any:
    """Return field messages in the person's language (those the catalogue holds)."""
    if isinstance(errors, str):
        return gettext(errors) if errors else errors  # gettext("") is the catalogue's header
    if isinstance(errors, list):
        return [_in_language(item) for item in errors]
    if isinstance(errors, dict):
        return {name: _in_language(value) for name, value in errors.items()}
    return errors


def status_for(error: domain.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 400


def handle_domain_error(error: domain.DomainError) -> tuple[Response, int]:
    extra: dict[str, Any] = {}
    if isinstance(error, domain.DeviceRevoked):
        # The wire shape sync.md fixes for a revoked device.
        extra = {"error": "device_revoked", "wipe": True}
    response, status = error_response(
        status_for(error), error.code, error.message, error.errors, **extra
    )
    if isinstance(error, domain.TryLater):
        response.headers["Retry-After"] = str(error.retry_after)
    if error.keeps_work:
        transaction.keep_work()
    return response, status


def handle_http_exception(error: HTTPException) -> tuple[Response, int] | HTTPException:
    status = error.code or 500
    code, message = HTTP_MESSAGES.get(
        status, ("error", error.description or translatable("Request failed."))
    )
    errors: dict[str, Any] = {}
    # webargs attaches the field messages by location: {"json": {"field": [...]}}
    messages = getattr(error, "data", {}).get("messages") if hasattr(error, "data") else None
    if isinstance(messages, dict):
        for by_field in messages.values():
            if isinstance(by_field, dict):
                errors.update(by_field)
            else:
                errors["_schema"] = by_field
    elif status == 429:
        log.warning("rate limit reached: %s", error.description)
    elif status in (413, 414):
        message = error.description or message
    response, status = error_response(status, code, message, errors)
    if status == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    if status == 429:
        retry_after = error.get_response().headers.get("Retry-After")
        if retry_after:
            response.headers["Retry-After"] = retry_after
    return response, status


def handle_integrity_error(error: sa.exc.IntegrityError) -> tuple[Response, int]:
    # The rules check references first; this is the backstop for a race between
    # two requests, and it must never surface as a 500.
    db.session.rollback()
    log.warning("integrity error: %s", type(error.orig).__name__)
    return error_response(
        409,
        "conflict",
        translatable("That clashes with a record that already exists or was just changed."),
    )


def handle_database_unavailable(error: sa.exc.DBAPIError) -> tuple[Response, int]:
    # The database is unreachable or restarting: nothing was done; the client waits.
    with contextlib.suppress(sa.exc.SQLAlchemyError):
        db.session.rollback()
    log.warning("database unavailable: %s", type(error).__name__)
    return handle_domain_error(domain.TryLater())


def handle_unexpected(error: Exception) -> tuple[Response, int]:
    log.exception("unhandled error")
    return error_response(
        500, "server_error", translatable("Something went wrong on our side. Try again.")
    )


def register_error_handlers(app: Flask) -> None:
    """Send every error through the one shape."""
    app.register_error_handler(domain.DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(sa.exc.IntegrityError, handle_integrity_error)
    for transient in (sa.exc.OperationalError, sa.exc.InterfaceError):
        app.register_error_handler(transient, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
