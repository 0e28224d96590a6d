"""The server side of sync: applying pushed mutations, and pulling changes in scope.

The protocol itself (cursor, merge rules, envelope) is in the pure ``sync``
package; this module binds it to the database, the services and the access
rules. docs/sync.md explains the decisions.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
import sqlalchemy as sa
from marshmallow import ValidationError

from sync.cursor import Cursor, CursorError
from sync.mutations import (
    Encoded,
    EnvelopeError,
    MutationLedger,
    check_batch,
    device_time,
    parse_mutation,
    storable,
)
from sync.protocol import (
    SCHEMA_VERSION,
    ChangeOp,
    MutationOp,
    MutationResult,
    RejectReason,
    ResultStatus,
)

from .. import access
from ..audit import Actor, AuditAction, record_event
from ..domain import errors as domain
from ..domain.errors import translatable
from ..domain.records import RecordKind
from ..extensions import Model, db
from ..persistence import (
    ChecklistTemplate,
    DecisionPolicy,
    Device,
    Family,
    Membership,
    NewlyQualifiedLights,
    PolicyTrial,
    Relationship,
    SupervisionSession,
    SyncChange,
    SyncCheckpoint,
    SyncRejection,
    SyncState,
    User,
    bulk,
)
from ..persistence.case import CASE_RECORDS, CaseRecord, families_of_people, family_column
from ..persistence.store import SESSION, RecordStore
from ..records.loaders import load_create, load_update
from . import case_records
from .lookups import Lookups, forget_lookups, lookups, pinned_lookups

log = logging.getLogger(__name__)

# Checkpoints kept per device: enough for a device to repeat a pull whose
# response it lost, or resume an interrupted first sync.
CHECKPOINTS_KEPT = 20
# Errors that mean "try again later", never "this change is wrong". The bulk way
# writes with COPY on the driver's own connection, so psycopg's errors come
# unwrapped: a deadlock there is psycopg.errors.DeadlockDetected, an OperationalError.
TRANSIENT_ERRORS = (
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    sa.exc.DisconnectionError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
EPOCH_KEY = "epoch"


class ResetRequired(domain.RuleBroken):
    """The cursor cannot be honoured: re-pull the whole scope, keep the outbox."""

    code = "reset_required"
    message = translatable(
        "This device must download its caseload again. Unsynced changes are kept."
    )


class UpgradeRequired(domain.RuleBroken):
    """The device speaks an older sync schema; it must update the app first."""

    code = "upgrade_required"
    message = translatable("Update the app to sync. Your unsynced changes are kept on this device.")


class ServerBehind(domain.RuleBroken):
    """The device speaks a newer sync schema than this server: the server is behind, not the app."""

    code = "server_behind"
    message = translatable(
        "Your app is newer than the server, so it cannot sync yet. Your unsynced changes are "
        "kept on this device and will be sent once the server is updated."
    )


class SyncUnavailable(domain.TryLater):
    """A transient failure: nothing was applied, try again after a pause."""

    code = "sync_unavailable"
    message = translatable(
        "Sync is unavailable for a moment. Your changes are kept and will be sent later."
    )


# --- the epoch and the watermark ------------------------------------------------------


def current_epoch() -> str:
    """Return the name of this database's history; it changes when a backup is restored."""
    stored = db.session.get(SyncState, EPOCH_KEY)
    parts = [stored.value if stored else "none"]
    if db.engine.dialect.name == "postgresql":
        # A restore with pg_restore makes a new database (a new oid): detect it unaided.
        parts.append(
            str(
                db.session.scalar(
                    sa.text("SELECT oid FROM pg_database WHERE datname = current_database()")
                )
            )
        )
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:24]


def start_new_epoch() -> str:
    """Start a new epoch (after restoring a backup): every device re-pulls its scope."""
    state = db.session.get(SyncState, EPOCH_KEY) or SyncState(key=EPOCH_KEY, value="")
    state.value = uuid.uuid4().hex
    db.session.add(state)
    db.session.flush()
    return current_epoch()


# Greater than any txid: on SQLite every change has txid 0 and one writer at a time
# commits in seq order, so the seq alone orders the feed.
NO_WATERMARK = 2**62


# The oldest transaction still running *in this database*. Transaction ids are
# shared by the whole PostgreSQL cluster, and a long transaction in another
# database must not hold back every device's sync. So: take a snapshot first,
# then (in a later statement, with fresh statistics) read which of this
# database's backends hold a transaction id; the running ids of the snapshot
# that belong to them (matched on the low 32 bits pg_stat_activity shows) bound
# the watermark. An id assigned after the snapshot is above its xmax anyway; an
# id that finished between the two reads is visible to every later statement.
# All the app's processes must connect as one role (or one with
# pg_read_all_stats) so the second read sees every backend that writes the feed.
SNAPSHOT_SQL = sa.text(
    "SELECT pg_snapshot_xmax(s)::text::bigint, "
    "ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) AS x) "
    "FROM (SELECT pg_current_snapshot() AS s) AS snap"
)
RUNNING_HERE_SQL = sa.text(
    "SELECT backend_xid::text::bigint FROM pg_stat_activity "
    "WHERE datname = current_database() AND backend_xid IS NOT NULL"
)


