"""Reading, creating, changing, signing, amending and deleting case records.

The REST API and the sync engine both come through here, so a rule holds
however a record arrives. Each kind's own checks live in ``RULES``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from sync.merge import MERGE_RULES, MergeRule, merge_fields

from .. import access, clock
from ..audit import Actor, AuditAction, record_event
from ..domain import (
    decision_reviews,
    group_supervision,
    lights,
    plans,
    referrals,
    strategy,
    supervision_queue,
    upn,
    urgent,
)
from ..domain.attachments import PARENT_RECORDS, ParentKind, UploadState
from ..domain.decision_reviews import WorkerReviewKind
from ..domain.errors import (
    Forbidden,
    IdUnavailable,
    InvalidInput,
    NotFound,
    RuleBroken,
    VersionConflict,
    field_errors,
    translatable,
)
from ..domain.handover import ensure_handover_recorded
from ..domain.records import (
    DEVICE_TIMED,
    SIGNED_BY_AUTHOR,
    RecordKind,
    SignState,
    ensure_amendable,
    ensure_deletable,
    ensure_editable,
)
from ..domain.roles import Action, Role, can
from ..domain.timescales import asked_of_each_child, timeliness
from ..extensions import db
from ..persistence import (
    Amendment,
    Assignment,
    CaseSummary,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    DecisionPolicy,
    Family,
    Interaction,
    Judgment,
    Membership,
    Note,
    Person,
    PlanEpisode,
    RecordHistory,
    Relationship,
    Review,
    SupervisionDiscussion,
    SupervisionSession,
    Team,
    User,
    bulk,
)
from ..persistence.case import CASE_RECORDS, CaseRecord, Conference
from ..persistence.columns import new_id
from ..persistence.store import SESSION, RecordStore
from ..vocabularies import codes
from . import family_copies, statutory, team_lights
from .lookups import lookups
from .notifications import NotificationKind, notify

Hook = Callable[[Actor, Any, dict[str, Any]], None]


@dataclass(frozen=True)
class KindRules:
    """The checks one kind of record adds to the common ones."""

    before_create: Hook | None = None
    after_create: Hook | None = None
    before_update: Hook | None = None
    before_delete: Hook | None = None
    creatable: bool = True


NO_RULES = KindRules()


_JSON_NATIVE = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """Return a value as it is stored in JSON history."""
    kind = type(value)
    if kind in _JSON_NATIVE:  # the usual case first: a sync batch calls this a lot
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    return value


@cache
def _json_columns(model: type[CaseRecord]) -> frozenset[str]:
    return frozenset(
        column.key for column in model.__table__.columns if isinstance(column.type, sa.JSON)
    )


def json_ready(model: type[CaseRecord], values: dict[str, Any]) -> dict[str, Any]:
    """Return values with those bound for JSON columns made JSON-native (dates as ISO text)."""
    json_columns = _json_columns(model)
    return {
        name: jsonable(value) if name in json_columns else value for name, value in values.items()
    }


def family_id_of(record: CaseRecord) -> uuid.UUID | None:
    """Return the family a record belongs to (a family is its own)."""
    if isinstance(record, Family):
        return record.id
    if isinstance(record, Person):
        # A member's family; else the family whose map names them (a foster carer).
        for query in (
            sa.select(Membership.family_id).where(
                Membership.person_id == record.id, Membership.deleted_at.is_(None)
            ),
            sa.select(Relationship.family_id).where(
                Relationship.to_person_id == record.id, Relationship.deleted_at.is_(None)
            ),
        ):
            family: uuid.UUID | None = db.session.scalar(query.limit(1))
            if family is not None:
                return family
        return None
    family_id: uuid.UUID | None = getattr(record, "family_id", None)
    return family_id


def _require(user: User, action: Action) -> None:
    if not can(user.role, action):
        raise Forbidden()


def _write_history(
    record: CaseRecord,
    changes: dict[str, Any],
    *,
    actor: Actor,
    conflict: bool = False,
    store: RecordStore,
) -> None:
    """Add a history row of a change the actor made, on their device (none for a job)."""
    values = {
        "entity": record.kind.value,
        "record_id": record.id,
        "family_id": family_id_of(record),
        "version": record.version,
        "changed_by_id": record.updated_by_id,
        "changes": jsonable(changes),
        "conflict": conflict,
        "device_id": actor.device_id,
    }
    store.add_history(values)


def read(actor: Actor, kind: RecordKind, record_id: uuid.UUID) -> CaseRecord:
    """Return one record the actor may see, and audit the read."""
    record = access.get_visible(CASE_RECORDS[kind], actor.user, record_id)
    record_event(
        AuditAction.READ,
        kind.value,
        actor=actor,
        record_id=record.id,
        family_id=family_id_of(record),
    )
    return record


def history(actor: Actor, kind: RecordKind, record_id: uuid.UUID) -> list[RecordHistory]:
    """Return every change to a record the actor may see, oldest first, and audit the read."""
    record = access.get_visible(CASE_RECORDS[kind], actor.user, record_id)
    rows = list(
        db.session.scalars(
            sa.select(RecordHistory)
            .where(RecordHistory.record_id == record.id)
            .order_by(RecordHistory.id)
        )
    )
    record_event(
        AuditAction.READ,
        kind.value,
        actor=actor,
        record_id=record.id,
        family_id=family_id_of(record),
        detail={"history": True},
    )
    return rows


def create(
    actor: Actor,
    kind: RecordKind,
    data: Mapping[str, Any],
    on_device: datetime | None = None,
    *,
    store: RecordStore = SESSION,
) -> CaseRecord:
    """Create a record of ``kind`` for the actor, after every check, in ``store``.

    ``on_device`` is when the worker's device says they wrote it (a synced
    change's ``client_ts``); records a court may read keep it beside the
    server's own time. ``store`` is the ORM session but in a sync push, whose
    record store holds the common kinds as rows (``persistence/store.py``).
    """
    rules = RULES.get(kind, NO_RULES)
    if not rules.creatable:
        raise RuleBroken(
            translatable(
                "A {kind} is made with its parent record.", kind=kind.value.replace("_", " ")
            )
        )
    values = dict(data)
    record_id = values.pop("id", None) or new_id()
    # Scope first: a family or record outside it is "not found", whatever the role.
    if "family_id" in values:
        ensure_family_visible(actor.user, values["family_id"], store)
    elif "target_id" in values:
        _visible(RecordKind(values["target_kind"]), actor.user, values["target_id"], store=store)
    _require(actor.user, Action.WRITE_CASE)
    _ensure_new(actor.user, kind, record_id)
    if rules.before_create:
        rules.before_create(actor, None, values)
    if kind in DEVICE_TIMED and on_device is not None:
        values["device_written_at"] = on_device
        if values.get("state") == SignState.SIGNED.value:  # signed as it is made
            values["device_signed_at"] = on_device
    model = CASE_RECORDS[kind]
    row = {**json_ready(model, values), "id": record_id}
    row["created_by_id"] = row["updated_by_id"] = actor.user.id
    record = store.create(model, row)
    lookups().remember(record)
    if rules.after_create:
        rules.after_create(actor, record, dict(data))
    # No history row: the record itself holds what was made; history keeps what changed.
    family_id = data.get("family_id") or values.get("family_id") or family_id_of(record)
    record_event(
        AuditAction.CREATE,
        kind.value,
        actor=actor,
        record_id=record.id,
        family_id=family_id,
        store=store,
    )
    return record


def _add(record: CaseRecord) -> None:
    """Add a new record to the session (written at the next flush) and remember it."""
    db.session.add(record)
    lookups().remember(record)


def _ensure_new(user: User, kind: RecordKind, record_id: uuid.UUID) -> None:
    """Refuse an id already taken: as taken if the user can see its record, else as unknown.

    Saying "already exists" of a record outside the user's scope would tell
    them it exists; so it is answered as any id they cannot see is.
    """
    model = CASE_RECORDS[kind]
    if not lookups().exists(model, record_id):
        return
    if not lookups().seen_by(model, user, record_id):
        raise IdUnavailable()
    raise VersionConflict(
        translatable("A record with this id already exists."),
        field_errors(id=translatable("Already used.")),
    )


def ensure_family_visible(user: User, family_id: uuid.UUID, store: RecordStore = SESSION) -> None:
    """Refuse work on a family outside the user's scope, as if it did not exist."""
    if family_id not in lookups().visible_families(user, store):
        raise NotFound(translatable("No family with that id in your caseload."))


