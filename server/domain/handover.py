"""Handing a family over to another worker: the relationship moves, with a note."""

from __future__ import annotations

from .errors import InvalidInput, field_errors, translatable


def ensure_handover_recorded(change_reason: str | None, handover_note: str | None) -> None:
    """Refuse to end a worker's time with a family without a reason and a handover note."""
    problems: dict[str, str] = {}
    if not change_reason:
        problems["change_reason"] = translatable("Say why the family is moving to another worker.")
    if not (handover_note or "").strip():
        problems["handover_note"] = translatable(
            "Write a handover note: what matters to this family, and what is in hand."
        )
    if problems:
        raise InvalidInput(errors=field_errors(**problems))
