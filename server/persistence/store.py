"""Where the services put the rows they make: a record store, named by the caller.

Two stores answer to ``RecordStore``:

- ``SESSION``, the ORM session: the default, for a request, a job or a
  command (records are instances, written at the next flush);
- ``bulk.BulkWriter``, a sync push's store: the common kinds held as plain
  rows while the batch is decided, then written one statement per table.

A service that makes or changes a record takes the store as ``store=`` and
hands it on (to the history row, the audit event, the lookups); only the sync
push passes another than ``SESSION``. A store never works out who acts: each
history row and audit event names its user and device, from the actor the
service was handed (``audit.Actor``). Nothing finds the store by itself, so a
call that forgets to hand it on writes through the ORM, and the bulk push tests
(``tests/sync/test_bulk_push.py``) see that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Protocol

import sqlalchemy as sa

from ..extensions import db
from .audit import AuditEvent
from .case import CaseRecord, RecordHistory


class RecordStore(Protocol):
    """What the services ask of the place their rows go."""

    # Whether the store decides a batch whose records were all locked up front
    # (a sync push): a record read again then is read as this store holds it.
    batch: ClassVar[bool]

    def create(self, model: type[CaseRecord], values: Mapping[str, Any]) -> CaseRecord:
        """Return a new record of ``model`` made of ``values``, to be written."""
        ...

    def add_history(self, values: dict[str, Any]) -> None:
        """Add a history row (its ``changed_by_id`` and ``device_id`` say who, on what)."""
        ...

    def add_audit(self, values: dict[str, Any]) -> None:
        """Add an audit event (its ``user_id`` and ``device_id`` say who, on what)."""
        ...

    def execute(self, query: sa.Executable) -> sa.Result[Any]:
        """Run a read query as this store reads (the ORM session's, or its connection)."""
        ...

    def read(self, model: type[CaseRecord], query: sa.Select[Any]) -> Iterable[CaseRecord]:
        """Return the records of ``model`` a query selects, as this store holds them."""
        ...


class SessionStore:
    """The ORM session as a record store: what every service writes to outside a push."""

    batch: ClassVar[bool] = False

    def create(self, model: type[CaseRecord], values: Mapping[str, Any]) -> CaseRecord:
        record = model(**values)
        db.session.add(record)
        return record

    def add_history(self, values: dict[str, Any]) -> None:
        db.session.add(RecordHistory(**values))

    def add_audit(self, values: dict[str, Any]) -> None:
        db.session.add(AuditEvent(**values))

    def execute(self, query: sa.Executable) -> sa.Result[Any]:
        return db.session.execute(query)

    def read(self, model: type[CaseRecord], query: sa.Select[Any]) -> Iterable[CaseRecord]:
        return db.session.scalars(query)


SESSION = SessionStore()
