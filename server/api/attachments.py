"""Attachments' bytes: a tus 1.0.0 resumable upload, and the authorised download.

The ``attachment`` record itself syncs like any case record (``/api/attachments``
and the sync push); its bytes come here. Uploads follow the tus protocol
(https://tus.io/protocols/resumable-upload), core with the creation and
checksum extensions, at ``/api/v1/attachments/uploads``; docs/sync.md has the
headers. The session cookie and ``X-CSRF-Token`` are checked as for every
other write. Handlers only read headers and bodies: ``services.attachments``
does the rest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import tempfile
import uuid
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, TypeVar, cast
from urllib.parse import quote

from flask import Response, current_app, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates
from werkzeug.exceptions import ClientDisconnected

from ..domain.errors import InvalidInput, RuleBroken, translatable
from ..persistence import AttachmentUpload
from ..security.sessions import current_user, public
from ..services import attachments
from .common import blueprint, current_actor

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,checksum"
TUS_CHECKSUM_ALGORITHMS = "sha256"
OFFSET_OCTET_STREAM = "application/offset+octet-stream"
UPLOADS_PATH = "/api/v1/attachments/uploads"
# A chunk is spooled in memory up to this size, then to a temporary file.
SPOOL_IN_MEMORY = 1024 * 1024
READ_BLOCK = 64 * 1024

View = TypeVar("View", bound=Callable[..., Any])

blp = blueprint(
    "attachment_content",
    "/api/v1/attachments",
    "Attachments' bytes: resumable upload (tus 1.0.0) and authorised download",
)


@blp.after_request
def say_tus_version(response: Response) -> Response:
    """Name the tus version on every answer of the upload routes, errors included."""
    if request.path.startswith(UPLOADS_PATH):
        response.headers["Tus-Resumable"] = TUS_VERSION
    return response


def _metadata(value: str) -> dict[str, str]:
    """Read ``Upload-Metadata``: comma-separated keys, each with a base64 value."""
    pairs: dict[str, str] = {}
    for item in value.split(","):
        key, _, encoded = item.strip().partition(" ")
        if not key:
            continue
        try:
            pairs[key] = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValidationError(
                translatable("The value of {key} is not base64.", key=key)
            ) from error
    return pairs


class TusHeaders(Schema):
    """Every tus request but OPTIONS names the protocol version it speaks."""

    class Meta:
        unknown = EXCLUDE

    tus_resumable = fields.String(
        data_key="Tus-Resumable",
        required=True,
        validate=validate.Equal(
            TUS_VERSION,
            error=translatable("This server speaks tus {version}.", version=TUS_VERSION),
        ),
    )


class CreationHeaders(TusHeaders):
    upload_length = fields.Integer(
        data_key="Upload-Length",
        required=True,
        validate=validate.Range(min=1),
        metadata={"description": "The file's size in bytes: the attachment's byte_size"},
    )
    upload_metadata = fields.String(
        data_key="Upload-Metadata",
        required=True,
        metadata={"description": "attachment_id <base64 of the attachment's id>, nothing else"},
    )

    @validates("upload_metadata")
    def has_attachment_id(self, value: str, **_: Any) -> None:
        try:
            uuid.UUID(_metadata(value).get("attachment_id", ""))
        except ValueError as error:
            raise ValidationError(
                translatable("Give attachment_id: the base64 of the attachment's id.")
            ) from error


class ChunkHeaders(TusHeaders):
    upload_offset = fields.Integer(
        data_key="Upload-Offset", required=True, validate=validate.Range(min=0)
    )
    content_type = fields.String(
        data_key="Content-Type",
        required=True,
        validate=validate.Equal(
            OFFSET_OCTET_STREAM,
            error=translatable("Send {content_type}.", content_type=OFFSET_OCTET_STREAM),
        ),
    )
    upload_checksum = fields.String(
        data_key="Upload-Checksum",
        metadata={"description": "sha256 <base64 of the chunk's SHA-256>; 460 if it differs"},
    )

    @validates("upload_checksum")
    def is_sha256(self, value: str, **_: Any) -> None:
        _checksum(value)


def _checksum(value: str) -> bytes:
    algorithm, _, encoded = value.strip().partition(" ")
    if algorithm != "sha256":
        raise ValidationError(translatable("Only sha256 checksums are supported."))
    try:
        digest = base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise ValidationError(translatable("Give the checksum in base64.")) from error
    if len(digest) != hashlib.sha256().digest_size:
        raise ValidationError(translatable("A SHA-256 is 32 bytes."))
    return digest


def described_headers(schema: type[Schema]) -> Callable[[View], View]:
    """Describe the headers a view reads in the OpenAPI document; the view loads them itself.

    The blueprints' parser refuses unknown fields, and every request carries
    headers no schema names (Cookie, Host...): so the view loads its headers
    with ``_headers``, which ignores the others.
    """

    def decorator(view: View) -> View:
        described = blp.arguments(schema, location="headers")(view)
        view._apidoc = described._apidoc  # type: ignore[attr-defined]  # flask-smorest's mark
        return view

    return decorator


def _headers(schema: type[Schema]) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = schema().load(dict(request.headers))
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        raise InvalidInput(errors=dict(messages)) from error
    return loaded


def _where(upload: AttachmentUpload) -> dict[str, str]:
    return {
        "Location": f"{UPLOADS_PATH}/{upload.token}",
        "Upload-Offset": str(upload.received),
        "Upload-Length": str(upload.length),
    }


def _spool_body() -> tuple[attachments.Chunk, bool]:
    """Read the request's body into a spool; return it and whether all of it arrived."""
    request.max_content_length = current_app.config["ATTACHMENT_CHUNK_MAX_BYTES"]
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115  # handed on, closed below
    digest = hashlib.sha256()
    size, complete = 0, True
    try:
        while block := request.stream.read(READ_BLOCK):
            spool.write(block)
            digest.update(block)
            size += len(block)
    except ClientDisconnected:
        complete = False
    spool.seek(0)
    # A spooled file is a binary file, though typeshed names it otherwise.
    return attachments.Chunk(cast(BinaryIO, spool), size, digest.digest()), complete


