"""Section 47 enquiries, read from strategy discussions, for returns, oversight and chronologies.

A strategy discussion whose decision starts a section 47 enquiry (``domain.strategy``)
is that enquiry's record: the day it started, the children it concerns, when
the initial child protection conference (ICPC) is due and when it was held.
Only signed discussions count: a draft is still being written.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from .. import clock
from ..domain.records import SignState
from ..domain.strategy import IcpcState, icpc_state
from ..extensions import db
from ..persistence import Family, StrategyDiscussion


@dataclass(frozen=True)
class S47Enquiry:
    """One section 47 enquiry: when it started, about whom, and its ICPC."""

    discussion_id: uuid.UUID
    family_id: uuid.UUID
    team_id: uuid.UUID
    decision: str
    started_on: date
    child_ids: tuple[uuid.UUID, ...]
    icpc: IcpcState

    @property
    def icpc_due_on(self) -> date:
        return self.icpc.due_on

    @property
    def icpc_held_on(self) -> date | None:
        return self.icpc.held_on


def s47_enquiries(
    *,
    family_ids: Collection[uuid.UUID] | None = None,
    team_id: uuid.UUID | None = None,
    started_from: date | None = None,
    started_before: date | None = None,
    open_only: bool = False,
) -> list[S47Enquiry]:
    """Return the section 47 enquiries of signed strategy discussions, oldest first.

    Filter by families, team, the days they started (``started_from`` on or
    after, ``started_before`` before) and, with ``open_only``, those whose
    ICPC has not yet been held. Timeliness is as of the council's today.
    """
    query = (
        sa.select(StrategyDiscussion, Family.team_id)
        .join(Family, Family.id == StrategyDiscussion.family_id)
        .where(
            StrategyDiscussion.deleted_at.is_(None),
            StrategyDiscussion.state == SignState.SIGNED.value,
            StrategyDiscussion.s47_started_on.is_not(None),
        )
    )
    if family_ids is not None:
        query = query.where(StrategyDiscussion.family_id.in_(list(family_ids)))
    if team_id is not None:
        query = query.where(Family.team_id == team_id)
    if started_from is not None:
        query = query.where(StrategyDiscussion.s47_started_on >= started_from)
    if started_before is not None:
        query = query.where(StrategyDiscussion.s47_started_on < started_before)
    if open_only:
        query = query.where(StrategyDiscussion.icpc_held_on.is_(None))
    today = clock.today()
    enquiries = []
    for discussion, team in db.session.execute(
        query.order_by(StrategyDiscussion.s47_started_on, StrategyDiscussion.id)
    ):
        started = discussion.s47_started_on
        assert started is not None  # the query asks for it
        enquiries.append(
            S47Enquiry(
                discussion_id=discussion.id,
                family_id=discussion.family_id,
                team_id=team,
                decision=discussion.decision,
                started_on=started,
                child_ids=tuple(uuid.UUID(child) for child in discussion.child_ids),
                icpc=icpc_state(started, discussion.icpc_held_on, today),
            )
        )
    return enquiries
