"""What one request has already looked up, so a batch of changes asks the database once.

A push of 500 mutations checks, for each, that its family is in the worker's
caseload, that its id is new, that what it points at belongs to the same
family. Asked one by one that is thousands of queries; ``Lookups`` asks once
per kind and remembers, including the records the request itself has made
and not yet written (a sync batch is written in one flush at its end).

A REST request that changes one record asks the same questions, each once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from .. import access
from ..domain.errors import NotFound
from ..extensions import db
from ..persistence import DecisionPolicy, Membership, RecordHistory, User, bulk
from ..persistence.case import CaseRecord, family_column
from ..persistence.store import SESSION, RecordStore

_MISSING = object()


def among(column: Any, ids: Iterable[uuid.UUID]) -> sa.ColumnElement[bool]:
    """Return ``column IN ids``; on PostgreSQL as one array parameter.

    A list of parameters makes a new statement for every length, planned
    afresh each time; ``= ANY(array)`` is one statement, prepared once.
    """
    if db.engine.dialect.name == "postgresql":
        return column == sa.any_(sa.literal(list(ids), postgresql.ARRAY(column.type)))
    condition: sa.ColumnElement[bool] = column.in_(list(ids))
    return condition


Key = tuple[type[Any], uuid.UUID]


class Lookups:
    def __init__(self) -> None:
        self.visible: dict[uuid.UUID, set[uuid.UUID]] = {}
        self.existing: set[Key] = set()
        self.absent: set[Key] = set()
        self.families: dict[Key, uuid.UUID | None] = {}
        self.members: dict[uuid.UUID, set[uuid.UUID]] = {}
        self.made: dict[Key, CaseRecord] = {}
        self.locked: dict[Key, CaseRecord] = {}
        self.history: dict[uuid.UUID, list[tuple[int, uuid.UUID | None, dict[str, Any]]]] = {}
        self._policy: Any = _MISSING
        # services.team_lights.WorkerLights by user: their team's trials and narrower lights.
        self.worker_lights: dict[uuid.UUID, Any] = {}

    def forget(self) -> None:
        """Forget everything remembered, keeping this object (a block may hold it)."""
        vars(self).update(vars(Lookups()))

    # --- scope ------------------------------------------------------------------------

    def visible_families(self, user: User, store: RecordStore = SESSION) -> set[uuid.UUID]:
        if user.id not in self.visible:
            query = access.visible_family_ids(user)
            self.visible[user.id] = set(store.execute(query).scalars())
        return self.visible[user.id]

    def grant(self, user_id: uuid.UUID, family_id: uuid.UUID) -> None:
        """Note that a family entered a user's scope in this request."""
        if user_id in self.visible:
            self.visible[user_id].add(family_id)

    def forget_scope(self) -> None:
        self.visible.clear()

    # --- records ----------------------------------------------------------------------

    def exists(self, model: type[CaseRecord], record_id: uuid.UUID) -> bool:
        key = (model, record_id)
        if key not in self.existing and key not in self.absent:
            self.prefetch_existing(model, [record_id])
        return key in self.existing

    def prefetch_existing(self, model: type[CaseRecord], ids: Iterable[uuid.UUID]) -> None:
        wanted = {record_id for record_id in ids if (model, record_id) not in self.existing}
        if not wanted:
            return
        found = set(db.session.scalars(sa.select(model.id).where(among(model.id, wanted))))
        self.existing.update((model, record_id) for record_id in found)
        self.absent.update((model, record_id) for record_id in wanted - found)

    def prefetch_new_ids(
        self, ids_by_model: dict[type[CaseRecord], list[uuid.UUID]], store: RecordStore = SESSION
    ) -> None:
        """Ask in one query which of the ids meant for new records of several kinds are taken.

        One statement for every kind (a ``UNION ALL`` of one index lookup each),
        rather than one round trip per kind, each planned and waited for alone.
        """
        wanted = {
            model: sorted({i for i in ids if (model, i) not in self.existing})
            for model, ids in ids_by_model.items()
        }
        models = [model for model, ids in wanted.items() if ids]
        if not models:
            return
        queries = [
            sa.select(sa.literal_column(str(index), sa.Integer).label("kind"), model.id).where(
                among(model.id, wanted[model])
            )
            for index, model in enumerate(models)
        ]
        query: sa.Executable = queries[0] if len(queries) == 1 else sa.union_all(*queries)
        rows: Iterable[Any] = store.execute(query)
        found = {(models[index], record_id) for index, record_id in rows}
        for model in models:
            for record_id in wanted[model]:
                key = (model, record_id)
                (self.existing if key in found else self.absent).add(key)

    def seen_by(self, model: type[CaseRecord], user: User, record_id: uuid.UUID) -> bool:
        """Return whether a record that exists lies in the user's scope (deleted or not)."""
        if (model, record_id) in self.made:
            return True  # made in this request, by this user
        found = db.session.scalar(
            sa.select(model.id).where(model.id == record_id, access.in_scope(model, user))
        )
        return found is not None

    def family_of(self, model: type[CaseRecord], record_id: uuid.UUID) -> uuid.UUID | None:
        """Return the family of a record by id (None if there is no such record)."""
        key = (model, record_id)
        if key in self.made:
            return getattr(self.made[key], "family_id", None)
        if key not in self.families:
            self.families[key] = db.session.scalar(
                sa.select(family_column(model)).where(model.id == record_id)
            )
        return self.families[key]

    def family_members(self, family_id: uuid.UUID) -> set[uuid.UUID]:
        if family_id not in self.members:
            self.members[family_id] = set(
                db.session.scalars(
                    sa.select(Membership.person_id).where(
                        Membership.family_id == family_id, Membership.deleted_at.is_(None)
                    )
                )
            )
        return self.members[family_id]

    def prefetch_members(
        self, family_ids: Iterable[uuid.UUID], store: RecordStore = SESSION
    ) -> None:
        wanted = [family_id for family_id in family_ids if family_id not in self.members]
        if not wanted:
            return
        for family_id in wanted:
            self.members[family_id] = set()
        rows = store.execute(
            sa.select(Membership.family_id, Membership.person_id).where(
                among(Membership.family_id, wanted), Membership.deleted_at.is_(None)
            )
        )
        for row in rows:
            self.members[row.family_id].add(row.person_id)

    def remember(self, record: CaseRecord) -> None:
        """Remember a record made in this request (it may not be written yet)."""
        key = (bulk.model_of(record), record.id)
        self.made[key] = record
        self.existing.add(key)
        self.absent.discard(key)
        if isinstance(record, Membership) and record.family_id in self.members:
            self.members[record.family_id].add(record.person_id)

    def visible_record(
        self,
        model: type[CaseRecord],
        user: User,
        record_id: uuid.UUID,
        *,
        for_update: bool,
        store: RecordStore = SESSION,
    ) -> CaseRecord:
        """Return a record the user may see (locked for update if asked), or raise NotFound."""
        key = (model, record_id)
        made = self.made.get(key)
        if made is not None:
            if made.deleted_at is not None:
                raise NotFound()
            return made
        locked = self.locked.get(key)
        if locked is not None and locked.deleted_at is None:
            return locked
        if store.batch:
            # A push locked every record it changes up front; one read again here (after
            # the store was written) is already locked by this transaction.
            self.prefetch_locked(model, user, [record_id], store)
            found = self.locked.get(key)
            if found is None or found.deleted_at is not None:
                raise NotFound()
            return found
        record = access.get_visible(model, user, record_id, for_update=for_update)
        if for_update:
            self.locked[key] = record
        return record

    def forget_made(self, record: Any) -> None:
        """Forget a record made in this request that was then undone (its mutation refused)."""
        key = (bulk.model_of(record), record.id)
        self.made.pop(key, None)
        self.existing.discard(key)
        self.absent.add(key)

    def forget_held(self) -> None:
        """Forget the push's held rows (just written): the ORM reads them afresh if asked."""
        for remembered in (self.made, self.locked):
            for key in [
                key for key, record in remembered.items() if isinstance(record, bulk.Draft)
            ]:
                del remembered[key]

    def prefetch_locked(
        self,
        model: type[CaseRecord],
        user: User,
        ids: Iterable[uuid.UUID],
        store: RecordStore = SESSION,
    ) -> None:
        """Lock, in one query and in id order, the records of ``ids`` the user may see.

        They are read as ``store`` holds them: ORM instances, or a push's rows.

        The lock is FOR NO KEY UPDATE (no key of a record changes): it keeps
        other writers of these rows waiting, but not a foreign-key check of a
        row being added that points at them, such as a note of a family whose
        details another device is changing.
        """
        wanted = sorted({record_id for record_id in ids if (model, record_id) not in self.locked})
        if not wanted:
            return
        query = (
            access.scoped(model, user)
            .where(among(model.id, wanted))
            .order_by(model.id)
            .with_for_update(key_share=True)
        )
        for record in store.read(model, query):
            self.locked[(model, record.id)] = record
        self.prefetch_history(wanted)

    # --- history ----------------------------------------------------------------------

    def prefetch_history(self, record_ids: Iterable[uuid.UUID]) -> None:
        wanted = [record_id for record_id in record_ids if record_id not in self.history]
        if not wanted:
            return
        for record_id in wanted:
            self.history[record_id] = []
        rows = db.session.connection().execute(
            sa.select(
                RecordHistory.record_id,
                RecordHistory.version,
                RecordHistory.device_id,
                RecordHistory.changes,
            ).where(among(RecordHistory.record_id, wanted))
        )
        for record_id, version, device_id, changes in rows:
            self.history[record_id].append((version, device_id, changes))

    def changed_since(
        self, record_id: uuid.UUID, base_version: int, device_id: uuid.UUID | None
    ) -> set[str]:
        """Return the fields others changed after ``base_version``.

        Rows this request writes come from this device, so they never count:
        the history fetched once at the start stays the right answer.
        """
        self.prefetch_history([record_id])
        return {
            name
            for version, writer, changes in self.history[record_id]
            if version > base_version and (writer is None or writer != device_id)
            for name in changes
        }

    # --- practice settings ------------------------------------------------------------

    def policy(self) -> DecisionPolicy | None:
        if self._policy is _MISSING:
            self._policy = db.session.scalar(
                sa.select(DecisionPolicy).order_by(DecisionPolicy.version.desc())
            )
        policy: DecisionPolicy | None = self._policy
        return policy


# Set while a sync batch is applied, which asks for the lookups thousands of times:
# reading a context variable is much quicker than reading the session's info.
_PINNED: ContextVar[Lookups | None] = ContextVar("pinned_lookups", default=None)


# Kept with the database session, which lives as long as the app context (a request
# or a job) and is the thing whose rollback can make them untrue.
LOOKUPS_KEY = "lookups"


def lookups() -> Lookups:
    """Return this request's lookups (a fresh set in each app context)."""
    found = _PINNED.get()
    if found is None:
        info = db.session.info
        found = info.get(LOOKUPS_KEY)
        if found is None:
            found = info[LOOKUPS_KEY] = Lookups()
    return found


@contextmanager
def pinned_lookups() -> Iterator[Lookups]:
    """Hold this request's lookups where ``lookups()`` finds them quickest, for a block."""
    found = lookups()
    token = _PINNED.set(found)
    try:
        yield found
    finally:
        _PINNED.reset(token)


def forget_lookups() -> None:
    """Drop everything remembered (after a rollback made it untrue)."""
    db.session.info.pop(LOOKUPS_KEY, None)
    pinned = _PINNED.get()
    if pinned is not None:
        pinned.forget()  # emptied in place: the block still holds it
