"""A file's type is read from its first bytes, whatever it is called."""

from __future__ import annotations

import pytest

from server.domain.attachments import sniff_content_type


@pytest.mark.parametrize(
    ("head", "found"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image/heic"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00", "image/heic"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x7fELF\x02\x01\x01", None),  # a program
        (b"MZ\x90\x00\x03\x00", None),  # a Windows program
        (b"<svg xmlns=", None),  # an image that can carry script
        (b"<!DOCTYPE html>", None),
        (b"PK\x03\x04", None),  # a zip, or an Office document
        (b"\x00\x00\x00\x18ftypmp42", None),  # a video
        (b"", None),
    ],
)
def test_only_photos_and_pdfs_are_recognised(head: bytes, found: str | None) -> None:
    assert sniff_content_type(head) == found
