"""How our work with a family ends, moves and begins again: episodes and transfers.

Neither is a case record: they have no place in the change feed, so no device
keeps them. Supervisors read them online; the family's history keeps them for
good (retention counts from ``family.closed_on``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .columns import UTCDateTime, uuid_pk

text = sa.Text


class CaseEpisode(Model):
    """One time the council worked with a family: opened, closed, how and why.

    A reopening starts a new episode that ``follows`` the one closed before it.
    """

    __tablename__ = "case_episode"

    id: Mapped[uuid_pk]
    family_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("family.id"), index=True)
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    # step_down, close or transfer (the ending_kind list); None while open.
    ending_kind: Mapped[str | None] = mapped_column(sa.String(20))
    # A CIN census reason code (the closure_reason list).
    closure_reason: Mapped[str | None] = mapped_column(sa.String(40))
    # The agreed proposal that ended it: a decision carrying an ending.
    ending_judgment_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("judgment.id"))
    follows_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("case_episode.id"))
    reopen_reason: Mapped[str | None] = mapped_column(text)
    opened_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))


class FamilyTransfer(Model):
    """A family moving to another team: agreed by its team, accepted by the receiving one."""

    __tablename__ = "family_transfer"

    id: Mapped[uuid_pk]
    family_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("family.id"), index=True)
    judgment_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("judgment.id"))
    from_team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("team.id"))
    to_team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("team.id"), index=True)
    handover_note: Mapped[str] = mapped_column(text)
    agreed_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user_account.id"))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("user_account.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