def watermark() -> int:
    """Return a transaction id below which every change is final (committed or gone)."""
    if db.engine.dialect.name != "postgresql":
        return NO_WATERMARK
    xmax, running = db.session.execute(SNAPSHOT_SQL).one()
    if not running:
        return int(xmax)
    db.session.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
    here = set(db.session.scalars(RUNNING_HERE_SQL))
    ours = [xid for xid in running if xid % 2**32 in here]
    return min(ours) if ours else int(xmax)


# --- pull -----------------------------------------------------------------------------


@dataclass
class FeedEntry:
    entity: str
    id: str
    op: ChangeOp
    record: Any = None
    family_id: str | None = None


@dataclass
class PullPage:
    entries: list[FeedEntry]
    cursor: str
    has_more: bool
    remaining: int | None = None


Position = tuple[int, int]


@dataclass
class _Progress:
    """A device's place in the feed, as a checkpoint stores it."""

    position: Position
    known: set[str]
    pending: dict[str, Position]
    # Families that arrived whole after `position`: their feed resumes after
    # their own position, so what they already received is not sent again.
    ahead: dict[str, Position]
    rejection_seq: int
    entries: list[FeedEntry] = field(default_factory=list)


def _checkpoint(device: Device, cursor_text: str | None, epoch: str) -> _Progress:
    if not cursor_text:
        return _Progress((0, 0), set(), {}, {}, 0)
    try:
        cursor = Cursor.decode(cursor_text)
        cursor.ensure_current(epoch)
    except CursorError as error:
        raise ResetRequired(str(error)) from error
    checkpoint = db.session.get(SyncCheckpoint, cursor.checkpoint_id)
    if checkpoint is None or checkpoint.device_id != device.id:
        raise ResetRequired("This device's sync position is no longer known to the server.")

    def positions(stored: Mapping[str, list[int]]) -> dict[str, Position]:
        return {family: (pos[0], pos[1]) for family, pos in stored.items()}

    return _Progress(
        (checkpoint.txid, checkpoint.seq),
        set(checkpoint.families),
        positions(checkpoint.pending),
        positions(checkpoint.ahead),
        checkpoint.rejection_seq,
    )


GLOBAL = None  # the key of records every device receives, in feed bounds


def _feed_query(bounds: Mapping[str | None, Position], xmin: int, limit: int) -> list[Any]:
    """Return feed rows after each family's own position, oldest first.

    ``bounds`` maps a family id (or GLOBAL) to the position after which its
    rows are wanted; families sharing a position share one condition.
    """
    by_position: dict[Position, list[str | None]] = {}
    for family, position in bounds.items():
        by_position.setdefault(position, []).append(family)
    conditions = []
    for position, families in by_position.items():
        ids = [uuid.UUID(f) for f in families if f is not GLOBAL]
        where = [SyncChange.family_id.in_(ids)] if ids else []
        if GLOBAL in families:
            where.append(SyncChange.family_id.is_(None))
        conditions.append(
            sa.and_(
                sa.or_(*where),
                sa.tuple_(SyncChange.txid, SyncChange.seq) > sa.tuple_(*position),
            )
        )
    query = (
        sa.select(
            SyncChange.txid,
            SyncChange.seq,
            SyncChange.entity,
            SyncChange.record_id,
            SyncChange.family_id,
        )
        .where(sa.or_(*conditions), SyncChange.txid < xmin)
        .order_by(SyncChange.txid, SyncChange.seq)
        .limit(limit)
    )
    return list(db.session.execute(query))


