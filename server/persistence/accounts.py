"""Teams, users, devices and server-side sessions."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .columns import JSONType, UTCDateTime, timestamp, uuid_pk


class Team(Model):
    __tablename__ = "team"

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    created_at: Mapped[timestamp]
    # The supervision queue (domain.supervision_queue.QueueSettings): unrequested
    # items leave it after queue_age_days; the monthly sample per worker, and per
    # worker in their first three months.
    queue_age_days: Mapped[int] = mapped_column(default=60, server_default="60")
    sample_size: Mapped[int] = mapped_column(default=2, server_default="2")
    sample_size_new: Mapped[int] = mapped_column(default=4, server_default="4")
    # Who a worker's escalation of a declined decision goes to: the next manager
    # (the team supervisor's manager), as the council's escalation protocol names.
    escalation_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("user_account.id", use_alter=True)
    )


class User(Model):
    __tablename__ = "user_account"

    id: Mapped[uuid_pk]
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(20))
    team_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("team.id"))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    # The time step of the last one-time code accepted: an older or equal one is refused.
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # A one-time code an admin issued for enrolling a second factor: its SHA-256
    # only, and when it stops working. Cleared when used.
    enrolment_code_hash: Mapped[str | None] = mapped_column(sa.String(64))
    enrolment_code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[timestamp]
    password_changed_at: Mapped[timestamp]
    # Kinds of notification this person has turned off (all are on by default).
    notifications_off: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The day they qualified as a social worker, if the council records it: in
    # the first year after it, their team's lights for newly qualified workers apply.
    qualified_on: Mapped[date | None]
    # The language of their screens, messages and notifications: "en" or "cy".
    language: Mapped[str] = mapped_column(sa.String(2), default="en", server_default="en")

    team: Mapped[Team | None] = relationship(lazy="joined", foreign_keys=[team_id])


class Device(Model):
    """A phone, tablet or browser, registered to one user at sign-in."""

    __tablename__ = "device"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(200), default="")
    registered_at: Mapped[timestamp]
    last_seen_at: Mapped[timestamp]
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Highest mutation this device has had processed; bumped with each effect.
    last_mutation_id: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # Ids below last_mutation_id it never sent, as [low, high] ranges: one that
    # arrives later is applied, not taken for a duplicate (sync.mutations.MutationLedger).
    skipped_mutation_ids: Mapped[list[list[int]]] = mapped_column(
        JSONType, default=list, server_default="[]"
    )
    # Half of the key that unlocks the device's encrypted store: released only at
    # a sign-in with the password, never at an unlock (see docs/security.md).
    secret: Mapped[str] = mapped_column(sa.String(64), default=lambda: secrets.token_urlsafe(32))


class UserSession(Model):
    """A signed-in session; the cookie holds a random token whose hash is stored here."""

    __tablename__ = "user_session"

    id: Mapped[uuid_pk]
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    device_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("device.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[timestamp]
    last_seen_at: Mapped[timestamp]
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(sa.String(40))
    # Signed in with a password only, by someone who must set up a second factor
    # first: the session can do nothing else until they have.
    enrolment_only: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(lazy="joined")
    device: Mapped[Device] = relationship(lazy="joined")
