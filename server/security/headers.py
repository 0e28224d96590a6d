"""Security headers on every response the app sends, errors included."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask
from werkzeug.datastructures import Headers

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",  # blob: a photo attached to a record, opened on the device
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def add_security_headers(headers: Headers, path: str, *, production: bool) -> None:
    """Set the security headers on one response's headers."""
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if production:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if path.startswith("/api/"):
        # Case data must never sit in a shared or disk cache.
        headers["Cache-Control"] = "no-store"


class SecurityHeadersMiddleware:
    """Add the headers to every response the app sends, at the outermost layer.

    As WSGI middleware rather than an ``after_request`` hook, it also covers
    responses Flask finishes without its hooks (a failure while finishing
    one, an error raised before routing), so no answer of the app lacks them.
    What a proxy or gunicorn answers on its own is theirs to set
    (docs/operations.md).
    """

    def __init__(self, app: Flask, wsgi_app: WSGIApplication):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        production = bool(self.app.config["PRODUCTION"])

        def start(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            all_headers = Headers(headers)
            add_security_headers(all_headers, path, production=production)
            return start_response(status, all_headers.to_wsgi_list(), exc_info)

        return self.wsgi_app(environ, start)


def init_app(app: Flask) -> None:
    app.wsgi_app = SecurityHeadersMiddleware(app, app.wsgi_app)  # type: ignore[method-assign]  # Flask's documented way to add middleware
