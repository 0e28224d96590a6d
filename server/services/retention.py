"""Retention: which closed families' records have passed their date, legal holds, deleting.

The schedule is data, ``server/data/retention.json``; the rule it feeds is
``server.domain.retention``. A family is deleted only when it is closed, has a
closing date, has no legal hold still in force and its keep-until date has
passed: the candidates' query says so, and ``delete_families`` checks each
family again, locked, before deleting anything.

Deleting a family deletes its case records, their history and its rows of the
change feed (so no device is sent it again), refused sync changes naming its
records, subject access bundles about its people, and each of its people who
belongs to no other family. The audit log keeps its rows: they name records
only by random ids, never by name.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

from .. import clock
from ..audit import Actor, AuditAction, record_event
from ..domain.errors import Forbidden, NotFound, RuleBroken, field_errors, translatable
from ..domain.plans import PlanType
from ..domain.retention import (
    Child,
    Line,
    RetentionRule,
    Verdict,
    add_years,
    keep_until,
    lines_from,
)
from ..domain.roles import Role
from ..extensions import db
from ..persistence import (
    Amendment,
    Assignment,
    Attachment,
    AttachmentUpload,
    AuditEvent,
    CaseEpisode,
    CaseSummary,
    Checklist,
    ChecklistItem,
    ChronologyEntry,
    Conference,
    Family,
    FamilyCopy,
    FamilyTransfer,
    Interaction,
    Judgment,
    LegalHold,
    Membership,
    Note,
    Person,
    PlacementAddress,
    PlanAction,
    PlanEpisode,
    RecordHistory,
    Referral,
    Relationship,
    RetentionRelease,
    Review,
    StatutoryReminder,
    StrategyDiscussion,
    SubjectAccessExport,
    SupervisionDiscussion,
    SyncChange,
    SyncRejection,
    User,
)
from . import attachments

SCHEDULE_FILE = Path(__file__).parents[1] / "data" / "retention.json"
# Who may set and lift a legal hold: the admin, and the practice lead as head of service.
HOLD_ROLES = frozenset({Role.ADMIN, Role.PRACTICE_LEAD})
AUDIT_ENTITY = "retention"


@cache
def schedule() -> dict[str, Any]:
    """Return the retention schedule as the file holds it."""
    data: dict[str, Any] = json.loads(SCHEDULE_FILE.read_text(encoding="utf-8"))
    lines_from(data)  # a schedule that cannot be read stops here, not halfway through a run
    return data


def lines() -> dict[RetentionRule, Line]:
    return lines_from(schedule())


# --- Which families are due ------------------------------------------------------------


def _held() -> sa.ColumnElement[bool]:
    return (
        sa.select(LegalHold.id)
        .where(LegalHold.family_id == Family.id, LegalHold.lifted_at.is_(None))
        .exists()
    )


def closed_for_long_enough(on: date) -> sa.ColumnElement[bool]:
    """The families the schedule might let go on this day: closed, dated, not held.

    No family can be due before its shortest time after closure, so the query
    reads only those closed at least that long ago.
    """
    shortest = min(line.at_least_years_after_closure for line in lines().values())
    return sa.and_(
        Family.status == "closed",
        Family.closed_on.is_not(None),
        Family.closed_on <= add_years(on, -shortest),
        ~_held(),
    )


def verdicts(family_ids: list[uuid.UUID]) -> dict[uuid.UUID, Verdict]:
    """Return each closed family's keep-until date: from every child it ever recorded.

    Removed memberships and removed plan episodes count too: when in doubt, keep.
    """
    if not family_ids:
        return {}
    closed: dict[uuid.UUID, date] = {
        family: closed_on
        for family, closed_on in db.session.execute(
            sa.select(Family.id, Family.closed_on).where(Family.id.in_(family_ids))
        )
        if closed_on is not None
    }
    children: dict[uuid.UUID, dict[uuid.UUID, Child]] = {family: {} for family in closed}
    members = (
        sa.select(Membership.family_id, Person.id, Person.date_of_birth, Person.dob_accuracy)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.family_id.in_(family_ids), Person.is_child.is_(True))
    )
    on_plans = (
        sa.select(PlanEpisode.family_id, Person.id, Person.date_of_birth, Person.dob_accuracy)
        .join(Person, Person.id == PlanEpisode.person_id)
        .where(PlanEpisode.family_id.in_(family_ids))
    )
    for family, person, born, accuracy in db.session.execute(members.union_all(on_plans)):
        if family in children:
            children[family][person] = Child(born, accuracy or "exact")
    looked_after = set(
        db.session.scalars(
            sa.select(PlanEpisode.family_id).where(
                PlanEpisode.family_id.in_(family_ids),
                PlanEpisode.plan_type == PlanType.LOOKED_AFTER.value,
            )
        )
    )
    rules = lines()
    return {
        family: keep_until(
            closed_on, list(children[family].values()), family in looked_after, rules
        )
        for family, closed_on in closed.items()
    }


def due_families(on: date, limit: int | None = None) -> list[tuple[uuid.UUID, Verdict]]:
    """Return the families whose records may be deleted on this day, oldest closure first."""
    query = (
        sa.select(Family.id)
        .where(closed_for_long_enough(on))
        .order_by(Family.closed_on, Family.id)
        .execution_options(yield_per=500)
    )
    found: list[tuple[uuid.UUID, Verdict]] = []
    chunk: list[uuid.UUID] = []

    def judge() -> None:
        judged = verdicts(chunk)
        found.extend((family, judged[family]) for family in chunk if judged[family].due(on))
        chunk.clear()

    for family_id in db.session.scalars(query):
        chunk.append(family_id)
        if len(chunk) == 500:
            judge()
            if limit is not None and len(found) >= limit:
                break
    if chunk:
        judge()
    return found[:limit] if limit is not None else found


# --- Deleting ----------------------------------------------------------------------------

# Deleted in this order, children of a foreign key before their parents.
BY_FAMILY = (
    AttachmentUpload,
    Attachment,
    FamilyCopy,
    CaseEpisode,
    FamilyTransfer,
    ChronologyEntry,
    CaseSummary,
    StrategyDiscussion,
    Referral,
    ChecklistItem,
    Checklist,
    PlanAction,
    Conference,
    Amendment,
    Review,
    Judgment,
    Note,
    SupervisionDiscussion,
    Interaction,
    PlanEpisode,
    Assignment,
    Relationship,
    Membership,
)


@dataclass
class Deleted:
    families: int = 0
    skipped: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)


def _still_due(family_ids: list[uuid.UUID], on: date) -> list[uuid.UUID]:
    """The guard: lock the families and keep only those closed, unheld and past their date."""
    # Lock first, then read again: a hold being set locks its family too, so its commit
    # comes before this second read (a statement of its own, seeing what was committed).
    db.session.execute(
        sa.select(Family.id).where(Family.id.in_(family_ids)).with_for_update()
    ).all()
    locked = list(
        db.session.scalars(
            sa.select(Family.id).where(Family.id.in_(family_ids), closed_for_long_enough(on))
        )
    )
    judged = verdicts(locked)
    return [family for family in locked if judged[family].due(on)]


def _people_only_in(family_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Return the people linked to these families and to no other."""
    links = (
        (Membership.person_id, Membership.family_id),
        (Relationship.from_person_id, Relationship.family_id),
        (Relationship.to_person_id, Relationship.family_id),
        (PlanEpisode.person_id, PlanEpisode.family_id),
        (ChecklistItem.child_id, ChecklistItem.family_id),
    )
    ours = sa.union(
        *(
            sa.select(person).where(family.in_(family_ids), person.is_not(None))
            for person, family in links
        )
    ).subquery()
    elsewhere = sa.union(
        *(
            sa.select(person).where(family.not_in(family_ids), person.is_not(None))
            for person, family in links
        )
    )
    return list(db.session.scalars(sa.select(ours.c[0]).where(ours.c[0].not_in(elsewhere))))


