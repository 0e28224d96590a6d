"""Refuse what no handler should have to read, before it reaches one.

- An address longer than ``MAX_URL_LENGTH``: 414, in the one error shape
  (and with every header), rather than whatever the server in front says.
- JSON nested deeper than ``MAX_JSON_DEPTH``: 422, with a ``_json`` field
  message. Every parser and schema below recurses; a few hundred brackets
  would otherwise end in a 500.
- Numbers JSON does not have (``NaN``, ``Infinity``, ``-Infinity``): 422 with
  a ``_json`` field message. Python's parser accepts them, no database column
  of JSON stores them, and no browser sends them (``JSON.stringify`` writes
  ``null``); read further, they would fail deep in a write.
- Text no database can store: PostgreSQL cannot store a NUL character and
  no encoder accepts a lone surrogate; either would otherwise fail deep in a
  query as a 500. A sync push is left to judge each mutation alone, so one
  bad note never blocks a batch.
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.exceptions import RequestURITooLarge

from sync.mutations import unstorable_text

from ..domain.errors import InvalidInput

# The deepest body the API reads is a sync push of a note (about 6 levels).
MAX_JSON_DEPTH = 32
# Record addresses are short; a query string of filters stays well under this.
MAX_URL_LENGTH = 2048
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_NON_STANDARD_NUMBER = re.compile(rb"-?(?<![A-Za-z0-9_])(?:NaN|Infinity)(?![A-Za-z0-9_])")

MESSAGE = "Remove the invisible control characters from this text."
# Checked per mutation instead (sync.mutations.parse_mutation).
PER_MUTATION = frozenset({"sync.push"})


def nested_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Return whether JSON text nests arrays and objects more than ``limit`` deep."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # too few brackets to go that deep: the usual case, read at C speed
    depth = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b'""', body)):
        depth += 1 if bracket in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


def non_standard_number(body: bytes) -> str | None:
    """Return the first ``NaN`` or ``Infinity`` outside a JSON string, or None if there is none."""
    if b"NaN" not in body and b"Infinity" not in body:
        return None  # the usual case, read at C speed
    found = _NON_STANDARD_NUMBER.search(_JSON_STRING.sub(b'""', body))
    return found.group().decode() if found else None


def refuse_what_no_handler_reads() -> None:
    if len(request.full_path) > MAX_URL_LENGTH:
        raise RequestURITooLarge(f"An address may be at most {MAX_URL_LENGTH} characters.")
    if not request.is_json:
        return
    body = request.get_data(cache=True)
    if nested_too_deep(body):
        raise InvalidInput(
            f"The JSON is nested too deep: at most {MAX_JSON_DEPTH} levels.",
            errors={"_json": [f"Nest arrays and objects at most {MAX_JSON_DEPTH} levels deep."]},
        )
    literal = non_standard_number(body)
    if literal is not None:
        raise InvalidInput(
            f"The JSON holds {literal}, which is not a JSON number.",
            errors={"_json": [f"{literal} is not a JSON number: send a number, or null."]},
        )


def refuse_unstorable_text() -> None:
    if not request.path.startswith("/api/") or request.endpoint in PER_MUTATION:
        return
    paths = unstorable_text(dict(request.args.items()))
    if request.is_json:
        paths += unstorable_text(request.get_json(silent=True))
    if paths:
        raise InvalidInput(errors={path: [MESSAGE] for path in paths})


def init_app(app: Flask) -> None:
    # First of all: before the session, the rate limits or anything reads the body.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_what_no_handler_reads)
    app.before_request(refuse_unstorable_text)
