"""The pull cursor: opaque to devices, a pointer to a server-side checkpoint.

A cursor names the server's epoch (which changes when the database is
restored from a backup), the schema version, and the checkpoint that records
how far the device has been brought. A cursor the server cannot honour is
answered with reset_required.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass

from .protocol import SCHEMA_VERSION


class CursorError(ValueError):
    """The cursor is malformed, from another server epoch, or from an old schema."""


@dataclass(frozen=True)
class Cursor:
    epoch: str
    schema_version: int
    checkpoint_id: uuid.UUID

    def encode(self) -> str:
        raw = json.dumps([self.epoch, self.schema_version, self.checkpoint_id.hex]).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            epoch, schema_version, checkpoint = json.loads(raw)
            # Only the server writes cursors: anything but its exact shape is unreadable
            # (a non-string checkpoint would otherwise escape as AttributeError).
            if not (
                isinstance(epoch, str)
                and type(schema_version) is int
                and isinstance(checkpoint, str)
            ):
                raise TypeError("cursor fields have the wrong types")
            return cls(epoch, schema_version, uuid.UUID(hex=checkpoint))
        except (binascii.Error, ValueError, TypeError) as error:
            raise CursorError("The cursor could not be read.") from error

    def ensure_current(self, epoch: str) -> None:
        """Refuse a cursor from another epoch or schema: the device must re-pull."""
        if self.epoch != epoch:
            raise CursorError("The server's data was restored or replaced since this cursor.")
        if self.schema_version != SCHEMA_VERSION:
            raise CursorError("The sync schema changed since this cursor.")
