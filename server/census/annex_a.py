"""Ofsted's Annex A: the child-level lists an inspection asks for, one sheet per list.

The lists follow the layout of Ofsted's template: a child's identifier,
gender, ethnicity, date of birth, age and disability, then the list's own
columns. The app fills the lists its records support: early help (list 2),
referrals (list 3), assessments (list 4), section 47 enquiries (list 5),
children in need (list 6), child protection (list 7) and children in care
(list 8). Lists 3 to 5 are read from the census's own episodes of need
(``collect.children``), so they say what the census says; list 7's initial
conference is the census's too (``collect.resolve_conferences``). The
others are sheets that say why they are empty, so the workbook keeps
Ofsted's numbering. The workbook is written a row at a time (openpyxl's
write-only mode), so memory stays flat.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import IO, Any

import sqlalchemy as sa
from openpyxl import Workbook
from sqlalchemy.orm import aliased

from ..domain.plans import PlanType, corrected
from ..domain.records import SignState
from ..persistence import Amendment, Person, PlanEpisode, StrategyDiscussion
from ..vocabularies import vocabularies
from .collect import CensusYear, ChildReturn, DbSession, children, enquiry_conference

COMMON = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Disability",
]
BATCH = 1000

# Each list: its sheet name, the plan it reads (or None) and its own columns, or why it is empty.
LISTS: list[tuple[str, PlanType | None, list[str], str]] = [
    (
        "List 1 Contacts",
        None,
        [],
        "Contacts are not recorded in the app: they are held by the front door's system.",
    ),
    (
        "List 2 Early help",
        PlanType.EARLY_HELP,
        ["Early help start date", "Early help end date", "Reason ended"],
        "",
    ),
    ("List 3 Referrals", None, [], ""),
    ("List 4 Assessments", None, [], ""),
    ("List 5 Section 47", None, [], ""),
    (
        "List 6 Children in need",
        PlanType.CHILD_IN_NEED,
        ["CIN plan start date", "CIN plan end date", "Reason ended"],
        "",
    ),
    (
        "List 7 Child protection",
        PlanType.CHILD_PROTECTION,
        [
            "Date of initial child protection conference",
            "Child protection plan start date",
            "Category of abuse",
            "Number of previous child protection plans",
            "Child protection plan end date",
        ],
        "",
    ),
    (
        "List 8 Children in care",
        PlanType.LOOKED_AFTER,
        [
            "Date started to be looked after",
            "Legal status",
            "Placement type",
            "Date of latest placement",
            "Date ceased to be looked after",
        ],
        "",
    ),
    (
        "List 9 Care leavers",
        None,
        [],
        "Care leavers are not held: the app's work with a young person ends at 18.",
    ),
    ("List 10 Adoption", None, [], "Adoption is not recorded in the app."),
]


# The lists read from the census's episodes of need: their own columns, and each child's rows.
EpisodeRows = Callable[[ChildReturn, dict[str, dict[str, str]]], Iterator[list[Any]]]


def _referral_rows(child: ChildReturn, labels: dict[str, dict[str, str]]) -> Iterator[list[Any]]:
    for episode in child.episodes:
        if episode.referral_id is not None:
            yield [
                episode.referral_date,
                labels["cin_referral_source"].get(episode.referral_source, "Not known"),
                "Yes" if episode.no_further_action else "No",
                episode.primary_need,
            ]


def _assessment_rows(child: ChildReturn, labels: dict[str, dict[str, str]]) -> Iterator[list[Any]]:
    for episode in child.episodes:
        for assessment in episode.assessments:
            yield [
                episode.referral_date,
                assessment.started_on,
                assessment.authorised_on,
                ", ".join(assessment.factors),
            ]


def _section47_rows(child: ChildReturn, _labels: dict[str, dict[str, str]]) -> Iterator[list[Any]]:
    for episode in child.episodes:
        for s47 in episode.section47s:
            yield [
                s47.started_on,
                s47.target_conference_on,
                s47.initial_conference_on,
            ]


FROM_EPISODES: dict[str, tuple[list[str], EpisodeRows]] = {
    "List 3 Referrals": (
        ["Date of referral", "Source of referral", "No further action", "Primary need"],
        _referral_rows,
    ),
    "List 4 Assessments": (
        [
            "Date of the referral it followed",
            "Date assessment started",
            "Date assessment authorised",
            "Factors identified at assessment",
        ],
        _assessment_rows,
    ),
    "List 5 Section 47": (
        [
            "Date section 47 enquiry started",
            "Initial conference due by",
            "Date of initial child protection conference",
        ],
        _section47_rows,
    ),
}


def empty_lists() -> dict[str, str]:
    """The lists the app leaves empty, and why."""
    return {
        name: why
        for name, plan, _columns, why in LISTS
        if plan is None and name not in FROM_EPISODES
    }


def write(
    out: IO[bytes],
    session: DbSession,
    year: CensusYear,
    progress: Callable[[int, str], None] | None = None,
) -> dict[str, int]:
    """Write the workbook; return how many rows each list has."""
    book = Workbook(write_only=True)
    counts: dict[str, int] = {}
    labels = vocabularies()
    for index, (name, plan, columns, why) in enumerate(LISTS):
        sheet = book.create_sheet(title=name[:31])
        if name in FROM_EPISODES:
            own, rows_of = FROM_EPISODES[name]
            sheet.append(COMMON + own)
            rows = 0
            for child in children(session, year):
                common = _common(child, year)
                for row in rows_of(child, labels):
                    sheet.append(common + row)
                    rows += 1
            counts[name] = rows
            continue
        if plan is None:
            sheet.append([name])
            sheet.append([f"Empty: {why}"])
            counts[name] = 0
            continue
        sheet.append(COMMON + columns)
        rows = 0
        for row in _rows(session, year, plan, labels):
            sheet.append(row)
            rows += 1
        counts[name] = rows
        if progress is not None:
            progress(int(100 * (index + 1) / len(LISTS)), name)
    book.save(out)
    return counts


def _common(child: ChildReturn, year: CensusYear) -> list[Any]:
    """The columns every list starts with, for a child of the census."""
    labels = vocabularies()
    return [
        child.reference,
        labels["sex"].get(child.sex or "", "Not recorded"),
        child.ethnicity or "NOBT",
        child.date_of_birth,
        _age(child.date_of_birth, year.end),
        "Yes" if any(code != "NONE" for code in child.disabilities) else "No",
    ]


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _rows(
    session: DbSession, year: CensusYear, plan: PlanType, labels: dict[str, dict[str, str]]
) -> Iterator[list[Any]]:
    after: uuid.UUID | None = None
    while True:
        query = (
            sa.select(
                PlanEpisode.id,
                PlanEpisode.started_on,
                PlanEpisode.ended_on,
                PlanEpisode.end_reason,
                PlanEpisode.cp_category,
                PlanEpisode.initial_conference_on,
                PlanEpisode.legal_status,
                PlanEpisode.placement_type,
                PlanEpisode.placement_started_on,
                PlanEpisode.family_id,
                Person.id.label("person_id"),
                Person.local_child_id,
                Person.sex,
                Person.ethnicity,
                Person.date_of_birth,
                Person.disabilities,
            )
            .join(Person, Person.id == PlanEpisode.person_id)
            .where(
                PlanEpisode.deleted_at.is_(None),
                Person.deleted_at.is_(None),
                PlanEpisode.plan_type == plan.value,
                PlanEpisode.started_on <= year.end,
                sa.or_(PlanEpisode.ended_on.is_(None), PlanEpisode.ended_on >= year.start),
            )
            .order_by(PlanEpisode.id)
            .limit(BATCH)
        )
        if after is not None:
            query = query.where(PlanEpisode.id > after)
        rows = session.execute(query).all()
        if not rows:
            return
        after = rows[-1].id
        fixes: dict[uuid.UUID, list[dict[str, str]]] = {}
        for target_id, changes in session.execute(
            sa.select(Amendment.target_id, Amendment.changes)
            .where(
                Amendment.target_kind == "plan_episode",
                Amendment.target_id.in_([row.id for row in rows]),
                Amendment.deleted_at.is_(None),
            )
            .order_by(Amendment.created_at, Amendment.id)
        ):
            fixes.setdefault(target_id, []).append(changes)
        previous, enquiries = {}, {}
        if plan is PlanType.CHILD_PROTECTION:
            previous = _previous_cp_plans(session, rows)
            enquiries = _enquiries(session, rows)
        for row in rows:
            values = corrected(row._asdict(), fixes.get(row.id, ()))
            if plan is PlanType.CHILD_PROTECTION:
                values["initial_conference_on"] = enquiry_conference(
                    enquiries.get(row.person_id, []),
                    values["started_on"],
                    values["initial_conference_on"],
                )
            common = [
                row.local_child_id or f"FF{row.person_id.hex[:10].upper()}",
                labels["sex"].get(row.sex or "", "Not recorded"),
                row.ethnicity or "NOBT",
                row.date_of_birth,
                _age(row.date_of_birth, min(year.end, values["ended_on"] or year.end)),
                "Yes" if any(code != "NONE" for code in row.disabilities or []) else "No",
            ]
            yield common + _own(plan, values, previous.get(row.id, 0), labels)


def _own(
    plan: PlanType, values: dict[str, Any], previous: int, labels: dict[str, dict[str, str]]
) -> list[Any]:
    reason = labels["plan_end_reason"].get(values["end_reason"] or "", None)
    if plan is PlanType.CHILD_PROTECTION:
        return [
            values["initial_conference_on"],
            values["started_on"],
            values["cp_category"],
            previous,
            values["ended_on"],
        ]
    if plan is PlanType.LOOKED_AFTER:
        return [
            values["started_on"],
            values["legal_status"],
            values["placement_type"],
            values["placement_started_on"],
            values["ended_on"],
        ]
    return [values["started_on"], values["ended_on"], reason]


def _enquiries(session: DbSession, rows: Sequence[Any]) -> dict[uuid.UUID, list[Any]]:
    """Each child's section 47 enquiries (start, ICPC held), for their plans' conferences."""
    people = {str(row.person_id) for row in rows}
    found: dict[uuid.UUID, list[Any]] = {}
    for child_ids, started, held in session.execute(
        sa.select(
            StrategyDiscussion.child_ids,
            StrategyDiscussion.s47_started_on,
            StrategyDiscussion.icpc_held_on,
        ).where(
            StrategyDiscussion.family_id.in_({row.family_id for row in rows}),
            StrategyDiscussion.deleted_at.is_(None),
            StrategyDiscussion.state == SignState.SIGNED.value,
            StrategyDiscussion.s47_started_on.is_not(None),
        )
    ):
        for text in child_ids or []:
            if text in people:
                found.setdefault(uuid.UUID(text), []).append((started, held))
    return found


def _previous_cp_plans(session: DbSession, rows: Sequence[Any]) -> dict[uuid.UUID, int]:
    """How many child protection plans each plan's child had before it."""
    earlier = aliased(PlanEpisode)
    counted = session.execute(
        sa.select(PlanEpisode.id, sa.func.count(earlier.id))
        .join(
            earlier,
            sa.and_(
                earlier.person_id == PlanEpisode.person_id,
                earlier.plan_type == PlanType.CHILD_PROTECTION.value,
                earlier.deleted_at.is_(None),
                earlier.started_on < PlanEpisode.started_on,
            ),
        )
        .where(PlanEpisode.id.in_([row.id for row in rows]))
        .group_by(PlanEpisode.id)
    )
    return {episode_id: count for episode_id, count in counted}
