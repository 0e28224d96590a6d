"""The filesystem blob store: the default, under the instance folder.

Staged uploads are files in ``staging/``, stored files in ``blobs/``; a
finished upload is renamed from one to the other, which is atomic on one
filesystem. Files are created readable by the service's user only.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from . import CHUNK, StagedBytesMissing

# Tokens and keys are ours (random text, UUIDs): anything else is a fault, never a path.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def _safe(name: str) -> str:
    if not _SAFE_NAME.match(name):
        raise ValueError("A blob's name is letters, digits, hyphens and underscores.")
    return name


class FilesystemStore:
    """Blobs as files in a folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / "staging"
        self.blobs = root / "blobs"
        for folder in (self.staging, self.blobs):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _staged(self, token: str) -> Path:
        return self.staging / _safe(token)

    def _stored(self, key: str) -> Path:
        return self.blobs / _safe(key)

    def append_staged(self, token: str, offset: int, chunk: BinaryIO) -> None:
        path = self._staged(token)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "r+b") as staged:
            if os.fstat(staged.fileno()).st_size < offset:
                raise StagedBytesMissing(token)
            # Bytes past the offset are from a write whose upload was never moved on.
            staged.truncate(offset)
            staged.seek(offset)
            shutil.copyfileobj(chunk, staged, CHUNK)
            staged.flush()
            os.fsync(staged.fileno())

    def read_staged(self, token: str, length: int) -> Iterator[bytes]:
        yield from _read(self._staged(token), length)

    def discard_staged(self, token: str) -> None:
        self._staged(token).unlink(missing_ok=True)

    def keep(self, token: str, length: int, key: str) -> None:
        staged = self._staged(token)
        with staged.open("r+b") as file:
            file.truncate(length)
        os.replace(staged, self._stored(key))

    def read(self, key: str) -> Iterator[bytes]:
        yield from _read(self._stored(key), None)

    def delete(self, key: str) -> None:
        self._stored(key).unlink(missing_ok=True)


def _read(path: Path, length: int | None) -> Iterator[bytes]:
    with path.open("rb") as file:
        left = length
        while left is None or left > 0:
            block = file.read(CHUNK if left is None else min(CHUNK, left))
            if not block:
                return
            if left is not None:
                left -= len(block)
            yield block
