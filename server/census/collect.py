"""Each child's statutory data for a collection year, read a batch of children at a time.

A child is in the census year if one of their child in need, child protection
or looked after episodes was open on any day of it. What the returns say of
each child is put together by the *sources* in ``SOURCES``: each reads, for a
batch of children, one kind of record and adds what it knows to their
``ChildReturn``, in this order:

- ``plan_episodes``: episodes of need from the child's plan episodes (child in
  need plans, child protection plans, looked after) and the family's closure;
- ``referrals``: each referral starts the episode of need it led to (its date,
  source, primary need and no further action) and adds its assessment; one
  that led to no plan is an episode of its own;
- ``section_47s``: the section 47 enquiries of signed strategy discussions
  about the child, in the episode they belong to;
- ``initial_conferences``: the one day each initial child protection
  conference was held (see ``resolve_conferences``), and whether an enquiry
  ended with no conference needed (``conference_not_required``).

A child is also in the year if a referral of theirs was open on a day of it.

Each source names the statements it reads of a batch (``register_source``),
made once for a year with the batch's bounds as parameters (``in_batch``).
A batch's rows are read in a second thread while the batch before is put
together, written and checked (``children``): the database answers while the
job works, and only that thread uses the connection until the last is read.

No text written about a family is read: only identifiers, dates and codes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any, TypeVarTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from ..domain.plans import PlanType, corrected
from ..domain.records import SignState
from ..persistence import Amendment, Family, Person, PlanEpisode, Referral, StrategyDiscussion

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
# A case closed after a referral or an assessment with no further action.
CLOSED_NO_FURTHER_ACTION = "RC8"


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


@dataclass(slots=True)
class CpPlan:
    episode_id: uuid.UUID
    started_on: date
    ended_on: date | None
    initial_category: str | None
    latest_category: str | None
    initial_conference_on: date | None
    # The plan's own record of its conference, where the enquiry's differs (kept for the report).
    plan_conference_on: date | None = None


@dataclass(slots=True)
class Section47:
    discussion_id: uuid.UUID
    started_on: date
    target_conference_on: date | None = None
    initial_conference_on: date | None = None
    conference_not_required: bool = False


@dataclass(slots=True)
class Assessment:
    referral_id: uuid.UUID
    started_on: date
    authorised_on: date | None = None
    factors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class EpisodeOfNeed:
    """The census's CINdetails: from a referral to the closure of the case."""

    first_episode_id: uuid.UUID
    referral_date: date
    referral_source: str = UNKNOWN_REFERRAL_SOURCE
    primary_need: str | None = None
    closure_date: date | None = None
    closure_reason: str | None = None
    no_further_action: bool = False
    # The referral that started the episode, where one is recorded.
    referral_id: uuid.UUID | None = None
    assessments: list[Assessment] = field(default_factory=list)
    cin_plans: list[tuple[date, date | None]] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    cp_plans: list[CpPlan] = field(default_factory=list)
    looked_after: list[tuple[date, date | None]] = field(default_factory=list)
    # The plan episode whose end closed the case: where its reason is corrected.
    closing_episode_id: uuid.UUID | None = None

    @property
    def initial_conference_on(self) -> date | None:
        if not self.cp_plans and not self.section47s:
            return None
        dates = [plan.initial_conference_on for plan in self.cp_plans if plan.initial_conference_on]
        dates += [s47.initial_conference_on for s47 in self.section47s if s47.initial_conference_on]
        return min(dates, default=None)


@dataclass(slots=True)
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


# The types of the columns a statement selects.
_Columns = TypeVarTuple("_Columns")
# A session, or Flask-SQLAlchemy's scoped one.
DbSession = Session | scoped_session[Any]
# A source's statement, made once (its rows are read by position).
_Statement = sa.Select[*tuple[Any, ...]]
# Below the first id of all (ids are version 7 UUIDs, never nil).
_BEFORE_ALL = uuid.UUID(int=0)


def in_batch(column: Any) -> sa.ColumnElement[bool]:
    """The rows of a batch's children, by their person id (``column``).

    By the range of the batch's ids, not a list of them: a statement with
    hundreds of parameters costs more to build and send than the rows it
    reads. The bounds are parameters, given when run (``_read``), so a
    source's statement is made once for every batch.
    """
    return sa.and_(
        column > sa.bindparam("after", type_=column.type),
        column <= sa.bindparam("last", type_=column.type),
    )


