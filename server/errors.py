"""The one translator from exceptions to the API's error shape.

Every error response is ``{"code", "status", "message", "errors"}``: ``code``
a machine-readable reason, ``status`` the HTTP status, ``message`` a sentence
a person can act on, ``errors`` field-level messages (may be empty).
"""

from __future__ import annotations

import contextlib
import logging
import re
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, jsonify
from flask_babel import gettext
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from . import transaction
from .domain import errors as domain
from .domain.errors import Message, translatable
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


# The messages marshmallow and webargs write for a field, marked here for the
# catalogue. Those with values ("Shorter than minimum length 3.") are recognised
# by their shape when an answer is written, and the values are kept in the Welsh.
LIBRARY_MESSAGES = (
    translatable("Missing data for required field."),
    translatable("Field may not be null."),
    translatable("Invalid value."),
    translatable("Not a valid string."),
    translatable("Not a valid UUID."),
    translatable("Not a valid number."),
    translatable("Number too large."),
    translatable("Not a valid integer."),
    translatable("Special numeric values (nan or infinity) are not permitted."),
    translatable("Not a valid boolean."),
    translatable("Not a valid datetime."),
    translatable("Not a valid aware datetime."),
    translatable("Not a valid naive datetime."),
    translatable("Not a valid date."),
    translatable("Not a valid time."),
    translatable("Not a valid period of time."),
    translatable("Not a valid list."),
    translatable("Not a valid tuple."),
    translatable("Not a valid mapping type."),
    translatable("Invalid type."),
    translatable("Invalid input type."),
    translatable("Unknown field."),
    translatable("Not a valid URL."),
    translatable("Not a valid email address."),
    translatable("String does not match expected pattern."),
    translatable("Invalid input."),
    translatable("Invalid JSON body."),
    translatable("Must be one of: {choices}."),
    translatable("Must be equal to {other}."),
    translatable("Shorter than minimum length {min}."),
    translatable("Longer than maximum length {max}."),
    translatable("Length must be between {min} and {max}."),
    translatable("Length must be {equal}."),
    translatable("Must be greater than or equal to {min}."),
    translatable("Must be greater than {min}."),
    translatable("Must be less than or equal to {max}."),
    translatable("Must be less than {max}."),
    translatable("Must be greater than or equal to {min} and less than or equal to {max}."),
    translatable("Must be greater than {min} and less than {max}."),
    translatable("Must be greater than or equal to {min} and less than {max}."),
    translatable("Must be greater than {min} and less than or equal to {max}."),
)


def _shape(template: str) -> re.Pattern[str]:
    """Return a pattern matching the template with any text in each ``{name}``."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(f"^{pattern}$", re.DOTALL)


# Longest first, so "between {min} and {max}" is tried before "{min}" alone.
_SHAPES = [
    (_shape(template), template)
    for template in sorted(LIBRARY_MESSAGES, key=len, reverse=True)
    if "{" in template
]


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


def in_language(message: str) -> str:
    """Return one message in the person's language, when the catalogue holds it.

    A message the catalogue does not hold stays as it is: English, or a person's own words.
    """
    if not message:
        return message  # gettext("") is the catalogue's header
    if isinstance(message, Message):
        return _filled(message.template, message.values)
    translated = gettext(message)
    if translated != message:
        return translated
    for shape, template in _SHAPES:
        match = shape.match(message)
        if match:
            return _filled(template, match.groupdict())
    return message


def _filled(template: str, values: dict[str, Any]) -> str:
    # The values are filled in after the look-up, as they were into the English;
    # a value that is itself a message (a push address's refusal) is translated too.
    shown = {
        name: gettext(value) if isinstance(value, str) and value else value
        for name, value in values.items()
    }
    return gettext(template).format(**shown)


def _in_language(errors: Any) -> Any:
    """Return field messages in the person's language (those the catalogue holds)."""
    if isinstance(errors, str):
        return in_language(errors)
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