def _visible(
    kind: RecordKind,
    user: User,
    record_id: uuid.UUID,
    *,
    for_update: bool = False,
    store: RecordStore = SESSION,
) -> CaseRecord:
    return lookups().visible_record(
        CASE_RECORDS[kind], user, record_id, for_update=for_update, store=store
    )


def update(
    actor: Actor,
    kind: RecordKind,
    record_id: uuid.UUID,
    base_version: int,
    changes: Mapping[str, Any],
) -> CaseRecord:
    """Apply changed fields to a record last read at ``base_version``; refuse if it moved on."""
    record = _editable(actor, kind, record_id, changes)
    if base_version != record.version:
        raise VersionConflict(
            errors=field_errors(
                base_version=translatable(
                    "The record is now at version {version}.", version=record.version
                )
            )
        )
    _apply_changes(actor, record, dict(changes), overwritten={})
    return record


def merge_update(
    actor: Actor,
    kind: RecordKind,
    record_id: uuid.UUID,
    base_version: int,
    changes: Mapping[str, Any],
    *,
    store: RecordStore = SESSION,
) -> tuple[CaseRecord, dict[str, Any]]:
    """Merge fields a device changed offline since ``base_version``; return what it overwrote.

    The merge rule is the sync core's: fields the server did not touch since
    ``base_version`` apply quietly; a field both changed takes the device's
    value (the later push wins) and the server's value is kept in history.
    """
    record = _editable(actor, kind, record_id, changes, store)
    if MERGE_RULES[kind.value] is MergeRule.APPEND_ONLY:
        raise RuleBroken(translatable("A {kind} cannot be changed once made.", kind=kind.value))
    if base_version > record.version:
        raise InvalidInput(
            errors=field_errors(
                base_version=translatable(
                    "The record is only at version {version}.", version=record.version
                )
            )
        )
    current = {name: jsonable(getattr(record, name)) for name in changes}
    since = _changed_since(record, base_version, actor.device_id)
    outcome = merge_fields(jsonable(dict(changes)), current, since)
    values = {name: changes[name] for name in outcome.apply}
    _apply_changes(actor, record, values, overwritten=outcome.overwritten, store=store)
    return record, outcome.overwritten


def _editable(
    actor: Actor,
    kind: RecordKind,
    record_id: uuid.UUID,
    changing: Iterable[str] = (),
    store: RecordStore = SESSION,
) -> CaseRecord:
    record = _visible(kind, actor.user, record_id, for_update=True, store=store)
    _require(actor.user, Action.WRITE_CASE)
    ensure_editable(kind, record.sign_state, changing)
    return record


def _changed_since(record: CaseRecord, base_version: int, device_id: uuid.UUID | None) -> set[str]:
    """Return the fields others changed after ``base_version``.

    A device's own earlier edits in the same offline session are not a clash
    with itself, so changes made from this device (the actor's) are left out.
    """
    return lookups().changed_since(record.id, base_version, device_id)


def _apply_changes(
    actor: Actor,
    record: CaseRecord,
    values: dict[str, Any],
    *,
    overwritten: dict[str, Any],
    store: RecordStore = SESSION,
) -> None:
    rules = RULES.get(record.kind, NO_RULES)
    if rules.before_update:
        rules.before_update(actor, record, values)
    values = json_ready(bulk.model_of(record), values)
    diff = {
        name: {"old": getattr(record, name), "new": value}
        for name, value in values.items()
        if getattr(record, name) != value
    }
    if not diff:
        return
    for name, value in values.items():
        setattr(record, name, value)
    _bump(record, actor)
    _write_history(record, diff, actor=actor, conflict=bool(overwritten), store=store)
    record_event(
        AuditAction.UPDATE,
        record.kind.value,
        actor=actor,
        record_id=record.id,
        family_id=family_id_of(record),
        detail={"fields": sorted(diff), "conflict": sorted(overwritten)},
        store=store,
    )


def apply_changes(actor: Actor, record: CaseRecord, values: dict[str, Any]) -> None:
    """Change a record the server itself moves on (an agreed ending), with history and audit."""
    _apply_changes(actor, record, values, overwritten={})


def forget_scope() -> None:
    """Forget the scopes this request looked up: an allocation has just ended."""
    lookups().forget_scope()


def current_workers(family_id: uuid.UUID) -> set[uuid.UUID]:
    """Return the workers allocated to the family now."""
    return _current_workers(family_id)


def _bump(record: CaseRecord, actor: Actor) -> None:
    record.version += 1
    record.updated_by_id = actor.user.id
    record.updated_at = clock.now()


def delete(
    actor: Actor, kind: RecordKind, record_id: uuid.UUID, *, store: RecordStore = SESSION
) -> CaseRecord:
    """Soft-delete a record: it becomes a tombstone, never hard-deleted."""
    record = _visible(kind, actor.user, record_id, for_update=True, store=store)
    _require(actor.user, Action.WRITE_CASE)
    ensure_deletable(kind, record.sign_state)
    before_delete = RULES.get(kind, NO_RULES).before_delete
    if before_delete:
        before_delete(actor, record, {})
    record.deleted_at = clock.now()
    _bump(record, actor)
    _write_history(
        record, {"deleted_at": {"old": None, "new": record.deleted_at}}, actor=actor, store=store
    )
    record_event(
        AuditAction.DELETE,
        kind.value,
        actor=actor,
        record_id=record.id,
        family_id=family_id_of(record),
        store=store,
    )
    return record