@dataclass(frozen=True)
class Batch:
    """A batch of children, in id order, and the rows its statements read.

    Plain rows, read through the connection, not the ORM: the rows are the
    same, without building ORM results a census of thousands of children
    would pay for on every statement (see bench/census.py).
    """

    ids: list[uuid.UUID]
    read: dict[_Statement, Sequence[sa.Row[Any]]]

    def rows(self, statement: sa.Select[*_Columns]) -> Sequence[sa.Row[*_Columns]]:
        """A statement's rows for this batch (``in_batch``): one the sources named."""
        return self.read[statement]


Source = Callable[[CensusYear, dict[uuid.UUID, ChildReturn], Batch], None]
# The statements a source reads of each batch, for a year.
Reads = Callable[[CensusYear], Sequence[_Statement]]
SOURCES: list[tuple[str, Source, Reads]] = []


def register_source(name: str, reads: Reads = lambda _year: ()) -> Callable[[Source], Source]:
    """Add a source of statutory data, with the statements it reads of a batch.

    Sources run in the order they were registered.
    """

    def add(source: Source) -> Source:
        SOURCES[:] = [known for known in SOURCES if known[0] != name]
        SOURCES.append((name, source, reads))
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


def referral_in_year(year: CensusYear) -> sa.ColumnElement[bool]:
    """The referrals open on a day of the year: until no further action, or the assessment's end."""
    return sa.and_(
        Referral.deleted_at.is_(None),
        Referral.referred_on <= year.end,
        sa.or_(
            Referral.referred_on >= year.start,
            sa.and_(
                Referral.no_further_action.is_(False),
                sa.or_(
                    Referral.assessment_authorised_on.is_(None),
                    Referral.assessment_authorised_on >= year.start,
                ),
            ),
        ),
    )


def child_ids_query(year: CensusYear) -> sa.Select[Any]:
    """The ids of the children in the year (a statutory plan or a referral open in it)."""
    ids = sa.union(
        sa.select(PlanEpisode.person_id.label("person_id")).where(in_year(year)),
        sa.select(Referral.person_id.label("person_id")).where(referral_in_year(year)),
    ).subquery()
    return sa.select(ids.c.person_id)


@cache
def _next_ids(year: CensusYear, size: int) -> sa.Select[Any]:
    """The ids of the next ``size`` children in the year after the id ``after``."""
    query = child_ids_query(year)
    column = query.selected_columns[0]
    return (
        query.where(column > sa.bindparam("after", type_=column.type)).order_by(column).limit(size)
    )


def children(
    session: DbSession,
    year: CensusYear,
    *,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ChildReturn]:
    """Yield every child in the year, a batch at a time, ordered by their id.

    The next batch's rows are read in a second thread while this batch is
    put together by the sources and its children used: that thread has the
    session's connection until the last child is yielded, so the caller must
    not use the session in between.
    """
    connection = session.connection()
    done = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="census-read") as reader:
        reading = reader.submit(_read, connection, year, batch, _BEFORE_ALL)
        while True:
            read = reading.result()
            last = len(read.ids) < batch  # no need to ask for another
            if not last:
                reading = reader.submit(_read, connection, year, batch, read.ids[-1])
            returns = _identities(read)
            for _name, source, _reads in SOURCES:
                source(year, returns, read)
            for person_id in read.ids:
                child = returns.get(person_id)
                if child is not None and child.episodes:
                    yield child
            done += len(read.ids)
            if read.ids and progress is not None:
                progress(done)
            if last:
                return


def _read(connection: sa.Connection, year: CensusYear, size: int, after: uuid.UUID) -> Batch:
    """The next batch of children after the id ``after``, with every row the sources read of it.

    Each statement's rows are fetched in one go: a batch's rows are few, and
    reading them one at a time (the result's iterator) costs a driver call a row.
    """
    ids: list[uuid.UUID] = list(
        connection.execute(_next_ids(year, size), {"after": after}).scalars().all()
    )
    bounds = {"after": after, "last": ids[-1]} if ids else None
    return Batch(
        ids,
        {
            statement: connection.execute(statement, bounds).all() if bounds else []
            for statement in _reads(year)
        },
    )


def _reads(year: CensusYear) -> list[_Statement]:
    """Every statement read of each batch: the children's identities', then the sources'."""
    return [*_identity_statements(), *(s for _n, _s, reads in SOURCES for s in reads(year))]


