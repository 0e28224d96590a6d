"""Serve the progressive web app from the same origin as the API."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, send_from_directory

blp = Blueprint("pwa", __name__)

MEDIA_TYPES = {".webmanifest": "application/manifest+json", ".js": "text/javascript"}


def _send(path: str) -> Response:
    directory = Path(current_app.config["PWA_DIR"])
    mimetype = MEDIA_TYPES.get(Path(path).suffix)
    response = send_from_directory(directory, path, mimetype=mimetype)
    # The service worker script must always be fetched fresh to find updates.
    if path in ("sw.js", "index.html"):
        response.headers["Cache-Control"] = "no-cache"
    return response


@blp.route("/")
def index() -> Response:
    return _send("index.html")


@blp.route("/<path:path>")
def asset(path: str) -> Response:
    return _send(path)


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