def _delete(model: Any, condition: sa.ColumnElement[bool], deleted: Deleted) -> None:
    result = cast(
        "sa.CursorResult[Any]",
        db.session.execute(
            sa.delete(model).where(condition).execution_options(synchronize_session=False)
        ),
    )
    deleted.rows[model.__tablename__] += result.rowcount


def delete_families(family_ids: Iterable[uuid.UUID], on: date) -> Deleted:
    """Delete these families' records if, checked again under lock, they are still due.

    Runs in the caller's transaction: the caller commits, once per batch.
    """
    asked = list(family_ids)
    due = _still_due(asked, on)
    deleted = Deleted(families=len(due), skipped=len(asked) - len(due))
    if not due:
        return deleted
    judged = verdicts(due)
    deleted.rules.update(judged[family].rule.value for family in due)
    people = _people_only_in(due)
    db.session.add_all(RetentionRelease(id=released) for released in (*due, *people))
    db.session.flush()
    episodes = sa.select(PlanEpisode.id).where(PlanEpisode.family_id.in_(due))
    # Their attachments' bytes go from the blob store once this deletion commits.
    attachments.forget_blobs_of(due)
    _delete(StatutoryReminder, StatutoryReminder.episode_id.in_(episodes), deleted)
    _delete(PlacementAddress, PlacementAddress.episode_id.in_(episodes), deleted)
    for model in BY_FAMILY:
        _delete(model, model.family_id.in_(due), deleted)
    _delete(SubjectAccessExport, SubjectAccessExport.person_id.in_(people), deleted)
    _delete(Person, Person.id.in_(people), deleted)
    _delete(
        RecordHistory,
        sa.or_(RecordHistory.family_id.in_(due), RecordHistory.record_id.in_([*due, *people])),
        deleted,
    )
    # Changes a device pushed that were refused keep what the worker typed: those naming
    # a record of these families (every one is in the change feed) go with them.
    fed = {
        str(record)
        for record in db.session.scalars(
            sa.select(SyncChange.record_id).where(SyncChange.family_id.in_(due))
        )
    }
    named = sorted(fed | {str(record) for record in (*due, *people)})
    for start in range(0, len(named), 1000):
        _delete(SyncRejection, SyncRejection.record_id.in_(named[start : start + 1000]), deleted)
    _delete(SyncChange, SyncChange.family_id.in_(due), deleted)
    _delete(Family, Family.id.in_(due), deleted)
    db.session.execute(sa.delete(RetentionRelease))
    return deleted