def count_children(session: DbSession, year: CensusYear) -> int:
    return (
        session.scalar(sa.select(sa.func.count()).select_from(child_ids_query(year).subquery()))
        or 0
    )


def families_in_batch() -> sa.CompoundSelect:
    """The families of a batch's children, by their plans and referrals."""
    return sa.union(
        sa.select(PlanEpisode.family_id).where(in_batch(PlanEpisode.person_id)),
        sa.select(Referral.family_id).where(in_batch(Referral.person_id)),
    )


@cache
def _identity_statements() -> tuple[_Statement, _Statement, _Statement, _Statement]:
    """What ``_identities`` reads of a batch: the family of each child's latest plan
    episode, or else of their latest referral, the families, and the children."""
    latest_plans = (
        sa.select(PlanEpisode.person_id, PlanEpisode.family_id)
        .where(in_batch(PlanEpisode.person_id), PlanEpisode.deleted_at.is_(None))
        .order_by(PlanEpisode.person_id, PlanEpisode.started_on.desc(), PlanEpisode.id.desc())
    )
    latest_referrals = (
        sa.select(Referral.person_id, Referral.family_id)
        .where(in_batch(Referral.person_id), Referral.deleted_at.is_(None))
        .order_by(Referral.person_id, Referral.referred_on.desc(), Referral.id.desc())
    )
    families = sa.select(
        Family.id, Family.local_reference, Family.closed_on, Family.closure_reason
    ).where(Family.id.in_(families_in_batch()))
    people = sa.select(
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
        # As text, parsed once for each different list (``_codes``): nearly every
        # child has the same few, and the driver would parse each row's JSON.
        sa.cast(Person.disabilities, sa.Text),
    ).where(in_batch(Person.id), Person.deleted_at.is_(None))
    return latest_plans, latest_referrals, families, people


def _identities(batch: Batch) -> dict[uuid.UUID, ChildReturn]:
    """Each child's identifiers, and the family of their latest statutory episode."""
    # Keyed by the ids' integers: a UUID's own hash is Python code, an int's is not, and
    # a batch looks up tens of thousands of ids. Each child's rows come latest first:
    # read backwards, the latest is the one kept.
    latest_plans, latest_referrals, families_query, people_query = _identity_statements()
    wanted = {person_id.int for person_id in batch.ids}
    family_of: dict[int, int] = {
        person_id.int: family_id.int for person_id, family_id in reversed(batch.rows(latest_plans))
    }
    if len(family_of) < len(batch.ids):
        # Children referred with no plan: the family of their latest referral.
        referred: dict[int, int] = {
            person_id.int: family_id.int
            for person_id, family_id in reversed(batch.rows(latest_referrals))
        }
        family_of = referred | family_of
    families = {row[0].int: row for row in batch.rows(families_query)}
    people = batch.rows(people_query)
    parsed: dict[str | None, tuple[str, ...]] = {}
    out: dict[uuid.UUID, ChildReturn] = {}
    # Unpacked, and the return made by position (the fields' order): a batch is hundreds
    # of children, and reading a row's columns by name costs more than the rest.
    for (
        person_id,
        local_child_id,
        upn,
        former_upn,
        upn_unknown,
        born,
        expected,
        died,
        sex,
        ethnicity,
        disabilities,
    ) in people:
        key = person_id.int
        if key not in wanted:
            continue
        family_key = family_of.get(key)
        family = families.get(family_key) if family_key is not None else None
        if family is None:
            continue
        family_id, family_reference, closed_on, closure_reason = family
        codes = parsed.get(disabilities)
        if codes is None:
            codes = parsed[disabilities] = _codes(disabilities)
        out[person_id] = ChildReturn(
            person_id,
            family_id,
            family_reference,
            local_child_id,
            upn,
            former_upn,
            upn_unknown,
            born,
            expected,
            died,
            sex,
            ethnicity,
            list(codes),
            closed_on,
            closure_reason,
        )
    return out


def _codes(text: str | None) -> tuple[str, ...]:
    """A JSON list of codes, read from its text (nothing for none)."""
    return tuple((json.loads(text) if text is not None else None) or ())


