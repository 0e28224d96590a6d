"""URL rules and converters: bad input gets a clear 400, not a bare 404."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from werkzeug.exceptions import BadRequest
from werkzeug.routing import BaseConverter, Rule, ValidationError

from ..domain.errors import translatable


class LazyRule(Rule):
    """A URL rule that writes its URL builder when a URL is first built from it.

    Werkzeug compiles two builder functions per rule as the rule is added;
    with some 170 routes that was most of the time an app took to make, spent
    again in every test and worker for routes whose URLs are seldom built
    (the API's addresses are written by the client, not by ``url_for``).
    Matching is unchanged: the pattern is still compiled up front.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compile_now = super()._compile_builder
        attribute = "_build_unknown" if append_unknown else "_build"

        def build_first(rule: Rule, **values: Any) -> tuple[str, str]:
            builder = compile_now(append_unknown).__get__(rule, None)
            setattr(rule, attribute, builder)
            result: tuple[str, str] = builder(**values)
            return result

        return build_first


class MalformedId(BadRequest):
    def __init__(self, name: str):
        super().__init__(translatable("The id in the address is not a valid UUID."))
        self.data = {"messages": {"path": {name: [translatable("Not a valid UUID.")]}}}


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