def pull(user: User, device: Device, cursor_text: str | None, limit: int) -> PullPage:
    """Return the next page of changes in the user's scope, and the cursor after it."""
    xmin = watermark()  # first: every change below it is committed or gone for good
    epoch = current_epoch()
    progress = _checkpoint(device, cursor_text, epoch)
    # The scope keys: each family's id, and each team-scoped session's own id.
    scope = {
        str(family)
        for family in db.session.scalars(access.visible_family_ids(user, on_device=True))
    }
    sessions = {str(session) for session in db.session.scalars(access.visible_session_ids(user))}
    scope |= sessions

    leaving = sorted((progress.known | set(progress.pending)) - scope)
    sessions_leaving = _session_keys(leaving)
    for family in leaving:
        if family in sessions_leaving:
            progress.entries.append(FeedEntry("supervision_session", family, ChangeOp.EVICT))
        else:
            progress.entries.append(FeedEntry("family", family, ChangeOp.EVICT, family_id=family))
        progress.known.discard(family)
        progress.pending.pop(family, None)
        progress.ahead.pop(family, None)
    for family in sorted(scope - progress.known - set(progress.pending)):
        progress.pending[family] = (0, 0)  # a family new to this device arrives whole

    # `limit` counts what the device receives: evictions, changes and rejections.
    rows, budget = [], limit - len(progress.entries)
    for family in sorted(progress.pending):
        if budget <= 0:
            break
        got = _feed_query({family: progress.pending[family]}, xmin, budget + 1)
        last = (got[-1].txid, got[-1].seq) if got else progress.pending[family]
        if len(got) > budget:
            got = got[:budget]
            progress.pending[family] = (got[-1].txid, got[-1].seq)
        else:
            del progress.pending[family]
            progress.known.add(family)
            if last > progress.position:
                progress.ahead[family] = last
        rows.extend(got)
        budget -= len(got)

    # With the page already full, the feed was not consulted: there may be more.
    feed_has_more = budget <= 0
    if budget > 0 and not progress.pending:
        bounds: dict[str | None, Position] = {
            family: max(progress.position, progress.ahead.get(family, progress.position))
            for family in progress.known
        }
        bounds[GLOBAL] = progress.position
        got = _feed_query(bounds, xmin, budget + 1)
        feed_has_more = len(got) > budget
        got = got[:budget]
        if got:
            progress.position = (got[-1].txid, got[-1].seq)
            progress.ahead = {f: p for f, p in progress.ahead.items() if p > progress.position}
        rows.extend(got)

    progress.entries.extend(_load_entries(user, rows, scope - sessions))
    rejections, rejections_left = _rejections(device, progress, max(budget, 0))
    progress.entries.extend(rejections)
    _audit_pull(Actor(user, device.id), progress.entries)
    cursor = _save_checkpoint(device, progress, epoch)
    remaining = None
    if progress.pending:
        remaining = _remaining(progress.pending, progress.position, xmin) + rejections_left
    has_more = bool(progress.pending) or feed_has_more or rejections_left > 0
    # The caller commits once it has read the records: committing here would
    # expire them all, and reading each again costs a query per record.
    return PullPage(progress.entries, cursor, has_more, remaining)


GLOBAL_MODELS: dict[str, type[Any]] = {
    "checklist_template": ChecklistTemplate,
    "decision_policy": DecisionPolicy,
    "policy_trial": PolicyTrial,
    "newly_qualified_lights": NewlyQualifiedLights,
}


def _load_entries(user: User, rows: list[Any], scope: set[str]) -> list[FeedEntry]:
    """Turn feed rows into entries carrying each record's current state (one per record)."""
    latest: dict[tuple[str, uuid.UUID], Any] = {}
    for row in rows:
        latest.pop((row.entity, row.record_id), None)
        latest[(row.entity, row.record_id)] = row
    by_entity: dict[str, list[uuid.UUID]] = {}
    for entity, record_id in latest:
        by_entity.setdefault(entity, []).append(record_id)
    records: dict[tuple[str, uuid.UUID], Any] = {}
    for entity, ids in by_entity.items():
        for record in _load_records(entity, ids):
            key = record["version"] if entity == "decision_policy" else record["id"]
            if isinstance(key, int):
                key = uuid.UUID(int=key)
            elif isinstance(key, str):
                key = uuid.UUID(key)
            records[(entity, key)] = record
    people_in_scope = _people_in_scope(by_entity.get("person", []), scope)
    entries = []
    for (entity, record_id), row in latest.items():
        record = records.get((entity, record_id))
        if record is None:
            continue
        family_id = str(row.family_id) if row.family_id else None
        if entity == "supervision_session":
            family_id = None  # its scope key is its own id; it belongs to no family
        if entity == "person" and record_id not in people_in_scope:
            # In no family of the scope now: a REST read answers 404, so the device
            # is told to forget the person and is sent nothing of them.
            entries.append(FeedEntry(entity, str(record_id), ChangeOp.EVICT, None, family_id))
        elif record.get("deleted_at") is not None:
            # A tombstone: the device needs the id and version, never the data.
            entries.append(FeedEntry(entity, str(record_id), ChangeOp.DELETE, record, family_id))
        else:
            entries.append(FeedEntry(entity, str(record_id), ChangeOp.UPSERT, record, family_id))
    return entries


def _session_keys(keys: list[str]) -> set[str]:
    """Return which of the scope keys leaving a device are sessions, not families."""
    if not keys:
        return set()
    ids = [uuid.UUID(key) for key in keys]
    found = db.session.scalars(
        sa.select(SupervisionSession.id).where(SupervisionSession.id.in_(ids))
    )
    return {str(session) for session in found}


def _load_records(entity: str, ids: list[uuid.UUID]) -> Sequence[Any]:
    """Return the records' rows as mappings: a pull sends thousands, and ORM objects are slow."""
    if entity == "decision_policy":
        table = DecisionPolicy.__table__
        where = table.c.version.in_([record_id.int for record_id in ids])
    else:
        model = GLOBAL_MODELS.get(entity) or CASE_RECORDS[RecordKind(entity)]
        table = model.__table__
        where = table.c.id.in_(ids)
    columns: list[Any] = list(table.columns)
    if db.engine.dialect.name == "postgresql":
        # Ids as text from the database: making a UUID object of each, only to turn
        # it back into text for the wire, is a large part of a pull's time.
        columns = [
            sa.cast(column, sa.Text).label(column.name)
            if isinstance(column.type, sa.Uuid)
            else column
            for column in columns
        ]
    return db.session.execute(sa.select(*columns).where(where)).mappings().all()