def delete_next_batch(on: date, batch_size: int = 50) -> Deleted:
    """Delete up to ``batch_size`` families due on this day, with one audit event of the counts.

    The event says how many families, by which rule, and how many rows of
    each table: no names, no ids. Runs in the caller's transaction: the job
    commits each batch (``server/jobs/retention.py``) and asks for the next
    while the last deleted some.
    """
    batch = [family for family, _verdict in due_families(on, limit=batch_size)]
    if not batch:
        return Deleted()
    deleted = delete_families(batch, on)
    db.session.add(
        AuditEvent(
            action="delete",
            entity=AUDIT_ENTITY,
            detail={
                "on": on.isoformat(),
                "families": deleted.families,
                "skipped": deleted.skipped,
                "rules": dict(deleted.rules),
                "rows": dict(deleted.rows),
            },
        )
    )
    db.session.flush()
    return deleted


# --- What would go -------------------------------------------------------------------------


def dry_run(on: date) -> dict[str, Any]:
    """Count what the job would delete on this day, and what holds keep: counts only."""
    due = due_families(on)
    rules = Counter(verdict.rule.value for _family, verdict in due)
    assumed = sum(1 for _family, verdict in due if verdict.assumed)
    held_families = list(
        db.session.scalars(
            sa.select(Family.id).where(
                Family.status == "closed", Family.closed_on.is_not(None), _held()
            )
        )
    )
    held_judged = verdicts(held_families)
    held = sum(1 for family in held_families if held_judged[family].due(on))
    ids = [family for family, _verdict in due]
    rows: dict[str, int] = {}
    if ids:
        for model in BY_FAMILY:
            rows[model.__tablename__] = (
                db.session.scalar(
                    sa.select(sa.func.count()).select_from(model).where(model.family_id.in_(ids))
                )
                or 0
            )
        rows["person"] = len(_people_only_in(ids))
        rows["family"] = len(ids)
    return {
        "on": on,
        "families": len(ids),
        "by_rule": {rule.value: rules.get(rule.value, 0) for rule in RetentionRule},
        "with_assumed_dates": assumed,
        "held": held,
        "rows": rows,
    }


# --- Legal holds -------------------------------------------------------------------------


def _may_hold(user: User) -> None:
    if user.role not in HOLD_ROLES:
        raise Forbidden()


def set_hold(actor: Actor, family_id: uuid.UUID, reason: str) -> LegalHold:
    """Put a legal hold on a family; one in force already is a conflict."""
    user = actor.user
    _may_hold(user)
    # Locked, so the deletion job cannot be deleting this family while the hold is set.
    if db.session.get(Family, family_id, with_for_update=True) is None:
        raise NotFound()
    if held(family_id):
        raise RuleBroken(
            translatable("This family already has a legal hold."),
            field_errors(family_id=translatable("This family already has a legal hold.")),
        )
    hold = LegalHold(family_id=family_id, reason=reason, set_by_id=user.id, set_at=clock.now())
    db.session.add(hold)
    db.session.flush()
    _audit(actor, AuditAction.HOLD, hold)
    return hold


def lift_hold(actor: Actor, hold_id: uuid.UUID, reason: str) -> LegalHold:
    """Lift a legal hold, saying why; the row stays, with who lifted it and when."""
    user = actor.user
    _may_hold(user)
    hold = db.session.get(LegalHold, hold_id)
    if hold is None:
        raise NotFound()
    if hold.lifted_at is not None:
        raise RuleBroken(translatable("This legal hold has already been lifted."))
    hold.lifted_at = clock.now()
    hold.lifted_by_id = user.id
    hold.lift_reason = reason
    _audit(actor, AuditAction.LIFT_HOLD, hold)
    return hold


def held(family_id: uuid.UUID) -> bool:
    return bool(
        db.session.scalar(
            sa.select(
                sa.select(LegalHold.id)
                .where(LegalHold.family_id == family_id, LegalHold.lifted_at.is_(None))
                .exists()
            )
        )
    )


def holds(user: User, *, in_force_only: bool) -> list[LegalHold]:
    _may_hold(user)
    query = sa.select(LegalHold).order_by(LegalHold.set_at.desc())
    if in_force_only:
        query = query.where(LegalHold.lifted_at.is_(None))
    return list(db.session.scalars(query))


def _audit(actor: Actor, action: AuditAction, hold: LegalHold) -> None:
    # The reason is free text and may name people: the audit keeps only the hold's id.
    record_event(action, "legal_hold", actor=actor, record_id=hold.id, family_id=hold.family_id)
