"""Refuse text no database can store before it reaches a handler.

PostgreSQL cannot store a NUL character and no encoder accepts a lone
surrogate; either would otherwise fail deep in a query as a 500. A sync push
is left to judge each mutation alone, so one bad note never blocks a batch.
"""

from __future__ import annotations

from flask import Flask, request

from sync.mutations import unstorable_text

from ..domain.errors import InvalidInput

MESSAGE = "Remove the invisible control characters from this text."
# Checked per mutation instead (sync.mutations.parse_mutation).
PER_MUTATION = frozenset({"sync.push"})


def refuse_unstorable_text() -> None:
    if not request.path.startswith("/api/") or request.endpoint in PER_MUTATION:
        return
    paths = unstorable_text(dict(request.args.items()))
    if request.is_json:
        paths += unstorable_text(request.get_json(silent=True))
    if paths:
        raise InvalidInput(errors={path: [MESSAGE] for path in paths})


def init_app(app: Flask) -> None:
    app.before_request(refuse_unstorable_text)