def _people_in_scope(person_ids: list[uuid.UUID], scope: set[str]) -> set[uuid.UUID]:
    if not person_ids:
        return set()
    families = {uuid.UUID(f) for f in scope}
    links = db.session.execute(families_of_people(person_ids)).all()
    return {person_id for person_id, family_id in links if family_id in families}


def _rejections(device: Device, progress: _Progress, room: int) -> tuple[list[FeedEntry], int]:
    """Return up to ``room`` of the device's new rejections, and how many more wait."""
    waiting = sa.select(SyncRejection).where(
        SyncRejection.device_id == device.id, SyncRejection.seq > progress.rejection_seq
    )
    rejections = db.session.scalars(waiting.order_by(SyncRejection.seq).limit(room + 1)).all()
    left = 0
    if len(rejections) > room:
        rejections = rejections[:room]
        total = db.session.scalar(sa.select(sa.func.count()).select_from(waiting.subquery()))
        left = int(total or 0) - room
    if rejections:
        progress.rejection_seq = rejections[-1].seq
    entries = [FeedEntry("rejection", str(r.id), ChangeOp.UPSERT, r) for r in rejections]
    return entries, left


def _audit_pull(actor: Actor, entries: list[FeedEntry]) -> None:
    """Audit what a pull sent: one event per family, with how many, and each session."""
    counts: dict[str, int] = {}
    for entry in entries:
        if entry.op is ChangeOp.EVICT:
            continue
        if entry.family_id:
            counts[entry.family_id] = counts.get(entry.family_id, 0) + 1
        elif entry.entity == "supervision_session":
            # Scoped by team, not family: audited by its own id, as a REST read is.
            record_event(
                AuditAction.SYNC,
                "supervision_session",
                actor=actor,
                record_id=uuid.UUID(entry.id),
            )
    for family_id, count in counts.items():
        record_event(
            AuditAction.SYNC,
            "family",
            actor=actor,
            family_id=uuid.UUID(family_id),
            detail={"count": count},
        )


def _save_checkpoint(device: Device, progress: _Progress, epoch: str) -> str:
    checkpoint = SyncCheckpoint(
        device_id=device.id,
        txid=progress.position[0],
        seq=progress.position[1],
        families=sorted(progress.known),
        pending={family: list(pos) for family, pos in progress.pending.items()},
        ahead={family: list(pos) for family, pos in progress.ahead.items()},
        rejection_seq=progress.rejection_seq,
    )
    db.session.add(checkpoint)
    db.session.flush()
    keep = (
        sa.select(SyncCheckpoint.id)
        .where(SyncCheckpoint.device_id == device.id)
        .order_by(SyncCheckpoint.created_at.desc(), SyncCheckpoint.id.desc())
        .limit(CHECKPOINTS_KEPT)
        .scalar_subquery()
    )
    db.session.execute(
        sa.delete(SyncCheckpoint).where(
            SyncCheckpoint.device_id == device.id, SyncCheckpoint.id.not_in(keep)
        )
    )
    return Cursor(epoch, SCHEMA_VERSION, checkpoint.id).encode()


def _remaining(pending: Mapping[str, Position], feed_position: Position, xmin: int) -> int:
    """Return about how many changes are still to come while families arrive whole.

    The families' own feed rows (one per record, as the feed keeps them), and
    the records every device receives, which come once they are all in.
    Families not started yet are counted in one query; the one part-way
    through (there is at most one, pages go family by family) on its own.
    """
    fresh = [uuid.UUID(family) for family, position in pending.items() if position == (0, 0)]
    total = (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                SyncChange.family_id.is_(None),
                SyncChange.txid < xmin,
                sa.tuple_(SyncChange.txid, SyncChange.seq) > sa.tuple_(*feed_position),
            )
        )
        or 0
    )
    if fresh:
        total += (
            db.session.scalar(
                sa.select(sa.func.count()).where(
                    SyncChange.family_id.in_(fresh), SyncChange.txid < xmin
                )
            )
            or 0
        )
    for family, position in pending.items():
        if position != (0, 0):
            total += (
                db.session.scalar(
                    sa.select(sa.func.count()).where(
                        SyncChange.family_id == uuid.UUID(family),
                        SyncChange.txid < xmin,
                        sa.tuple_(SyncChange.txid, SyncChange.seq) > sa.tuple_(*position),
                    )
                )
                or 0
            )
    return total


# --- push -----------------------------------------------------------------------------


@dataclass
class PushResult:
    results: list[MutationResult]
    last_mutation_id: int


