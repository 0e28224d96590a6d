"""Each child's statutory data for a collection year, read a batch of children at a time.

A child is in the census year if one of their child in need, child protection
or looked after episodes was open on any day of it. What the returns say of
each child is put together by the *sources* in ``SOURCES``: each reads, for a
batch of children, one kind of record and adds what it knows to their
``ChildReturn``. The built-in sources read the child's plan episodes (episodes
of need, child in need plans, child protection plans with their initial
conference) and the family's closure. Referrals and assessments, strategy
discussions and section 47 enquiries register their own source with
``register_source`` when they are recorded; nothing else changes.

No text written about a family is read: only identifiers, dates and codes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from ..domain.plans import PlanType, corrected
from ..persistence import Amendment, Family, Person, PlanEpisode

BATCH = 500
STATUTORY_PLANS = (PlanType.CHILD_IN_NEED, PlanType.CHILD_PROTECTION, PlanType.LOOKED_AFTER)
# What a plan's end says of why our work ended, as a census reason for closure,
# where it says it plainly. A family's own closure reason (RC1 to RC9) wins.
END_REASON_CLOSURE = {
    "aims_met": "RC7",
    "returned_home": "RC7",
    "stepped_down": "RC7",
    "turned_18": "RC7",
    "moved_away": "RC5",
}
# Where a referral's source is not held, the census's "unknown".
UNKNOWN_REFERRAL_SOURCE = "10"


@dataclass(frozen=True)
class CensusYear:
    """A collection year: 1 April to 31 March, named by the year it ends in."""

    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.year - 1} to {self.year}"


@dataclass
class CpPlan:
    episode_id: uuid.UUID
    started_on: date
    ended_on: date | None
    initial_category: str | None
    latest_category: str | None
    initial_conference_on: date | None


@dataclass
class Section47:
    started_on: date
    target_conference_on: date | None = None
    initial_conference_on: date | None = None
    conference_not_required: bool = False


@dataclass
class Assessment:
    started_on: date
    authorised_on: date | None = None
    factors: list[str] = field(default_factory=list)


@dataclass
class EpisodeOfNeed:
    """The census's CINdetails: from a referral to the closure of the case."""

    first_episode_id: uuid.UUID
    referral_date: date
    referral_source: str = UNKNOWN_REFERRAL_SOURCE
    primary_need: str | None = None
    closure_date: date | None = None
    closure_reason: str | None = None
    no_further_action: bool = False
    assessments: list[Assessment] = field(default_factory=list)
    cin_plans: list[tuple[date, date | None]] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    cp_plans: list[CpPlan] = field(default_factory=list)
    looked_after: list[tuple[date, date | None]] = field(default_factory=list)
    # The plan episode whose end closed the case: where its reason is corrected.
    closing_episode_id: uuid.UUID | None = None

    @property
    def initial_conference_on(self) -> date | None:
        dates = [plan.initial_conference_on for plan in self.cp_plans if plan.initial_conference_on]
        dates += [s47.initial_conference_on for s47 in self.section47s if s47.initial_conference_on]
        return min(dates, default=None)


@dataclass
class ChildReturn:
    """What the returns say of one child in the year."""

    person_id: uuid.UUID
    family_id: uuid.UUID
    family_reference: str | None
    local_child_id: str | None
    upn: str | None
    former_upn: str | None
    upn_unknown: str | None
    date_of_birth: date | None
    expected_date_of_birth: date | None
    date_of_death: date | None
    sex: str | None
    ethnicity: str | None
    disabilities: list[str]
    family_closed_on: date | None
    family_closure_reason: str | None
    episodes: list[EpisodeOfNeed] = field(default_factory=list)
    previous_cp_plans: int = 0

    @property
    def reference(self) -> str:
        """The child's reference in the returns: the council's own, or one made from the id."""
        return self.local_child_id or f"FF{self.person_id.hex[:10].upper()}"


# A session, or Flask-SQLAlchemy's scoped one.
DbSession = Session | scoped_session[Any]


@dataclass(frozen=True)
class Batch:
    """A batch of children: the ids after ``after`` up to ``last``, in id order.

    Sources select a batch's rows by this range of person ids, not by a list
    of them: a statement with hundreds of parameters costs more to build and
    send than the rows it reads.
    """

    after: uuid.UUID | None
    last: uuid.UUID

    def holds(self, column: Any) -> sa.ColumnElement[bool]:
        upper = column <= self.last
        return upper if self.after is None else sa.and_(column > self.after, upper)