def sign(
    actor: Actor,
    kind: RecordKind,
    record_id: uuid.UUID,
    on_device: datetime | None = None,
    *,
    store: RecordStore = SESSION,
) -> CaseRecord:
    """Sign a draft note or judgment; from now on it never changes.

    ``on_device`` is when the worker signed it by their device's clock; the
    server's time of receipt is ``signed_at``.
    """
    record = _visible(kind, actor.user, record_id, for_update=True, store=store)
    _require(actor.user, Action.WRITE_CASE)
    if kind not in SIGNED_BY_AUTHOR:
        raise RuleBroken(
            translatable(
                "Only notes, decisions, strategy discussions and family copies are signed."
            )
        )
    ensure_editable(kind, record.sign_state)
    if record.created_by_id != actor.user.id:
        raise Forbidden(translatable("Only the author can sign this."))
    if kind is RecordKind.FAMILY_COPY:
        family_copies.check_before_sharing(record)  # its signing records that it was shared
    # A note or a judgment, as an ORM instance or a bulk Draft: set by name.
    signed: Any = record
    signed.state = SignState.SIGNED.value
    signed.signed_at = clock.now()
    signed.device_signed_at = on_device
    if kind is RecordKind.JUDGMENT:
        from . import endings  # endings builds on this module

        signed.status = endings.status_when_signed(signed).value
    _bump(record, actor)
    _write_history(record, {"state": {"old": "draft", "new": "signed"}}, actor=actor, store=store)
    record_event(
        AuditAction.SIGN,
        kind.value,
        actor=actor,
        record_id=record.id,
        family_id=family_id_of(record),
        store=store,
    )
    return record


AMENDABLE_FIELDS = {
    RecordKind.NOTE: frozenset(
        {
            "what_happened",
            "child_voice",
            "family_view",
            "family_request",
            "strengths",
            "reflection",
            "next_steps",
        }
    ),
    RecordKind.JUDGMENT: frozenset(
        {"question", "decision", "rationale", "family_view", "child_view", "review_outcome"}
    ),
    RecordKind.REVIEW: frozenset({"body"}),
    RecordKind.PLAN_EPISODE: plans.AMENDABLE,
    RecordKind.STRATEGY_DISCUSSION: frozenset({"information_shared"}),
}


def amend(
    actor: Actor,
    target_kind: RecordKind,
    target_id: uuid.UUID,
    data: Mapping[str, Any],
    on_device: datetime | None = None,
) -> Amendment:
    """Add an amendment to a signed record; the original is never changed.

    ``on_device`` is when the worker wrote it by their device's clock.
    """
    target = _visible(target_kind, actor.user, target_id)
    _require(actor.user, Action.WRITE_CASE)
    ensure_amendable(target_kind, target.sign_state)
    unknown = set(data["changes"]) - AMENDABLE_FIELDS[target_kind]
    if unknown:
        allowed = ", ".join(sorted(AMENDABLE_FIELDS[target_kind]))
        raise InvalidInput(
            errors=field_errors(
                changes=translatable("Only these can be amended: {allowed}.", allowed=allowed)
            )
        )
    if target_kind is RecordKind.PLAN_EPISODE:
        plans.check_amendment(data["changes"], _episode_codes())
    record_id = data.get("id") or new_id()
    _ensure_new(actor.user, RecordKind.AMENDMENT, record_id)
    amendment = Amendment(
        id=record_id,
        family_id=family_id_of(target),
        target_kind=target_kind.value,
        target_id=target.id,
        reason=data["reason"],
        changes=dict(data["changes"]),
        device_written_at=on_device,
        created_by_id=actor.user.id,
        updated_by_id=actor.user.id,
    )
    _add(amendment)
    record_event(
        AuditAction.AMEND,
        target_kind.value,
        actor=actor,
        record_id=target.id,
        family_id=amendment.family_id,
        detail={"amendment_id": str(amendment.id)},
    )
    return amendment


# --- kind-specific rules ---------------------------------------------------------------