class PushBatch:
    """A push's mutations: as JSON objects, and read ahead when every envelope was sound.

    ``encoded`` (from ``sync.mutations.decode_push``) holds each mutation with
    its data still as JSON bytes, for the compiled loaders; the JSON objects
    are decoded from the body only if needed (an envelope to check, a
    rejection to keep).
    """

    def __init__(
        self,
        raw: Sequence[Mapping[str, Any]] | None = None,
        *,
        body: bytes | None = None,
        encoded: list[Encoded] | None = None,
    ):
        if raw is None and body is None:
            raise ValueError("a batch needs its mutations or the body holding them")
        self._raw = raw
        self._body = body
        self.encoded = encoded

    @property
    def raw(self) -> Sequence[Mapping[str, Any]]:
        if self._raw is None:
            assert self._body is not None
            self._raw = json.loads(self._body)["mutations"]
        return self._raw


@dataclass
class Incoming:
    """One mutation of a push as read: its envelope, its data as sent, and once loaded, as loaded.

    ``refused`` is why it cannot be applied (its envelope or its data), found
    before anything is decided; ``index`` finds what was sent, to keep with a rejection.
    """

    index: int
    mutation_id: int
    kind: RecordKind
    op: MutationOp
    id: uuid.UUID
    base_version: int | None
    data: bytes | Mapping[str, Any]
    device_time: datetime | None
    loaded: dict[str, Any] = field(default_factory=dict)
    refused: Exception | None = None


# A push that loses a deadlock (or a serialisation conflict) is run again from the
# start this many times in all before the device is told to try later.
PUSH_ATTEMPTS = 4


def push(user: User, device: Device, mutations: PushBatch, schema_version: int) -> PushResult:
    """Apply a batch of mutations exactly once each, in order, bumping the device's counter.

    The work is flushed, not committed: the caller commits it.
    """
    if schema_version < SCHEMA_VERSION:
        raise UpgradeRequired()
    if schema_version > SCHEMA_VERSION:
        raise ServerBehind()
    actor = Actor(user, device.id)  # who makes every record, history row and audit event
    for attempt in range(1, PUSH_ATTEMPTS + 1):
        try:
            return _push_once(actor, mutations)
        except TRANSIENT_ERRORS as error:
            db.session.rollback()
            forget_lookups()
            if lost_a_race(error) and attempt < PUSH_ATTEMPTS:
                # Nothing was written; the other transaction has gone on. Run it again.
                log.info("sync push lost a race (%s); running it again", _cause(error))
                continue
            log.warning("sync push unavailable: %s", _cause(error))
            raise SyncUnavailable() from error
    raise AssertionError("unreachable")  # the last attempt returns or raises


def lost_a_race(error: BaseException) -> bool:
    """Return whether the database undid the work for another's sake (deadlock, id taken)."""
    cause = getattr(error, "orig", None) or error
    return isinstance(cause, LOST_RACES)


# PostgreSQL's "transaction rollback" class (40xxx): the transaction was undone so
# that another could go on. psycopg makes DeadlockDetected an OperationalError.
# A new id taken by another device's push committed after this one asked is a race
# too (a StoreRefused, below): run again, the push finds the id and says so.
LOST_RACES = (
    psycopg.errors.DeadlockDetected,
    psycopg.errors.SerializationFailure,
    psycopg.errors.TransactionRollback,
    psycopg.errors.UniqueViolation,
)


class StoreRefused(sa.exc.OperationalError):
    """The database refused the batch's rows after every mutation was decided.

    Every rule is decided before writing, so this is an id another push took
    meanwhile (a race: the push runs again) or a fault to fix (logged; the
    device keeps its changes and sends them again later).
    """


def _cause(error: BaseException) -> str:
    return type(getattr(error, "orig", None) or error).__name__


def _push_once(actor: Actor, mutations: PushBatch) -> PushResult:
    # Take the device's write lock first (an UPDATE locks on PostgreSQL and SQLite
    # alike), so concurrent pushes of the same batch run one after the other. It
    # changes no key, so it is a FOR NO KEY UPDATE lock: rows that refer to the
    # device (history, audit, rejections) are still written by others meanwhile.
    device_id = actor.device_id
    db.session.execute(
        sa.update(Device)
        .where(Device.id == device_id)
        .values(last_mutation_id=Device.last_mutation_id)
    )
    locked = db.session.get(Device, device_id, populate_existing=True)
    assert locked is not None
    if locked.revoked_at is not None:
        raise domain.DeviceRevoked()
    skipped_before = [list(gap) for gap in locked.skipped_mutation_ids]
    ledger = MutationLedger(locked.last_mutation_id, [list(gap) for gap in skipped_before])
    incoming = _read(mutations)
    fresh = [mutation for mutation in incoming if not ledger.processed(mutation.mutation_id)]
    results = _apply_batch(actor, locked, mutations, incoming, fresh)
    for mutation in fresh:
        ledger.record(mutation.mutation_id)
    locked.last_mutation_id = ledger.last
    if ledger.skipped != skipped_before:
        locked.skipped_mutation_ids = ledger.skipped
    db.session.flush()
    return PushResult(results, ledger.last)


KINDS = {kind.value: kind for kind in RecordKind}  # quicker than RecordKind(value)