@cache
def _episode_statements(year: CensusYear) -> tuple[_Statement, _Statement]:
    """A batch's statutory plan episodes begun by the year's end, and their amendments."""
    columns = (
        PlanEpisode.id,
        PlanEpisode.person_id,
        PlanEpisode.plan_type,
        PlanEpisode.cp_category,
        PlanEpisode.initial_conference_on,
        PlanEpisode.started_on,
        PlanEpisode.ended_on,
        PlanEpisode.end_reason,
    )
    statutory = sa.and_(
        in_batch(PlanEpisode.person_id),
        PlanEpisode.deleted_at.is_(None),
        PlanEpisode.plan_type.in_([plan.value for plan in STATUTORY_PLANS]),
        PlanEpisode.started_on <= year.end,
    )
    episodes = (
        sa.select(*columns)
        .where(statutory)
        .order_by(PlanEpisode.person_id, PlanEpisode.started_on, PlanEpisode.id)
    )
    amendments = (
        sa.select(Amendment.target_id, Amendment.changes)
        .join(PlanEpisode, PlanEpisode.id == Amendment.target_id)
        .where(
            statutory,
            Amendment.target_kind == "plan_episode",
            Amendment.deleted_at.is_(None),
        )
        .order_by(Amendment.created_at, Amendment.id)
    )
    return episodes, amendments


@register_source("plan_episodes", reads=_episode_statements)
def plan_episodes(year: CensusYear, returns: dict[uuid.UUID, ChildReturn], batch: Batch) -> None:
    """Episodes of need from the children's plan episodes, as corrected by their amendments.

    Statutory episodes that follow one another with no day between are one
    episode of need: its referral date is the first one's start, its closure
    the last one's end. A child protection plan's earlier plans count toward
    the census's number of previous plans.
    """
    if not returns:
        return
    episodes, amendments_query = _episode_statements(year)
    names = tuple(episodes.selected_columns.keys())
    rows = batch.rows(episodes)
    amendments: dict[int, list[dict[str, str]]] = {}
    for target_id, changes in batch.rows(amendments_query):
        amendments.setdefault(target_id.int, []).append(changes)
    # Rows are read by position (the indices below), not made into dicts: only those with
    # amendments are, to be corrected.
    year_start = year.start
    # By the ids' integers, as in ``_identities``.
    by_person = {person_id.int: child for person_id, child in returns.items()}
    for row in rows:
        child = by_person.get(row[1].int)
        if child is not None:
            fixes = amendments.get(row[0].int) if amendments else None
            episode: Sequence[Any] = row
            if fixes:
                values = corrected(dict(zip(names, row, strict=True)), fixes)
                episode = tuple(values[name] for name in names)
            _add_episode(child, year_start, episode)


# The columns of a plan episode's row, as ``plan_episodes`` selects them.
_ID, _PLAN_TYPE, _CATEGORY, _CONFERENCE, _STARTED, _ENDED, _END_REASON = 0, 2, 3, 4, 5, 6, 7
_CIN = PlanType.CHILD_IN_NEED.value
_CP = PlanType.CHILD_PROTECTION.value
_ONE_DAY = timedelta(days=1)


def _add_episode(child: ChildReturn, year_start: date, row: Sequence[Any]) -> None:
    started, ended = row[_STARTED], row[_ENDED]
    plan_type = row[_PLAN_TYPE]
    if ended is not None and ended < year_start:
        # Before the year: only a child protection plan's count is kept.
        if plan_type == _CP:
            child.previous_cp_plans += 1
        return
    current = child.episodes[-1] if child.episodes else None
    joined = current is not None and (
        current.closure_date is None or started <= current.closure_date + _ONE_DAY
    )
    if current is None or not joined:
        current = EpisodeOfNeed(first_episode_id=row[_ID], referral_date=started)
        child.episodes.append(current)
    if plan_type == _CIN:
        current.cin_plans.append((started, ended))
    elif plan_type == _CP:
        category = row[_CATEGORY]
        current.cp_plans.append(
            CpPlan(row[_ID], started, ended, category, category, row[_CONFERENCE])
        )
    else:
        current.looked_after.append((started, ended))
    _set_closure(child, current, row)


