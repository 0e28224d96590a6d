"""The wire shape of sync: names, limits and result types (see docs/sync.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Bump when the shape of records on the wire changes: cursors from an older
# schema answer reset_required and devices re-pull their whole scope.
SCHEMA_VERSION = 1

MAX_PUSH_MUTATIONS = 500
# The largest mutation id: the most a PostgreSQL bigint (the device's counter) holds.
MAX_MUTATION_ID = 2**63 - 1
# The largest record version: the most a PostgreSQL integer column holds.
MAX_VERSION = 2**31 - 1
MAX_PUSH_BYTES = 1024 * 1024
MAX_PULL_LIMIT = 500
DEFAULT_PULL_LIMIT = 200


class MutationOp(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    SIGN = "sign"


class ChangeOp(StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"
    EVICT = "evict"


class ResultStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"  # applied, with a merge; the overwritten values are in history
    REJECTED = "rejected"


class RejectReason(StrEnum):
    """Why a mutation can never succeed; each has a sentence a person can act on."""

    INVALID = "invalid"
    NOT_IN_CASELOAD = "not_in_caseload"
    NOT_FOUND = "not_found"
    SIGNED = "signed"
    FORBIDDEN = "forbidden"
    RULE = "rule"
    ID_TAKEN = "id_taken"
    UNEXPECTED = "unexpected"


REJECT_MESSAGES = {
    RejectReason.INVALID: "Some of what you entered could not be saved. Check the fields listed.",
    RejectReason.NOT_IN_CASELOAD: (
        "This family is no longer in your caseload, so this change was not saved. "
        "Your text is kept on this device: copy it, or ask your supervisor to add it."
    ),
    RejectReason.NOT_FOUND: (
        "The record you changed no longer exists, so this change was not saved."
    ),
    RejectReason.SIGNED: (
        "This record was signed, so it cannot be changed. Add an amendment with your correction."
    ),
    RejectReason.FORBIDDEN: "Your role does not allow this change.",
    RejectReason.RULE: "This change breaks one of the service's rules.",
    RejectReason.ID_TAKEN: "A different record already uses this id. Make the record again.",
    RejectReason.UNEXPECTED: (
        "This change could not be saved because of a fault on our side. It is kept here "
        "and has been reported; nothing you wrote is lost."
    ),
}


@dataclass(frozen=True)
class Mutation:
    """One change a device made offline."""

    mutation_id: int
    entity: str
    op: MutationOp
    id: str
    base_version: int | None
    data: dict[str, Any]
    client_ts: str | None = None


@dataclass
class MutationResult:
    mutation_id: int
    status: ResultStatus
    version: int | None = None
    reason: RejectReason | None = None
    message: str | None = None
    errors: dict[str, Any] = field(default_factory=dict)
    overwritten: dict[str, Any] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        body: dict[str, Any] = {"mutation_id": self.mutation_id, "status": self.status.value}
        if self.version is not None:
            body["version"] = self.version
        if self.reason is not None:
            body.update(reason=self.reason.value, message=self.message, errors=self.errors)
        if self.overwritten:
            body["overwritten"] = self.overwritten
        return body

    @classmethod
    def rejected(
        cls,
        mutation_id: int,
        reason: RejectReason,
        message: str | None = None,
        errors: dict[str, Any] | None = None,
    ) -> MutationResult:
        return cls(
            mutation_id,
            ResultStatus.REJECTED,
            reason=reason,
            message=message or REJECT_MESSAGES[reason],
            errors=dict(errors or {}),
        )
