"""Statutory returns for a performance officer: the validation report, producing and downloading.

Only a role with ``READ_STATUTORY`` reaches these: child-level identifiers,
dates and codes across the council, never a note or a judgment's text. Every
validation report read, every return asked for and every download is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .. import clock
from ..audit import Actor, AuditAction, record_event
from ..census.annex_a import empty_lists
from ..census.collect import CensusYear, children
from ..census.rules import RULES, issues_of
from ..domain.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    RuleBroken,
    field_errors,
    translatable,
)
from ..domain.exports import ExportStatus, ReturnKind
from ..domain.roles import Action, can
from ..extensions import db
from ..jobs.queue import enqueue_after_commit
from ..persistence import StatutoryReturn, User

# The job that builds a return, named so this layer never imports jobs.
PRODUCE_RETURN = "server.jobs.census.produce_return"
FIRST_YEAR = 2015
FILES = {
    ReturnKind.CIN_CENSUS: ("application/xml", "xml"),
    ReturnKind.ANNEX_A: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}


@dataclass(frozen=True)
class ReturnFile:
    body: bytes
    content_type: str
    filename: str


def ensure_performance_officer(user: User) -> None:
    """Refuse anyone whose role does not read statutory data."""
    if not can(user.role, Action.READ_STATUTORY):
        raise Forbidden()


def latest_year() -> int:
    """The latest collection year that has begun: the one ending next 31 March."""
    today = clock.today()
    return today.year + 1 if today.month >= 4 else today.year


def check_year(year: int) -> CensusYear:
    if not FIRST_YEAR <= year <= latest_year():
        raise InvalidInput(
            errors=field_errors(
                year=translatable(
                    "Choose a collection year from {first} to {last}.",
                    first=FIRST_YEAR,
                    last=latest_year(),
                )
            )
        )
    return CensusYear(year)


def validation_report(actor: Actor, year: int) -> dict[str, Any]:
    """Every issue the Department's rules find in the year's data, child by child."""
    ensure_performance_officer(actor.user)
    census_year = check_year(year)
    rows: list[dict[str, Any]] = []
    count = 0
    for child in children(db.session, census_year):
        count += 1
        for issue in issues_of(child, census_year):
            rows.append(
                {
                    "rule": issue.rule.key,
                    "dfe_code": issue.rule.dfe_code,
                    "title": issue.rule.title,
                    "detail": issue.detail,
                    "child_reference": child.reference,
                    "family_reference": child.family_reference,
                    "person_id": child.person_id,
                    "family_id": child.family_id,
                    "link": issue.link,
                }
            )
    record_event(
        AuditAction.LIST,
        "census_validation",
        detail={"year": year, "children": count, "issues": len(rows)},
        actor=actor,
    )
    return {
        "year": year,
        "label": census_year.label,
        "children": count,
        "issues": rows,
        "rules": [
            {"key": rule.key, "dfe_code": rule.dfe_code, "title": rule.title}
            for rule in RULES.values()
        ],
        "empty_lists": [{"name": name, "why": why} for name, why in empty_lists().items()],
    }


def request_return(actor: Actor, kind: str, year: int) -> StatutoryReturn:
    """Record a request for a return, audit it and queue its job (one at a time per kind)."""
    ensure_performance_officer(actor.user)
    check_year(year)
    running = db.session.scalar(
        sa.select(StatutoryReturn)
        .where(
            StatutoryReturn.kind == kind,
            StatutoryReturn.year == year,
            StatutoryReturn.requested_by_id == actor.user.id,
            StatutoryReturn.status.in_([ExportStatus.QUEUED, ExportStatus.RUNNING]),
        )
        .limit(1)
    )
    if running is not None:
        return running
    item = StatutoryReturn(kind=kind, year=year, requested_by_id=actor.user.id)
    db.session.add(item)
    db.session.flush()
    record_event(
        AuditAction.CREATE,
        "statutory_return",
        record_id=item.id,
        detail={"kind": kind, "year": year},
        actor=actor,
    )
    enqueue_after_commit(PRODUCE_RETURN, str(item.id))
    return item


def returns(user: User, year: int | None) -> list[StatutoryReturn]:
    ensure_performance_officer(user)
    query = sa.select(StatutoryReturn).order_by(
        StatutoryReturn.created_at.desc(), StatutoryReturn.id
    )
    if year is not None:
        query = query.where(StatutoryReturn.year == year)
    return list(db.session.scalars(query.limit(50)))


def get_return(user: User, return_id: uuid.UUID) -> StatutoryReturn:
    ensure_performance_officer(user)
    item = db.session.get(StatutoryReturn, return_id)
    if item is None:
        raise NotFound()
    return item


def return_file(actor: Actor, return_id: uuid.UUID) -> ReturnFile:
    """A finished return's file; the download is audited."""
    item = get_return(actor.user, return_id)
    if item.status != ExportStatus.DONE or item.content is None:
        raise RuleBroken(translatable("The return is not ready yet."))
    content_type, extension = FILES[item.kind]
    record_event(
        AuditAction.EXPORT,
        "statutory_return",
        record_id=item.id,
        detail={"kind": item.kind, "year": item.year},
        actor=actor,
    )
    name = f"{item.kind.replace('_', '-')}-{item.year - 1}-{item.year}.{extension}"
    return ReturnFile(item.content, content_type, name)
