"""The S3 blob store: any S3-compatible object store (AWS S3, MinIO, Ceph...).

Each chunk of an upload is staged as its own object, named by its offset
(``<prefix>/staging/<token>/<offset>``), since S3 cannot append; a finished
upload is streamed from its chunks into the stored object
(``<prefix>/blobs/<key>``) by boto3's managed transfer, a part at a time,
and the chunks are deleted. Objects are private: the bucket needs no public
policy and the service never makes a presigned address.

Credentials come the usual boto3 ways (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, an instance role);
``ATTACHMENT_S3_ENDPOINT_URL`` points at a store other than AWS.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO

import boto3

from . import CHUNK, StagedBytesMissing

OFFSET_DIGITS = 16


class _ChunkReader(io.RawIOBase):
    """A read-only file over an iterator of byte chunks (what ``upload_fileobj`` reads)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            self._left = next(self._chunks, b"")
            if not self._left:
                return 0
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


class S3Store:
    """Blobs as private objects in one bucket, under a prefix."""

    def __init__(
        self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None, client: Any = None
    ) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url)

    def _staging(self, token: str) -> str:
        return f"{self.prefix}staging/{token}/"

    def _parts(self, token: str) -> list[tuple[int, str, int]]:
        """Return the staged chunks of an upload as (offset, object key, size), in order."""
        found: list[tuple[int, str, int]] = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._staging(token)
        )
        for page in pages:
            for item in page.get("Contents", []):
                found.append((int(item["Key"].rsplit("/", 1)[1]), item["Key"], item["Size"]))
        return sorted(found)

    def _delete_keys(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            if batch:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch})

    def append_staged(self, token: str, offset: int, chunk: BinaryIO) -> None:
        parts = self._parts(token)
        # Chunks at or past the offset are from a write whose upload was never moved on.
        self._delete_keys([key for at, key, _ in parts if at >= offset])
        staged = 0
        for at, _, size in parts:
            if at != staged or at >= offset:
                break
            staged += size
        if staged < offset:
            raise StagedBytesMissing(token)
        key = f"{self._staging(token)}{offset:0{OFFSET_DIGITS}d}"
        self.client.upload_fileobj(chunk, self.bucket, key)

    def read_staged(self, token: str, length: int) -> Iterator[bytes]:
        left = length
        for _, key, _ in self._parts(token):
            if left <= 0:
                return
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
            for block in body.iter_chunks(CHUNK):
                block = block[:left]
                left -= len(block)
                yield block
                if left <= 0:
                    break
            body.close()

    def discard_staged(self, token: str) -> None:
        self._delete_keys([key for _, key, _ in self._parts(token)])

    def keep(self, token: str, length: int, key: str) -> None:
        reader = io.BufferedReader(_ChunkReader(self.read_staged(token, length)), CHUNK)
        self.client.upload_fileobj(reader, self.bucket, f"{self.prefix}blobs/{key}")
        self.discard_staged(token)

    def read(self, key: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=f"{self.prefix}blobs/{key}")["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=f"{self.prefix}blobs/{key}")
