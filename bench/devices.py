"""Transports for the reference sync client: in-process (Flask's test client) or timed HTTP."""

from __future__ import annotations

import threading
import time
from typing import Any

from flask import Flask

from sync.client import HttpTransport, decode_json, encode_json


class InProcessTransport:
    """Requests straight into the app, with no network: what the server itself costs."""

    def __init__(self, app: Flask):
        self.client = app.test_client()

    def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        response = self.client.post(
            path, data=encode_json(body), content_type="application/json", headers=headers
        )
        try:
            reply = decode_json(response.data) if response.data else None
        except ValueError:
            reply = None  # not JSON (an error page): as get_json(silent=True) would say
        return response.status_code, reply, dict(response.headers)


class Latencies:
    """Request times from many threads: (path, seconds, status).

    When the server says where a request's time went (its ``Server-Timing``
    header, see server/timing.py), ``phases`` keeps that too: (path, ms by phase).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.samples: list[tuple[str, float, int]] = []
        self.phases: list[tuple[str, dict[str, float]]] = []
        self.recording = False

    def add(
        self, path: str, seconds: float, status: int, phases: dict[str, float] | None = None
    ) -> None:
        if self.recording:
            with self._lock:
                self.samples.append((path, seconds, status))
                if phases:
                    self.phases.append((path, phases))


def server_timing(headers: dict[str, str]) -> dict[str, float]:
    """Return a ``Server-Timing`` header's durations in ms by name, if the answer has one."""
    value = next((v for k, v in headers.items() if k.lower() == "server-timing"), "")
    spent: dict[str, float] = {}
    for part in value.split(","):
        name, _, duration = part.strip().partition(";dur=")
        if name and duration:
            spent[name] = float(duration)
    return spent


class TimedHttpTransport(HttpTransport):
    """The reference client's HTTP transport, timing each request it sends."""

    def __init__(self, base_url: str, latencies: Latencies):
        super().__init__(base_url)
        self.latencies = latencies

    def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        started = time.perf_counter()
        status = 0  # a request that never got an answer
        phases: dict[str, float] = {}
        try:
            status, reply, answer_headers = super().post(path, body, headers)
            phases = server_timing(answer_headers)
            return status, reply, answer_headers
        finally:
            self.latencies.add(path, time.perf_counter() - started, status, phases)
