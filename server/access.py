"""Access control in one place: which families, and so which records, a user may see.

Every query of case data goes through ``scoped``. A caseworker sees the
families assigned to them now; a supervisor the families of their team; an
analyst and an admin see no case records at all (analysts read aggregates,
admins run the service).
"""

from __future__ import annotations

import uuid
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app

from . import clock
from .domain.endings import last_day_on_devices
from .domain.errors import NotFound
from .domain.roles import Action, Role, can
from .extensions import db
from .persistence import (
    Assignment,
    Consultation,
    Family,
    Membership,
    Person,
    Relationship,
    SupervisionSession,
    User,
)
from .persistence.case import CaseRecord, family_column

Record = TypeVar("Record", bound=CaseRecord)


def clearing_days() -> int:
    """Return the council's clearing period: days a closed family stays on devices."""
    return int(current_app.config.get("CLOSED_FAMILY_CLEARING_DAYS", 28))


def visible_family_ids(user: User, *, on_device: bool = False) -> sa.Select[uuid.UUID]:
    """Return a query of the ids of the families this user may see.

    ``on_device``: the families their devices keep (the sync scope). A closed
    family stays there for the clearing period after it closed, for the worker
    whose time with it ended that day too; then it leaves every device. Online,
    a supervisor still finds their team's closed families and reads their history.
    """
    role = Role(user.role)
    if not can(role, Action.READ_CASE):
        # Analysts and admins see no case records: an empty scope, so lists are
        # empty and every record is "not found", exactly as if it did not exist.
        return sa.select(Family.id).where(sa.false())
    current = sa.and_(Assignment.ended_on.is_(None), Assignment.deleted_at.is_(None))
    if role is Role.CASEWORKER and not on_device:
        return sa.select(Assignment.family_id).where(Assignment.worker_id == user.id, current)
    still_on_devices = sa.or_(
        Family.closed_on.is_(None),
        Family.closed_on >= last_day_on_devices(clock.today(), clearing_days()),
    )
    if role is Role.CASEWORKER:
        ended_with_the_work = sa.and_(
            Assignment.deleted_at.is_(None),
            Family.status == "closed",
            Assignment.ended_on == Family.closed_on,
        )
        return (
            sa.select(Assignment.family_id)
            .join(Family, Family.id == Assignment.family_id)
            .where(
                Assignment.worker_id == user.id,
                sa.or_(current, ended_with_the_work),
                still_on_devices,
            )
            .distinct()
        )
    if role is Role.SUPERVISOR and user.team_id is not None:
        team = sa.select(Family.id).where(Family.team_id == user.team_id)
        return team.where(still_on_devices) if on_device else team
    return sa.select(Family.id).where(sa.false())


def visible_session_condition(user: User) -> sa.ColumnElement[bool]:
    """Return the condition that a group supervision session is visible to the user.

    A team's supervisors see its sessions; a caseworker sees those they
    attended (while in the team). Sessions hold no family data: what was said
    about a family is in its discussion, which follows the family's scope.
    """
    role = Role(user.role)
    if user.team_id is None or role not in (Role.SUPERVISOR, Role.CASEWORKER):
        return sa.false()
    same_team = SupervisionSession.team_id == user.team_id
    if role is Role.SUPERVISOR:
        return same_team
    # attendee_ids is a JSON list of UUIDs in their canonical text form (the
    # schema and the service make it so); matching the text works the same on
    # PostgreSQL and SQLite, and a UUID cannot match part of another one.
    attended = sa.cast(SupervisionSession.attendee_ids, sa.Text).contains(
        f'"{user.id}"', autoescape=True
    )
    return sa.and_(same_team, attended)


def visible_session_ids(user: User) -> sa.Select[uuid.UUID]:
    """Return a query of the ids of the group supervision sessions this user may see."""
    return sa.select(SupervisionSession.id).where(visible_session_condition(user))


def visible_consultation_condition(
    user: User, asker_key_hash: str | None = None
) -> sa.ColumnElement[bool]:
    """Return the condition that a peer consultation is visible to the user.

    A consultation is for practitioners in other teams: no one in the team it
    was asked from sees it, the asker's supervisor included. The asker reads
    their own with the key their device made when posting it (the server does
    not know who asked). One asked before the team was kept, or by someone in
    no team, is visible to every practitioner.
    """
    if not can(Role(user.role), Action.CONSULT_PEERS):
        return sa.false()
    other_team: sa.ColumnElement[bool] = sa.true()
    if user.team_id is not None:
        other_team = sa.or_(
            Consultation.asked_in_team_id.is_(None),
            Consultation.asked_in_team_id != user.team_id,
        )
    if asker_key_hash is None:
        return other_team
    return sa.or_(other_team, Consultation.asker_key_hash == asker_key_hash)


def in_scope(model: type[CaseRecord], user: User) -> sa.ColumnElement[bool]:
    """Return the condition that a row of ``model`` lies within the user's scope."""
    if model is SupervisionSession:
        return visible_session_condition(user)
    families = visible_family_ids(user)
    if model is Family:
        return Family.id.in_(families)
    if model is Person:
        # A member of a family, or someone a member's relationship names (a foster carer).
        return sa.or_(
            sa.exists().where(
                Membership.person_id == Person.id,
                Membership.deleted_at.is_(None),
                Membership.family_id.in_(families),
            ),
            sa.exists().where(
                Relationship.to_person_id == Person.id,
                Relationship.deleted_at.is_(None),
                Relationship.family_id.in_(families),
            ),
        )
    return family_column(model).in_(families)


def scoped(model: type[Record], user: User, *, include_deleted: bool = False) -> sa.Select[Record]:
    """Return a query of the rows of ``model`` this user may see."""
    query = sa.select(model).where(in_scope(model, user))
    if not include_deleted:
        query = query.where(model.deleted_at.is_(None))
    return query


def get_visible(
    model: type[Record], user: User, record_id: uuid.UUID, *, for_update: bool = False
) -> Record:
    """Return one record the user may see, or raise NotFound (never Forbidden: no leak).

    ``for_update`` locks it FOR NO KEY UPDATE: no key changes, so rows being
    added that refer to it (their foreign-key checks) are not kept waiting.
    """
    query = scoped(model, user).where(model.id == record_id)
    if for_update:
        query = query.with_for_update(key_share=True)
    record = db.session.scalar(query)
    if record is None:
        raise NotFound()
    return record