def _set_closure(child: ChildReturn, episode: EpisodeOfNeed, row: Sequence[Any]) -> None:
    """Close the episode of need on its last plan's end, for the reason the end gives."""
    ended: date | None = None
    for spans in (episode.cin_plans, episode.looked_after):
        for _start, end in spans:
            if end is None:
                episode.closure_date = None
                episode.closure_reason = None
                return
            if ended is None or end > ended:
                ended = end
    for plan in episode.cp_plans:
        end = plan.ended_on
        if end is None:
            episode.closure_date = None
            episode.closure_reason = None
            return
        if ended is None or end > ended:
            ended = end
    if ended != episode.closure_date:
        episode.closure_date = ended
        episode.closure_reason = None
    if row[_ENDED] == ended:
        episode.closing_episode_id = row[_ID]
        episode.closure_reason = END_REASON_CLOSURE.get(row[_END_REASON] or "")
    if child.family_closed_on == ended and child.family_closure_reason:
        episode.closure_reason = child.family_closure_reason


def _episode_at(child: ChildReturn, day: date) -> EpisodeOfNeed | None:
    """The episode of need open on ``day``, or else the first one after it (which it led to)."""
    later = None
    for episode in child.episodes:
        if episode.referral_date <= day and (
            episode.closure_date is None or day <= episode.closure_date
        ):
            return episode
        if episode.referral_date > day and later is None:
            later = episode
    return later


@cache
def _referral_statement(year: CensusYear) -> _Statement:
    """A batch's referrals made by the year's end."""
    return (
        sa.select(
            Referral.id,
            Referral.person_id,
            Referral.referred_on,
            Referral.source,
            Referral.primary_need,
            Referral.no_further_action,
            Referral.assessment_started_on,
            Referral.assessment_authorised_on,
            Referral.assessment_factors,
        )
        .where(
            in_batch(Referral.person_id),
            Referral.deleted_at.is_(None),
            Referral.referred_on <= year.end,
        )
        .order_by(Referral.person_id, Referral.referred_on, Referral.id)
    )


@register_source("referrals", reads=lambda year: (_referral_statement(year),))
def referrals(year: CensusYear, returns: dict[uuid.UUID, ChildReturn], batch: Batch) -> None:
    """Start each episode of need at its referral, with the assessment that followed.

    A referral belongs to the episode it started: the first one beginning on
    or after it, with no episode between. A referral that led to no plan is an
    episode of its own, closed on the day of no further action, or on the
    day its assessment was authorised (closed after assessment, ``RC8``).
    """
    if not returns:
        return
    for row in batch.rows(_referral_statement(year)):
        child = returns.get(row.person_id)
        if child is not None:
            _add_referral(child, year, row)


def _add_referral(child: ChildReturn, year: CensusYear, row: Any) -> None:
    assessment = (
        Assessment(
            referral_id=row.id,
            started_on=row.assessment_started_on,
            authorised_on=row.assessment_authorised_on,
            factors=list(row.assessment_factors or []),
        )
        if row.assessment_started_on is not None
        else None
    )
    episode = _episode_at(child, row.referred_on)
    if episode is not None and episode.referral_id is not None:
        # Referred again while an episode was open: its assessment joins that episode.
        if episode.referral_date <= row.referred_on and assessment is not None:
            episode.assessments.append(assessment)
            return
        if episode.referral_date <= row.referred_on:
            return
        episode = None
    if episode is None:
        closed = row.referred_on if row.no_further_action else row.assessment_authorised_on
        if closed is not None and closed < year.start:
            return
        episode = EpisodeOfNeed(
            first_episode_id=row.id,
            referral_date=row.referred_on,
            closure_date=closed,
            closure_reason=CLOSED_NO_FURTHER_ACTION if closed is not None else None,
        )
        child.episodes.append(episode)
        child.episodes.sort(key=lambda e: (e.referral_date, str(e.first_episode_id)))
    else:
        episode.referral_date = min(episode.referral_date, row.referred_on)
    episode.referral_id = row.id
    episode.referral_source = row.source or UNKNOWN_REFERRAL_SOURCE
    episode.primary_need = row.primary_need
    episode.no_further_action = bool(row.no_further_action)
    if assessment is not None:
        episode.assessments.append(assessment)


@cache
def _enquiry_statement(year: CensusYear) -> _Statement:
    """The signed strategy discussions of a batch's families whose enquiry counts in the year."""
    started = StrategyDiscussion.s47_started_on
    return (
        sa.select(
            StrategyDiscussion.id,
            StrategyDiscussion.child_ids,
            started,
            StrategyDiscussion.icpc_due_on,
            StrategyDiscussion.icpc_held_on,
        )
        .where(
            StrategyDiscussion.family_id.in_(families_in_batch()),
            StrategyDiscussion.deleted_at.is_(None),
            StrategyDiscussion.state == SignState.SIGNED.value,
            started.is_not(None),
            started <= year.end,
            sa.or_(
                started >= year.start,
                StrategyDiscussion.icpc_held_on.is_(None),
                StrategyDiscussion.icpc_held_on >= year.start,
            ),
        )
        .order_by(started, StrategyDiscussion.id)
    )


