"""A stand-in for a browser vendor's push service, and a browser's subscription keys.

The service only records what it is sent; the test decrypts it with the
subscription's private key (RFC 8291, aes128gcm), as the browser would, and
checks the VAPID signature (RFC 8292) with the server's public key.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class BrowserKeys:
    """What a browser makes when it subscribes: a P-256 key pair and an auth secret."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        decoded: dict[str, Any] = json.loads(plain)
        return decoded


class FakePushService:
    """An HTTP endpoint that records each push and answers with a chosen status."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 201
        # Cleared, the service holds every push unanswered until a test sets it:
        # a slow push service, or one that never answers.
        self.answering = threading.Event()
        self.answering.set()
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @Request.application
    def _app(self, request: Request) -> Response:
        self.received.append(
            {"path": request.path, "headers": dict(request.headers), "body": request.get_data()}
        )
        self.answering.wait()
        return Response(status=self.status)

    def __enter__(self) -> FakePushService:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.answering.set()  # let any held push go, so the server can stop
        self.server.shutdown()
        self.thread.join(timeout=10)


def verify_vapid(headers: dict[str, str], public_key: str, endpoint_origin: str) -> dict[str, Any]:
    """Check the push's VAPID JWT against the server's public key; return its claims."""
    scheme, _, params = headers["Authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(item.strip().split("=", 1) for item in params.split(","))
    assert parts["k"] == public_key
    header, claims, signature = parts["t"].split(".")
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    decoded: dict[str, Any] = json.loads(unb64url(claims))
    assert decoded["aud"] == endpoint_origin
    return decoded


def iter_pushes(service: FakePushService) -> Iterator[dict[str, Any]]:
    yield from service.received
