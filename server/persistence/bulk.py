"""The record store a sync push is decided against: plain rows, written one statement per table.

Made as ORM objects, a push of 500 mutations spends most of its time in the
unit of work (instance state, attribute events, flush planning), not in the
database. So a push applies its mutations against a ``BulkWriter``, the
batch's record store: the kinds whose rules are answered in memory
(``HELD_KINDS``) are held here as plain rows, and written together:

- each record is a ``Draft``: its row as attributes, standing in for an
  instance of its model wherever the services read or set fields;
- ``BulkWriter.write`` sends the new rows, then the changed columns of the
  existing ones, then their change-feed, history and audit rows: one
  statement per table and set of columns, ``COPY`` on PostgreSQL and
  ``executemany`` elsewhere.

The rules that the ORM's flush listeners keep (the feed row of every change,
signed records never changing) are kept here too; the database triggers
refuse the same in any case. The writer is a ``RecordStore`` (``store.py``):
the push hands it to the services as ``store=``, as the ORM session is
handed to them everywhere else.

Nothing is written while a mutation is decided, so a refusal leaves nothing
to roll back in the database: ``mark()`` before a mutation and ``undo(mark)``
after a refusal put the store back as it was (every change to a held row is
journalled). Other kinds are changed through the ORM (the push hands the
services the session's store for them), after ``write()`` has sent what it
holds, so what they point at is already there.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, cast

import msgspec
import sqlalchemy as sa
from psycopg.types.json import Jsonb
from sqlalchemy.dialects import postgresql

from .. import clock, timing
from ..domain.errors import RecordSigned
from ..domain.records import SIGNABLE, RecordKind, SignState
from ..extensions import Model, db
from ..timing import sql_phase
from .audit import AuditEvent
from .case import CaseRecord, RecordHistory
from .changes import FEED_TABLE, feed_row, supersede
from .columns import with_defaults
from .guards import BOOKKEEPING

HISTORY_TABLE = cast(sa.Table, RecordHistory.__table__)
AUDIT_TABLE = cast(sa.Table, AuditEvent.__table__)


_BOOKKEEPING = frozenset({"new", "changed", "was_signed", "journal"})

# The kinds the store holds as rows: every rule of theirs is answered in memory,
# with no side effect beyond their own row, history and audit. Any other kind is
# an ORM instance, changed through the session's store.
HELD_KINDS = frozenset(
    {
        RecordKind.INTERACTION,
        RecordKind.NOTE,
        RecordKind.JUDGMENT,
        RecordKind.PLAN_ACTION,
        RecordKind.CONFERENCE,
        RecordKind.RELATIONSHIP,
        RecordKind.CHECKLIST_ITEM,
    }
)

# One change to a held row: the row, the column, its value before, whether it had changed.
Change = tuple["Draft", str, Any, bool]


class Draft:
    """A case record as plain values, read and changed as its ORM instance would be."""

    model: ClassVar[type[CaseRecord]]
    kind: ClassVar[RecordKind]
    workflow_columns: ClassVar[frozenset[str]]
    __table__: ClassVar[sa.Table]

    id: uuid.UUID
    # Bookkeeping, beside the columns: whether the row is new, which columns changed.
    new: bool
    changed: set[str]
    was_signed: bool
    journal: list[Change]

    def __init__(self, values: Mapping[str, Any], *, new: bool, journal: list[Change]) -> None:
        attributes = self.__dict__  # set directly: __setattr__ is for the services' changes
        attributes.update(values)
        attributes["new"] = new
        attributes["changed"] = set()
        attributes["was_signed"] = values.get("state") == SignState.SIGNED
        attributes["journal"] = journal

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _column_names(self.__table__):
            raise AttributeError(f"{self.kind.value} has no column {name}")
        self.journal.append((self, name, self.__dict__[name], name in self.changed))
        self.__dict__[name] = value
        if not self.new:
            self.changed.add(name)

    def written(self) -> None:
        """Note that the row is now in the database as it stands: later changes are updates."""
        attributes = self.__dict__
        attributes["new"] = False
        attributes["changed"] = set()
        attributes["was_signed"] = attributes.get("state") == SignState.SIGNED

    @property
    def sign_state(self) -> str | None:
        state: str | None = self.__dict__.get("state")
        return state

    def family_key(self) -> uuid.UUID | None:
        family_id: uuid.UUID | None = self.__dict__.get("family_id")
        return family_id


@cache
def draft_class(model: type[CaseRecord]) -> type[Draft]:
    """Return the Draft class standing in for records of ``model``."""
    clash = _BOOKKEEPING & set(model.__table__.columns.keys())
    assert not clash, f"{model.__name__} has a column named like a Draft's bookkeeping: {clash}"
    return type(
        f"{model.__name__}Draft",
        (Draft,),
        {
            "model": model,
            "kind": model.kind,
            "workflow_columns": model.workflow_columns,
            "__table__": model.__table__,
        },
    )


def model_of(record: Any) -> type[CaseRecord]:
    """Return the model of a record, whether an ORM instance or a Draft."""
    if isinstance(record, Draft):
        return record.model
    model: type[CaseRecord] = type(record)
    return model


@cache
def _column_names(table: sa.Table) -> frozenset[str]:
    return frozenset(table.columns.keys())


@dataclass(frozen=True)
class Mark:
    """How much a store held at one moment: what ``undo`` returns it to."""

    made: int
    loaded: int
    history: int
    audit: int
    journal: int


class BulkWriter:
    """Hold a batch's rows while it is decided, then write them.

    A ``RecordStore``: the services make and read the batch's records through it.
    Its history rows and audit events name their actor, as the services hand them.
    """

    batch: ClassVar[bool] = True

    def __init__(self) -> None:
        self.now = clock.now()  # the batch's rows are made at one moment, its transaction's
        self.made: list[Draft] = []
        self.loaded: list[Draft] = []
        self.history: list[dict[str, Any]] = []
        self.audit: list[dict[str, Any]] = []
        self.journal: list[Change] = []

    def create(self, model: type[CaseRecord], values: Mapping[str, Any]) -> CaseRecord:
        """Return a new record of ``model``, to be inserted when the batch is written."""
        table = cast(sa.Table, model.__table__)
        names = _column_names(table)
        if not names.issuperset(values):
            unknown = sorted(set(values) - names)
            raise TypeError(f"{model.__name__} has no column {unknown[0]}")
        row = with_defaults(table, dict(values), now=self.now)
        for name in names - row.keys():
            row[name] = None  # as an ORM instance reads a column never set
        draft = draft_class(model)(row, new=True, journal=self.journal)
        self.made.append(draft)
        # A Draft stands in for an instance of its model: same attributes, same kind.
        return cast(CaseRecord, draft)

    def load(self, model: type[CaseRecord], row: Mapping[Any, Any]) -> CaseRecord:
        """Return an existing record, read as a row; its changed columns are written later."""
        draft = draft_class(model)(row, new=False, journal=self.journal)
        self.loaded.append(draft)
        return cast(CaseRecord, draft)

    def read(self, model: type[CaseRecord], query: sa.Select[Any]) -> Iterable[CaseRecord]:
        """Return the records a query of ``model`` selects, read as rows past the ORM."""
        columns = query.with_only_columns(*model.__table__.columns)
        result = db.session.connection().execute(columns)
        names = list(result.keys())
        return [self.load(model, dict(zip(names, row, strict=True))) for row in result]

    def execute(self, query: sa.Executable) -> sa.Result[Any]:
        """Run a read query on the connection, past the ORM's layer.

        Nothing waits in the ORM session to be flushed while a batch is decided
        (its records are Drafts), so the ORM's work before a query (autoflush,
        entity loading) is waste.
        """
        return db.session.connection().execute(query)

    def add_history(self, values: dict[str, Any]) -> None:
        """Add a history row, on the device it names."""
        self.history.append(with_defaults(HISTORY_TABLE, values, now=self.now))

    def add_audit(self, values: dict[str, Any]) -> None:
        """Add an audit event, by the user and on the device it names."""
        self.audit.append(with_defaults(AUDIT_TABLE, values, now=self.now))

    # --- deciding: a refused mutation leaves nothing behind -----------------------------

    def mark(self) -> Mark:
        """Return how much the store holds now, to ``undo`` back to."""
        return Mark(
            len(self.made), len(self.loaded), len(self.history), len(self.audit), len(self.journal)
        )

    def undo(self, mark: Mark) -> list[Draft]:
        """Put the store back as it was at ``mark``; return the rows made since, now dropped."""
        for draft, name, before, had_changed in reversed(self.journal[mark.journal :]):
            draft.__dict__[name] = before
            if not had_changed:
                draft.changed.discard(name)
        dropped = self.made[mark.made :]
        del self.journal[mark.journal :]
        del self.made[mark.made :]
        del self.loaded[mark.loaded :]
        del self.history[mark.history :]
        del self.audit[mark.audit :]
        return dropped

    # --- writing ----------------------------------------------------------------------

    def write(self, connection: sa.Connection) -> None:
        """Write everything held and not yet written, in an order the foreign keys allow.

        The store may be written more than once in a batch (before a kind it does
        not hold is changed): each time it sends what changed since the last.
        """
        self._write(connection)
        for draft in (*self.made, *self.loaded):
            draft.written()
        self.loaded.extend(self.made)
        self.made.clear()
        self.history.clear()
        self.audit.clear()
        self.journal.clear()

    def _write(self, connection: sa.Connection) -> None:
        changed = [draft for draft in self.loaded if draft.changed]
        for draft in changed:
            _refuse_signed_change(draft)
        for table, drafts in _by_table(self.made):
            # A Draft's attributes are its row (and a little bookkeeping, left out).
            _insert(connection, table, list(table.columns.keys()), [vars(d) for d in drafts])
        updates: dict[tuple[sa.Table, tuple[str, ...]], list[dict[str, Any]]] = {}
        for draft in changed:
            names = tuple(sorted(draft.changed))
            params = {f"b_{name}": draft.__dict__[name] for name in names}
            params["b_id"] = draft.id
            updates.setdefault((draft.__table__, names), []).append(params)
        for (table, names), batch in updates.items():
            statement = (
                sa.update(table)
                .where(table.c.id == sa.bindparam("b_id"))
                .values({name: sa.bindparam(f"b_{name}") for name in names})
            )
            connection.execute(statement, batch)
        feed = {
            (draft.kind.value, draft.id): feed_row(draft.kind.value, draft.id, draft.family_key())
            for draft in (*self.made, *changed)
        }
        # A changed record's earlier feed rows go: the feed keeps its latest only.
        supersede(connection, [feed[(draft.kind.value, draft.id)] for draft in changed])
        _insert(connection, FEED_TABLE, ["entity", "record_id", "family_id"], list(feed.values()))
        for table, rows in ((HISTORY_TABLE, self.history), (AUDIT_TABLE, self.audit)):
            if rows:
                _insert(connection, table, list(rows[0]), rows)


def _refuse_signed_change(draft: Draft) -> None:
    if (
        draft.kind in SIGNABLE
        and draft.was_signed
        and draft.changed - draft.workflow_columns - BOOKKEEPING
    ):
        raise RecordSigned()


def _by_table(drafts: list[Draft]) -> list[tuple[sa.Table, list[Draft]]]:
    """Group new records by table, parents first (a note after its visit)."""
    groups: dict[sa.Table, list[Draft]] = {}
    for draft in drafts:
        groups.setdefault(draft.__table__, []).append(draft)
    order = {table: index for index, table in enumerate(Model.metadata.sorted_tables)}
    return sorted(groups.items(), key=lambda item: order[item[0]])


def _insert(
    connection: sa.Connection, table: sa.Table, names: list[str], rows: list[dict[str, Any]]
) -> None:
    """Insert the ``names`` columns of each row (a row may hold other keys too)."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(sa.insert(table), [{name: row[name] for name in names} for row in rows])
        return
    # COPY takes the values as the dialect binds them (JSON as Jsonb, times in UTC).
    processors = [
        (index, process)
        for index, process in enumerate(_bind_processors(table, tuple(names), connection.dialect))
        if process is not None
    ]
    raw = connection.connection.driver_connection
    assert raw is not None  # a live connection inside the request's transaction
    columns = ", ".join(f'"{name}"' for name in names)
    types = _copy_types(table, tuple(names), connection.dialect)
    binary = " (FORMAT BINARY)" if types else ""
    statement = f"COPY {table.name} ({columns}) FROM STDIN{binary}"
    with (
        timing.phase(sql_phase(statement)),
        raw.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        if types:
            copy.set_types(types)
        for row in rows:
            values = [row[name] for name in names]
            for index, process in processors:
                if values[index] is not None:
                    values[index] = process(values[index])
            copy.write_row(values)


# PostgreSQL's names of the column types a case record uses, for a binary COPY.
_PG_TYPES: tuple[tuple[type[sa.types.TypeEngine[Any]], str], ...] = (
    (sa.Uuid, "uuid"),
    (postgresql.JSONB, "jsonb"),
    (sa.JSON, "json"),
    (sa.Boolean, "bool"),
    (sa.BigInteger, "int8"),
    (sa.SmallInteger, "int2"),
    (sa.Integer, "int4"),
    (sa.Text, "text"),
    (sa.String, "varchar"),
    (sa.Date, "date"),
)


@cache
def _copy_types(table: sa.Table, names: tuple[str, ...], dialect: sa.Dialect) -> list[str] | None:
    """Return the PostgreSQL type of each column, or None if one is not known here."""
    types = []
    for name in names:
        column_type = table.columns[name].type.dialect_impl(dialect)
        if isinstance(column_type, sa.TypeDecorator):
            column_type = column_type.impl_instance
        if isinstance(column_type, sa.DateTime):
            types.append("timestamptz" if column_type.timezone else "timestamp")
            continue
        found = next((pg for kind, pg in _PG_TYPES if isinstance(column_type, kind)), None)
        if found is None:
            return None
        types.append(found)
    return types


@cache
def _bind_processors(table: sa.Table, names: tuple[str, ...], dialect: sa.Dialect) -> list[Any]:
    processors: list[Any] = []
    for name in names:
        column_type = table.columns[name].type.dialect_impl(dialect)
        if isinstance(column_type, sa.JSON):
            processors.append(_jsonb)  # as the dialect binds it, but encoded in C
        else:
            processors.append(column_type.bind_processor(dialect))
    return processors


def _jsonb(value: Any) -> Jsonb:
    return Jsonb(value, dumps=_encode_json)


def _encode_json(value: Any) -> bytes:
    try:
        return msgspec.json.encode(value)
    except (TypeError, UnicodeEncodeError):  # what msgspec does not encode, json may
        return json.dumps(value).encode()
