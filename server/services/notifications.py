"""Notifications: who to wake, about what, through Web Push.

A push carries a kind and an id at most: never a name, never a word of a
note. The device syncs, then shows the detail from its own encrypted store.
Each push is one job per subscription (``server.jobs.push.send_push``),
enqueued only once the change that caused it commits.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..domain.errors import InvalidInput, RuleBroken, field_errors, translatable
from ..domain.languages import ENGLISH
from ..extensions import db
from ..jobs.queue import enqueue_after_commit
from ..persistence import Device, PushSubscription, User
from ..security.push_endpoints import EndpointRefused, vet_with_config

log = logging.getLogger(__name__)


class NotificationKind(StrEnum):
    REVIEW_REPLY = "review_reply"  # a reply on your note or decision
    APPROVAL = "approval"  # your red-light decision was approved or declined
    ASSIGNMENT = "assignment"  # a family was assigned or handed over to you
    VISIT_DUE = "visit_due"  # a child's statutory check is due within 2 working days
    VISIT_OVERDUE = "visit_overdue"  # a child's statutory check's day passed with no visit
    CONSULTATION_REPLY = "consultation_reply"  # shown by the asker's own device
    SECOND_FACTOR_CHANGED = "second_factor_changed"  # your authenticator app was set or changed
    DECISION_REVIEW_DUE = "decision_review_due"  # a decision of yours reached its review date
    ESCALATION = "escalation"  # a worker escalated a declined decision to you
    VERBAL_APPROVAL = "verbal_approval"  # a worker recorded that you agreed by phone: confirm it


# A warning about the account itself cannot be turned off: it is how the owner
# learns that someone else changed how they sign in.
ALWAYS_SENT = frozenset({NotificationKind.SECOND_FACTOR_CHANGED})
# Kinds a person may turn on or off.
SWITCHABLE = tuple(kind for kind in NotificationKind if kind not in ALWAYS_SENT)
# Kinds the server sends; a consultation's asker is unknown to the server by design.
SENT_BY_SERVER = frozenset(
    kind for kind in NotificationKind if kind is not NotificationKind.CONSULTATION_REPLY
)
SEND_PUSH = "server.jobs.push.send_push"
# Devices a person may take notifications on: enough for a phone, a tablet and
# a few browsers; a bound on how many endpoints one account makes us call.
SUBSCRIPTIONS_PER_USER = 10


class SubscriptionTaken(RuleBroken):
    """The push endpoint is registered to another account; it stays theirs."""

    code = "subscription_taken"
    message = translatable(
        "This browser's notifications are registered to another account. "
        "Turn notifications on again to make a new registration."
    )


def notify(
    user_ids: set[uuid.UUID] | list[uuid.UUID], kind: NotificationKind, record_id: uuid.UUID | None
) -> None:
    """Queue a push to every device of these users, sent once this transaction commits."""
    if not current_app.config.get("VAPID_PRIVATE_KEY"):
        log.info("push not configured: no %s notification sent", kind.value)
        return
    payload = {"kind": kind.value, "id": str(record_id) if record_id else None}
    languages = _languages_of(user_ids)
    for user_id in user_ids:
        # The device words the notification in the person's language: "lang" names it, no more.
        spoken = {**payload, "lang": languages.get(user_id, ENGLISH)}
        for subscription in subscriptions_for(user_id, kind):
            enqueue_after_commit(SEND_PUSH, str(subscription.id), spoken)


def _languages_of(user_ids: set[uuid.UUID] | list[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = db.session.execute(
        sa.select(User.id, User.language).where(User.id.in_(list(user_ids)))
    ).all()
    return {user_id: language for user_id, language in rows}


def subscriptions_for(user_id: uuid.UUID, kind: NotificationKind) -> list[PushSubscription]:
    """Return the live subscriptions of a user who has this kind turned on."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return []
    if kind not in ALWAYS_SENT and kind.value in (user.notifications_off or []):
        return []
    return list(
        db.session.scalars(
            sa.select(PushSubscription)
            .join(Device, Device.id == PushSubscription.device_id)
            .where(PushSubscription.user_id == user_id, Device.revoked_at.is_(None))
        )
    )


def subscribe(
    user: User, device: Device, endpoint: str, p256dh: str, auth: str, *, config: Mapping[str, Any]
) -> PushSubscription:
    """Remember where to wake this device, in place of what it registered before.

    The endpoint must be a public push service (``push_endpoints.vet``). An
    endpoint already registered to another user stays theirs: knowing it is
    not owning it. A user may have at most ``SUBSCRIPTIONS_PER_USER``.
    """
    try:
        vet_with_config(endpoint, config)
    except EndpointRefused as error:
        raise InvalidInput(
            errors=field_errors(
                endpoint=translatable(
                    "This push address cannot be used. {reason}", reason=error.reason
                )
            )
        ) from error
    existing = db.session.scalar(
        sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )
    if existing is not None and existing.user_id != user.id:
        raise SubscriptionTaken()
    # One subscription per device: a browser that subscribed again has a new endpoint.
    db.session.execute(
        sa.delete(PushSubscription).where(
            PushSubscription.device_id == device.id, PushSubscription.endpoint != endpoint
        )
    )
    others = db.session.scalar(
        sa.select(sa.func.count(PushSubscription.id)).where(
            PushSubscription.user_id == user.id, PushSubscription.endpoint != endpoint
        )
    )
    if (others or 0) >= SUBSCRIPTIONS_PER_USER:
        raise RuleBroken(
            translatable(
                "Notifications are on for {count} of your devices already. "
                "Turn them off on one you no longer use, then try again.",
                count=SUBSCRIPTIONS_PER_USER,
            )
        )
    subscription = existing or PushSubscription(endpoint=endpoint)
    subscription.user_id, subscription.device_id = user.id, device.id
    subscription.p256dh, subscription.auth = p256dh, auth
    db.session.add(subscription)
    return subscription


def unsubscribe(user: User, endpoint: str) -> None:
    db.session.execute(
        sa.delete(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    )


def set_preferences(user: User, enabled: dict[str, bool]) -> list[str]:
    """Turn kinds of notification on or off; return the kinds now off."""
    unknown = set(enabled) - {kind.value for kind in SWITCHABLE}
    if unknown:
        raise InvalidInput(
            errors=field_errors(
                **{name: translatable("Not a kind of notification.") for name in unknown}
            )
        )
    off = set(user.notifications_off or [])
    for kind, on in enabled.items():
        (off.discard if on else off.add)(kind)
    user.notifications_off = sorted(off)
    return user.notifications_off
