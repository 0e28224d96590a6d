"""Lights for one team: time-limited trials of the decision policy, and narrower lights
for a team's newly qualified workers.

Both are council policy, not case content: every device receives them through
the change feed (as it does the policy itself) and works out, by its own
clock, the light its worker's decisions get.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import JSONType, UTCDateTime, timestamp, uuid_pk


class PolicyTrial(Model):
    """A different light for one kind of decision, for one team, for a set time.

    It gives its light from ``starts_on`` to the day before ``ends_on``. Ending
    it early moves ``ends_on`` to the day it was ended, and says who and why.
    """

    __tablename__ = "policy_trial"

    id: Mapped[uuid_pk]
    version: Mapped[int] = mapped_column(default=1)
    team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("team.id"), index=True)
    category: Mapped[str] = mapped_column(sa.String(60))
    light: Mapped[str] = mapped_column(sa.String(10))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text)
    suggestion_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("suggestion.id"))
    created_at: Mapped[timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    ended_early_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    ended_early_reason: Mapped[str | None] = mapped_column(sa.Text)


class NewlyQualifiedLights(Model):
    """A team's narrower lights for workers in their first year since qualifying."""

    __tablename__ = "newly_qualified_lights"

    id: Mapped[uuid_pk]
    version: Mapped[int] = mapped_column(default=1)
    team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("team.id"), unique=True)
    # [{"key", "light"}]: yellow or red, for the kinds of decision it narrows.
    categories: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