Source = Callable[[DbSession, CensusYear, dict[uuid.UUID, ChildReturn], Batch], None]
SOURCES: list[tuple[str, Source]] = []


def register_source(name: str) -> Callable[[Source], Source]:
    """Add a source of statutory data; sources run in the order they were registered."""

    def add(source: Source) -> Source:
        SOURCES[:] = [(known, fn) for known, fn in SOURCES if known != name]
        SOURCES.append((name, source))
        return source

    return add


def in_year(year: CensusYear) -> sa.ColumnElement[bool]:
    """The plan episodes of the returns that were open on a day of the year."""
    return sa.and_(
        PlanEpisode.deleted_at.is_(None),
        PlanEpisode.plan_type.in_([plan.value for plan in STATUTORY_PLANS]),
        PlanEpisode.started_on <= year.end,
        sa.or_(PlanEpisode.ended_on.is_(None), PlanEpisode.ended_on >= year.start),
    )


def child_ids_query(year: CensusYear) -> sa.Select[Any]:
    """The ids of the children in the year, in a stable order."""
    return sa.select(PlanEpisode.person_id).where(in_year(year)).distinct()


def children(
    session: DbSession,
    year: CensusYear,
    *,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ChildReturn]:
    """Yield every child in the year, a batch at a time, ordered by their id."""
    after: uuid.UUID | None = None
    done = 0
    while True:
        query = child_ids_query(year).order_by(PlanEpisode.person_id).limit(batch)
        if after is not None:
            query = query.where(PlanEpisode.person_id > after)
        ids: list[uuid.UUID] = list(session.scalars(query))
        if not ids:
            return
        bounds = Batch(after, ids[-1])
        after = ids[-1]
        returns = _identities(session, set(ids), bounds)
        for _name, source in SOURCES:
            source(session, year, returns, bounds)
        for person_id in ids:
            child = returns.get(person_id)
            if child is not None and child.episodes:
                yield child
        done += len(ids)
        if progress is not None:
            progress(done)
        session.expunge_all()


def count_children(session: DbSession, year: CensusYear) -> int:
    return (
        session.scalar(sa.select(sa.func.count()).select_from(child_ids_query(year).subquery()))
        or 0
    )


def _identities(
    session: DbSession, ids: set[uuid.UUID], batch: Batch
) -> dict[uuid.UUID, ChildReturn]:
    """Each child's identifiers, and the family of their latest statutory episode."""
    family_of: dict[uuid.UUID, uuid.UUID] = {}
    for person_id, family_id in session.execute(
        sa.select(PlanEpisode.person_id, PlanEpisode.family_id)
        .where(batch.holds(PlanEpisode.person_id), PlanEpisode.deleted_at.is_(None))
        .order_by(PlanEpisode.person_id, PlanEpisode.started_on.desc(), PlanEpisode.id.desc())
    ):
        family_of.setdefault(person_id, family_id)
    in_batch = sa.select(PlanEpisode.family_id).where(batch.holds(PlanEpisode.person_id))
    families = {
        row.id: row
        for row in session.execute(
            sa.select(
                Family.id, Family.local_reference, Family.closed_on, Family.closure_reason
            ).where(Family.id.in_(in_batch))
        )
    }
    people = session.execute(
        sa.select(
            Person.id,
            Person.local_child_id,
            Person.upn,
            Person.former_upn,
            Person.upn_unknown,
            Person.date_of_birth,
            Person.expected_date_of_birth,
            Person.date_of_death,
            Person.sex,
            Person.ethnicity,
            Person.disabilities,
        ).where(batch.holds(Person.id), Person.deleted_at.is_(None))
    )
    out: dict[uuid.UUID, ChildReturn] = {}
    for person in people:
        if person.id not in ids:
            continue
        family = families.get(family_of.get(person.id))
        if family is None:
            continue
        out[person.id] = ChildReturn(
            person_id=person.id,
            family_id=family.id,
            family_reference=family.local_reference,
            local_child_id=person.local_child_id,
            upn=person.upn,
            former_upn=person.former_upn,
            upn_unknown=person.upn_unknown,
            date_of_birth=person.date_of_birth,
            expected_date_of_birth=person.expected_date_of_birth,
            date_of_death=person.date_of_death,
            sex=person.sex,
            ethnicity=person.ethnicity,
            disabilities=list(person.disabilities or []),
            family_closed_on=family.closed_on,
            family_closure_reason=family.closure_reason,
        )
    return out


