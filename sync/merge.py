"""How a pushed change merges with what the server already has, by kind of record.

Relational notes, judgments and supervision comments never merge: once
signed they are immutable, and a correction is an amendment. Families,
people, relationships, plan actions and the rest merge field by field: a
field changed on one side only takes that side's value; a field both sides
changed takes the later push's value, and the value it overwrote is kept in
the record's history and reported as a conflict. Checklist items are one row
per item, so two workers answering different items never collide.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class MergeRule(StrEnum):
    FIELDS = "fields"  # field-level three-way merge, later push wins a clash
    SIGNED_IMMUTABLE = "signed_immutable"  # editable as a draft; frozen once signed
    APPEND_ONLY = "append_only"  # created once, never edited (amendments)


MERGE_RULES: dict[str, MergeRule] = {
    "family": MergeRule.FIELDS,
    "person": MergeRule.FIELDS,
    "membership": MergeRule.FIELDS,
    "relationship": MergeRule.FIELDS,
    "assignment": MergeRule.FIELDS,
    "interaction": MergeRule.FIELDS,
    "checklist": MergeRule.FIELDS,
    "checklist_item": MergeRule.FIELDS,
    "conference": MergeRule.FIELDS,
    "plan_action": MergeRule.FIELDS,
    # Group supervision: the header and each family's discussion merge field by
    # field. An attendee's change to a discussion is first laid item by item
    # over the discussion as it is now (server.domain.group_supervision), so it
    # only ever touches answers and their own actions' status.
    "supervision_session": MergeRule.FIELDS,
    "supervision_discussion": MergeRule.FIELDS,
    # A child's plan episode merges field by field while it runs and is frozen
    # once it has ended (an ended episode reads as signed); corrections are amendments.
    "plan_episode": MergeRule.SIGNED_IMMUTABLE,
    # A worker's chronology entry stays editable: field by field, every change kept.
    "chronology_entry": MergeRule.FIELDS,
    # A referral's assessment is filled in over weeks: field by field.
    "referral": MergeRule.FIELDS,
    # Each version of the story so far is made once and never changed.
    "case_summary": MergeRule.APPEND_ONLY,
    # An attachment's description is made once; only the server's upload state moves.
    "attachment": MergeRule.APPEND_ONLY,
    "note": MergeRule.SIGNED_IMMUTABLE,
    # A family copy merges field by field as a draft and is frozen once shared (signed).
    "family_copy": MergeRule.SIGNED_IMMUTABLE,
    "judgment": MergeRule.SIGNED_IMMUTABLE,
    # Frozen once signed, but for the day its ICPC was held (domain.records.SET_AFTER_SIGNING).
    "strategy_discussion": MergeRule.SIGNED_IMMUTABLE,
    "review": MergeRule.APPEND_ONLY,
    "amendment": MergeRule.APPEND_ONLY,
}


@dataclass
class MergeOutcome:
    """What to write, and which of the server's values the write overwrote."""

    apply: dict[str, Any]
    overwritten: dict[str, Any] = field(default_factory=dict)

    @property
    def conflict(self) -> bool:
        return bool(self.overwritten)


def merge_fields(
    incoming: Mapping[str, Any],
    current: Mapping[str, Any],
    changed_since_base: Set[str],
) -> MergeOutcome:
    """Merge a device's changed fields into the server's current values.

    ``incoming`` holds only the fields the device changed, based on an older
    version; ``changed_since_base`` names the fields the server changed since
    that version. Fields only the device changed apply quietly. Fields both
    changed apply too (the later push wins) and, where the values differ, the
    server's value is returned in ``overwritten`` so it can be kept and shown.
    """
    apply: dict[str, Any] = {}
    overwritten: dict[str, Any] = {}
    for name, value in incoming.items():
        if name in current and current[name] == value:
            continue  # both sides agree: nothing to write, nothing lost
        if name in changed_since_base:
            overwritten[name] = current.get(name)
        apply[name] = value
    return MergeOutcome(apply=apply, overwritten=overwritten)
