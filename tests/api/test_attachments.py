"""Attachments: the record syncs first, the bytes follow by tus, and only its readers read them."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import pytest

from tests.conftest import ApiClient

from .casework import created

UPLOADS = "/api/v1/attachments/uploads"
TUS = {"Tus-Resumable": "1.0.0"}
# The first bytes of a real JPEG (SOI, APP0 JFIF), padded to a few chunks' worth.
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + bytes(range(256)) * 1200
    + b"\xff\xd9"
)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
# An ELF program, as a phone might be tricked into attaching one.
PROGRAM = b"\x7fELF\x02\x01\x01\x00" + bytes(200)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chunk_checksum(data: bytes) -> str:
    return "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode()


def metadata(attachment_id: str) -> str:
    return "attachment_id " + base64.b64encode(attachment_id.encode()).decode()


@pytest.fixture
def case(okoro, make_client) -> dict[str, Any]:
    """The Okoros, their worker Amara signed in, and a note of a visit to attach to."""
    amara = make_client("amara")
    note = created(
        amara.post(
            "/api/notes",
            json={"family_id": okoro["family"], "sections": {"what_happened": "Sam drew."}},
        )
    )
    return {**okoro, "amara": amara, "note": note["id"]}


def describe(case: dict[str, Any], data: bytes, **overrides: Any) -> dict[str, Any]:
    """Make the attachment's record, as a device's sync would before its bytes."""
    body = {
        "id": str(uuid.uuid4()),
        "family_id": case["family"],
        "parent_kind": "note",
        "parent_id": case["note"],
        "filename": "drawing.jpg",
        "content_type": "image/jpeg",
        "byte_size": len(data),
        "sha256": sha256_hex(data),
        "caption": "Sam's drawing of home",
        **overrides,
    }
    return created(case["amara"].post("/api/attachments", json=body))


def begin(client: ApiClient, attachment: dict[str, Any], length: int | None = None) -> Any:
    return client.post(
        UPLOADS,
        headers={
            **TUS,
            "Upload-Length": str(attachment["byte_size"] if length is None else length),
            "Upload-Metadata": metadata(attachment["id"]),
        },
    )


def send(
    client: ApiClient, location: str, offset: int, data: bytes, checksum: str | None = None
) -> Any:
    headers = {
        **TUS,
        "Upload-Offset": str(offset),
        "Content-Type": "application/offset+octet-stream",
    }
    if checksum is not None:
        headers["Upload-Checksum"] = checksum
    return client.client.patch(location, data=data, headers=client._headers(headers))


def offset_of(client: ApiClient, location: str) -> int:
    response = client.client.head(location, headers=TUS)
    assert response.status_code == 200
    assert response.headers["Tus-Resumable"] == "1.0.0"
    return int(response.headers["Upload-Offset"])


def upload(client: ApiClient, attachment: dict[str, Any], data: bytes, size: int = 100_000) -> Any:
    """Upload every byte in checksummed chunks; return the last answer."""
    location = begin(client, attachment).headers["Location"]
    response = None
    for offset in range(offset_of(client, location), len(data), size):
        chunk = data[offset : offset + size]
        response = send(client, location, offset, chunk, chunk_checksum(chunk))
        if response.status_code != 204:
            return response
    return response


def record(case: dict[str, Any], attachment_id: str) -> dict[str, Any]:
    response = case["amara"].get(f"/api/attachments/{attachment_id}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json
    return body


def test_the_server_describes_the_upload_protocol_it_speaks(case):
    response = case["amara"].client.options(UPLOADS)

    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {"creation", "checksum"}
    assert response.headers["Tus-Checksum-Algorithm"] == "sha256"
    assert int(response.headers["Tus-Max-Size"]) == 20 * 1024 * 1024


def test_a_photo_uploaded_in_chunks_is_stored_and_downloaded_as_an_attachment(case, app):
    attachment = describe(case, JPEG)
    assert attachment["upload_state"] == "awaited"

    response = upload(case["amara"], attachment, JPEG)

    assert response.status_code == 204
    assert int(response.headers["Upload-Offset"]) == len(JPEG)
    stored = record(case, attachment["id"])
    assert stored["upload_state"] == "stored"
    assert stored["refused_reason"] is None
    download = case["amara"].get(f"/api/v1/attachments/{attachment['id']}/content")
    assert download.status_code == 200
    assert download.data == JPEG
    assert download.headers["Content-Type"] == "image/jpeg"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"drawing.jpg\"; filename*=UTF-8''drawing.jpg"
    )
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
