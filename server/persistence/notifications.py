"""Web Push subscriptions: where to wake a device, never what to tell it."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import timestamp, uuid_pk


class PushSubscription(Model):
    """A browser's push endpoint for one device, with the keys to encrypt to it."""

    __tablename__ = "push_subscription"

    id: Mapped[uuid_pk]
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    device_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("device.id"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[timestamp]