def _read(mutations: PushBatch) -> list[Incoming]:
    """Return each mutation's envelope, read; one that is unsound is refused, never skipped.

    A batch whose ids cannot be ordered raises BatchError: it cannot be applied exactly once.
    """
    if mutations.encoded:
        return [
            Incoming(
                index,
                mutation.mutation_id,
                KINDS[mutation.entity],
                mutation.op,
                mutation.id,
                mutation.base_version,
                mutation.data,
                mutation.device_time,
            )
            for index, mutation in enumerate(mutations.encoded)
        ]
    incoming = []
    for index, raw in enumerate(check_batch(mutations.raw)):
        try:
            mutation = parse_mutation(raw)
        except EnvelopeError as error:
            incoming.append(
                Incoming(index, raw["mutation_id"], RecordKind.NOTE, MutationOp.CREATE,
                         uuid.UUID(int=0), None, {}, None, refused=error)
            )  # fmt: skip
            continue
        incoming.append(
            Incoming(
                index,
                mutation.mutation_id,
                KINDS[mutation.entity],
                mutation.op,
                uuid.UUID(mutation.id),
                mutation.base_version,
                mutation.data,
                device_time(mutation.client_ts),
            )
        )
    return incoming


def _load(mutation: Incoming) -> None:
    """Load a mutation's data as its kind's schema would; a refusal is kept for its turn."""
    try:
        if mutation.op is MutationOp.CREATE:
            mutation.loaded = load_create(mutation.kind, mutation.data, mutation.id)
        elif mutation.op is MutationOp.UPDATE:
            assert mutation.base_version is not None  # the envelope requires it
            mutation.loaded = load_update(mutation.kind, mutation.data, mutation.base_version)
    except ValidationError as error:
        mutation.refused = error


def _apply_batch(
    actor: Actor,
    device: Device,
    mutations: PushBatch,
    incoming: list[Incoming],
    fresh: list[Incoming],
) -> list[MutationResult]:
    """Decide each fresh mutation in order against the batch's record store, then write it.

    One way for every kind. Each mutation's data is loaded (compiled loader,
    else schema); what the batch needs is asked once (ids, the records it
    changes, locked in one order); then each mutation is applied by the
    services, nothing written yet. A refusal undoes that mutation alone and
    becomes its rejection. The store writes its rows at the end, in one
    statement per table; a kind it does not hold is changed through the ORM
    in a savepoint of its own, after the store has written the rows before it.
    """
    for mutation in fresh:
        if mutation.refused is None:
            _load(mutation)
    results: dict[int, MutationResult] = {
        mutation.mutation_id: MutationResult(mutation.mutation_id, ResultStatus.DUPLICATE)
        for mutation in incoming
    }
    user = actor.user
    store = bulk.BulkWriter()
    with pinned_lookups() as found:
        _prefetch(user, [mutation for mutation in fresh if mutation.refused is None], store)
        for mutation in fresh:
            if mutation.refused is not None:
                result = _refusal(user, device, mutations, mutation, mutation.refused)
            elif mutation.kind in bulk.HELD_KINDS:
                result = _decide_held(actor, device, mutations, mutation, store, found)
            else:
                if store.made or store.loaded:
                    _write(store)  # what it points at is written first
                    found.forget_held()
                result = _decide_other(actor, device, mutations, mutation)
            results[mutation.mutation_id] = result
        _write(store)
    return [results[mutation.mutation_id] for mutation in incoming]


def _decide_held(
    actor: Actor,
    device: Device,
    mutations: PushBatch,
    mutation: Incoming,
    store: bulk.BulkWriter,
    found: Lookups,
) -> MutationResult:
    """Apply a mutation of a kind the store holds; on a refusal, undo it in the store."""
    mark = store.mark()
    try:
        return _apply_loaded(actor, mutation, store)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:  # every failure of one mutation becomes its rejection
        for record in store.undo(mark):
            found.forget_made(record)
        return _refusal(actor.user, device, mutations, mutation, error)


def _decide_other(
    actor: Actor, device: Device, mutations: PushBatch, mutation: Incoming
) -> MutationResult:
    """Apply a mutation of another kind through the ORM, in a savepoint undone on a refusal."""
    try:
        with db.session.begin_nested():
            return _apply_loaded(actor, mutation, SESSION)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:  # every failure of one mutation becomes its rejection
        forget_lookups()  # the savepoint's rollback made some of them untrue
        return _refusal(actor.user, device, mutations, mutation, error)


def _write(store: bulk.BulkWriter) -> None:
    """Write what the store holds; a refusal by the database is a race or a fault (StoreRefused)."""
    try:
        with db.session.begin_nested():
            store.write(db.session.connection())
    except TRANSIENT_ERRORS:
        raise
    except (sa.exc.SQLAlchemyError, psycopg.Error) as error:
        cause = getattr(error, "orig", None) or error
        if not isinstance(cause, LOST_RACES):
            log.exception("a sync push's decided rows could not be written")
        raise StoreRefused(str(error), None, cause) from error


