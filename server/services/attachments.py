"""Attachments' bytes: resumable uploads, judging a finished file, downloads, deletion.

The ``attachment`` record is made like any case record (``case_records``,
through sync or the REST routes); this service receives its bytes. An upload
is begun once per attachment (a second begin answers the same upload, so a
device that lost its address resumes and the file is stored once), takes
chunks at its offset, and when the last byte arrives judges the whole file:
its SHA-256 must be the record's, its type (from its bytes) one we accept,
and the malware scanner must find nothing. Then it is stored and the record
says ``stored``, or the staged bytes are dropped and the record says
``refused`` with the reason. Chunks are never held whole in memory beyond
what the API spooled, nor files at all.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app

from .. import access, clock
from ..audit import Actor, AuditAction, record_event
from ..domain.attachments import (
    REFUSED_MESSAGES,
    SNIFF_BYTES,
    RefusedReason,
    UploadState,
    sniff_content_type,
)
from ..domain.errors import (
    ChunkChecksumMismatch,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleBroken,
    TooLarge,
    TryLater,
    UploadOffsetMismatch,
    UploadRefused,
    UploadRestarted,
    translatable,
)
from ..domain.roles import Action, can
from ..extensions import db
from ..jobs.queue import enqueue_after_commit
from ..persistence import Attachment, AttachmentUpload, User
from ..security.malware_scan import ScannerUnavailable, scan
from ..storage import StagedBytesMissing, blob_store

ENTITY = "attachment"


@dataclass(frozen=True)
class Chunk:
    """A chunk the API received, spooled: its bytes, size and SHA-256."""

    file: BinaryIO
    size: int
    sha256: bytes


def storage_key(attachment_id: uuid.UUID) -> str:
    """Return the name a stored attachment's bytes are kept under."""
    return attachment_id.hex


def _writable(actor: User, attachment_id: uuid.UUID) -> Attachment:
    # Scope first: out of scope is "not found", whatever the role.
    attachment = access.get_visible(Attachment, actor, attachment_id, for_update=True)
    if not can(actor.role, Action.WRITE_CASE):
        raise Forbidden()
    return attachment


def _upload_for(attachment_id: uuid.UUID) -> AttachmentUpload | None:
    return db.session.scalar(
        sa.select(AttachmentUpload).where(AttachmentUpload.attachment_id == attachment_id)
    )


def _refused(attachment: Attachment) -> UploadRefused:
    reason = RefusedReason(str(attachment.refused_reason))
    return UploadRefused(REFUSED_MESSAGES[reason], errors={"refused_reason": [reason.value]})


