"""Record every change to a synced record in the change feed, in the same transaction.

ORM writes are caught at flush; bulk loaders (demo data, benchmarks) call
``feed_rows``/``record_changes`` themselves. A change to a record replaces
its earlier rows (``supersede``): the feed holds each record's latest change
as seen from each family.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from .case import (
    CaseRecord,
    Family,
    Membership,
    Person,
    Relationship,
    SupervisionSession,
    families_of_people,
)
from .practice import ChecklistTemplate, DecisionPolicy
from .sync import SyncChange
from .team_lights import NewlyQualifiedLights, PolicyTrial

# Records every signed-in practitioner's device receives, whatever its families.
GLOBAL_RECORDS: dict[type[Any], str] = {
    ChecklistTemplate: "checklist_template",
    DecisionPolicy: "decision_policy",
    PolicyTrial: "policy_trial",
    NewlyQualifiedLights: "newly_qualified_lights",
}


# Core inserts skip the ORM's per-row work: the feed is written on every change.
FEED_TABLE = cast(sa.Table, SyncChange.__table__)


def feed_row(entity: str, record_id: Any, family_id: uuid.UUID | None) -> dict[str, Any]:
    return {"entity": entity, "record_id": record_id, "family_id": family_id}


def record_changes(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Append rows to the change feed (txid is filled in by the database)."""
    batch = list(rows)
    if batch:
        connection.execute(sa.insert(FEED_TABLE), batch)


def supersede(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Delete the feed rows that ``rows`` (about to be added) replace.

    The feed keeps one row per record as seen from each family: its latest.
    A pull reads a record's current state, not the change a row recorded, so
    an earlier row would only send the same state again (once per row, when a
    record's rows fall on different pages). The new row's position is after
    every cursor already issued (its transaction is still running, so the
    watermark holds every pull below it), so no device misses the change.
    """
    keys = {(row["entity"], row["record_id"], row["family_id"]) for row in rows}
    if not keys:
        return
    feed = FEED_TABLE.c
    # A record other than a person is seen from one family only: its id is enough,
    # asked as one array on PostgreSQL (one prepared statement, however many ids).
    single = [key[1] for key in keys if key[2] is not None and key[0] != "person"]
    if single:
        connection.execute(sa.delete(FEED_TABLE).where(_among(connection, feed.record_id, single)))
    scoped = [key for key in keys if key[2] is not None and key[0] == "person"]
    if scoped:
        connection.execute(
            sa.delete(FEED_TABLE).where(
                feed.record_id.in_({key[1] for key in scoped}),
                sa.tuple_(feed.entity, feed.record_id, feed.family_id).in_(scoped),
            )
        )
    unscoped = [key[:2] for key in keys if key[2] is None]
    if unscoped:
        connection.execute(
            sa.delete(FEED_TABLE).where(
                feed.record_id.in_({key[1] for key in unscoped}),
                feed.family_id.is_(None),
                sa.tuple_(feed.entity, feed.record_id).in_(unscoped),
            )
        )


def _among(connection: sa.Connection, column: Any, ids: list[Any]) -> sa.ColumnElement[bool]:
    if connection.dialect.name == "postgresql":
        return column == sa.any_(sa.literal(ids, postgresql.ARRAY(column.type)))
    condition: sa.ColumnElement[bool] = column.in_(ids)
    return condition


def feed_rows_for(model: type[Any], rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the feed rows for records a bulk loader inserted as plain dicts."""
    feed: list[dict[str, Any]] = []
    for row in rows:
        if model is Family:
            feed.append(feed_row("family", row["id"], row["id"]))
        elif model is Membership:
            feed.append(feed_row("membership", row["id"], row["family_id"]))
            feed.append(feed_row("person", row["person_id"], row["family_id"]))
        elif model is Person:
            continue  # a person reaches devices through their memberships and relationships
        elif model is Relationship:
            feed.append(feed_row("relationship", row["id"], row["family_id"]))
            if row.get("to_person_id"):
                feed.append(feed_row("person", row["to_person_id"], row["family_id"]))
        elif model is SupervisionSession:
            feed.append(feed_row("supervision_session", row["id"], row["id"]))
        elif issubclass(model, CaseRecord):
            feed.append(feed_row(model.kind.value, row["id"], row["family_id"]))
        elif model in GLOBAL_RECORDS:
            key = row.get("id", row.get("version"))
            feed.append(feed_row(GLOBAL_RECORDS[model], _as_uuid(key), None))
    return feed


def _families_of_people(
    connection: sa.Connection, person_ids: set[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    if not person_ids:
        return []
    # Only live links: a family the person left (or whose map no longer names
    # them) hears of them no more; its devices were told to forget them then.
    return [
        (person_id, family_id)
        for person_id, family_id in connection.execute(families_of_people(person_ids))
    ]


@event.listens_for(Session, "after_flush")
def record_flushed_changes(session: Session, _context: object) -> None:
    rows: list[dict[str, Any]] = []
    people: set[uuid.UUID] = set()
    new = set(session.new)
    made: set[uuid.UUID] = set()  # new records: no earlier feed row to supersede
    for record in (*new, *session.dirty):
        if record not in new and not session.is_modified(record):
            continue
        if record in new and isinstance(getattr(record, "id", None), uuid.UUID):
            made.add(record.id)
        if isinstance(record, Person):
            people.add(record.id)
        elif isinstance(record, Membership):
            rows.append(feed_row("membership", record.id, record.family_id))
            # The family's devices need the person too, however old the person is.
            rows.append(feed_row("person", record.person_id, record.family_id))
        elif isinstance(record, Relationship):
            rows.append(feed_row("relationship", record.id, record.family_id))
            # Someone only the relationship ties to the family (a foster carer) reaches
            # its devices with it, and leaves them when it is removed.
            if record.to_person_id is not None:
                rows.append(feed_row("person", record.to_person_id, record.family_id))
        elif isinstance(record, Family):
            rows.append(feed_row("family", record.id, record.id))
        elif isinstance(record, SupervisionSession):
            # Team-scoped: the session is its own scope key, like a family is.
            rows.append(feed_row("supervision_session", record.id, record.id))
        elif isinstance(record, CaseRecord):
            family_id = sa.inspect(record).attrs["family_id"].value  # every other kind has one
            rows.append(feed_row(record.kind.value, record.id, family_id))
        elif type(record) in GLOBAL_RECORDS:
            key = record.id if hasattr(record, "id") else record.version
            rows.append(feed_row(GLOBAL_RECORDS[type(record)], _as_uuid(key), None))
    connection = session.connection()
    rows.extend(feed_row("person", p, f) for p, f in _families_of_people(connection, people))
    rows = _unique(rows)
    supersede(connection, [row for row in rows if row["record_id"] not in made])
    record_changes(connection, rows)


def _as_uuid(key: Any) -> uuid.UUID:
    # The decision policy is keyed by version number; the feed wants a UUID.
    return key if isinstance(key, uuid.UUID) else uuid.UUID(int=int(key))


def _unique(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for row in rows:
        key = (row["entity"], row["record_id"], row["family_id"])
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique
