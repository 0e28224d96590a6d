"""Attachments: the record syncs first, the bytes follow by tus, and only its readers read them."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import socket
import socketserver
import struct
import threading
import uuid
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.jobs.retention import delete_records_past_retention
from server.persistence import Attachment, AttachmentUpload, AuditEvent, Family, Person
from tests.api.test_subject_access import export_bundle
from tests.conftest import ApiClient
from tests.workers import work_queue

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


def test_a_dropped_connection_resumes_from_the_offset_head_gives(case):
    amara = case["amara"]
    attachment = describe(case, JPEG)
    location = begin(amara, attachment).headers["Location"]
    first = JPEG[:100_000]
    assert send(amara, location, 0, first, chunk_checksum(first)).status_code == 204

    # The next chunk, without a checksum, is cut off after 30,000 of its 100,000 bytes.
    cut_off = amara.client.patch(
        location,
        input_stream=io.BytesIO(JPEG[100_000:130_000]),
        headers=amara._headers(
            {
                **TUS,
                "Upload-Offset": "100000",
                "Content-Type": "application/offset+octet-stream",
                "Content-Length": "100000",
            }
        ),
    )
    assert cut_off.status_code == 204  # what arrived is kept, as tus advises

    offset = offset_of(amara, location)
    assert offset == 130_000
    rest = JPEG[offset:]
    assert send(amara, location, offset, rest, chunk_checksum(rest)).status_code == 204
    assert record(case, attachment["id"])["upload_state"] == "stored"
    download = amara.get(f"/api/v1/attachments/{attachment['id']}/content")
    assert download.data == JPEG


def test_part_of_a_checksummed_chunk_is_never_kept(case):
    amara = case["amara"]
    attachment = describe(case, JPEG)
    location = begin(amara, attachment).headers["Location"]
    chunk = JPEG[:100_000]

    cut_off = amara.client.patch(
        location,
        input_stream=io.BytesIO(chunk[:10_000]),
        headers=amara._headers(
            {
                **TUS,
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
                "Upload-Checksum": chunk_checksum(chunk),
                "Content-Length": "100000",
            }
        ),
    )

    # Cut short, it cannot match its checksum: nothing of it is kept, and it is sent again.
    assert cut_off.status_code == 460
    assert offset_of(amara, location) == 0


def test_a_damaged_chunk_is_refused_with_460_and_taken_when_sent_again(case):
    amara = case["amara"]
    attachment = describe(case, JPEG)
    location = begin(amara, attachment).headers["Location"]
    chunk = JPEG[:100_000]
    damaged = chunk[:500] + b"\x00" + chunk[501:]

    refused = send(amara, location, 0, damaged, chunk_checksum(chunk))

    assert refused.status_code == 460
    assert refused.json["code"] == "checksum_mismatch"
    assert refused.headers["Tus-Resumable"] == "1.0.0"
    assert offset_of(amara, location) == 0
    assert send(amara, location, 0, chunk, chunk_checksum(chunk)).status_code == 204
    assert offset_of(amara, location) == 100_000


def test_a_chunk_for_the_wrong_offset_is_refused_with_the_right_one(case):
    amara = case["amara"]
    attachment = describe(case, JPEG)
    location = begin(amara, attachment).headers["Location"]

    response = send(amara, location, 5, JPEG[5:100])

    assert response.status_code == 409
    assert response.json["errors"] == {"Upload-Offset": ["0"]}


def test_posting_twice_resumes_the_same_upload_and_stores_the_file_once(case, app, tmp_path):
    amara = case["amara"]
    attachment = describe(case, JPEG)
    first = begin(amara, attachment)
    chunk = JPEG[:100_000]
    send(amara, first.headers["Location"], 0, chunk, chunk_checksum(chunk))

    again = begin(amara, attachment)  # a device that lost the address

    assert again.status_code == 201
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Upload-Offset"] == "100000"
    assert upload(amara, attachment, JPEG).status_code == 204
    stored = begin(amara, attachment)
    assert stored.headers["Upload-Offset"] == str(len(JPEG))
    assert stored.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AttachmentUpload)) == 1
    blobs = list((tmp_path / "attachments" / "blobs").iterdir())
    assert [blob.read_bytes() for blob in blobs] == [JPEG]
    assert list((tmp_path / "attachments" / "staging").iterdir()) == []


def test_a_file_whose_sha256_is_not_the_records_is_refused(case, tmp_path):
    attachment = describe(case, JPEG, sha256=sha256_hex(b"another photo"))

    response = upload(case["amara"], attachment, JPEG)

    assert response.status_code == 422
    assert response.json["errors"] == {"refused_reason": ["sha256_mismatch"]}
    refused = record(case, attachment["id"])
    assert (refused["upload_state"], refused["refused_reason"]) == ("refused", "sha256_mismatch")
    assert list((tmp_path / "attachments" / "staging").iterdir()) == []
    # Sending it again cannot help: the device is told at once.
    assert begin(case["amara"], attachment).status_code == 422
    download = case["amara"].get(f"/api/v1/attachments/{attachment['id']}/content")
    assert download.status_code == 409


def test_a_file_is_judged_by_its_bytes_not_its_name(case):
    attachment = describe(case, PDF, filename="letter.jpg", content_type="image/jpeg")

    assert upload(case["amara"], attachment, PDF).status_code == 204

    download = case["amara"].get(f"/api/v1/attachments/{attachment['id']}/content")
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.data == PDF


def test_a_program_is_refused_whatever_it_is_called(case):
    attachment = describe(case, PROGRAM, filename="drawing.png", content_type="image/png")

    response = upload(case["amara"], attachment, PROGRAM)

    assert response.status_code == 422
    refused = record(case, attachment["id"])
    assert refused["refused_reason"] == "content_type_not_allowed"


def test_a_file_over_the_limit_is_refused_before_a_byte_is_sent(case, app):
    app.config["ATTACHMENT_MAX_BYTES"] = 100_000
    attachment = describe(case, JPEG)

    response = begin(case["amara"], attachment)

    assert response.status_code == 413
    assert response.json["code"] == "too_large"


def test_the_upload_length_must_be_the_records_size(case):
    attachment = describe(case, JPEG)

    response = begin(case["amara"], attachment, length=len(JPEG) - 1)

    assert response.status_code == 422
    assert "Upload-Length" in response.json["errors"]


def test_uploads_speak_tus_and_need_the_csrf_token(case):
    amara = case["amara"]
    attachment = describe(case, JPEG)
    without_version = amara.post(
        UPLOADS,
        headers={"Upload-Length": str(len(JPEG)), "Upload-Metadata": metadata(attachment["id"])},
    )
    assert without_version.status_code == 422
    assert "Tus-Resumable" in without_version.json["errors"]
    without_token = amara.client.post(
        UPLOADS,
        headers={
            **TUS,
            "Upload-Length": str(len(JPEG)),
            "Upload-Metadata": metadata(attachment["id"]),
        },
    )
    assert without_token.status_code == 403


def test_an_upload_for_an_attachment_not_yet_synced_or_out_of_scope_is_not_found(
    case, make_user, make_client
):
    attachment = describe(case, JPEG)
    unknown = {**attachment, "id": str(uuid.uuid4())}
    assert begin(case["amara"], unknown).status_code == 404
    make_user("caseworker", username="ben", team="South")
    ben = make_client("ben")
    assert begin(ben, attachment).status_code == 404
    location = begin(case["amara"], attachment).headers["Location"]
    assert ben.client.head(location, headers=TUS).status_code == 404
    assert send(ben, location, 0, JPEG[:10]).status_code == 404


def test_only_those_who_may_read_the_record_download_it_and_each_download_is_audited(
    case, app, make_user, make_client
):
    attachment = describe(case, JPEG, filename="Sam's drawing — home.jpg")
    upload(case["amara"], attachment, JPEG)
    url = f"/api/v1/attachments/{attachment['id']}/content"
    make_user("supervisor", username="sol", team="South")
    make_user("caseworker", username="ben")  # Amara's team, not the Okoros' worker

    hannah = make_client("hannah")  # Amara's supervisor
    download = hannah.get(url)

    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="Sam\'s drawing _ home.jpg"; '
        "filename*=UTF-8''Sam%27s%20drawing%20%E2%80%94%20home.jpg"
    )
    for outsider in ("sol", "ben"):
        refused = make_client(outsider).get(url)
        assert refused.status_code == 404
        assert refused.json["code"] == "not_found"
    with app.app_context():
        reads = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.entity == "attachment",
                AuditEvent.action == "read",
                AuditEvent.record_id == uuid.UUID(attachment["id"]),
            )
        ).all()
    assert len(reads) == 1
    assert reads[0].family_id == uuid.UUID(case["family"])
    assert reads[0].detail == {"content": True}


def test_an_attachment_belongs_to_a_record_of_its_own_family(case, make_family, make_user):
    response = case["amara"].post(
        "/api/attachments",
        json={
            "family_id": case["family"],
            "parent_kind": "visit",
            "parent_id": case["note"],  # a note, not a visit
            "filename": "drawing.jpg",
            "content_type": "image/jpeg",
            "byte_size": 10,
            "sha256": sha256_hex(b"0123456789"),
        },
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"parent_id": ["No such record in this family."]}
    of_sam = describe(case, JPEG, parent_kind="person", parent_id=case["Sam"])
    assert of_sam["parent_kind"] == "person"
    folder = case["amara"].post(
        "/api/attachments",
        json={
            "family_id": case["family"],
            "parent_kind": "note",
            "parent_id": case["note"],
            "filename": "../secret.jpg",
            "content_type": "image/jpeg",
            "byte_size": 10,
            "sha256": sha256_hex(b"0123456789"),
        },
    )
    assert folder.status_code == 422
    assert "filename" in folder.json["errors"]


def test_an_attachment_syncs_first_and_its_state_follows_on_pull(case, make_client):
    amara = case["amara"]
    device = str(amara.device_id)
    attachment_id = str(uuid.uuid4())
    pushed = amara.post(
        "/api/sync/push",
        json={
            "device_id": device,
            "schema_version": 1,
            "mutations": [
                {
                    "mutation_id": 1,
                    "entity": "attachment",
                    "op": "create",
                    "id": attachment_id,
                    "data": {
                        "family_id": case["family"],
                        "parent_kind": "note",
                        "parent_id": case["note"],
                        "filename": "drawing.jpg",
                        "content_type": "image/jpeg",
                        "byte_size": len(JPEG),
                        "sha256": sha256_hex(JPEG),
                    },
                    "client_ts": "2026-12-05T12:16:00Z",
                }
            ],
        },
    )
    assert pushed.status_code == 200, pushed.json
    assert pushed.json["results"][0]["status"] == "applied", pushed.json
    attachment = record(case, attachment_id)
    assert attachment["device_written_at"] == "2026-12-05T12:16:00+00:00"
    assert attachment["upload_state"] == "awaited"

    upload(amara, attachment, JPEG)

    hannah = make_client("hannah")
    pulled = hannah.post("/api/sync/pull", json={"device_id": str(hannah.device_id)}).json
    seen = [c for c in pulled["changes"] if c["entity"] == "attachment"]
    assert [(c["id"], c["data"]["upload_state"]) for c in seen] == [(attachment_id, "stored")]


def test_the_subject_access_bundle_holds_the_childs_attachments_with_their_files(
    case, app, make_user, make_client
):
    of_sam = describe(case, JPEG, parent_kind="person", parent_id=case["Sam"])
    upload(case["amara"], of_sam, JPEG)
    make_user("admin", username="root", team=None)

    _, archive = export_bundle(app, make_client("root"), case["Sam"])

    listed = json.loads(archive.read("attachment.json"))["records"]
    assert [row["id"] for row in listed] == [of_sam["id"]]
    assert archive.read(f"attachments/{of_sam['id']}-drawing.jpg") == JPEG


def test_deleting_a_family_under_retention_deletes_its_files(case, app, tmp_path):
    stored = describe(case, JPEG)
    upload(case["amara"], stored, JPEG)
    halfway = describe(case, PDF, filename="letter.pdf")
    location = begin(case["amara"], halfway).headers["Location"]
    send(case["amara"], location, 0, PDF[:20])
    folder = tmp_path / "attachments"
    assert len(list((folder / "blobs").iterdir())) == 1
    assert len(list((folder / "staging").iterdir())) == 1
    with app.app_context():
        family = db.session.get(Family, uuid.UUID(case["family"]))
        family.status, family.closed_on = "closed", date(2000, 4, 1)
        db.session.execute(
            sa.update(Person)
            .where(Person.family_name == "Okoro")
            .values(date_of_birth=date(1980, 1, 1))
        )
        db.session.commit()
        assert delete_records_past_retention() == 1
    work_queue(app, "default")

    assert list((folder / "blobs").iterdir()) == []
    assert list((folder / "staging").iterdir()) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


class ClamdServer(socketserver.ThreadingTCPServer):
    """The stand-in daemon, keeping every stream it was asked to scan."""

    scanned: list[bytes]


class ClamdStandIn(socketserver.BaseRequestHandler):
    """Speak clamd's INSTREAM as ClamAV's daemon does: FOUND for the EICAR test text, else OK."""

    def handle(self) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        assert command == b"zINSTREAM\0"
        received = b""
        while True:
            size = struct.unpack("!L", self._exactly(4))[0]
            if size == 0:
                break
            received += self._exactly(size)
        server = self.server
        assert isinstance(server, ClamdServer)
        server.scanned.append(received)
        found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in received
        self.request.sendall(b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0")

    def _exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            block = self.request.recv(count - len(data))
            assert block, "the client hung up mid-stream"
            data += block
        return data


@pytest.fixture
def clamd(app):
    server = ClamdServer(("127.0.0.1", 0), ClamdStandIn)
    server.scanned = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["ATTACHMENT_SCANNER"] = f"clamd://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def test_the_scanner_sees_every_byte_and_a_clean_file_is_stored(case, clamd):
    attachment = describe(case, JPEG)

    assert upload(case["amara"], attachment, JPEG).status_code == 204

    assert clamd.scanned == [JPEG]
    assert record(case, attachment["id"])["upload_state"] == "stored"


def test_a_file_the_scanner_finds_harmful_is_refused(case, clamd, tmp_path):
    infected = JPEG[:1000] + EICAR + JPEG[1000:]
    attachment = describe(case, infected)

    response = upload(case["amara"], attachment, infected)

    assert response.status_code == 422
    assert response.json["errors"] == {"refused_reason": ["malware_found"]}
    assert record(case, attachment["id"])["refused_reason"] == "malware_found"
    assert list((tmp_path / "attachments" / "blobs").iterdir()) == []


def test_while_the_scanner_is_away_nothing_is_judged_and_posting_again_judges_it(case, app):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    app.config["ATTACHMENT_SCANNER"] = f"clamd://127.0.0.1:{port}"
    attachment = describe(case, JPEG)

    response = upload(case["amara"], attachment, JPEG, size=len(JPEG))

    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert record(case, attachment["id"])["upload_state"] == "awaited"
    app.config["ATTACHMENT_SCANNER"] = "none"
    again = begin(case["amara"], attachment)
    assert again.headers["Upload-Offset"] == "0"  # the last chunk is sent again
    assert upload(case["amara"], attachment, JPEG).status_code == 204
    assert record(case, attachment["id"])["upload_state"] == "stored"
