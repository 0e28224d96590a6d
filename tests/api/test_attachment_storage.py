"""The blob stores: the filesystem always, and S3 against a real S3-compatible server.

The S3 server is moto's, run as its own process on this machine
(``moto_server``, a dev dependency): it speaks S3's HTTP API as MinIO and
AWS do, so boto3 talks to it exactly as to them.
"""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from server.storage import BlobStore, StagedBytesMissing
from server.storage.filesystem import FilesystemStore
from server.storage.s3 import S3Store

# The uploads' own fixture and steps, so the S3 store is tried as a device uses it.
from .test_attachments import JPEG, describe, record, upload

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-west-2",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run an S3-compatible server as a local process; yield its address."""
    program = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    if not Path(program).exists():
        pytest.fail("moto_server is missing: pip install the dev dependencies")
    port = _free_port()
    log = (tmp_path_factory.mktemp("s3") / "moto.log").open("wb")
    process = subprocess.Popen(
        [program, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    address = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the S3 server did not start")
            time.sleep(0.1)
    yield address
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def s3_bucket(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = f"attachments-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server)
    client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    return bucket


@pytest.fixture(params=["filesystem", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "filesystem":
        return FilesystemStore(tmp_path / "blobs")
    bucket = request.getfixturevalue("s3_bucket")
    return S3Store(bucket, "council", endpoint_url=request.getfixturevalue("s3_server"))


def joined(chunks: Iterator[bytes]) -> bytes:
    return b"".join(chunks)


def test_chunks_staged_in_order_are_kept_whole_and_read_back(store: BlobStore):
    store.append_staged("upload-1", 0, io.BytesIO(b"abc"))
    store.append_staged("upload-1", 3, io.BytesIO(b"defg"))

    assert joined(store.read_staged("upload-1", 7)) == b"abcdefg"
    assert joined(store.read_staged("upload-1", 5)) == b"abcde"
    store.keep("upload-1", 7, "file-1")
    assert joined(store.read("file-1")) == b"abcdefg"
    assert joined(store.read_staged("upload-1", 0)) == b""


def test_a_chunk_written_again_replaces_what_lay_beyond_its_offset(store: BlobStore):
    store.append_staged("upload-2", 0, io.BytesIO(b"abc"))
    store.append_staged("upload-2", 3, io.BytesIO(b"XXXX"))  # written, never counted

    store.append_staged("upload-2", 3, io.BytesIO(b"de"))

    store.keep("upload-2", 5, "file-2")
    assert joined(store.read("file-2")) == b"abcde"


def test_a_chunk_after_bytes_the_staging_area_lost_is_refused(store: BlobStore):
    with pytest.raises(StagedBytesMissing):
        store.append_staged("upload-3", 10, io.BytesIO(b"late"))


def test_deleting_is_final_and_deleting_again_is_harmless(store: BlobStore):
    store.append_staged("upload-4", 0, io.BytesIO(b"bytes"))
    store.keep("upload-4", 5, "file-4")
    store.append_staged("upload-5", 0, io.BytesIO(b"half"))

    store.delete("file-4")
    store.delete("file-4")
    store.discard_staged("upload-5")

    assert joined(store.read_staged("upload-5", 4)) == b""
    with pytest.raises((FileNotFoundError, ClientError)):  # S3's NoSuchKey is a ClientError
        joined(store.read("file-4"))


def test_a_photo_uploaded_to_the_s3_store_is_stored_there_and_downloaded(
    case,
    app,
    s3_server,
    s3_bucket,
):
    app.config["ATTACHMENT_STORAGE"] = f"s3://{s3_bucket}/fieldwork"
    app.config["ATTACHMENT_S3_ENDPOINT_URL"] = s3_server
    attachment = describe(case, JPEG)

    assert upload(case["amara"], attachment, JPEG, size=40_000).status_code == 204

    assert record(case, attachment["id"])["upload_state"] == "stored"
    listed = boto3.client("s3", endpoint_url=s3_server).list_objects_v2(Bucket=s3_bucket)
    assert [item["Key"] for item in listed["Contents"]] == [
        f"fieldwork/blobs/{uuid.UUID(attachment['id']).hex}"
    ]
    download = case["amara"].get(f"/api/v1/attachments/{attachment['id']}/content")
    assert download.data == JPEG
