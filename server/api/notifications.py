"""Web Push: the server's public key, a device's subscription, which kinds to send."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..domain.errors import NotFound, translatable
from ..records.fields import JsonBoolean
from ..security.sessions import current_user
from ..services import notifications
from ..services.notifications import SWITCHABLE
from .common import blueprint

blp = blueprint("notifications", "/api/notifications", "Web Push subscriptions and preferences")


class KeySchema(Schema):
    public_key = fields.String(required=True)


class SubscriptionKeysSchema(Schema):
    p256dh = fields.String(required=True, validate=validate.Length(min=16, max=200))
    auth = fields.String(required=True, validate=validate.Length(min=8, max=100))


class SubscriptionSchema(Schema):
    endpoint = fields.Url(
        required=True, schemes={"https", "http"}, validate=validate.Length(max=1000)
    )
    keys = fields.Nested(SubscriptionKeysSchema, required=True)


class UnsubscribeSchema(Schema):
    endpoint = fields.String(required=True, validate=validate.Length(max=1000))


PreferencesSchema = Schema.from_dict(
    {kind.value: JsonBoolean() for kind in SWITCHABLE}, name="NotificationPreferences"
)


class PreferencesChangeSchema(PreferencesSchema):  # type: ignore[valid-type,misc]  # made by from_dict
    @validates_schema
    def names_a_kind(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data:
            raise ValidationError(
                translatable("Name at least one kind of notification to turn on or off.")
            )


def _preferences() -> dict[str, bool]:
    off = set(current_user().notifications_off or [])
    return {kind.value: kind.value not in off for kind in SWITCHABLE}


@blp.route("/key", methods=["GET"])
@blp.response(200, KeySchema)
def public_key() -> dict[str, str]:
    """Return the VAPID public key a browser subscribes with."""
    current_user()
    key = current_app.config.get("VAPID_PUBLIC_KEY")
    if not key:
        raise NotFound(translatable("Push notifications are not set up on this server."))
    return {"public_key": key}


@blp.route("/subscriptions", methods=["POST"])
@blp.arguments(SubscriptionSchema)
@blp.response(204)
def subscribe(data: dict[str, Any]) -> None:
    """Register this device's push subscription: a public https push service only."""
    notifications.subscribe(
        current_user(),
        g.device,
        data["endpoint"],
        data["keys"]["p256dh"],
        data["keys"]["auth"],
        config=current_app.config,
    )


@blp.route("/subscriptions/remove", methods=["POST"])
@blp.arguments(UnsubscribeSchema)
@blp.response(204)
def unsubscribe(data: dict[str, Any]) -> None:
    """Stop sending to a push subscription (the endpoint travels in the body, not the address)."""
    notifications.unsubscribe(current_user(), data["endpoint"])


@blp.route("/preferences", methods=["GET"])
@blp.response(200, PreferencesSchema)
def get_preferences() -> dict[str, bool]:
    """Return which kinds of notification are on."""
    return _preferences()


@blp.route("/preferences", methods=["PUT"])
@blp.arguments(PreferencesChangeSchema)
@blp.response(200, PreferencesSchema)
def set_preferences(data: dict[str, bool]) -> dict[str, bool]:
    """Turn kinds of notification on or off."""
    notifications.set_preferences(current_user(), data)
    return _preferences()
