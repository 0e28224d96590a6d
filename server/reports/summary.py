"""The council's service summary for a period: every measure by team, disclosure-controlled.

Each figure is an SQL aggregate (``GROUP BY`` team), so the database does
the counting and this process holds only a few small rows per table, however
many records there are. Medians are ``percentile_cont`` on PostgreSQL; on
SQLite the middle values are read with ``LIMIT``/``OFFSET``, one team at a
time. Every table then goes through disclosure control
(:mod:`server.domain.disclosure`). The measures are defined in
docs/metrics.md and, in words for council staff, in ``definitions.py``; the
numbers here must match the words there. Statutory visits are the exception:
each child's due dates are worked out from their plan and visits
(``server.services.statutory``), as the app and the reminders work them out,
and counted here.

A family's team is ``family.team_id``: the team that holds the family, whose
supervisor sees it, and whose workers alone can be allocated to it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext, ngettext

from .. import clock
from ..domain.disclosure import (
    NOT_APPLICABLE,
    SUPPRESSED,
    Cell,
    ControlledCounts,
    control_counts,
    percentage,
    rate,
    statistic,
)
from ..domain.errors import translatable
from ..extensions import db
from ..persistence import (
    Assignment,
    Conference,
    DecisionPolicy,
    Family,
    Interaction,
    Judgment,
    Person,
    PlanAction,
    Review,
    Suggestion,
    SupervisionDiscussion,
    SupervisionSession,
    Team,
    User,
)
from ..services.statutory import VisitOutcome, statutory_visits_due
from ..vocabularies import vocabularies
from .definitions import definitions_for

# Supervision kinds that are a conversation (a worker's disagreement and its
# escalation too); not an approval, a decline or an acknowledgement, which are
# decisions about the work rather than talk about it.
CONVERSATION_KINDS = ("comment", "question", "reply", "discussed", "disagreement", "escalation")

Progress = Callable[[int, str], None]
Counts = dict[tuple[Any, Any], int]

TITLE = translatable("Council service summary")
COUNCIL = translatable("Council")
ALLOCATED_WORKER = "allocated_worker"
STATUTORY_VISIT = "statutory_visit"
CONTINUITY_MONTHS = 12
CONTACT_CHART_MONTHS = 12
DAYS_PER_MONTH = 365.25 / 12
NOT_RECORDED, OTHER = "not_recorded", "other"
# Words with values: the printable report fills them again in the reader's language.
PERIOD_LABEL = translatable("{first} to {last}")
CONTINUITY_DESCRIPTION = translatable(
    "Families open in the period, by how many different allocated workers they "
    "had in the 12 months to {day}."
)
CONTACTS_BY_MONTH_DESCRIPTION = translatable(
    "Meaningful contacts with families across the council in each of the "
    "{months} months to the end of the period."
)
ALL_MONTHS = translatable("All {months} months")
PLAN_ACTION_STATUSES = {
    "not_started": translatable("Not started"),
    "on_track": translatable("On track"),
    "off_track": translatable("Off track"),
    "done": translatable("Done"),
}


@dataclass(frozen=True)
class Period:
    """The days a summary covers: ``start`` inclusive, ``end`` exclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period ends after it starts")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """Return the calendar month ``month`` of ``year``."""
        return cls(date(year, month, 1), _add_months(date(year, month, 1), 1))

    @property
    def label(self) -> str:
        """Return the period in words: "1 October 2026 to 31 October 2026"."""
        return translatable(
            PERIOD_LABEL, first=_day(self.start), last=_day(self.end - timedelta(days=1))
        )

    @property
    def months(self) -> float:
        """Return the period's length in average months (a calendar month is about 1)."""
        return (self.end - self.start).days / DAYS_PER_MONTH

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time(), tzinfo=UTC)

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.end, time(), tzinfo=UTC)