def begin(actor: Actor, attachment_id: uuid.UUID, length: int) -> AttachmentUpload:
    """Begin the upload of an attachment's bytes, or return the one already begun."""
    attachment = _writable(actor.user, attachment_id)
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if length > limit:
        raise TooLarge(
            translatable("A file may be at most {most} MB.", most=limit // (1024 * 1024))
        )
    if length != attachment.byte_size:
        raise InvalidInput(
            errors={
                "Upload-Length": [
                    translatable(
                        "The attachment is {length} bytes long.", length=attachment.byte_size
                    )
                ]
            }
        )
    if attachment.upload_state == UploadState.REFUSED:
        raise _refused(attachment)
    upload = _upload_for(attachment.id)
    if upload is None:
        upload = AttachmentUpload(
            token=secrets.token_urlsafe(32),
            attachment_id=attachment.id,
            family_id=attachment.family_id,
            length=length,
            received=0,
            created_by_id=actor.user.id,
        )
        db.session.add(upload)
        record_event(
            AuditAction.CREATE,
            "attachment_upload",
            record_id=attachment.id,
            family_id=attachment.family_id,
            actor=actor,
        )
        db.session.flush()
    elif upload.received == upload.length and upload.finished_at is None:
        # Every byte came but the file was not judged (the scanner was away): judge it now.
        _finish(actor, upload, attachment)
    return upload


def ensure_not_refused(upload: AttachmentUpload) -> None:
    """Raise UploadRefused if the upload's file was judged and refused (after that is committed)."""
    attachment = db.session.get(Attachment, upload.attachment_id)
    if attachment is not None and attachment.upload_state == UploadState.REFUSED:
        raise _refused(attachment)


def upload_of(actor: User, token: str, *, for_update: bool = False) -> AttachmentUpload:
    """Return an upload of an attachment the user may see, or raise NotFound."""
    query = sa.select(AttachmentUpload).where(AttachmentUpload.token == token)
    upload = db.session.scalar(query.with_for_update() if for_update else query)
    if upload is None:
        raise NotFound()
    access.get_visible(Attachment, actor, upload.attachment_id)
    return upload


def ensure_at(upload: AttachmentUpload, offset: int) -> None:
    """Refuse a chunk for any offset but the one the upload is at."""
    if upload.finished_at is not None:
        raise UploadOffsetMismatch(
            translatable("Every byte of this file has arrived."),
            errors={"Upload-Offset": [str(upload.length)]},
        )
    if offset != upload.received:
        raise UploadOffsetMismatch(errors={"Upload-Offset": [str(upload.received)]})


def append(
    actor: Actor, token: str, offset: int, chunk: Chunk, checksum: bytes | None
) -> AttachmentUpload:
    """Add a chunk at ``offset``; judge and store the file when it is whole."""
    upload = upload_of(actor.user, token, for_update=True)
    attachment = _writable(actor.user, upload.attachment_id)
    ensure_at(upload, offset)
    if checksum is not None and not secrets.compare_digest(checksum, chunk.sha256):
        raise ChunkChecksumMismatch()
    if offset + chunk.size > upload.length:
        raise TooLarge(
            translatable(
                "The file is {length} bytes long; this chunk goes past its end.",
                length=upload.length,
            )
        )
    if chunk.size:
        store = blob_store()
        try:
            store.append_staged(upload.token, offset, chunk.file)
        except StagedBytesMissing:
            # The staging area lost this upload's bytes: start it again from the beginning.
            upload.received = 0
            raise UploadRestarted(errors={"Upload-Offset": ["0"]}) from None
        upload.received = offset + chunk.size
    if upload.received == upload.length:
        _finish(actor, upload, attachment)
    return upload


def _finish(actor: Actor, upload: AttachmentUpload, attachment: Attachment) -> None:
    """Judge a whole file: store it, or refuse it and drop its bytes."""
    store = blob_store()
    digest = hashlib.sha256()
    head = b""
    for block in store.read_staged(upload.token, upload.length):
        if len(head) < SNIFF_BYTES:
            head += block[: SNIFF_BYTES - len(head)]
        digest.update(block)
    if digest.hexdigest() != attachment.sha256:
        _refuse(actor, upload, attachment, RefusedReason.SHA256_MISMATCH)
        return
    found = sniff_content_type(head)
    if found is None:
        _refuse(actor, upload, attachment, RefusedReason.CONTENT_TYPE)
        return
    try:
        verdict = scan(
            current_app.config["ATTACHMENT_SCANNER"], store.read_staged(upload.token, upload.length)
        )
    except ScannerUnavailable as error:
        current_app.logger.warning("attachment scan unavailable: %s", error)
        raise TryLater(
            translatable("The file arrived but could not be checked yet. Try again soon.")
        ) from error
    if not verdict.clean:
        current_app.logger.warning("attachment %s refused: malware found", attachment.id)
        _refuse(actor, upload, attachment, RefusedReason.MALWARE)
        return
    _settle(actor, upload, attachment, UploadState.STORED, content_type_found=found)
    db.session.flush()
    store.keep(upload.token, upload.length, storage_key(attachment.id))


def _refuse(
    actor: Actor, upload: AttachmentUpload, attachment: Attachment, reason: RefusedReason
) -> None:
    _settle(actor, upload, attachment, UploadState.REFUSED, refused_reason=reason.value)
    blob_store().discard_staged(upload.token)


def _settle(
    actor: Actor,
    upload: AttachmentUpload,
    attachment: Attachment,
    state: UploadState,
    *,
    refused_reason: str | None = None,
    content_type_found: str | None = None,
) -> None:
    # The record's one server-side change: devices learn of it on their next pull.
    attachment.upload_state = state.value
    attachment.refused_reason = refused_reason
    attachment.content_type_found = content_type_found
    attachment.version += 1
    upload.finished_at = clock.now()
    record_event(
        AuditAction.UPDATE,
        ENTITY,
        record_id=attachment.id,
        family_id=attachment.family_id,
        detail={
            "upload_state": state.value,
            **({"refused": refused_reason} if refused_reason else {}),
        },
        actor=actor,
    )


def content(actor: Actor, attachment_id: uuid.UUID) -> tuple[Attachment, Iterator[bytes]]:
    """Return a stored attachment the user may see and its bytes; audit the read."""
    attachment = access.get_visible(Attachment, actor.user, attachment_id)
    if attachment.upload_state != UploadState.STORED:
        raise RuleBroken(
            translatable("The file has not arrived yet.")
            if attachment.upload_state == UploadState.AWAITED
            else REFUSED_MESSAGES[RefusedReason(str(attachment.refused_reason))]
        )
    record_event(
        AuditAction.READ,
        ENTITY,
        record_id=attachment.id,
        family_id=attachment.family_id,
        detail={"content": True},
        actor=actor,
    )
    return attachment, blob_store().read(storage_key(attachment.id))


def forget_blobs_of(family_ids: Iterable[uuid.UUID]) -> None:
    """Delete these families' stored and staged bytes once their records' deletion commits."""
    ids = list(family_ids)
    keys = [
        storage_key(attachment_id)
        for attachment_id in db.session.scalars(
            sa.select(Attachment.id).where(Attachment.family_id.in_(ids))
        )
    ]
    tokens = list(
        db.session.scalars(
            sa.select(AttachmentUpload.token).where(
                AttachmentUpload.family_id.in_(ids), AttachmentUpload.finished_at.is_(None)
            )
        )
    )
    if keys or tokens:
        enqueue_after_commit("server.jobs.attachments.delete_blobs", keys, tokens)


def delete_blobs(keys: Iterable[str], tokens: Iterable[str]) -> None:
    """Delete stored files and staged uploads from the blob store (each may be gone already)."""
    store = blob_store()
    for key in keys:
        store.delete(key)
    for token in tokens:
        store.discard_staged(token)


def read_all(attachment: Attachment) -> Iterator[bytes]:
    """Yield a stored attachment's bytes (for the subject access bundle: not audited here)."""
    return blob_store().read(storage_key(attachment.id))
