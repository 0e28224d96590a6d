"""The door's scans of a JSON body (depth, NaN) read strings as a parser does.

They run on every JSON request before anything parses it, so they skip
strings without parsing; these tests hold them to what the standard
library's parser reads from the same text.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.api.hygiene import MAX_JSON_DEPTH, nested_too_deep, non_standard_number

# Text that tries to fool a scan that skips strings: brackets, quotes and backslashes.
pieces = st.sampled_from([*'[]{}"\\ aN:,\n', "NaN", "Infinity"])
tricky_text = st.lists(pieces, max_size=8).map("".join)
values = st.recursive(
    st.none() | st.integers() | tricky_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky_text, inner, max_size=3),
    max_leaves=40,
)


def depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(item) for item in value.values()), default=0)
    return 0


def nest(value: Any, levels: int) -> Any:
    for _ in range(levels):
        value = [value]
    return value


@settings(max_examples=300, deadline=None)
@given(values, st.integers(min_value=0, max_value=MAX_JSON_DEPTH + 3))
def test_depth_is_what_a_parser_finds_whatever_the_strings_hold(value, extra):
    body = json.dumps(nest(value, extra)).encode()
    assert nested_too_deep(body) == (depth(nest(value, extra)) > MAX_JSON_DEPTH)


@settings(max_examples=200, deadline=None)
@given(values)
def test_nan_inside_strings_is_only_text(value):
    body = json.dumps({"data": value, "padding": "[" * 40}).encode()
    assert non_standard_number(body) is None
    assert non_standard_number(body[:-1] + b', "x": NaN}') == "NaN"


@pytest.mark.parametrize(
    ("body", "too_deep"),
    [
        (b"[" * 100_000 + b"]" * 100_000, True),
        (b"[" * 100_000, True),  # never closed: still too deep where a parser would recurse
        (b'["' + b"[" * 100 + b'"]', False),  # brackets in a string are text
        (b'["\\\\", ' + b"[" * 40 + b"]" * 40 + b"]", True),  # an escaped backslash ends no string
        (b'["\\"' + b"[" * 40 + b'"]', False),  # an escaped quote ends no string
        (b"]" * 50 + b"[" * 50, False),  # not JSON: a parser stops at the first bracket
    ],
)
def test_edge_cases(body, too_deep):
    assert nested_too_deep(body) is too_deep
