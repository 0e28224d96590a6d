"""Schemas and helpers shared by the non-record blueprints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate
from webargs.flaskparser import FlaskParser

from .. import i18n
from ..audit import Actor
from ..records.schemas import StrictSchema
from ..security.sessions import current_device_id, current_user

View = TypeVar("View", bound=Callable[..., Any])


class ApiBlueprint(Blueprint):
    """A blueprint whose arguments refuse unknown fields in every location.

    webargs ignores unknown query parameters by default; refusing them too
    means a misspelt filter is an error, not a silent full list.
    """

    ARGUMENTS_PARSER = FlaskParser(unknown=RAISE)

    def described_body(self, schema: type[Schema]) -> Callable[[View], View]:
        """Describe a JSON body as ``arguments`` does, for a view that reads it itself.

        The view must load the body so that bad input gets the same answer:
        ``self.ARGUMENTS_PARSER.parse(schema, request, location="json")``.
        """

        def decorator(view: View) -> View:
            described = self.arguments(schema)(view)
            # Keep the description flask-smorest recorded; drop its parsing wrapper.
            view._apidoc = described._apidoc  # type: ignore[attr-defined]  # flask-smorest's mark
            return view

        return decorator


def current_actor() -> Actor:
    """Return who makes this request: the signed-in user, on their device.

    The API layer is the one that reads the request: services and the audit
    log are handed the actor.
    """
    return Actor(current_user(), current_device_id())


def blueprint(name: str, url_prefix: str, description: str = "") -> ApiBlueprint:
    """Return an API blueprint."""
    return ApiBlueprint(name, __name__, url_prefix=url_prefix, description=description or None)


class StoredMessage(fields.String):
    """A message kept in English (a job's failure), shown in the reader's language.

    A job stores the catalogue's English message; anything else stored (an
    older row's words) is shown as it is.
    """

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        shown = super()._serialize(value, attr, obj, **kwargs)
        return i18n.say(shown) if shown else shown


class UserSchema(Schema):
    id = fields.UUID()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    team_id = fields.UUID(allow_none=True)
    team_name = fields.Function(lambda user: user.team.name if user.team else None)
    active = fields.Boolean()
    second_factor = fields.Function(lambda user: bool(user.totp_secret))
    language = fields.String(metadata={"description": "en or cy: their screens and messages"})
    qualified_on = fields.Date(
        allow_none=True,
        metadata={"description": "The day they qualified: their first year after it is narrower"},
    )


class DeviceSchema(Schema):
    id = fields.UUID()
    user_id = fields.UUID()
    label = fields.String()
    registered_at = fields.AwareDateTime()
    last_seen_at = fields.AwareDateTime()
    revoked_at = fields.AwareDateTime(allow_none=True)


class PageArgsSchema(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """Return the envelope of one page of a list."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "page": fields.Integer(required=True),
            "page_size": fields.Integer(required=True),
            "total": fields.Integer(required=True),
        },
        name=name,
    )
