"""Attachments: what may be attached to what, which files are allowed, and upload states.

A file's type is judged from its first bytes, never from its name or from
what the device declared: a ``.jpg`` holding a PDF is a PDF, and a program
named ``drawing.png`` is refused.
"""

from __future__ import annotations

from enum import StrEnum

from .errors import translatable
from .records import RecordKind

# The per-file limit when ATTACHMENT_MAX_BYTES is not set (the app's default too).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# How many leading bytes decide a file's type.
SNIFF_BYTES = 64


class ParentKind(StrEnum):
    """What an attachment may belong to, by its name on the wire."""

    NOTE = "note"
    VISIT = "visit"
    JUDGMENT = "judgment"
    CONFERENCE = "conference"
    PERSON = "person"


# The record kind each parent is (a visit is an interaction with the family).
PARENT_RECORDS: dict[ParentKind, RecordKind] = {
    ParentKind.NOTE: RecordKind.NOTE,
    ParentKind.VISIT: RecordKind.INTERACTION,
    ParentKind.JUDGMENT: RecordKind.JUDGMENT,
    ParentKind.CONFERENCE: RecordKind.CONFERENCE,
    ParentKind.PERSON: RecordKind.PERSON,
}


class UploadState(StrEnum):
    """Where an attachment's bytes are: the record syncs first, the bytes follow."""

    AWAITED = "awaited"
    STORED = "stored"
    REFUSED = "refused"


class RefusedReason(StrEnum):
    """Why the server will never store an attachment's bytes."""

    SHA256_MISMATCH = "sha256_mismatch"
    CONTENT_TYPE = "content_type_not_allowed"
    MALWARE = "malware_found"


REFUSED_MESSAGES: dict[RefusedReason, str] = {
    RefusedReason.SHA256_MISMATCH: translatable(
        "The file that arrived is not the one the record describes."
    ),
    RefusedReason.CONTENT_TYPE: translatable(
        "Only photos (JPEG, PNG, WebP, HEIC) and PDF documents can be attached."
    ),
    RefusedReason.MALWARE: translatable("The virus scanner found something harmful in the file."),
}

# Allowed content types, each with the leading bytes that identify it.
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
HEIC = "image/heic"
PDF = "application/pdf"
ALLOWED_TYPES = (JPEG, PNG, WEBP, HEIC, PDF)
# HEIF brands of photos from phones' cameras (ISO/IEC 23008-12); "mif1" and "msf1"
# are the general image and sequence brands an iPhone's HEIC also uses.
HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})


def sniff_content_type(head: bytes) -> str | None:
    """Return the allowed content type the file's first bytes show, or None if none fits."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    # PDF readers accept the header anywhere in the first kilobyte; we ask for it first.
    if head.startswith(b"%PDF-"):
        return PDF
    return None
