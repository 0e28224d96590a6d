"""Web Push subscriptions (where to wake a device, never what to tell it) and reminders sent."""

from __future__ import annotations

import uuid
from datetime import date

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


class StatutoryReminder(Model):
    """A reminder sent about one child's statutory check: once per due date and stage.

    The reminders job reads these so that running it again, or in two places
    at once, never tells a worker twice: the unique key refuses the second row.
    """

    __tablename__ = "statutory_reminder"
    __table_args__ = (
        sa.UniqueConstraint(
            "episode_id", "template_key", "due_on", "stage", name="uq_statutory_reminder_once"
        ),
    )

    id: Mapped[uuid_pk]
    episode_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plan_episode.id"), index=True)
    template_key: Mapped[str] = mapped_column(sa.String(60))
    due_on: Mapped[date] = mapped_column(sa.Date)
    stage: Mapped[str] = mapped_column(sa.String(10))  # ReminderStage: before, passed
    sent_at: Mapped[timestamp]