def _refusal(
    user: User, device: Device, mutations: PushBatch, mutation: Incoming, error: Exception
) -> MutationResult:
    """Return a refused mutation's result, keeping a rejection for the device's next pull."""
    raw = mutations.raw[mutation.index]
    result = _rejection_for(user, device, raw, error)
    if result.status is ResultStatus.REJECTED:
        _keep_rejection(user, device, raw, result)
    return result


def _prefetch(user: User, batch: Sequence[Incoming], store: bulk.BulkWriter) -> None:
    """Ask once what the batch's mutations will need: new ids taken, records to change, people.

    Locks are taken in one order in every request, parents first (a family before
    its records), and by id within a kind: two pushes never wait on each other
    crosswise, so they cannot deadlock on the records they change.
    """
    found = lookups()
    new: dict[type[CaseRecord], list[uuid.UUID]] = {}
    targets: dict[type[CaseRecord], list[uuid.UUID]] = {}
    families: set[uuid.UUID] = set()
    for mutation in batch:
        model = CASE_RECORDS[mutation.kind]
        if mutation.op is MutationOp.CREATE:
            new.setdefault(model, []).append(mutation.id)
            family_id = mutation.loaded.get("family_id")
            if isinstance(family_id, uuid.UUID):
                families.add(family_id)
        else:
            targets.setdefault(model, []).append(mutation.id)
    visible = found.visible_families(user, store)
    found.prefetch_members(families & visible, store)
    found.prefetch_new_ids(new, store)
    for model in sorted(targets, key=lock_order):
        # The kinds the store holds are read as its rows; others as ORM instances.
        held = model.kind in bulk.HELD_KINDS
        found.prefetch_locked(model, user, targets[model], store if held else SESSION)


def lock_order(model: type[Any]) -> int:
    """Return where the rows of ``model`` come in the one order locks are taken."""
    return _LOCK_ORDER[model.__table__.name]


_LOCK_ORDER = {table.name: index for index, table in enumerate(Model.metadata.sorted_tables)}


def _apply_loaded(actor: Actor, mutation: Incoming, store: RecordStore) -> MutationResult:
    """Apply a mutation whose data has been loaded, through the services, to ``store``.

    An amendment is never held by a push's store: it is made through the ORM.
    """
    kind = mutation.kind
    record_id = mutation.id
    on_device = mutation.device_time
    data = dict(mutation.loaded)
    record: CaseRecord
    if mutation.op is MutationOp.CREATE:
        if kind is RecordKind.AMENDMENT:
            record = case_records.amend(
                actor, RecordKind(data.pop("target_kind")), data.pop("target_id"), data, on_device
            )
        else:
            record = case_records.create(actor, kind, data, on_device, store=store)
        return MutationResult(mutation.mutation_id, ResultStatus.APPLIED, version=record.version)
    if mutation.op is MutationOp.UPDATE:
        changes = data
        base_version = changes.pop("base_version")
        record, overwritten = case_records.merge_update(
            actor, kind, record_id, base_version, changes, store=store
        )
        status = ResultStatus.CONFLICT if overwritten else ResultStatus.APPLIED
        return MutationResult(
            mutation.mutation_id,
            status,
            version=record.version,
            overwritten=case_records.jsonable(overwritten),
        )
    if mutation.op is MutationOp.DELETE:
        record = case_records.delete(actor, kind, record_id, store=store)
    else:
        record = case_records.sign(actor, kind, record_id, on_device, store=store)
    return MutationResult(mutation.mutation_id, ResultStatus.APPLIED, version=record.version)


def _rejection_for(
    user: User, device: Device, raw: Mapping[str, Any], error: Exception
) -> MutationResult:
    mutation_id = raw["mutation_id"]
    reject = MutationResult.rejected
    if isinstance(error, EnvelopeError):
        return reject(mutation_id, RejectReason.INVALID, errors=error.errors)
    if isinstance(error, ValidationError):
        messages = (
            error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        )
        return reject(mutation_id, RejectReason.INVALID, errors=messages)
    if isinstance(error, domain.InvalidInput):
        return reject(mutation_id, RejectReason.INVALID, errors=error.errors)
    if isinstance(error, domain.NotFound):
        left = not isinstance(error, domain.IdUnavailable) and _left_this_device(device, raw)
        return reject(mutation_id, RejectReason.NOT_IN_CASELOAD if left else RejectReason.NOT_FOUND)
    if isinstance(error, domain.RecordEnded):
        return reject(mutation_id, RejectReason.SIGNED, error.message)
    if isinstance(error, domain.RecordSigned):
        return reject(mutation_id, RejectReason.SIGNED)
    if isinstance(error, domain.Forbidden):
        return reject(mutation_id, RejectReason.FORBIDDEN, error.message)
    if isinstance(error, domain.VersionConflict) and raw.get("op") == MutationOp.CREATE:
        if _created_by(raw) == user.id:
            return MutationResult(mutation_id, ResultStatus.DUPLICATE)
        return reject(mutation_id, RejectReason.ID_TAKEN)
    if isinstance(error, domain.DomainError):
        return reject(mutation_id, RejectReason.RULE, error.message, error.errors)
    log.exception(
        "sync mutation failed unexpectedly: entity=%s op=%s", raw.get("entity"), raw.get("op")
    )
    return reject(mutation_id, RejectReason.UNEXPECTED)


