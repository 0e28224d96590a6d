"""URL converters whose bad input gets a clear 400, not a bare 404."""

from __future__ import annotations

import uuid

from werkzeug.exceptions import BadRequest
from werkzeug.routing import BaseConverter, ValidationError


class MalformedId(BadRequest):
    def __init__(self, name: str):
        super().__init__("The id in the address is not a valid UUID.")
        self.data = {"messages": {"path": {name: ["Not a valid UUID."]}}}


class UUIDConverter(BaseConverter):
    """Match one path segment and parse it as a UUID, refusing anything else with 400."""

    def to_python(self, value: str) -> uuid.UUID:
        try:
            return uuid.UUID(value)
        except ValueError:
            if value in self._route_words():
                # A word of another route ("search"), reached with a method it does not
                # take: no id was meant, so let routing answer 405 with what it allows.
                raise ValidationError() from None
            raise MalformedId("id") from None

    def _route_words(self) -> frozenset[str]:
        words: frozenset[str] | None = getattr(self.map, "_route_words", None)
        if words is None:
            words = frozenset(
                part
                for rule in self.map.iter_rules()
                for part in rule.rule.split("/")
                if part and "<" not in part
            )
            self.map._route_words = words  # type: ignore[attr-defined]  # cached on the map
        return words

    def to_url(self, value: uuid.UUID | str) -> str:
        return str(value)