@register_source("section_47s", reads=lambda year: (_enquiry_statement(year),))
def section_47s(year: CensusYear, returns: dict[uuid.UUID, ChildReturn], batch: Batch) -> None:
    """Add the section 47 enquiries of signed strategy discussions about each child.

    An enquiry belongs to the episode of need open on the day it started, or
    else to the one it led to. Those that started before the year are kept
    while their conference was still to come in it.
    """
    if not returns:
        return
    for row in batch.rows(_enquiry_statement(year)):
        for text in row.child_ids or []:
            child = returns.get(uuid.UUID(text))
            episode = _episode_at(child, row.s47_started_on) if child is not None else None
            if episode is not None:
                episode.section47s.append(
                    Section47(
                        discussion_id=row.id,
                        started_on=row.s47_started_on,
                        target_conference_on=row.icpc_due_on,
                        initial_conference_on=row.icpc_held_on,
                    )
                )


@register_source("initial_conferences")
def initial_conferences(
    _year: CensusYear, returns: dict[uuid.UUID, ChildReturn], _batch: Batch
) -> None:
    """Give each initial child protection conference one date (``resolve_conferences``).

    Then mark the enquiries that ended with no conference needed
    (``conference_not_required``): the census's ``ICPCnotRequired``.
    """
    for child in returns.values():
        for episode in child.episodes:
            resolve_conferences(episode)
            for s47 in episode.section47s:
                s47.conference_not_required = conference_not_required(episode, s47)


def conference_not_required(episode: EpisodeOfNeed, s47: Section47) -> bool:
    """Whether the enquiry concluded that no initial conference was needed.

    The app records the enquiry's outcome through what followed it: no
    conference held (neither the discussion's day nor a plan's), no child
    protection plan starting on or after the enquiry, and the work went on
    without one: a child in need plan started on or after the enquiry, or
    the episode of need closed on or after it. An enquiry with none of these
    is still open (its conference may yet be held): ``False``.
    """
    if s47.initial_conference_on is not None:
        return False
    started = s47.started_on
    if any(plan.started_on >= started for plan in episode.cp_plans):
        return False
    stepped = any(begun >= started for begun, _ended in episode.cin_plans)
    closed = episode.closure_date is not None and episode.closure_date >= started
    return stepped or closed


def enquiry_conference(
    enquiries: list[tuple[date, date | None]], plan_started: date, recorded: date | None
) -> date | None:
    """The day a plan's initial conference was held: its enquiry's, or else the plan's own.

    ``enquiries`` are the child's section 47 enquiries as (started, ICPC held);
    the plan's is the latest to start on or before the plan.
    """
    before = [enquiry for enquiry in enquiries if enquiry[0] <= plan_started]
    if not before:
        return recorded
    held = max(before, key=lambda enquiry: enquiry[0])[1]
    return held if held is not None else recorded


def resolve_conferences(episode: EpisodeOfNeed) -> None:
    """Hold each initial conference's date once, wherever the app recorded it.

    A child protection plan's conference is the one its section 47 enquiry
    (the latest to start on or before the plan) led to. The strategy
    discussion's day the ICPC was held is the source: where the plan records
    a different day, the discussion's is used and the plan's kept in
    ``plan_conference_on`` so the validation report can name both. Where only
    the plan records it, the enquiry takes the plan's date.
    """
    for plan in episode.cp_plans:
        enquiries = [s47 for s47 in episode.section47s if s47.started_on <= plan.started_on]
        if not enquiries:
            continue
        enquiry = max(enquiries, key=lambda s47: (s47.started_on, str(s47.discussion_id)))
        held = enquiry.initial_conference_on
        if held is None:
            enquiry.initial_conference_on = plan.initial_conference_on
        elif plan.initial_conference_on is None:
            plan.initial_conference_on = held
        elif plan.initial_conference_on != held:
            plan.plan_conference_on = plan.initial_conference_on
            plan.initial_conference_on = held
