"""Deleting attachments' bytes from the blob store once their records are deleted."""

from __future__ import annotations

from ..services import attachments
from .context import with_app_context
from .queue import DEFAULT_QUEUE, runs_on


@runs_on(DEFAULT_QUEUE)
@with_app_context
def delete_blobs(keys: list[str], tokens: list[str]) -> None:
    """Delete stored files and staged uploads; idempotent (each may be gone already)."""
    attachments.delete_blobs(keys, tokens)
