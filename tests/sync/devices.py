"""Devices for tests: the reference client, speaking through Flask's test client."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask

from sync.client import SyncClient
from tests.conftest import PASSWORD


class FlaskTransport:
    """The reference client's transport, over a Flask test client (one per device)."""

    def __init__(self, app: Flask):
        self.client = app.test_client()
        self.lose_next_response = False

    def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        response = self.client.post(path, json=body, headers=headers)
        if self.lose_next_response:
            # The server did the work; the device never hears back.
            self.lose_next_response = False
            raise ConnectionError("response lost")
        return response.status_code, response.get_json(silent=True), dict(response.headers)


def device(app: Flask, username: str, password: str = PASSWORD) -> SyncClient:
    """Return a signed-in device for ``username``."""
    client = SyncClient(FlaskTransport(app), uuid.uuid4())
    client.login(username, password)
    return client
