"""The pull cursor: opaque text that names a server checkpoint, its epoch and schema."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from sync.cursor import Cursor, CursorError
from sync.protocol import SCHEMA_VERSION

# A fixed checkpoint id in parametrized texts: a parallel run's workers must
# collect the same tests, so no test's name may hold a random value.
CHECKPOINT = "2f1c9a2e5b7d4e8f9a0b1c2d3e4f5a6b"


def _encode(value: object) -> str:
    raw = json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_cursor_survives_encoding_and_decoding():
    cursor = Cursor("epoch-a", SCHEMA_VERSION, uuid.uuid4())
    text = cursor.encode()
    assert Cursor.decode(text) == cursor


def test_an_encoded_cursor_is_url_safe_text_without_padding():
    for _ in range(20):
        text = Cursor("e" * 7, SCHEMA_VERSION, uuid.uuid4()).encode()
        assert isinstance(text, str)
        assert "=" not in text
        assert "+" not in text
        assert "/" not in text


@pytest.mark.parametrize("epoch", ["", "a", "ab", "abc", "épóch/ü", "x" * 24])
def test_every_epoch_length_round_trips_despite_stripped_padding(epoch):
    cursor = Cursor(epoch, SCHEMA_VERSION, uuid.uuid4())
    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "!!!!",
        "not base64 at all ✓",
        "%%%%%%%%",
        _encode("just a string"),
        _encode({"epoch": "e", "schema_version": 1}),
        _encode([]),
        _encode(["e", 1]),
        _encode(["e", 1, CHECKPOINT, "extra"]),
        _encode(["e", "one", CHECKPOINT]),
        _encode(["e", None, CHECKPOINT]),
        _encode(["e", [1], CHECKPOINT]),
        _encode(["e", 1, "not-a-uuid"]),
        _encode(["e", 1, 42]),
        _encode(["e", 1, None]),
        _encode(["e", 1, CHECKPOINT[:-2]]),
        _encode(["e", "1", CHECKPOINT]),
        _encode(["e", 1.0, CHECKPOINT]),
        _encode(["e", True, CHECKPOINT]),
        _encode([123, 1, CHECKPOINT]),
        _encode([None, 1, CHECKPOINT]),
        _encode(["e", 1, [CHECKPOINT]]),
        _encode({"e": 1, "s": 2, "c": 3}),
        _encode(None),
        _encode(7),
        base64.urlsafe_b64encode(b"\xff\xfe\x00binary").decode(),
    ],
)
def test_a_cursor_that_cannot_be_read_raises_cursor_error(text):
    with pytest.raises(CursorError):
        Cursor.decode(text)


def test_a_truncated_cursor_raises_cursor_error():
    text = Cursor("epoch-a", SCHEMA_VERSION, uuid.uuid4()).encode()
    for cut in range(len(text)):
        with pytest.raises(CursorError):
            Cursor.decode(text[:cut])


def test_a_cursor_error_is_a_value_error():
    assert issubclass(CursorError, ValueError)


def test_a_current_cursor_is_accepted():
    Cursor("epoch-a", SCHEMA_VERSION, uuid.uuid4()).ensure_current("epoch-a")


def test_a_cursor_from_another_epoch_is_refused():
    cursor = Cursor.decode(Cursor("epoch-a", SCHEMA_VERSION, uuid.uuid4()).encode())
    with pytest.raises(CursorError, match="restored"):
        cursor.ensure_current("epoch-b")


@pytest.mark.parametrize("schema_version", [SCHEMA_VERSION - 1, SCHEMA_VERSION + 1, 0])
def test_a_cursor_from_another_schema_version_is_refused(schema_version):
    cursor = Cursor.decode(Cursor("epoch-a", schema_version, uuid.uuid4()).encode())
    with pytest.raises(CursorError, match="schema"):
        cursor.ensure_current("epoch-a")