@register_source("plan_episodes")
def plan_episodes(
    session: DbSession, year: CensusYear, returns: dict[uuid.UUID, ChildReturn], batch: Batch
) -> None:
    """Episodes of need from the children's plan episodes, as corrected by their amendments.

    Statutory episodes that follow one another with no day between are one
    episode of need: its referral date is the first one's start, its closure
    the last one's end. A child protection plan's earlier plans count toward
    the census's number of previous plans.
    """
    if not returns:
        return
    columns = (
        PlanEpisode.id,
        PlanEpisode.person_id,
        PlanEpisode.plan_type,
        PlanEpisode.cp_category,
        PlanEpisode.initial_conference_on,
        PlanEpisode.started_on,
        PlanEpisode.ended_on,
        PlanEpisode.end_reason,
        PlanEpisode.legal_status,
        PlanEpisode.placement_type,
        PlanEpisode.placement_started_on,
    )
    statutory = sa.and_(
        batch.holds(PlanEpisode.person_id),
        PlanEpisode.deleted_at.is_(None),
        PlanEpisode.plan_type.in_([plan.value for plan in STATUTORY_PLANS]),
        PlanEpisode.started_on <= year.end,
    )
    rows = session.execute(
        sa.select(*columns)
        .where(statutory)
        .order_by(PlanEpisode.person_id, PlanEpisode.started_on, PlanEpisode.id)
    ).all()
    amendments: dict[uuid.UUID, list[dict[str, str]]] = {}
    for target_id, changes in session.execute(
        sa.select(Amendment.target_id, Amendment.changes)
        .join(PlanEpisode, PlanEpisode.id == Amendment.target_id)
        .where(
            statutory,
            Amendment.target_kind == "plan_episode",
            Amendment.deleted_at.is_(None),
        )
        .order_by(Amendment.created_at, Amendment.id)
    ):
        amendments.setdefault(target_id, []).append(changes)
    for row in rows:
        child = returns.get(row.person_id)
        if child is not None:
            _add_episode(child, year, corrected(row._asdict(), amendments.get(row.id, ())))


def _add_episode(child: ChildReturn, year: CensusYear, values: dict[str, Any]) -> None:
    started, ended = values["started_on"], values["ended_on"]
    plan_type = PlanType(values["plan_type"])
    if ended is not None and ended < year.start:
        # Before the year: only a child protection plan's count is kept.
        if plan_type is PlanType.CHILD_PROTECTION:
            child.previous_cp_plans += 1
        return
    current = child.episodes[-1] if child.episodes else None
    joined = current is not None and (
        current.closure_date is None or started <= current.closure_date + timedelta(days=1)
    )
    if current is None or not joined:
        current = EpisodeOfNeed(first_episode_id=values["id"], referral_date=started)
        child.episodes.append(current)
    if plan_type is PlanType.CHILD_IN_NEED:
        current.cin_plans.append((started, ended))
    elif plan_type is PlanType.CHILD_PROTECTION:
        current.cp_plans.append(
            CpPlan(
                episode_id=values["id"],
                started_on=started,
                ended_on=ended,
                initial_category=values["cp_category"],
                latest_category=values["cp_category"],
                initial_conference_on=values["initial_conference_on"],
            )
        )
    else:
        current.looked_after.append((started, ended))
    _set_closure(child, current, values)


def _set_closure(child: ChildReturn, episode: EpisodeOfNeed, values: dict[str, Any]) -> None:
    """Close the episode of need on its last plan's end, for the reason the end gives."""
    spans = [*episode.cin_plans, *episode.looked_after]
    spans += [(plan.started_on, plan.ended_on) for plan in episode.cp_plans]
    if any(end is None for _start, end in spans):
        episode.closure_date = None
        episode.closure_reason = None
        return
    ended = max(end for _start, end in spans if end is not None)
    if ended != episode.closure_date:
        episode.closure_date = ended
        episode.closure_reason = None
    if values["ended_on"] == ended:
        episode.closing_episode_id = values["id"]
        episode.closure_reason = END_REASON_CLOSURE.get(values.get("end_reason") or "")
    if child.family_closed_on == ended and child.family_closure_reason:
        episode.closure_reason = child.family_closure_reason
