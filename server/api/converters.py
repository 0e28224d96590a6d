"""URL converters whose bad input gets a clear 400, not a bare 404."""

from __future__ import annotations

import uuid

from werkzeug.exceptions import BadRequest
from werkzeug.routing import BaseConverter


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
            raise MalformedId("id") from None

    def to_url(self, value: uuid.UUID | str) -> str:
        return str(value)
