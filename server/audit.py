"""Writing the audit log: every read and write of a family's records."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .persistence import User
from .persistence.store import SESSION, RecordStore


@dataclass(frozen=True)
class Actor:
    """Who does something: a user, on the device they use (none for a job or a command)."""

    user: User
    device_id: uuid.UUID | None = None


class AuditAction(StrEnum):
    READ = "read"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    SIGN = "sign"
    AMEND = "amend"
    EXPORT = "export"
    SYNC = "sync"
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    REVOKE = "revoke"
    HOLD = "hold"
    LIFT_HOLD = "lift_hold"


def record_event(
    action: AuditAction,
    entity: str,
    *,
    actor: Actor,
    record_id: uuid.UUID | None = None,
    family_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
    store: RecordStore = SESSION,
) -> None:
    """Append one audit event, by the actor, to the store, committed with the rest of the work.

    The caller names the actor: the API layer's ``current_actor()``, a sync
    batch's user and device, a job's user on no device. Nothing here reads the
    request (``tests/test_explicit_actor.py``).
    """
    values = {
        "user_id": actor.user.id,
        "device_id": actor.device_id,
        "action": action.value,
        "entity": entity,
        "record_id": record_id,
        "family_id": family_id,
        "detail": detail or {},
    }
    store.add_audit(values)


def record_list_read(entity: str, family_ids: Iterable[uuid.UUID | None], *, actor: Actor) -> None:
    """Audit a page of records: one event per family it showed, with how many rows."""
    counts = Counter(family_ids)
    for family_id, count in counts.items():
        record_event(
            AuditAction.LIST, entity, actor=actor, family_id=family_id, detail={"count": count}
        )