def _family_before_create(actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    if actor.user.team_id is None:
        raise RuleBroken(translatable("You need to belong to a team to open a family."))
    values["team_id"] = actor.user.team_id


def _family_after_create(actor: Actor, family: Family, _data: dict[str, Any]) -> None:
    # A caseworker who opens a family works with it; a supervisor allocates it.
    if actor.user.role == Role.CASEWORKER:
        _add(
            Assignment(
                id=new_id(),
                family_id=family.id,
                worker_id=actor.user.id,
                started_on=clock.today(),
                created_by_id=actor.user.id,
                updated_by_id=actor.user.id,
            )
        )
    lookups().grant(actor.user.id, family.id)


def _family_before_update(_actor: Actor, family: Family, values: dict[str, Any]) -> None:
    new_address = jsonable(values.get("address"))
    if "address" in values and family.address and new_address != family.address:
        ended = {**family.address, "until": clock.today().isoformat()}
        values["address_history"] = [*family.address_history, ended]


def _person_before_create(actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    # The membership is made after the person (it points at it); keep its fields aside.
    values.pop("family_id")
    values.pop("role_in_family", None)
    upn.check_identifiers(values)


def _person_before_update(_actor: Actor, record: Any, values: dict[str, Any]) -> None:
    fields = ("upn", "former_upn", "upn_unknown", "date_of_birth", "date_of_death")
    upn.check_identifiers({name: values.get(name, getattr(record, name)) for name in fields})


def _person_after_create(actor: Actor, person: Person, data: dict[str, Any]) -> None:
    _add(
        Membership(
            id=new_id(),
            family_id=data["family_id"],
            person_id=person.id,
            role_in_family=data.get("role_in_family"),
            created_by_id=actor.user.id,
            updated_by_id=actor.user.id,
        )
    )


def _ensure_person_visible(user: User, person_id: uuid.UUID, field: str) -> None:
    visible = db.session.scalar(
        sa.select(Person.id).where(Person.id == person_id, access.in_scope(Person, user))
    )
    if visible is None:
        raise InvalidInput(
            errors=field_errors(**{field: translatable("No such person in your caseload.")})
        )


def _ensure_member(family_id: uuid.UUID, person_id: uuid.UUID | None, field: str) -> None:
    if person_id is None:
        return
    if person_id not in lookups().family_members(family_id):
        raise InvalidInput(
            errors=field_errors(**{field: translatable("This person is not in the family.")})
        )


def _ensure_in_family(
    model: type[CaseRecord], record_id: uuid.UUID | None, family_id: uuid.UUID, field: str
) -> None:
    if record_id is None:
        return
    if lookups().family_of(model, record_id) != family_id:
        raise InvalidInput(
            errors=field_errors(**{field: translatable("No such record in this family.")})
        )


def _membership_before_create(actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    _ensure_person_visible(actor.user, values["person_id"], "person_id")


def _relationship_rules(actor: Actor, record: Any, values: dict[str, Any]) -> None:
    family_id = values.get("family_id") or record.family_id
    _ensure_member(family_id, values.get("from_person_id"), "from_person_id")
    _ensure_member(family_id, values.get("to_person_id"), "to_person_id")
    to_person = values.get("to_person_id", getattr(record, "to_person_id", None))
    to_organisation = values.get("to_organisation", getattr(record, "to_organisation", None))
    if not to_person and not to_organisation:
        raise InvalidInput(
            errors=field_errors(
                to_person_id=translatable("Choose a person or name an organisation.")
            )
        )


def _assignment_before_create(actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    _require(actor.user, Action.ASSIGN_FAMILY)
    worker = db.session.get(User, values["worker_id"])
    if (
        worker is None
        or not worker.active
        or worker.team_id != actor.user.team_id
        or worker.role not in (Role.CASEWORKER, Role.SUPERVISOR)
    ):
        raise InvalidInput(
            errors=field_errors(worker_id=translatable("Choose an active worker in your team."))
        )
    values.setdefault("started_on", clock.today())
    values.setdefault("role", "allocated_worker")


def _assignment_before_update(actor: Actor, assignment: Assignment, values: dict[str, Any]) -> None:
    _require(actor.user, Action.ASSIGN_FAMILY)
    if values.get("ended_on"):
        ensure_handover_recorded(
            values.get("change_reason", assignment.change_reason),
            values.get("handover_note", assignment.handover_note),
        )


def hand_over(
    actor: Actor,
    family_id: uuid.UUID,
    worker_id: uuid.UUID,
    change_reason: str,
    handover_note: str,
    role: str = "allocated_worker",
) -> Assignment:
    """Move a family to another worker: end the current assignment with a note, start theirs."""
    ensure_family_visible(actor.user, family_id)
    _require(actor.user, Action.ASSIGN_FAMILY)
    ensure_handover_recorded(change_reason, handover_note)
    current = db.session.scalars(
        sa.select(Assignment).where(
            Assignment.family_id == family_id,
            Assignment.role == role,
            Assignment.ended_on.is_(None),
            Assignment.deleted_at.is_(None),
        )
    ).all()
    if any(assignment.worker_id == worker_id for assignment in current):
        raise InvalidInput(
            errors=field_errors(worker_id=translatable("This worker already has the family."))
        )
    for assignment in current:
        _apply_changes(
            actor,
            assignment,
            {
                "ended_on": clock.today(),
                "change_reason": change_reason,
                "handover_note": handover_note,
            },
            overwritten={},
        )
    created = create(
        actor,
        RecordKind.ASSIGNMENT,
        {"family_id": family_id, "worker_id": worker_id, "role": role, "started_on": clock.today()},
    )
    assert isinstance(created, Assignment)
    lookups().forget_scope()
    return created


def _interaction_rules(_actor: Actor, record: Any, values: dict[str, Any]) -> None:
    family_id = values.get("family_id") or record.family_id
    for index, participant in enumerate(values.get("participants") or []):
        _ensure_member(family_id, participant["person_id"], f"participants.{index}.person_id")


def _note_rules(_actor: Actor, record: Any, values: dict[str, Any]) -> None:
    family_id = values.get("family_id") or record.family_id
    _ensure_in_family(Interaction, values.get("interaction_id"), family_id, "interaction_id")
    if "sections" in values:
        values["sections"] = {k: v for k, v in values["sections"].items() if v is not None}


def current_policy() -> DecisionPolicy | None:
    """Return the newest version of the council's decision policy."""
    return lookups().policy()


def _judgment_rules(actor: Actor, record: Any, values: dict[str, Any]) -> None:
    family_id = values.get("family_id") or record.family_id
    _ensure_in_family(Interaction, values.get("interaction_id"), family_id, "interaction_id")
    _ensure_in_family(
        SupervisionDiscussion,
        values.get("supervision_discussion_id"),
        family_id,
        "supervision_discussion_id",
    )
    if values.get("ending") is not None and record is None:
        from . import endings  # endings builds on this module

        endings.check_proposal(actor.user, family_id, values)
    if "category" in values:
        policy = current_policy()
        # The council's light, or their team's trial's, narrower if they are newly qualified.
        values["light"] = team_lights.light_for_worker(actor.user, policy, values["category"]).value
        values["policy_version"] = policy.version if policy else 0
        values["status"] = lights.JudgmentStatus.DRAFT.value


def _checklist_before_create(actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    template = db.session.get(ChecklistTemplate, values["template_id"])
    if template is None or not template.active:
        raise InvalidInput(
            errors=field_errors(template_id=translatable("No such checklist template."))
        )
    _ensure_in_family(
        Interaction, values.get("interaction_id"), values["family_id"], "interaction_id"
    )
    values["child_ids"] = _checklist_children(values["family_id"], values.get("child_ids") or [])
    values["purpose"] = template.purpose
    values["due_on"] = _due_date(template, values["family_id"], values.get("interaction_id"))
    _set_timeliness(values, values["due_on"])


def _due_date(
    template: ChecklistTemplate, family_id: uuid.UUID, interaction_id: uuid.UUID | None
) -> date | None:
    """Return the date the checklist's visit was due: the soonest of the family's children.

    Counted from the visits before this one, so a visit is measured against the
    date it was meant to meet. A family with no child on a plan has none.
    """
    if not template.timescale:
        return None
    day = clock.today()
    if interaction_id is not None:
        interaction: Any = lookups().made.get((Interaction, interaction_id)) or db.session.get(
            Interaction, interaction_id
        )
        if interaction is not None:
            day = clock.council_date(interaction.occurred_at)
    dues = [
        child.due
        for child in statutory.child_dues([family_id], visits_before=day)
        if child.template_key == template.key
    ]
    return min(dues, default=None)


def _set_timeliness(values: dict[str, Any], due_on: date | None) -> None:
    if due_on is not None and values.get("completed_on"):
        values["timeliness"] = timeliness(due_on, values["completed_on"], clock.today()).value


def _checklist_children(family_id: uuid.UUID, child_ids: list[uuid.UUID]) -> list[str]:
    """Return the children a checklist asks about, as stored, after checking each is one."""
    return _children_of(
        family_id, child_ids, translatable("This child is already on the checklist.")
    )


def _children_of(family_id: uuid.UUID, child_ids: list[uuid.UUID], twice: str) -> list[str]:
    """Return children of the family as stored (text ids), after checking each is one."""
    errors: dict[str, list[str]] = {}
    for index, child_id in enumerate(child_ids):
        field = f"child_ids.{index}"
        if child_id in child_ids[:index]:
            errors[field] = [twice]
        elif child_id not in lookups().family_members(family_id):
            errors[field] = [translatable("This child is not in the family.")]
        elif not getattr(_person_record(child_id), "is_child", False):
            errors[field] = [translatable("Only children are asked about by name.")]
    if errors:
        raise InvalidInput(errors=errors)
    return [str(child_id) for child_id in child_ids]


def _chronology_entry_rules(_actor: Actor, record: Any, values: dict[str, Any]) -> None:
    family_id = values.get("family_id") or record.family_id
    if "child_ids" in values:
        values["child_ids"] = _checklist_children(family_id, values["child_ids"])


def _case_summary_before_create(_actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    _ensure_in_family(CaseSummary, values.get("previous_id"), values["family_id"], "previous_id")
    values["sections"] = {k: v for k, v in values["sections"].items() if v and v.strip()}
    if not values["sections"]:
        raise InvalidInput(
            errors=field_errors(sections=translatable("Write at least one part of the story."))
        )


def _checklist_after_create(actor: Actor, checklist: Checklist, _data: dict[str, Any]) -> None:
    template = db.session.get(ChecklistTemplate, checklist.template_id)
    assert template is not None
    children = [uuid.UUID(child) for child in checklist.child_ids or []]
    for item in template.items:
        # An item about each child gets one row per child; with no child named
        # (a baby not yet born) it is answered once, for the family.
        each: list[uuid.UUID | None] = (
            list(children) if children and asked_of_each_child(item) else [None]
        )
        for child_id in each:
            _add(
                ChecklistItem(
                    id=checklist_item_id(checklist.id, item["key"], child_id),
                    family_id=checklist.family_id,
                    checklist_id=checklist.id,
                    item_key=item["key"],
                    child_id=child_id,
                    from_visit=item.get("from_visit") if child_id else None,
                    label=item["label"],
                    created_by_id=actor.user.id,
                    updated_by_id=actor.user.id,
                )
            )


def checklist_item_id(
    checklist_id: uuid.UUID, item_key: str, child_id: uuid.UUID | str | None = None
) -> uuid.UUID:
    """Return the id of a checklist's item: derived, so a device offline knows it too.

    An item about each child is named by its key and the child's id
    (``child_seen/<id>``); an item for the whole checklist by its key alone.
    """
    return uuid.uuid5(checklist_id, item_key if child_id is None else f"{item_key}/{child_id}")


def _checklist_before_update(_actor: Actor, checklist: Checklist, values: dict[str, Any]) -> None:
    _set_timeliness(values, checklist.due_on)


def _review_before_create(actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    target_kind = RecordKind(values["target_kind"])
    target = _visible(target_kind, actor.user, values["target_id"])
    if target.sign_state != SignState.SIGNED:
        raise RuleBroken(translatable("Supervision responds to signed notes and decisions."))
    assert isinstance(target, Note | Judgment)  # the kinds supervision responds to
    values["family_id"] = target.family_id
    values["state"] = SignState.SIGNED.value
    values["signed_at"] = clock.now()
    if values.get("parent_id") is not None:
        parent = db.session.get(Review, values["parent_id"])
        if parent is None or parent.target_id != target.id:
            raise InvalidInput(
                errors=field_errors(parent_id=translatable("No such comment on this record."))
            )
    kind = values["review_kind"]
    if kind in WORKER_REVIEW_KINDS:
        _worker_review_before_create(actor, target, values)
        return
    if values.get("answers") is not None:
        raise InvalidInput(
            errors=field_errors(answers=translatable("Only a decision's review has answers."))
        )
    if kind == VERBAL_APPROVAL:
        _verbal_approval_before_create(actor, target, values)
        return
    for field in ("agreed_by_id", "agreed_at"):
        if values.get(field) is not None:
            raise InvalidInput(
                errors={field: [translatable("Only agreement by phone names who agreed and when.")]}
            )
    if kind in supervision_queue.REQUEST_KINDS:
        supervision_queue.ensure_can_request(
            kind,
            role=actor.user.role,
            target_kind=target_kind.value,
            has_open_request=open_request(target.id) is not None,
        )
    elif kind in ("approve", "decline"):
        if not isinstance(target, Judgment):
            raise InvalidInput(
                errors=field_errors(review_kind=translatable("Only decisions are approved."))
            )
        lights.ensure_can_decide_approval(
            approver_id=actor.user.id,
            approver_role=actor.user.role,
            author_id=target.created_by_id,
            status=target.status,
            own_allowed=_group_approver_check(actor.user, target),
        )
        from . import endings  # endings builds on this module

        endings.ensure_agreeable(target, actor.user)
        if target.status == lights.JudgmentStatus.VERBAL_APPROVAL:
            _confirm_verbal_approval(actor, target, kind)
        target.status = (
            lights.JudgmentStatus.APPROVED if kind == "approve" else lights.JudgmentStatus.DECLINED
        ).value
        target.decided_by_id, target.decided_at = actor.user.id, clock.now()
        target.decision_reason = values["body"]
        _record_workflow_change(actor, target, "status")
        if kind == "approve" and target.ending:
            endings.agreed(actor, target)
    elif kind == "discussed":
        _require(actor.user, Action.REVIEW)
        request = open_request(target.id)
        closes_request = request is not None and values.get("parent_id") == request.id
        if isinstance(target, Judgment):
            lights.ensure_can_mark_discussed(target.status, requested=closes_request)
            if target.status == lights.JudgmentStatus.AWAITING_DISCUSSION:
                target.status = lights.JudgmentStatus.DISCUSSED.value
                _record_workflow_change(actor, target, "status")
        else:
            assert isinstance(target, Note)  # a review's target is a note or a judgment
            target.review_status = "discussed"
            _record_workflow_change(actor, target, "review_status")
    elif (
        kind in ("comment", "question")
        and not can(actor.user.role, Action.REVIEW)
        and target.created_by_id != actor.user.id
    ):
        raise Forbidden(translatable("Only a supervisor or the author can start a discussion."))


VERBAL_APPROVAL = "verbal_approval"


def _verbal_approval_before_create(actor: Actor, target: Any, values: dict[str, Any]) -> None:
    """Check a worker's record that a supervisor agreed an urgent decision by phone; apply it.

    The decision becomes "verbal approval, to confirm"; the supervisor named
    confirms it (an ``approve``) or says they did not agree (a ``decline``).
    """
    if not isinstance(target, Judgment):
        raise InvalidInput(
            errors=field_errors(review_kind=translatable("Only decisions are agreed by phone."))
        )
    policy = db.session.get(DecisionPolicy, target.policy_version) or current_policy()
    urgent.ensure_verbal_approval(
        actor_id=actor.user.id,
        author_id=target.created_by_id,
        status=target.status,
        urgent=urgent.is_urgent(policy.categories if policy else [], target.category),
        immediate_risk=target.immediate_risk,
    )
    agreed_by_id = values.get("agreed_by_id")
    family = db.session.get(Family, target.family_id)
    urgent.check_approver(
        approver=db.session.get(User, agreed_by_id) if agreed_by_id else None,
        actor_id=actor.user.id,
        family_team_id=family.team_id if family else None,
    )
    urgent.check_agreed_at(values.get("agreed_at"), now=clock.now())
    values["addressed_to_id"] = agreed_by_id
    target.status = lights.JudgmentStatus.VERBAL_APPROVAL.value
    _record_workflow_change(actor, target, "status")


def _verbal_approval_after_create(actor: Actor, review: Review, target: Any) -> None:
    """Audit who agreed and when: the call, the device's time of writing, the server's receipt."""
    record_event(
        AuditAction.UPDATE,
        "judgment",
        actor=actor,
        record_id=target.id,
        family_id=target.family_id,
        detail={
            "verbal_approval": "recorded",
            "review_id": str(review.id),
            "agreed_by_id": str(review.agreed_by_id),
            "agreed_at": _iso(review.agreed_at),
            "device_written_at": _iso(review.device_written_at),
            "received_at": clock.now().isoformat(),
        },
    )
    if review.agreed_by_id is not None:  # always, once the rules above have passed
        notify({review.agreed_by_id}, NotificationKind.VERBAL_APPROVAL, review.id)


def _confirm_verbal_approval(actor: Actor, target: Judgment, kind: str) -> None:
    """Let only the supervisor who agreed by phone confirm the decision, and audit it."""
    agreed = db.session.scalar(
        sa.select(Review)
        .where(
            Review.target_id == target.id,
            Review.review_kind == VERBAL_APPROVAL,
            Review.deleted_at.is_(None),
        )
        .order_by(Review.created_at.desc())
        .limit(1)
    )
    urgent.ensure_named_approver(
        actor_id=actor.user.id, approver_id=agreed.agreed_by_id if agreed else None
    )
    record_event(
        AuditAction.UPDATE,
        "judgment",
        actor=actor,
        record_id=target.id,
        family_id=target.family_id,
        detail={
            "verbal_approval": "confirmed" if kind == "approve" else "not_agreed",
            "agreed_by_id": str(actor.user.id),
            "received_at": clock.now().isoformat(),
        },
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def open_request(target_id: uuid.UUID) -> Review | None:
    """Return the ask to discuss or sample on a note or decision that no "discussed" has closed."""
    closing = aliased(Review)
    return db.session.scalar(
        sa.select(Review)
        .where(
            Review.target_id == target_id,
            Review.review_kind.in_(supervision_queue.REQUEST_KINDS),
            Review.deleted_at.is_(None),
            ~sa.exists().where(closing.parent_id == Review.id, closing.review_kind == "discussed"),
        )
        .limit(1)
    )


def _group_approver_check(user: User, judgment: Judgment) -> bool:
    """Apply the policy's approver for a red decision made in group supervision.

    Return whether the approver may decide it although they recorded it.
    """
    if judgment.supervision_discussion_id is None:
        return False
    discussion = db.session.get(SupervisionDiscussion, judgment.supervision_discussion_id)
    if discussion is None:
        return False
    session = _stored_session(discussion.session_id)
    policy = current_policy()
    rule = supervision_queue.approver_rule(policy.group_supervision_approver if policy else None)
    return supervision_queue.ensure_group_approver(
        rule, approver_id=user.id, facilitator_id=session.facilitator_id
    )


def _review_after_create(actor: Actor, review: Review, _data: dict[str, Any]) -> None:
    """Tell the other side of a supervision conversation that something was said."""
    if review.review_kind in supervision_queue.REQUEST_KINDS:
        return  # it waits in the supervisor's queue; nobody needs a push for it
    target = _visible(RecordKind(review.target_kind), actor.user, review.target_id)
    if review.review_kind in WORKER_REVIEW_KINDS:
        _worker_review_after_create(actor, review, target)
        return
    if review.review_kind == VERBAL_APPROVAL:
        _verbal_approval_after_create(actor, review, target)
        return
    if review.review_kind in ("approve", "decline"):
        kind, people = NotificationKind.APPROVAL, {target.created_by_id}
    elif review.review_kind == "reply" and review.parent_id is not None:
        parent = lookups().made.get((Review, review.parent_id)) or db.session.get(
            Review, review.parent_id
        )
        kind, people = NotificationKind.REVIEW_REPLY, {parent.created_by_id if parent else None}
    else:
        kind, people = NotificationKind.REVIEW_REPLY, {target.created_by_id}
    recipients = {person for person in people if person is not None and person != actor.user.id}
    if recipients:
        notify(recipients, kind, review.id)


WORKER_REVIEW_KINDS = frozenset(kind.value for kind in WorkerReviewKind)


def _current_workers(family_id: uuid.UUID) -> set[uuid.UUID]:
    return set(
        db.session.scalars(
            sa.select(Assignment.worker_id).where(
                Assignment.family_id == family_id,
                Assignment.ended_on.is_(None),
                Assignment.deleted_at.is_(None),
            )
        )
    )


def _worker_review_before_create(actor: Actor, target: Any, values: dict[str, Any]) -> None:
    """Check a worker's disagreement, escalation or review of a decision, and apply it."""
    if not isinstance(target, Judgment):
        raise InvalidInput(
            errors=field_errors(
                review_kind=translatable("Only decisions are disagreed with or reviewed.")
            )
        )
    kind = WorkerReviewKind(values["review_kind"])
    if kind is not WorkerReviewKind.DECISION_REVIEW:
        if values.get("answers") is not None:
            raise InvalidInput(
                errors=field_errors(answers=translatable("Only a decision's review has answers."))
            )
        decision_reviews.ensure_can_disagree(
            actor_id=actor.user.id, author_id=target.created_by_id, status=target.status
        )
        if kind is WorkerReviewKind.ESCALATION:
            family = db.session.get(Family, target.family_id)
            team = db.session.get(Team, family.team_id) if family else None
            contact_id = team.escalation_contact_id if team else None
            contact = db.session.get(User, contact_id) if contact_id else None
            values["addressed_to_id"] = decision_reviews.escalation_contact(
                actor_id=actor.user.id,
                decided_by_id=target.decided_by_id,
                contact_id=contact.id if contact is not None and contact.active else None,
            )
        return
    decision_reviews.ensure_can_review(
        actor_id=actor.user.id,
        author_id=target.created_by_id,
        current_workers=_current_workers(target.family_id),
    )
    decision_reviews.ensure_not_reviewed(target.reviewed_on)
    answers = values.get("answers") or {}
    reviewed_on = answers.get("reviewed_on") or clock.today()
    decision_reviews.check_review(answers, reviewed_on, clock.today())
    # Set directly, not by an amendment: learning from a decision is not correcting an error.
    target.review_outcome, target.reviewed_on = values["body"], reviewed_on
    _bump(target, actor)
    _write_history(
        target,
        {
            "review_outcome": {"old": None, "new": target.review_outcome},
            "reviewed_on": {"old": None, "new": reviewed_on},
        },
        actor=actor,
        store=SESSION,  # a review is made through the ORM, and so is its target's change
    )
    record_event(
        AuditAction.UPDATE,
        RecordKind.JUDGMENT.value,
        actor=actor,
        record_id=target.id,
        family_id=target.family_id,
        detail={"fields": ["review_outcome", "reviewed_on"], "conflict": []},
    )


def _worker_review_after_create(actor: Actor, review: Review, target: Any) -> None:
    """Tell the decider of a disagreement, and the next manager of an escalation."""
    if review.review_kind == WorkerReviewKind.DECISION_REVIEW:
        return
    decider = {target.decided_by_id} - {None, actor.user.id}
    if decider:
        notify(decider, NotificationKind.REVIEW_REPLY, review.id)
    if review.review_kind == WorkerReviewKind.ESCALATION and review.addressed_to_id:
        notify({review.addressed_to_id}, NotificationKind.ESCALATION, review.id)
        record_event(
            AuditAction.CREATE,
            "escalation",
            actor=actor,
            record_id=review.id,
            family_id=review.family_id,
            detail={"judgment_id": str(target.id), "to": str(review.addressed_to_id)},
        )


def _assignment_after_create(actor: Actor, assignment: Assignment, _data: dict[str, Any]) -> None:
    if assignment.worker_id != actor.user.id:
        notify({assignment.worker_id}, NotificationKind.ASSIGNMENT, assignment.family_id)


def _record_workflow_change(actor: Actor, target: CaseRecord, column: str) -> None:
    """Version and log a workflow change that a review makes to its target."""
    history = sa.inspect(target).attrs[column].history
    _bump(target, actor)
    _write_history(
        target,
        {column: {"old": (history.deleted or [None])[0], "new": getattr(target, column)}},
        actor=actor,
        store=SESSION,  # the target is an ORM instance: its attribute history is read above
    )


def _conference_rules(actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    coordinator_id = values.get("coordinator_id")
    if coordinator_id is not None:
        coordinator = db.session.get(User, coordinator_id)
        if coordinator is None or coordinator.team_id != actor.user.team_id:
            raise InvalidInput(
                errors=field_errors(
                    coordinator_id=translatable("Choose a coordinator from your team.")
                )
            )


def _plan_action_rules(_actor: Actor, record: Any, values: dict[str, Any]) -> None:
    family_id = values.get("family_id") or record.family_id
    _ensure_in_family(Conference, values.get("conference_id"), family_id, "conference_id")


def _family_copy_rules(_actor: Actor, record: Any, values: dict[str, Any]) -> None:
    family_id = values.get("family_id") or record.family_id
    if "note_id" in values:
        _ensure_in_family(Note, values["note_id"], family_id, "note_id")
        note = db.session.get(Note, values["note_id"])
        if note is None or note.state != SignState.SIGNED.value:
            raise InvalidInput(
                errors=field_errors(note_id=translatable("Make a family copy from a signed note."))
            )
    if "household_ids" in values and not values["household_ids"]:
        raise InvalidInput(
            errors=field_errors(
                household_ids=translatable("Choose who lives in the home the copy goes to.")
            )
        )
    for index, person_id in enumerate(values.get("household_ids") or []):
        _ensure_member(family_id, person_id, f"household_ids.{index}")
    if "sections" in values:
        values["sections"] = {k: v for k, v in values["sections"].items() if v is not None}
    if "confirmed" in values:
        values["confirmed"] = list(dict.fromkeys(values["confirmed"]))


def _attachment_rules(_actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    parent = ParentKind(values["parent_kind"])
    if parent is ParentKind.PERSON:
        _ensure_member(values["family_id"], values["parent_id"], "parent_id")
    else:
        model = CASE_RECORDS[PARENT_RECORDS[parent]]
        _ensure_in_family(model, values["parent_id"], values["family_id"], "parent_id")
    # The bytes have yet to come: the record syncs first (server/services/attachments.py).
    values["upload_state"] = UploadState.AWAITED.value


EPISODE_FIELDS = (
    "plan_type",
    "cp_category",
    "legal_status",
    "placement_started_on",
    "placement_type",
    "started_on",
    "ended_on",
    "end_reason",
)


def _episode_codes() -> dict[str, set[str]]:
    return {
        "cp_category": set(codes("cp_category")),
        "legal_status": set(codes("legal_status")),
        "placement_type": set(codes("placement_type")),
        "end_reason": set(codes("plan_end_reason")),
    }


def _person_record(person_id: uuid.UUID) -> Any:
    """Return a person, also one made earlier in this request and not yet written."""
    return lookups().made.get((Person, person_id)) or db.session.get(Person, person_id)


def _open_episode_elsewhere(person_id: uuid.UUID, episode_id: uuid.UUID | None) -> bool:
    """Return whether the child has another episode that has not ended.

    A sync batch may end one episode and start the next before anything is
    written, so the records are read as this request holds them: the
    session's own copies (with their unwritten changes) and those it made.
    """
    with db.session.no_autoflush:
        episodes: dict[uuid.UUID, Any] = {
            episode.id: episode
            for episode in db.session.scalars(
                sa.select(PlanEpisode).where(PlanEpisode.person_id == person_id)
            )
        }
    for (model, record_id), record in lookups().made.items():
        if model is PlanEpisode and getattr(record, "person_id", None) == person_id:
            episodes[record_id] = record
    return any(
        record_id != episode_id and episode.ended_on is None and episode.deleted_at is None
        for record_id, episode in episodes.items()
    )


def _ensure_child_of_family(values: dict[str, Any], refusal: str) -> None:
    """Refuse a record about someone who is not a child of the record's family."""
    _ensure_member(values["family_id"], values["person_id"], "person_id")
    person = _person_record(values["person_id"])
    if person is None or not person.is_child:
        raise InvalidInput(errors=field_errors(person_id=refusal))


def _plan_episode_before_create(actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    _ensure_child_of_family(values, translatable("Plans are for children only."))
    plans.check_episode(values, clock.today())
    if values.get("ended_on") is None:
        plans.ensure_one_open_episode(_open_episode_elsewhere(values["person_id"], None))


def _plan_episode_before_update(_actor: Actor, episode: Any, values: dict[str, Any]) -> None:
    merged = {name: values.get(name, getattr(episode, name)) for name in EPISODE_FIELDS}
    plans.check_episode(merged, clock.today())


REFERRAL_FIELDS = (
    "referred_on",
    "no_further_action",
    "assessment_started_on",
    "assessment_authorised_on",
    "assessment_factors",
)


def _referral_before_create(_actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    _ensure_child_of_family(values, translatable("Referrals are about children."))
    referrals.check_referral(values, clock.today())


def _referral_before_update(_actor: Actor, referral: Any, values: dict[str, Any]) -> None:
    merged = {name: values.get(name, getattr(referral, name)) for name in REFERRAL_FIELDS}
    referrals.check_referral(merged, clock.today())


def _team_members(team_id: uuid.UUID) -> dict[uuid.UUID, str]:
    return {
        user_id: role
        for user_id, role in db.session.execute(
            sa.select(User.id, User.role).where(User.team_id == team_id, User.active.is_(True))
        )
    }


def _check_session_people(team_id: uuid.UUID, session: Any, values: dict[str, Any]) -> None:
    if "facilitator_id" not in values and "attendee_ids" not in values:
        return
    group_supervision.check_people(
        values.get("facilitator_id"),
        [uuid.UUID(str(a)) for a in values.get("attendee_ids", [])],
        _team_members(team_id),
    )


def _session_before_create(actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    team_id = group_supervision.ensure_can_run_session(actor.user.role, actor.user.team_id)
    values["team_id"] = team_id
    values.setdefault("facilitator_id", actor.user.id)
    values.setdefault("attendee_ids", [])
    # The server's canonical text form: access.in_scope matches attendees on it.
    values["attendee_ids"] = [str(uuid.UUID(str(a))) for a in values["attendee_ids"]]
    _check_session_people(team_id, None, values)


def _session_before_update(actor: Actor, session: Any, values: dict[str, Any]) -> None:
    group_supervision.ensure_team_supervisor(actor.user.role, actor.user.team_id, session.team_id)
    _check_session_people(session.team_id, session, values)


def _stored_session(session_id: uuid.UUID) -> SupervisionSession:
    """Return a session, also one made earlier in this sync batch and not yet written."""
    made = lookups().made.get((SupervisionSession, session_id))
    session = made or db.session.get(SupervisionSession, session_id)
    assert isinstance(session, SupervisionSession)
    return session


def _session_of(session_id: uuid.UUID, user: User) -> SupervisionSession:
    session = _visible(RecordKind.SUPERVISION_SESSION, user, session_id)
    assert isinstance(session, SupervisionSession)
    return session


def _may_own_actions(session: SupervisionSession, family_id: uuid.UUID) -> set[uuid.UUID]:
    """Return who was there and may see the family: an action reaches its owner."""
    present = {session.facilitator_id, *(uuid.UUID(str(a)) for a in session.attendee_ids)}
    supervisors = set(
        db.session.scalars(
            sa.select(User.id).where(
                User.id.in_(present),
                User.role == Role.SUPERVISOR.value,
                User.team_id == session.team_id,
            )
        )
    )
    assigned = set(
        db.session.scalars(
            sa.select(Assignment.worker_id).where(
                Assignment.family_id == family_id,
                Assignment.worker_id.in_(present),
                Assignment.ended_on.is_(None),
                Assignment.deleted_at.is_(None),
            )
        )
    )
    return supervisors | assigned


def _check_discussion_lists(
    session: SupervisionSession, family_id: uuid.UUID, values: dict[str, Any], previous: Any
) -> None:
    for name in ("questions", "actions"):
        if name in values:
            group_supervision.check_items(name, values[name])
    if "actions" in values:
        group_supervision.check_action_owners(
            jsonable(values["actions"]),
            _may_own_actions(session, family_id),
            previous={f"{a.get('id')}/{a.get('owner_id')}" for a in previous or []},
        )


def _discussion_before_create(actor: Actor, _record: Any, values: dict[str, Any]) -> None:
    session = _session_of(values["session_id"], actor.user)
    group_supervision.ensure_team_supervisor(actor.user.role, actor.user.team_id, session.team_id)
    _check_discussion_lists(session, values["family_id"], values, None)


def _discussion_before_update(
    actor: Actor, discussion: SupervisionDiscussion, values: dict[str, Any]
) -> None:
    session = _stored_session(discussion.session_id)
    if actor.user.role == Role.SUPERVISOR and actor.user.team_id == session.team_id:
        _check_discussion_lists(session, discussion.family_id, values, discussion.actions)
        return
    if str(actor.user.id) not in session.attendee_ids:
        raise Forbidden(
            translatable("Only the team's supervisors and the session's attendees can change this.")
        )
    if set(values) - {"questions", "actions"}:
        raise Forbidden(translatable("Attendees answer questions and update their own actions."))
    if "questions" in values:
        values["questions"] = group_supervision.apply_attendee_changes(
            "questions",
            discussion.questions,
            jsonable(values["questions"]),
            group_supervision.ATTENDEE_QUESTION_FIELDS,
        )
    if "actions" in values:
        values["actions"] = group_supervision.apply_attendee_changes(
            "actions",
            discussion.actions,
            jsonable(values["actions"]),
            group_supervision.ATTENDEE_ACTION_FIELDS,
            owned_by=actor.user.id,
        )


def _discussion_before_delete(actor: Actor, discussion: Any, _values: dict[str, Any]) -> None:
    session = _stored_session(discussion.session_id)
    group_supervision.ensure_team_supervisor(actor.user.role, actor.user.team_id, session.team_id)


def _strategy_rules(actor: Actor, record: Any, values: dict[str, Any]) -> None:
    """Check a strategy discussion and work out its section 47 enquiry's dates.

    The children must be children of the family; a joint enquiry needs the
    police in the discussion; the ICPC can only be recorded for an enquiry,
    and not before the discussion. The enquiry starts on the discussion's day
    (in London) and its ICPC is due 15 working days later.
    """
    if record is None:
        values["child_ids"] = _children_of(
            values["family_id"], values["child_ids"], translatable("This child is already chosen.")
        )

    def now(name: str) -> Any:
        return values[name] if name in values else getattr(record, name, None)

    decision, discussed_at = now("decision"), now("discussed_at")
    errors: dict[str, str] = {}
    if not now("participants"):
        errors["participants"] = translatable("Add at least one person who took part.")
    if not now("child_ids"):
        errors["child_ids"] = translatable("Choose the children it was about.")
    if "discussed_at" in values and discussed_at > clock.now() + strategy.DEVICE_SLACK:
        errors["discussed_at"] = translatable("The discussion cannot be in the future.")
    if "discussed_at" in values and discussed_at < strategy.EARLIEST:
        # Also keeps the London date and the working-day count in range.
        raise InvalidInput(
            errors=field_errors(discussed_at=translatable("Enter a date from the year 2000 on."))
        )
    participants = now("participants") or []
    if (
        participants
        and decision == strategy.Decision.JOINT_S47
        and not any(person.get("agency") == strategy.Agency.POLICE for person in participants)
    ):
        errors["participants"] = translatable(
            "A joint enquiry with the police needs the police taking part."
        )
    discussed_on = clock.council_date(discussed_at)
    problem = strategy.check_icpc_held(
        discussed_on, now("icpc_held_on"), decision, clock.council_date(clock.now())
    )
    if problem is not None and ("icpc_held_on" in values or "decision" in values):
        errors["icpc_held_on"] = problem
    if errors:
        raise InvalidInput(errors=field_errors(**errors))
    if record is None or "decision" in values or "discussed_at" in values:
        started = discussed_on if strategy.starts_s47(decision) else None
        values["s47_started_on"] = started
        values["icpc_due_on"] = strategy.icpc_due(started) if started else None


RULES: dict[RecordKind, KindRules] = {
    RecordKind.FAMILY: KindRules(
        before_create=_family_before_create,
        after_create=_family_after_create,
        before_update=_family_before_update,
    ),
    RecordKind.PERSON: KindRules(
        before_create=_person_before_create,
        after_create=_person_after_create,
        before_update=_person_before_update,
    ),
    RecordKind.MEMBERSHIP: KindRules(before_create=_membership_before_create),
    RecordKind.RELATIONSHIP: KindRules(
        before_create=_relationship_rules, before_update=_relationship_rules
    ),
    RecordKind.ASSIGNMENT: KindRules(
        before_create=_assignment_before_create,
        after_create=_assignment_after_create,
        before_update=_assignment_before_update,
    ),
    RecordKind.INTERACTION: KindRules(
        before_create=_interaction_rules, before_update=_interaction_rules
    ),
    RecordKind.NOTE: KindRules(before_create=_note_rules, before_update=_note_rules),
    RecordKind.AMENDMENT: KindRules(creatable=False),
    RecordKind.JUDGMENT: KindRules(before_create=_judgment_rules, before_update=_judgment_rules),
    RecordKind.CHECKLIST: KindRules(
        before_create=_checklist_before_create,
        after_create=_checklist_after_create,
        before_update=_checklist_before_update,
    ),
    RecordKind.CHECKLIST_ITEM: KindRules(creatable=False),
    RecordKind.REVIEW: KindRules(
        before_create=_review_before_create, after_create=_review_after_create
    ),
    RecordKind.CONFERENCE: KindRules(
        before_create=_conference_rules, before_update=_conference_rules
    ),
    RecordKind.PLAN_ACTION: KindRules(
        before_create=_plan_action_rules, before_update=_plan_action_rules
    ),
    RecordKind.SUPERVISION_SESSION: KindRules(
        before_create=_session_before_create, before_update=_session_before_update
    ),
    RecordKind.PLAN_EPISODE: KindRules(
        before_create=_plan_episode_before_create, before_update=_plan_episode_before_update
    ),
    RecordKind.CHRONOLOGY_ENTRY: KindRules(
        before_create=_chronology_entry_rules, before_update=_chronology_entry_rules
    ),
    RecordKind.CASE_SUMMARY: KindRules(before_create=_case_summary_before_create),
    RecordKind.STRATEGY_DISCUSSION: KindRules(
        before_create=_strategy_rules, before_update=_strategy_rules
    ),
    RecordKind.REFERRAL: KindRules(
        before_create=_referral_before_create, before_update=_referral_before_update
    ),
    RecordKind.FAMILY_COPY: KindRules(
        before_create=_family_copy_rules, before_update=_family_copy_rules
    ),
    RecordKind.ATTACHMENT: KindRules(before_create=_attachment_rules),
    RecordKind.SUPERVISION_DISCUSSION: KindRules(
        before_create=_discussion_before_create,
        before_update=_discussion_before_update,
        before_delete=_discussion_before_delete,
    ),
}
