"""Ofsted's Annex A: the child-level lists an inspection asks for, one sheet per list.

The lists follow the layout of Ofsted's template: a child's identifier,
gender, ethnicity, date of birth, age and disability, then the list's own
columns. The app fills the lists its records support: early help (list 2),
children in need (list 6), child protection (list 7) and children in care
(list 8). The others are sheets that say why they are empty, so the workbook
keeps Ofsted's numbering. The workbook is written a row at a time (openpyxl's
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
from ..persistence import Amendment, Person, PlanEpisode
from ..vocabularies import vocabularies
from .collect import CensusYear, DbSession

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
    (
        "List 3 Referrals",
        None,
        [],
        (
            "Referrals are not yet recorded in the app; the census reads each episode"
            " of need from the child's first plan."
        ),
    ),
    (
        "List 4 Assessments",
        None,
        [],
        "Assessments (and the factors identified) are not yet recorded in the app.",
    ),
    (
        "List 5 Section 47",
        None,
        [],
        "Strategy discussions and section 47 enquiries are not yet recorded in the app.",
    ),
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


def empty_lists() -> dict[str, str]:
    """The lists the app leaves empty, and why."""
    return {name: why for name, plan, _columns, why in LISTS if plan is None}


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
        previous = _previous_cp_plans(session, rows) if plan is PlanType.CHILD_PROTECTION else {}
        for row in rows:
            values = corrected(row._asdict(), fixes.get(row.id, ()))
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
