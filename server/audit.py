"""Writing the audit log: every read and write of a family's records."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from .extensions import db
from .persistence import AuditEvent, bulk
from .security.sessions import current_device_id, current_user


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
    record_id: uuid.UUID | None = None,
    family_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
    user_id: uuid.UUID | None = None,
    device_id: uuid.UUID | None = None,
) -> None:
    """Append one audit event, by default for the current user and device.

    The event is committed with the rest of the request's work.
    """
    values = {
        "user_id": user_id,
        "device_id": device_id,
        "action": action.value,
        "entity": entity,
        "record_id": record_id,
        "family_id": family_id,
        "detail": detail or {},
    }
    writer = bulk.active_writer()
    if writer is not None:
        writer.add_audit(values)  # written with the sync batch, by its user and device
        return
    values["user_id"] = user_id or current_user().id
    values["device_id"] = device_id or current_device_id()
    db.session.add(AuditEvent(**values))


def record_list_read(entity: str, family_ids: Iterable[uuid.UUID | None]) -> None:
    """Audit a page of records: one event per family it showed, with how many rows."""
    counts = Counter(family_ids)
    for family_id, count in counts.items():
        record_event(AuditAction.LIST, entity, family_id=family_id, detail={"count": count})
