"""Where attachments' bytes are kept: one interface, a filesystem and an S3 backend.

Nothing here knows about records, users or Flask beyond reading the app's
settings in ``blob_store``. A blob store has two areas: *staging*, where an
upload's bytes gather chunk by chunk under its token, and *stored*, where a
whole, checked file is kept under its key. Files are read and written as
streams of chunks, never whole in memory, and are never given a public
address: the only way out is ``read``, called by an authorised download.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from flask import Flask, current_app

# How much a store reads or writes at a time.
CHUNK = 256 * 1024


class StagedBytesMissing(Exception):
    """Fewer bytes are staged for an upload than it has received: the staging area lost them."""


class BlobStore(Protocol):
    """The blob store every backend provides."""

    def append_staged(self, token: str, offset: int, chunk: BinaryIO) -> None:
        """Write ``chunk`` at ``offset`` of the upload's staged bytes, dropping any beyond it.

        Raise ``StagedBytesMissing`` if fewer than ``offset`` bytes are staged.
        """

    def read_staged(self, token: str, length: int) -> Iterator[bytes]:
        """Yield the first ``length`` staged bytes of an upload, a chunk at a time."""

    def discard_staged(self, token: str) -> None:
        """Forget an upload's staged bytes (nothing happens if there are none)."""

    def keep(self, token: str, length: int, key: str) -> None:
        """Move an upload's first ``length`` staged bytes to the stored file ``key``."""

    def read(self, key: str) -> Iterator[bytes]:
        """Yield a stored file's bytes, a chunk at a time."""

    def delete(self, key: str) -> None:
        """Delete a stored file (nothing happens if there is none)."""


def open_store(location: str, instance_path: str, s3_endpoint_url: str | None = None) -> BlobStore:
    """Return the blob store a location names: a folder, ``file://...`` or ``s3://bucket/prefix``."""
    if location.startswith("s3://"):
        from .s3 import S3Store

        parts = urlsplit(location)
        return S3Store(parts.netloc, parts.path.strip("/"), endpoint_url=s3_endpoint_url)
    from .filesystem import FilesystemStore

    if location.startswith("file://"):
        location = urlsplit(location).path
    folder = Path(location) if location else Path(instance_path) / "attachments"
    return FilesystemStore(folder)


def blob_store(app: Flask | None = None) -> BlobStore:
    """Return the app's blob store (``ATTACHMENT_STORAGE``), opened on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's documented way to reach the app
    store: BlobStore | None = app.extensions.get("blob_store")
    if store is None:
        store = open_store(
            app.config["ATTACHMENT_STORAGE"],
            app.instance_path,
            app.config["ATTACHMENT_S3_ENDPOINT_URL"],
        )
        app.extensions["blob_store"] = store
    return store
