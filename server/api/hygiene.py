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

from ..domain.errors import InvalidInput, translatable
from ..timing import timed

# The deepest body the API reads is a sync push of a note (about 6 levels).
MAX_JSON_DEPTH = 32
# Record addresses are short; a query string of filters stays well under this.
MAX_URL_LENGTH = 2048
# A JSON string once its escapes are gone: no quote can then stand inside one.
_PLAIN_STRING = re.compile(rb'"[^"]*"')
_NON_STANDARD_NUMBER = re.compile(rb"-?(?<![A-Za-z0-9_])(?:NaN|Infinity)(?![A-Za-z0-9_])")
# Every byte but a quote and the four brackets: deleted before the brackets are counted.
_NOT_STRUCTURE = bytes(range(256)).translate(None, b'"[]{}')
_OPEN = b"[{"

MESSAGE = translatable("Remove the invisible control characters from this text.")
# Checked per mutation instead (sync.mutations.parse_mutation).
PER_MUTATION = frozenset({"sync.push"})


def _unescaped(body: bytes) -> bytes:
    """Return ``body`` without its escaped backslashes and quotes (an escape is two bytes).

    Taking out the escaped backslashes first, then the escaped quotes, leaves
    every remaining quote a JSON string's start or end. Where the body is not
    JSON this may read it differently from a parser, but only after the point
    where a parser stops. It runs at C speed: the regular expression that
    stepped through each string's text before took 35 to 70 ms on a 1 MB push.
    """
    return body.replace(b"\\\\", b"").replace(b'\\"', b"")


def nested_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Return whether JSON text nests arrays and objects more than ``limit`` deep."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # too few brackets to go that deep: the usual case, read at C speed
    # Only quotes and brackets, then only the brackets outside strings.
    brackets = _PLAIN_STRING.sub(b"", _unescaped(body).translate(None, _NOT_STRUCTURE))
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in brackets:
        if bracket in _OPEN:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
            if depth < 0:
                return False  # not JSON: a parser stops here, before going any deeper
    return False


def non_standard_number(body: bytes) -> str | None:
    """Return the first ``NaN`` or ``Infinity`` outside a JSON string, or None if there is none."""
    if b"NaN" not in body and b"Infinity" not in body:
        return None  # the usual case, read at C speed
    found = _NON_STANDARD_NUMBER.search(_PLAIN_STRING.sub(b'""', _unescaped(body)))
    return found.group().decode() if found else None


@timed("door")
def refuse_what_no_handler_reads() -> None:
    if len(request.full_path) > MAX_URL_LENGTH:
        raise RequestURITooLarge(
            translatable("An address may be at most {most} characters.", most=MAX_URL_LENGTH)
        )
    if not request.is_json:
        return
    body = request.get_data(cache=True)
    if nested_too_deep(body):
        raise InvalidInput(
            translatable(
                "The JSON is nested too deep: at most {depth} levels.", depth=MAX_JSON_DEPTH
            ),
            errors={
                "_json": [
                    translatable(
                        "Nest arrays and objects at most {depth} levels deep.",
                        depth=MAX_JSON_DEPTH,
                    )
                ]
            },
        )
    literal = non_standard_number(body)
    if literal is not None:
        raise InvalidInput(
            translatable("The JSON holds {literal}, which is not a JSON number.", literal=literal),
            errors={
                "_json": [
                    translatable(
                        "{literal} is not a JSON number: send a number, or null.", literal=literal
                    )
                ]
            },
        )


@timed("door")
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