def _day(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _add_months(day: date, months: int) -> date:
    """Return the first of the month ``months`` after ``day``'s month (``day`` is a first)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _months_before(day: date, months: int) -> date:
    """Return the same day ``months`` earlier, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    last = (_add_months(date(year, month, 1), 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


# --- SQL that differs between PostgreSQL and SQLite ---------------------------------------


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _as_date(timestamp: Any) -> Any:
    """Return the UTC calendar date of a timestamp column."""
    return sa.cast(timestamp, sa.Date) if _postgres() else sa.func.date(timestamp)


def _days_between(later: Any, earlier: Any) -> Any:
    """Return the days from one date to another, as a number."""
    if _postgres():
        return sa.cast(later, sa.Date) - sa.cast(earlier, sa.Date)
    return sa.func.julianday(later) - sa.func.julianday(earlier)


def _year_month(timestamp: Any) -> Any:
    if _postgres():
        return sa.func.to_char(sa.func.timezone("UTC", timestamp), "YYYY-MM")
    return sa.func.strftime("%Y-%m", timestamp)


def _participants(interaction_participants: Any) -> Any:
    """Return a table of an interaction's participants, one JSON object a row."""
    if _postgres():
        return sa.func.jsonb_array_elements(interaction_participants).table_valued("value")
    return sa.func.json_each(interaction_participants).table_valued("value")


def _flag(participant: Any, key: str) -> Any:
    if _postgres():
        return participant.c.value.op("->>")(key) == "true"
    return sa.func.json_extract(participant.c.value, f"$.{key}") == 1


def _person_of(participant: Any) -> Any:
    if _postgres():
        return sa.cast(participant.c.value.op("->>")("person_id"), sa.Uuid) == Person.id
    # SQLite keeps UUIDs as 32 hex digits; the JSON holds them with dashes.
    person_id = sa.func.json_extract(participant.c.value, "$.person_id")
    return sa.func.replace(person_id, "-", "") == Person.id


def _known(column: Any, keys: Iterable[str]) -> Any:
    """Return the column's code where the code list knows it, else "other" ("not_recorded")."""
    return sa.case(
        (column.is_(None), NOT_RECORDED),
        (column.in_(list(keys)), column),
        else_=OTHER,
    )


def _with_other(codes: Iterable[str]) -> list[str]:
    """Return a code list's codes with "other" last, for values it does not know."""
    keys = list(codes)
    return keys if OTHER in keys else [*keys, OTHER]


@dataclass(frozen=True)
class Spread:
    """A median, how many values it is of, and how many rows had a value or none."""

    median: float | None
    values: int
    rows: int


Medians = tuple[dict[Any, Spread], Spread]


def _medians(values: Any) -> Medians:
    """Return the median of ``value`` by team and for the council, in one pass where possible.

    ``values`` selects ``team_id`` and ``value`` columns; a null value counts
    as a row but not as a value (a note with no response yet).
    """
    rows = values.subquery()
    counted, all_rows = sa.func.count(rows.c.value), sa.func.count()
    if _postgres():
        # ROLLUP adds the council's row to the teams' in the same scan.
        median = sa.func.percentile_cont(0.5).within_group(rows.c.value)
        council_row = sa.func.grouping(rows.c.team_id)
        by_team: dict[Any, Spread] = {}
        council = Spread(None, 0, 0)
        for team, is_council, middle, n, total in db.session.execute(
            sa.select(rows.c.team_id, council_row, median, counted, all_rows).group_by(
                sa.func.rollup(rows.c.team_id)
            )
        ):
            spread = Spread(float(middle) if middle is not None else None, n, total)
            if is_council:
                council = spread
            else:
                by_team[team] = spread
        return by_team, council
    sizes = {
        team: (n, total)
        for team, n, total in db.session.execute(
            sa.select(rows.c.team_id, counted, all_rows).group_by(rows.c.team_id)
        )
    }

    # SQLite has no percentile: read the middle one or two values, in order.
    def middle_of(where: Any, n: int) -> float | None:
        if not n:
            return None
        pair = db.session.scalars(
            sa.select(rows.c.value)
            .where(where, rows.c.value.is_not(None))
            .order_by(rows.c.value)
            .limit(2 - n % 2)
            .offset((n - 1) // 2)
        ).all()
        return sum(float(v) for v in pair) / len(pair)

    by_team = {
        team: Spread(middle_of(rows.c.team_id == team, n), n, total)
        for team, (n, total) in sizes.items()
    }
    n = sum(spread.values for spread in by_team.values())
    total = sum(spread.rows for spread in by_team.values())
    return by_team, Spread(middle_of(sa.true(), n), n, total)


def _grouped(query: Any) -> Counts:
    """Return ``{(team_id, key): count}`` from a select of team, key and count."""
    return {(team, key): count for team, key, count in db.session.execute(query)}


def _by_team(query: Any) -> dict[Any, int]:
    return {team: count for team, count in db.session.execute(query)}


# --- tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Teams:
    """The rows of a table: teams (None: staff outside the family teams), or plan types."""

    ids: list[Any]
    names: list[str]


def _column(values: dict[Any, int], teams: Teams) -> list[Cell]:
    """Return one count column, teams then the council, controlled down the column."""
    controlled = control_counts(
        [[values.get(team, 0)] for team in teams.ids], row_totals=False, width=1
    )
    assert controlled.column_totals is not None
    return [row[0] for row in controlled.cells] + [controlled.column_totals[0]]


def _statistic_column(medians: Medians, teams: Teams) -> list[Cell]:
    by_team, council = medians
    spreads = [by_team.get(team, Spread(None, 0, 0)) for team in teams.ids] + [council]
    return [statistic(spread.median, spread.values) for spread in spreads]


def _grid(
    counts: Counts, keys: Sequence[object], teams: Teams, forced: Sequence[tuple[int, int]] = ()
) -> ControlledCounts:
    body = [[counts.get((team, key), 0) for key in keys] for team in teams.ids]
    return control_counts(body, forced=forced, width=len(keys))


def _grid_columns(controlled: ControlledCounts) -> list[list[Cell]]:
    """Return a controlled grid as columns (teams then council), its total column last."""
    assert controlled.column_totals is not None and controlled.row_totals is not None
    columns = [
        [row[j] for row in controlled.cells] + [controlled.column_totals[j]]
        for j in range(len(controlled.column_totals))
    ]
    return [*columns, [*controlled.row_totals, controlled.grand_total]]


def _linked_grids(
    first: tuple[Counts, Sequence[str]], second: tuple[Counts, Sequence[str]], teams: Teams
) -> tuple[ControlledCounts, ControlledCounts]:
    """Control two breakdowns of the same totals so a total hidden in one is hidden in both."""
    hidden: set[int] = set()  # row indexes of the totals column; len(teams) is the council
    while True:
        grids = []
        for counts, keys in (first, second):
            forced = [(i, len(keys)) for i in hidden]
            grids.append(_grid(counts, keys, teams, forced))
        now = {
            i
            for grid in grids
            for i, value in enumerate([*(grid.row_totals or []), grid.grand_total])
            if value == SUPPRESSED
        }
        if now == hidden:
            return grids[0], grids[1]
        hidden = now


def _table(
    table_id: str,
    title: str,
    description: str,
    columns: Sequence[str],
    cells_by_column: Sequence[Sequence[Cell]],
    teams: Teams,
    *,
    row_header: str = translatable("Team"),
    total_label: str = COUNCIL,
    row_labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    labels = list(row_labels if row_labels is not None else teams.names)
    return {
        "id": table_id,
        "title": title,
        "description": description,
        "row_header": row_header,
        "columns": list(columns),
        "rows": [
            {"label": label, "cells": [column[i] for column in cells_by_column]}
            for i, label in enumerate(labels)
        ],
        "total": {"label": total_label, "cells": [column[-1] for column in cells_by_column]},
    }


def _percentages(numerators: Sequence[Cell], denominators: Sequence[Cell]) -> list[Cell]:
    return [percentage(n, d) for n, d in zip(numerators, denominators, strict=True)]


# --- the summary -------------------------------------------------------------------------


class _Summary:
    """One run of the summary: the period, its teams, and the tables as they are made."""

    def __init__(self, period: Period, progress: Progress) -> None:
        self.period = period
        self.progress = progress
        self.tables: list[dict[str, Any]] = []
        self.teams = self._teams()

    def _teams(self) -> Teams:
        with_families = sa.select(Family.team_id).where(
            Family.deleted_at.is_(None), Family.created_at < self.period.ends_at
        )
        rows = db.session.execute(
            sa.select(Team.id, Team.name).where(Team.id.in_(with_families)).order_by(Team.name)
        ).all()
        return Teams([row.id for row in rows], [row.name for row in rows])

    def add(self, table: dict[str, Any]) -> dict[str, Any]:
        self.tables.append(table)
        return table

    def in_period(self, column: Any) -> Any:
        return sa.and_(column >= self.period.starts_at, column < self.period.ends_at)

    def dates_in_period(self, column: Any) -> Any:
        return sa.and_(column >= self.period.start, column < self.period.end)

    def live_family(self) -> Any:
        return Family.deleted_at.is_(None)

    # families and contacts ---------------------------------------------------------------

    def open_families(self) -> Any:
        period = self.period
        allocated_in_period = (
            sa.exists()
            .where(
                Assignment.family_id == Family.id,
                Assignment.deleted_at.is_(None),
                Assignment.started_on < period.end,
                sa.or_(Assignment.ended_on.is_(None), Assignment.ended_on > period.start),
            )
            .correlate(Family)
        )
        return (
            sa.select(Family.id.label("family_id"), Family.team_id.label("team_id"))
            .where(
                Family.deleted_at.is_(None),
                Family.created_at < period.ends_at,
                sa.or_(Family.status == "open", allocated_in_period),
            )
            .subquery("open_family")
        )

    def families_and_contacts(self) -> None:
        teams, period = self.teams, self.period
        open_family = self.open_families()
        families = _column(
            _by_team(
                sa.select(open_family.c.team_id, sa.func.count()).group_by(open_family.c.team_id)
            ),
            teams,
        )
        meaningful_in_period = sa.and_(
            Interaction.deleted_at.is_(None),
            Interaction.meaningful.is_(True),
            self.in_period(Interaction.occurred_at),
        )
        meaningful = _column(
            _by_team(
                sa.select(Family.team_id, sa.func.count())
                .select_from(Interaction)
                .join(Family, Interaction.family_id == Family.id)
                .where(meaningful_in_period, self.live_family())
                .group_by(Family.team_id)
            ),
            teams,
        )
        per_family_month = [
            rate(contacts, open_ * period.months if isinstance(open_, int) else open_)
            for contacts, open_ in zip(meaningful, families, strict=True)
        ]
        self.progress(8, translatable("Contacts counted"))
        previous = (
            sa.func.lag(Interaction.occurred_at)
            .over(partition_by=Interaction.family_id, order_by=Interaction.occurred_at)
            .label("previous_at")
        )
        contacts = (
            sa.select(Family.team_id.label("team_id"), Interaction.occurred_at, previous)
            .select_from(Interaction)
            .join(Family, Interaction.family_id == Family.id)
            .where(
                Interaction.deleted_at.is_(None),
                Interaction.meaningful.is_(True),
                Interaction.occurred_at < period.ends_at,
                self.live_family(),
            )
            .subquery("contact")
        )
        gaps = sa.select(
            contacts.c.team_id,
            _days_between(_as_date(contacts.c.occurred_at), _as_date(contacts.c.previous_at)).label(
                "value"
            ),
        ).where(contacts.c.occurred_at >= period.starts_at, contacts.c.previous_at.is_not(None))
        median_gap = _statistic_column(_medians(gaps), teams)
        self.add(
            _table(
                "families_and_contacts",
                translatable("Families and meaningful contacts"),
                translatable(
                    "Families open in the period, meaningful contacts with them, how often, "
                    "and the usual gap between one meaningful contact and the next."
                ),
                [
                    translatable("Families open"),
                    translatable("Meaningful contacts"),
                    translatable("Meaningful contacts per family per month"),
                    translatable("Median days between meaningful contacts"),
                ],
                [families, meaningful, per_family_month, median_gap],
                teams,
            )
        )
        self.progress(15, translatable("Families and contacts"))

    def interactions(self) -> None:
        teams = self.teams
        words = vocabularies()
        breakdowns = []
        for column, code_list in (
            (Interaction.mode, "interaction_mode"),
            (Interaction.purpose, "interaction_purpose"),
        ):
            keys = _with_other(words[code_list])
            key = _known(column, words[code_list]).label("key")
            counts = _grouped(
                sa.select(Family.team_id, key, sa.func.count())
                .select_from(Interaction)
                .join(Family, Interaction.family_id == Family.id)
                .where(
                    Interaction.deleted_at.is_(None),
                    self.in_period(Interaction.occurred_at),
                    self.live_family(),
                )
                .group_by(Family.team_id, key)
            )
            breakdowns.append((counts, keys))
        by_mode, by_purpose = _linked_grids(breakdowns[0], breakdowns[1], teams)
        for table_id, title, description, controlled, (_, keys), code_list in (
            (
                "interactions_by_mode",
                translatable("Interactions by mode"),
                translatable("Every interaction with a family in the period, by how it happened."),
                by_mode,
                breakdowns[0],
                "interaction_mode",
            ),
            (
                "interactions_by_purpose",
                translatable("Interactions by purpose"),
                translatable(
                    "Every interaction with a family in the period, by what for it happened."
                ),
                by_purpose,
                breakdowns[1],
                "interaction_purpose",
            ),
        ):
            labels = [words[code_list].get(key, translatable("Other")) for key in keys]
            self.add(
                _table(
                    table_id,
                    title,
                    description,
                    [*labels, translatable("All interactions")],
                    _grid_columns(controlled),
                    teams,
                )
            )
        self.progress(25, translatable("Interactions by mode and purpose"))

    # continuity ----------------------------------------------------------------------------

    def continuity(self) -> None:
        teams, period = self.teams, self.period
        window_start = _months_before(period.end, CONTINUITY_MONTHS)
        open_family = self.open_families()
        workers = (
            sa.select(
                Assignment.family_id,
                sa.func.count(sa.distinct(Assignment.worker_id)).label("workers"),
            )
            .where(
                Assignment.role == ALLOCATED_WORKER,
                Assignment.deleted_at.is_(None),
                Assignment.started_on < period.end,
                sa.or_(Assignment.ended_on.is_(None), Assignment.ended_on > window_start),
            )
            .group_by(Assignment.family_id)
            .subquery("workers")
        )
        bucket = sa.case((workers.c.workers >= 3, 3), else_=workers.c.workers).label("bucket")
        counts = _grouped(
            sa.select(open_family.c.team_id, bucket, sa.func.count())
            .join(workers, workers.c.family_id == open_family.c.family_id)
            .group_by(open_family.c.team_id, bucket)
        )
        controlled = _grid(counts, [1, 2, 3], teams)
        self.add(
            _table(
                "continuity",
                translatable("Continuity: allocated workers in the last 12 months"),
                translatable(CONTINUITY_DESCRIPTION, day=_day(period.end - timedelta(days=1))),
                [
                    translatable("1 worker"),
                    translatable("2 workers"),
                    translatable("3 or more workers"),
                    translatable("All families with a worker"),
                ],
                _grid_columns(controlled),
                teams,
            )
        )
        self.progress(35, translatable("Continuity"))
        current = (
            sa.select(Assignment.family_id, sa.func.max(Assignment.started_on).label("started_on"))
            .where(
                Assignment.role == ALLOCATED_WORKER,
                Assignment.deleted_at.is_(None),
                Assignment.started_on < period.end,
                sa.or_(Assignment.ended_on.is_(None), Assignment.ended_on >= period.end),
            )
            .group_by(Assignment.family_id)
            .subquery("current_allocation")
        )
        lengths = (
            sa.select(
                Family.team_id.label("team_id"),
                _days_between(sa.literal(period.end, sa.Date), current.c.started_on).label("value"),
            )
            .join(current, current.c.family_id == Family.id)
            .where(self.live_family())
        )
        medians = _medians(lengths)
        allocated = _column({team: spread.values for team, spread in medians[0].items()}, teams)
        self.add(
            _table(
                "current_allocation",
                translatable("Length of the current allocation"),
                translatable(
                    "Families with an allocated worker on the last day of the period, and the "
                    "median number of days they had been with that worker."
                ),
                [
                    translatable("Families with an allocated worker"),
                    translatable("Median days with the current worker"),
                ],
                [allocated, _statistic_column(medians, teams)],
                teams,
            )
        )
        reasons = vocabularies()["handover_reason"]
        keys = [*_with_other(reasons), NOT_RECORDED]
        key = _known(Assignment.change_reason, reasons).label("key")
        counts = _grouped(
            sa.select(Family.team_id, key, sa.func.count())
            .select_from(Assignment)
            .join(Family, Assignment.family_id == Family.id)
            .where(
                Assignment.role == ALLOCATED_WORKER,
                Assignment.deleted_at.is_(None),
                self.dates_in_period(Assignment.ended_on),
                self.live_family(),
            )
            .group_by(Family.team_id, key)
        )
        self.add(
            _table(
                "handover_reasons",
                translatable("Handover reasons"),
                translatable(
                    "Allocations that ended in the period, by the reason recorded for the handover."
                ),
                [
                    *[reasons.get(key, translatable("Other")) for key in keys[:-1]],
                    translatable("Not recorded"),
                    translatable("All handovers"),
                ],
                _grid_columns(_grid(counts, keys, teams)),
                teams,
            )
        )
        self.progress(45, translatable("Handovers"))

    # statutory visits -----------------------------------------------------------------------

    def visits(self) -> None:
        teams = self.teams
        as_of = min(clock.today(), self.period.end)
        due = statutory_visits_due(self.period.start, self.period.end, as_of)
        outcomes = [outcome.value for outcome in VisitOutcome]
        columns_names = [
            translatable("Met on time"),
            translatable("Late"),
            translatable("Not done"),
            translatable("Visits due"),
            translatable("Percentage met on time"),
        ]
        by_team = Counter((visit.team_id, visit.outcome.value) for visit in due)
        columns = _grid_columns(_grid(by_team, outcomes, teams))
        self.add(
            _table(
                "visit_timeliness",
                translatable("Statutory visit timeliness"),
                translatable(
                    "Statutory visits due in the period, one for each child on a plan and each "
                    "visit their plan sets: the child seen by the day it was due, seen late, or "
                    "not done (not seen since the visit before, and the day has passed)."
                ),
                columns_names,
                [*columns, _percentages(columns[0], columns[3])],
                teams,
            )
        )
        vocabulary = vocabularies()["plan_type"]
        plans = Teams(list(vocabulary), list(vocabulary.values()))
        by_plan = Counter((visit.plan_type, visit.outcome.value) for visit in due)
        plan_columns = _grid_columns(_grid(by_plan, outcomes, plans))
        self.add(
            _table(
                "visit_timeliness_by_plan",
                translatable("Statutory visit timeliness by plan"),
                translatable(
                    "The same visits by the plan the child was on: early help, child in need, "
                    "child protection, looked after."
                ),
                columns_names,
                [*plan_columns, _percentages(plan_columns[0], plan_columns[3])],
                plans,
                row_header=translatable("Plan"),
            )
        )
        participant = _participants(Interaction.participants)
        children: dict[str, dict[Any, int]] = {}
        for flag in ("seen", "seen_alone"):
            children[flag] = _by_team(
                sa.select(Family.team_id, sa.func.count())
                .select_from(Interaction)
                .join(Family, Interaction.family_id == Family.id)
                .join(participant, sa.true())
                .join(Person, _person_of(participant))
                .where(
                    Interaction.purpose == STATUTORY_VISIT,
                    Interaction.deleted_at.is_(None),
                    self.in_period(Interaction.occurred_at),
                    Person.is_child.is_(True),
                    _flag(participant, flag),
                    self.live_family(),
                )
                .group_by(Family.team_id)
            )
        seen, alone = _column(children["seen"], teams), _column(children["seen_alone"], teams)
        self.add(
            _table(
                "children_seen",
                translatable("Children seen on statutory visits"),
                translatable(
                    "Children seen on statutory visits in the period, and seen alone, counting a "
                    "child once for each visit."
                ),
                [
                    translatable("Children seen"),
                    translatable("Children seen alone"),
                    translatable("Percentage seen alone"),
                ],
                [seen, alone, _percentages(alone, seen)],
                teams,
            )
        )
        self.progress(55, translatable("Statutory visits"))

    # judgments ----------------------------------------------------------------------------

    def judgments(self) -> None:
        teams = self.teams
        logged = sa.and_(
            Judgment.deleted_at.is_(None),
            Judgment.state == "signed",
            self.in_period(Judgment.signed_at),
            self.live_family(),
        )
        lights = ["green", "yellow", "red"]
        light = _known(Judgment.light, lights).label("key")
        by_light = _grouped(
            sa.select(Family.team_id, light, sa.func.count())
            .select_from(Judgment)
            .join(Family, Judgment.family_id == Family.id)
            .where(logged)
            .group_by(Family.team_id, light)
        )
        categories = self._categories()
        category = _known(Judgment.category, list(categories)).label("key")
        by_category = _grouped(
            sa.select(Family.team_id, category, sa.func.count())
            .select_from(Judgment)
            .join(Family, Judgment.family_id == Family.id)
            .where(logged)
            .group_by(Family.team_id, category)
        )
        category_keys = [*categories, OTHER]
        light_grid, category_grid = _linked_grids(
            (by_light, [*lights, OTHER]), (by_category, category_keys), teams
        )
        light_columns = _grid_columns(light_grid)
        self.add(
            _table(
                "judgments_by_light",
                translatable("Judgments logged, by light"),
                translatable(
                    "Judgment log entries signed in the period, by the light the council's "
                    "policy gave their decision category."
                ),
                [
                    translatable("Green"),
                    translatable("Yellow"),
                    translatable("Red"),
                    translatable("Other"),
                    translatable("All judgments"),
                ],
                light_columns,
                teams,
            )
        )
        self.add(
            _table(
                "judgments_by_category",
                translatable("Judgments logged, by category"),
                translatable("Judgment log entries signed in the period, by decision category."),
                [*categories.values(), translatable("Other"), translatable("All judgments")],
                _grid_columns(category_grid),
                teams,
            )
        )
        all_logged = light_columns[-1]
        with_view = _column(
            _by_team(
                sa.select(Family.team_id, sa.func.count())
                .select_from(Judgment)
                .join(Family, Judgment.family_id == Family.id)
                .where(logged, sa.func.length(sa.func.trim(Judgment.family_view)) > 0)
                .group_by(Family.team_id)
            ),
            teams,
        )
        due_review = sa.and_(
            Judgment.deleted_at.is_(None),
            Judgment.state == "signed",
            self.dates_in_period(Judgment.review_date),
            self.live_family(),
        )
        due = _column(
            _by_team(
                sa.select(Family.team_id, sa.func.count())
                .select_from(Judgment)
                .join(Family, Judgment.family_id == Family.id)
                .where(due_review)
                .group_by(Family.team_id)
            ),
            teams,
        )
        reviewed = _column(
            _by_team(
                sa.select(Family.team_id, sa.func.count())
                .select_from(Judgment)
                .join(Family, Judgment.family_id == Family.id)
                .where(due_review, Judgment.reviewed_on <= Judgment.review_date)
                .group_by(Family.team_id)
            ),
            teams,
        )
        self.add(
            _table(
                "judgment_practice",
                translatable("Family's view and timely review of judgments"),
                translatable(
                    "Of the judgments logged in the period, how many record the family's view; "
                    "of the judgments whose review date fell in the period, how many were "
                    "reviewed by that date."
                ),
                [
                    translatable("Judgments with the family's view"),
                    translatable("Percentage with the family's view"),
                    translatable("Judgments due for review"),
                    translatable("Reviewed by their review date"),
                    translatable("Percentage reviewed by their review date"),
                ],
                [
                    with_view,
                    _percentages(with_view, all_logged),
                    due,
                    reviewed,
                    _percentages(reviewed, due),
                ],
                teams,
            )
        )
        self.progress(70, translatable("Judgments"))

    def _categories(self) -> dict[str, str]:
        """Return every decision category any policy named, with its latest label."""
        labels: dict[str, str] = {}
        for categories in db.session.scalars(
            sa.select(DecisionPolicy.categories).order_by(DecisionPolicy.version)
        ):
            for entry in categories or []:
                labels[str(entry.get("key"))] = str(entry.get("label") or entry.get("key"))
        return labels

    # supervision ----------------------------------------------------------------------------

    def supervision(self) -> None:
        """Count supervision conversations held and decisions reviewed: counts, never ranked.

        Not a turnaround median: timing responses rebuilds the sign-off queue
        that supervision by conversation replaces (docs/metrics.md says why).
        """
        teams = self.teams
        talked_about = (
            sa.select(Family.team_id.label("team_id"), Review.target_id.label("target_id"))
            .select_from(Review)
            .join(Family, Review.family_id == Family.id)
            .where(
                Review.deleted_at.is_(None),
                Review.review_kind.in_(CONVERSATION_KINDS),
                self.in_period(Review.created_at),
                self.live_family(),
            )
            .distinct()
            .subquery("talked_about")
        )
        conversations = _column(
            _by_team(
                sa.select(talked_about.c.team_id, sa.func.count()).group_by(talked_about.c.team_id)
            ),
            teams,
        )
        discussed = _column(
            _by_team(
                sa.select(Family.team_id, sa.func.count())
                .select_from(SupervisionDiscussion)
                .join(Family, SupervisionDiscussion.family_id == Family.id)
                .join(SupervisionSession, SupervisionDiscussion.session_id == SupervisionSession.id)
                .where(
                    SupervisionDiscussion.deleted_at.is_(None),
                    SupervisionSession.deleted_at.is_(None),
                    self.in_period(SupervisionSession.held_at),
                    self.live_family(),
                )
                .group_by(Family.team_id)
            ),
            teams,
        )
        reviewed = _column(
            _by_team(
                sa.select(Family.team_id, sa.func.count())
                .select_from(Judgment)
                .join(Family, Judgment.family_id == Family.id)
                .where(
                    Judgment.deleted_at.is_(None),
                    Judgment.state == "signed",
                    self.dates_in_period(Judgment.reviewed_on),
                    self.live_family(),
                )
                .group_by(Family.team_id)
            ),
            teams,
        )
        self.add(
            _table(
                "supervision",
                translatable("Supervision conversations and decisions reviewed"),
                translatable(
                    "Notes and decisions talked about in supervision in the period, families "
                    "discussed in group supervision, and decisions reviewed. Counts of what "
                    "happened, not a ranking and not a target."
                ),
                [
                    translatable("Notes and decisions talked about in supervision"),
                    translatable("Families discussed in group supervision"),
                    translatable("Decisions reviewed"),
                ],
                [conversations, discussed, reviewed],
                teams,
            )
        )
        self.progress(88, translatable("Supervision"))

    # family group conferences ----------------------------------------------------------------

    def conferences(self) -> None:
        teams = self.teams
        referred = sa.func.coalesce(Conference.referred_on, _as_date(Conference.created_at))
        live = sa.and_(Conference.deleted_at.is_(None), self.live_family())

        def per_team(*conditions: Any) -> list[Cell]:
            return _column(
                _by_team(
                    sa.select(Family.team_id, sa.func.count())
                    .select_from(Conference)
                    .join(Family, Conference.family_id == Family.id)
                    .where(live, *conditions)
                    .group_by(Family.team_id)
                ),
                teams,
            )

        held_in_period = sa.and_(
            self.dates_in_period(Conference.information_sharing_on),
            Conference.status != "declined",
        )
        offered = per_team(self.dates_in_period(referred))
        held = per_team(held_in_period)
        waits = (
            sa.select(
                Family.team_id.label("team_id"),
                _days_between(Conference.information_sharing_on, Conference.referred_on).label(
                    "value"
                ),
            )
            .select_from(Conference)
            .join(Family, Conference.family_id == Family.id)
            .where(live, held_in_period, Conference.referred_on.is_not(None))
        )
        reviewed = per_team(
            self.dates_in_period(Conference.review_on),
            Conference.status.in_(["reviewed", "closed"]),
        )
        self.add(
            _table(
                "conferences",
                translatable("Family group conferences"),
                translatable(
                    "Conferences offered (referred) and held in the period, the median days from "
                    "referral to the conference, and family plans reviewed."
                ),
                [
                    translatable("Conferences offered"),
                    translatable("Conferences held"),
                    translatable("Median days from referral to conference"),
                    translatable("Plans reviewed"),
                ],
                [offered, held, _statistic_column(_medians(waits), teams), reviewed],
                teams,
            )
        )
        status = _known(PlanAction.status, list(PLAN_ACTION_STATUSES)).label("key")
        counts = _grouped(
            sa.select(Family.team_id, status, sa.func.count())
            .select_from(PlanAction)
            .join(Family, PlanAction.family_id == Family.id)
            .where(
                PlanAction.deleted_at.is_(None),
                PlanAction.created_at < self.period.ends_at,
                sa.or_(PlanAction.due_on.is_(None), PlanAction.due_on >= self.period.start),
                self.live_family(),
            )
            .group_by(Family.team_id, status)
        )
        columns = _grid_columns(_grid(counts, [*PLAN_ACTION_STATUSES, OTHER], teams))
        self.add(
            _table(
                "plan_actions",
                translatable("Family plan actions"),
                translatable(
                    "Actions of family plans made before the end of the period and not due "
                    "before it began, by their status now."
                ),
                [
                    *PLAN_ACTION_STATUSES.values(),
                    translatable("Other"),
                    translatable("All actions"),
                    translatable("Percentage on track"),
                ],
                [*columns, _percentages(columns[1], columns[-1])],
                teams,
            )
        )
        self.progress(94, translatable("Family group conferences"))

    # practice suggestions ----------------------------------------------------------------------

    def suggestions(self) -> None:
        teams = self.teams
        outcome = sa.case(
            (Suggestion.status == "adopted", "adopted"),
            (Suggestion.status == "being_tried", "being_tried"),
            else_="other",
        ).label("outcome")
        team = User.team_id.label("team_id")
        rows = db.session.execute(
            sa.select(team, outcome, sa.func.count())
            .select_from(Suggestion)
            .outerjoin(User, Suggestion.created_by_id == User.id)
            .where(self.in_period(Suggestion.created_at))
            .group_by(team, outcome)
        ).all()
        # Suggestions come from staff of any team (or none): those outside the
        # family teams share one row, so the rows still add up to the council.
        known = set(teams.ids)
        counts: Counts = {}
        for team_id, key, count in rows:
            row = team_id if team_id in known else None
            counts[(row, key)] = counts.get((row, key), 0) + count
        rows_of = Teams([*teams.ids, None], [*teams.names, translatable("Other staff")])
        if not any(row is None for row, _ in counts):
            rows_of = teams
        columns = _grid_columns(_grid(counts, ["adopted", "being_tried", "other"], rows_of))
        self.add(
            _table(
                "suggestions",
                translatable("Practice suggestions"),
                translatable(
                    "Practice suggestions made by staff in the period, by what became of them "
                    "so far, by the team of the person who made them."
                ),
                [
                    translatable("Adopted"),
                    translatable("Being tried"),
                    translatable("Not adopted or not answered yet"),
                    translatable("Suggestions made"),
                    translatable("Percentage adopted"),
                ],
                [*columns, _percentages(columns[0], columns[3])],
                rows_of,
            )
        )

    # contacts over time -----------------------------------------------------------------------

    def contacts_by_month(self) -> None:
        period = self.period
        last_month = date(
            (period.end - timedelta(days=1)).year, (period.end - timedelta(days=1)).month, 1
        )
        first_month = _add_months(last_month, 1 - CONTACT_CHART_MONTHS)
        months = [_add_months(first_month, n) for n in range(CONTACT_CHART_MONTHS)]
        month = _year_month(Interaction.occurred_at).label("month")
        counts: dict[str, int] = {
            key: count
            for key, count in db.session.execute(
                sa.select(month, sa.func.count())
                .select_from(Interaction)
                .join(Family, Interaction.family_id == Family.id)
                .where(
                    Interaction.deleted_at.is_(None),
                    Interaction.meaningful.is_(True),
                    Interaction.occurred_at >= datetime.combine(first_month, time(), UTC),
                    Interaction.occurred_at
                    < datetime.combine(_add_months(last_month, 1), time(), UTC),
                    self.live_family(),
                )
                .group_by(month)
            )
        }
        controlled = control_counts(
            [[counts.get(f"{m:%Y-%m}", 0)] for m in months], row_totals=False, width=1
        )
        assert controlled.column_totals is not None
        self.add(
            _table(
                "contacts_by_month",
                translatable("Meaningful contacts by month"),
                translatable(CONTACTS_BY_MONTH_DESCRIPTION, months=CONTACT_CHART_MONTHS),
                [translatable("Meaningful contacts")],
                [[row[0] for row in controlled.cells] + [controlled.column_totals[0]]],
                self.teams,
                row_header=translatable("Month"),
                total_label=translatable(ALL_MONTHS, months=CONTACT_CHART_MONTHS),
                row_labels=[f"{m:%B %Y}" for m in months],
            )
        )

    # charts -------------------------------------------------------------------------------

    def table(self, table_id: str) -> dict[str, Any]:
        return next(table for table in self.tables if table["id"] == table_id)

    def charts(self) -> list[dict[str, Any]]:
        months = self.table("contacts_by_month")
        month_values = [row["cells"][0] for row in months["rows"]]
        continuity = self.table("continuity")
        continuity_values = continuity["total"]["cells"][:3]
        timeliness = self.table("visit_timeliness")
        return [
            _chart(
                "contacts_over_time",
                translatable("Meaningful contacts over time"),
                months,
                translatable("Meaningful contacts"),
                [row["label"] for row in months["rows"]],
                month_values,
                unit="contacts",
            ),
            _chart(
                "continuity_distribution",
                translatable("Families by number of allocated workers in the last 12 months"),
                continuity,
                translatable("Families (council)"),
                [
                    translatable("1 worker"),
                    translatable("2 workers"),
                    translatable("3 or more workers"),
                ],
                continuity_values,
                unit="families",
            ),
            _chart(
                "timeliness_by_team",
                translatable("Statutory visits met on time, by team"),
                timeliness,
                translatable("Percentage met on time"),
                [row["label"] for row in timeliness["rows"]] + [COUNCIL],
                [row["cells"][4] for row in timeliness["rows"]] + [timeliness["total"]["cells"][4]],
                unit="per cent",
                maximum=100,
            ),
        ]


def _chart(
    chart_id: str,
    title: str,
    table: dict[str, Any],
    series: str,
    categories: list[str],
    values: list[Cell],
    *,
    unit: str,
    maximum: float | None = None,
) -> dict[str, Any]:
    """Return a bar chart's description: its data (copied from its table) and text alternative."""
    return {
        "id": chart_id,
        "title": title,
        "kind": "bar",
        "alt_text": describe_chart(CHART_WORDS[chart_id], categories, values, table["title"]),
        "table_id": table["id"],
        "series": series,
        "unit": unit,
        "maximum": maximum,
        "categories": categories,
        "values": values,
    }


@dataclass(frozen=True)
class ChartWords:
    """What a chart's description calls its measure, its bars and their figures.

    Each is looked up in the catalogue as the description is made, so the
    printable report describes a chart in its reader's language
    (``render.in_reader_language``); the stored summary's ``alt_text`` is English.
    """

    measure: str
    bars: Callable[[int], str]  # "3 teams"
    none_shown: str  # no bar has a figure
    all_same: str  # every bar has the same figure: {same}
    shown_same: Callable[[int], str]  # the n bars shown all have the same figure: {same}
    amount: Callable[[int], str]  # "{amount} contacts", chosen by a whole number
    total: str | None = None  # the bar of the whole council, given on its own


# Whole sentences for each chart rather than one sentence with its noun filled
# in: Welsh changes the noun's first letter by what comes before it ("unrhyw
# fis", "unrhyw dîm"), which only a translator writing each sentence can do.
CHART_WORDS = {
    "contacts_over_time": ChartWords(
        measure=translatable("meaningful contacts across the council, month by month"),
        bars=lambda n: ngettext("%(num)d month", "%(num)d months", n),
        none_shown=translatable("No months have a figure to show."),
        all_same=translatable("Every month has the same figure: {same}."),
        shown_same=lambda n: ngettext(
            "The %(num)d month shown has the figure {same}.",
            "The %(num)d months shown all have the same figure: {same}.",
            n,
        ),
        amount=lambda n: ngettext("{amount} contact", "{amount} contacts", n),
    ),
    "continuity_distribution": ChartWords(
        measure=translatable(
            "families across the council by how many allocated workers they had"
            " in the last 12 months"
        ),
        bars=lambda n: ngettext("%(num)d group", "%(num)d groups", n),
        none_shown=translatable("No groups have a figure to show."),
        all_same=translatable("Every group has the same figure: {same}."),
        shown_same=lambda n: ngettext(
            "The %(num)d group shown has the figure {same}.",
            "The %(num)d groups shown all have the same figure: {same}.",
            n,
        ),
        amount=lambda n: ngettext("{amount} family", "{amount} families", n),
    ),
    "timeliness_by_team": ChartWords(
        measure=translatable("the percentage of statutory visits met on time, team by team"),
        bars=lambda n: ngettext("%(num)d team", "%(num)d teams", n),
        none_shown=translatable("No teams have a figure to show."),
        all_same=translatable("Every team has the same figure: {same}."),
        shown_same=lambda n: ngettext(
            "The %(num)d team shown has the figure {same}.",
            "The %(num)d teams shown all have the same figure: {same}.",
            n,
        ),
        amount=lambda n: ngettext("{amount} per cent", "{amount} per cent", n),
        total=COUNCIL,
    ),
}


# The highest and lowest bars, "Highest: East and North, with 80 contacts each."
_EXTREME = translatable("{which}: {labels}, with {amount}.")
_EXTREME_EACH = translatable("{which}: {labels}, with {amount} each.")


def _and(labels: Sequence[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return gettext("{first} and {last}").format(first=", ".join(labels[:-1]), last=labels[-1])


def describe_chart(
    words: ChartWords, categories: Sequence[str], values: Sequence[Cell], table_title: str
) -> str:
    """Say what a bar chart shows, in the current language: its measure, highest and lowest
    bars, and what is hidden.

    ``categories`` and ``table_title`` are given in the language of the
    description. The total's bar (the whole council) is not ranked against the
    groups: it is given on its own. Equal values are named together, and a chart
    whose bars are all equal says so rather than naming one bar as both highest
    and lowest.
    """

    def amount(value: float) -> str:
        # A fraction (a percentage) takes the plural's form, as 0 does.
        return words.amount(int(value) if value.is_integer() else 0).format(amount=_number(value))

    total = gettext(words.total) if words.total is not None else None
    shown = [
        (label, float(value))
        for label, value in zip(categories, values, strict=True)
        if isinstance(value, int | float) and not isinstance(value, bool) and label != total
    ]
    hidden = [label for label, value in zip(categories, values, strict=True) if value == SUPPRESSED]
    counted = len([label for label in categories if label != total])
    said = [
        gettext("Bar chart of {measure}, {bars}.").format(
            measure=gettext(words.measure), bars=words.bars(counted)
        )
    ]
    figures = {value for _label, value in shown}
    if not shown:
        said.append(gettext(words.none_shown))
    elif len(shown) == 1:
        said.append(
            gettext("Only {label} has a figure shown: {amount}.").format(
                label=shown[0][0], amount=amount(shown[0][1])
            )
        )
    elif len(figures) == 1:
        same = amount(shown[0][1])
        if len(shown) == counted:
            said.append(gettext(words.all_same).format(same=same))
        else:
            said.append(words.shown_same(len(shown)).format(same=same))
    else:
        for which, value in ((gettext("Highest"), max(figures)), (gettext("Lowest"), min(figures))):
            named = [name for name, figure in shown if figure == value]
            said.append(
                gettext(_EXTREME if len(named) == 1 else _EXTREME_EACH).format(
                    which=which, labels=_and(named), amount=amount(value)
                )
            )
    if total is not None:
        for label, cell in zip(categories, values, strict=True):
            if label == total and isinstance(cell, int | float) and not isinstance(cell, bool):
                said.append(
                    gettext("{total} as a whole: {amount}.").format(
                        total=total, amount=amount(float(cell))
                    )
                )
    if hidden:
        said.append(gettext("Hidden to protect privacy: {labels}.").format(labels=_and(hidden)))
    said.append(gettext('Every figure is in the table "{title}".').format(title=table_title))
    return " ".join(said)


def _number(value: Cell) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{int(value):,}"
    return str(value)


def build_summary(period: Period, *, progress: Progress | None = None) -> dict[str, Any]:
    """Return the council's service summary for a period, disclosure-controlled and JSON-ready."""
    report = progress or (lambda _percent, _stage: None)
    report(0, translatable("Starting"))
    summary = _Summary(period, report)
    summary.families_and_contacts()
    summary.interactions()
    summary.continuity()
    summary.visits()
    summary.judgments()
    summary.supervision()
    summary.conferences()
    summary.suggestions()
    summary.contacts_by_month()
    charts = summary.charts()
    report(100, translatable("Done"))
    return {
        "title": TITLE,
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
        },
        "generated_at": clock.now().isoformat(timespec="seconds"),
        "tables": summary.tables,
        "charts": charts,
        "definitions": definitions_for(summary.tables),
        "suppressed": SUPPRESSED,
        "not_applicable": NOT_APPLICABLE,
    }