@blp.route("/uploads", methods=["OPTIONS"], endpoint="upload_options")
@blp.doc(
    summary="Describe the upload protocol this server speaks",
    responses={
        "204": {"description": "Tus-Version, Tus-Extension, Tus-Checksum-Algorithm, Tus-Max-Size"}
    },
)
@public
def upload_options() -> Response:
    """Name the tus version, extensions, checksum algorithm and largest file accepted."""
    return Response(
        status=204,
        headers={
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": TUS_EXTENSIONS,
            "Tus-Checksum-Algorithm": TUS_CHECKSUM_ALGORITHMS,
            "Tus-Max-Size": str(current_app.config["ATTACHMENT_MAX_BYTES"]),
        },
    )


@blp.route("/uploads", methods=["POST"], endpoint="upload_create")
@described_headers(CreationHeaders)
@blp.doc(
    responses={
        "201": {"description": "The upload's address in Location; Upload-Offset where it is"},
        "404": {"description": "No such attachment in your caseload"},
        "413": {"description": "Over the per-file limit (Tus-Max-Size)"},
        "422": {
            "description": "Upload-Length is not the attachment's byte_size, or it was refused"
        },
    }
)
def create_upload() -> Response:
    """Begin uploading an attachment's bytes, or find the upload already begun.

    A second POST for the same attachment answers the same Location and
    offset, so a device that lost the address resumes; a stored file answers
    its final offset. The record must have synced first.
    """
    headers = _headers(CreationHeaders)
    attachment_id = uuid.UUID(_metadata(headers["upload_metadata"])["attachment_id"])
    upload = attachments.begin(current_actor(), attachment_id, headers["upload_length"])
    return Response(status=201, headers=_where(upload))


@blp.route("/uploads/<token>", methods=["HEAD"], endpoint="upload_offset")
@described_headers(TusHeaders)
@blp.doc(responses={"200": {"description": "Upload-Offset: the bytes received so far"}})
def upload_offset(token: str) -> Response:
    """Say how many bytes of the upload have arrived: resume from there."""
    _headers(TusHeaders)
    upload = attachments.upload_of(current_user(), token)
    found = _where(upload)
    del found["Location"]
    return Response(status=200, headers={**found, "Cache-Control": "no-store"})


@blp.route("/uploads/<token>", methods=["PATCH"], endpoint="upload_chunk")
@described_headers(ChunkHeaders)
@blp.doc(
    responses={
        "204": {"description": "The chunk was kept; Upload-Offset is the new offset"},
        "409": {"description": "Not at that offset: ask with HEAD and go on from there"},
        "460": {"description": "The chunk does not match Upload-Checksum: send it again"},
        "422": {"description": "The whole file was refused (refused_reason in errors)"},
        "503": {"description": "Every byte arrived but could not be scanned yet: try again"},
    }
)
def upload_chunk(token: str) -> Response:
    """Add a chunk at the upload's offset; the last chunk has the file judged and stored."""
    headers = _headers(ChunkHeaders)
    actor = current_actor()
    # Refuse a wrong offset before reading a byte of the body.
    attachments.ensure_at(attachments.upload_of(actor.user, token), headers["upload_offset"])
    checksum = _checksum(headers["upload_checksum"]) if "upload_checksum" in headers else None
    chunk, complete = _spool_body()
    with chunk.file:
        # tus keeps what arrived of a dropped chunk, and the device resumes from HEAD;
        # but part of a checksummed chunk cannot be checked, so none of it is kept.
        if not complete and checksum is not None:
            raise InvalidInput(translatable("The chunk did not arrive whole. Send it again."))
        upload = attachments.append(actor, token, headers["upload_offset"], chunk, checksum)
    # A refused file is told at once (422 with its reason, the refusal kept):
    # sending it again cannot help.
    attachments.ensure_not_refused(upload)
    return Response(status=204, headers={"Upload-Offset": str(upload.received)})


def content_disposition(filename: str) -> str:
    """Return ``attachment`` with the file's name, in ASCII and in UTF-8 (RFC 6266)."""
    fallback = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@blp.route("/<uuid:attachment_id>/content", methods=["GET"], endpoint="download")
@blp.doc(
    responses={
        "200": {
            "description": "The file, as an attachment (never shown inline)",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
        "404": {"description": "No such attachment in your caseload"},
        "409": {"description": "Its bytes have not arrived, or were refused"},
    }
)
def download(attachment_id: uuid.UUID) -> Response:
    """Send an attachment's bytes to a user who may see its record; the read is audited."""
    attachment, chunks = attachments.content(current_actor(), attachment_id)
    first = next(chunks, b"")  # a missing file fails here, before the headers go

    def stream() -> Iterator[bytes]:
        yield first
        yield from chunks

    if attachment.content_type_found is None:
        raise RuleBroken(translatable("The file has not arrived yet."))
    return Response(
        stream(),
        status=200,
        mimetype=attachment.content_type_found,
        headers={
            "Content-Length": str(attachment.byte_size),
            "Content-Disposition": content_disposition(attachment.filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
        direct_passthrough=True,
    )
