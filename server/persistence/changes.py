"""Record every change to a synced record in the change feed, in the same transaction.

ORM writes are caught at flush; bulk loaders (demo data, benchmarks) call
``feed_rows``/``record_changes`` themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import event
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

# Records every signed-in practitioner's device receives, whatever its families.
GLOBAL_RECORDS: dict[type[Any], str] = {
    ChecklistTemplate: "checklist_template",
    DecisionPolicy: "decision_policy",
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
    for record in (*new, *session.dirty):
        if record not in new and not session.is_modified(record):
            continue
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
    record_changes(connection, _unique(rows))


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