def _left_this_device(device: Device, raw: Mapping[str, Any]) -> bool:
    """Return whether the mutation's record still exists in a family this device has held.

    Only then is "no longer in your caseload" the answer: the device had the
    family, so saying so tells it nothing new. Of a record the device never
    could see, it would confirm the record exists; that is "not found".
    """
    keys = _scope_keys(raw)
    if not keys or not _exists_anywhere(raw):
        return False
    held: set[str] = set()
    for families, pending in db.session.execute(
        sa.select(SyncCheckpoint.families, SyncCheckpoint.pending).where(
            SyncCheckpoint.device_id == device.id
        )
    ):
        held.update(families)
        held.update(pending)
    return bool({str(key) for key in keys} & held)


def _scope_keys(raw: Mapping[str, Any]) -> set[uuid.UUID]:
    """Return the scope keys (families, or a session's own id) of a mutation's record."""
    try:
        kind = RecordKind(str(raw.get("entity")))
        record_id = uuid.UUID(str(raw.get("id")))
        data = raw.get("data") or {}
        if raw.get("op") == MutationOp.CREATE and isinstance(data, dict) and "family_id" in data:
            return {uuid.UUID(str(data["family_id"]))}
    except (ValueError, KeyError, TypeError):
        return set()
    if kind in (RecordKind.FAMILY, RecordKind.SUPERVISION_SESSION):
        return {record_id}
    model = CASE_RECORDS[kind]
    if kind is RecordKind.PERSON:
        people = sa.union(
            sa.select(Membership.family_id).where(Membership.person_id == record_id),
            sa.select(Relationship.family_id).where(Relationship.to_person_id == record_id),
        )
        return {key for key in db.session.scalars(people) if key is not None}
    query = sa.select(family_column(model)).where(model.id == record_id)
    return {key for key in db.session.scalars(query) if key is not None}


def _target(raw: Mapping[str, Any]) -> tuple[type[Any], Any] | None:
    try:
        kind = RecordKind(str(raw.get("entity")))
        data = raw.get("data") or {}
        if raw.get("op") == MutationOp.CREATE and "family_id" in data:
            return Family, uuid.UUID(str(data["family_id"]))
        return CASE_RECORDS[kind], uuid.UUID(str(raw.get("id")))
    except (ValueError, KeyError):
        return None


def _exists_anywhere(raw: Mapping[str, Any]) -> bool:
    """Return whether the record (or family) still exists, in or out of the user's scope."""
    target = _target(raw)
    if target is None:
        return False
    model, record_id = target
    found = db.session.execute(
        sa.select(model.id).where(model.id == record_id, model.deleted_at.is_(None))
    ).first()
    return found is not None


def _created_by(raw: Mapping[str, Any]) -> uuid.UUID | None:
    try:
        model = CASE_RECORDS[RecordKind(str(raw.get("entity")))]
        record_id = uuid.UUID(str(raw.get("id")))
    except (ValueError, KeyError):
        return None
    made = lookups().made.get((model, record_id))
    if made is not None:  # made earlier in this batch, not written yet
        creator: uuid.UUID | None = made.created_by_id
        return creator
    return db.session.scalar(sa.select(model.created_by_id).where(model.id == record_id))


def _keep_rejection(
    user: User, device: Device, raw: Mapping[str, Any], result: MutationResult
) -> None:
    """Store a rejection for the device's next pull; storing it never fails the batch.

    It is written in a savepoint of its own. Should the data as typed not
    store, it is kept as text instead, and should even that fail, the fault is
    logged: the device still has the rejection in this push's response, and
    keeps the change.
    """
    data = raw.get("data")
    columns = {
        "device_id": device.id,
        "user_id": user.id,
        "mutation_id": raw["mutation_id"],
        "entity": storable(str(raw.get("entity")))[:40],
        "op": storable(str(raw.get("op")))[:10],
        "record_id": storable(str(raw.get("id")))[:64],
        "reason": result.reason.value if result.reason else "unexpected",
        "message": result.message or "",
    }
    try:
        with db.session.begin_nested():
            db.session.add(
                SyncRejection(
                    **columns,
                    errors=storable(case_records.jsonable(result.errors)),
                    # Kept as typed, but storable: a NUL or lone surrogate cannot be stored.
                    data=storable(data if isinstance(data, dict) else {"value": data}),
                )
            )
    except TRANSIENT_ERRORS:
        raise
    except Exception:  # whatever it was, the batch goes on
        log.exception("a sync rejection could not be stored as typed; keeping it as text")
        text = json.dumps(data, default=repr, ensure_ascii=True)
        try:
            with db.session.begin_nested():
                db.session.add(SyncRejection(**columns, errors={}, data={"text": storable(text)}))
        except TRANSIENT_ERRORS:
            raise
        except Exception:  # logged; the response still carries the rejection
            log.exception("a sync rejection could not be stored; the device still has it")
