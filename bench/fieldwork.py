"""What a caseworker records offline: visits with their notes, plan actions, later edits.

``Fieldwork`` makes changes as plain values (``Change``); a benchmark sends
them through the reference client, or writes the same rows straight into the
database to compare.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from demo import (
    CHILD_VOICE,
    FAMILY_VIEW,
    HOME_DETAILS,
    NEXT_STEPS,
    OPENINGS,
    PHONE_CALLS,
    PLAN_TASKS,
    REFLECTION,
    STRENGTHS,
)
from server import clock

NAMES = {
    "child": ("Lily", "Tyler", "Maryam", "Kofi", "Zofia", "Ayaan", "Jada", "Oisin"),
    "adult": ("Kelly", "Nadia", "Marcia", "Ewa", "Chioma", "Ahmad", "Leanne", "Jamal"),
    "other": ("Nan", "Uncle Errol", "Auntie Shazia", "the neighbour", "Dad", "Grandad"),
    "elder": ("Nan", "Grandad", "Auntie Rubina", "Granny Pearl"),
    "school": ("Pennyfold Primary School", "Thimble Hill Academy", "Gullhaven Primary School"),
    "carer": ("Jean", "Bernadette", "Colin"),
}
SECTIONS = {
    "what_happened": [
        *(text for places in OPENINGS.values() for texts in places.values() for text in texts),
        *PHONE_CALLS,
    ],
    "child_voice": CHILD_VOICE,
    "family_view": FAMILY_VIEW,
    "strengths": STRENGTHS,
    "reflection": REFLECTION,
    "next_steps": NEXT_STEPS,
}
MODES = ("home_visit", "home_visit", "home_visit", "phone", "school", "video", "community")
PURPOSES = ("statutory_visit", "direct_work", "direct_work", "review", "family_time", "other")
PLAN_STATUSES = ("not_started", "on_track", "off_track", "done")
# Of every 100 choices: a visit (interaction and note), a plan action, an edit.
VISIT, PLAN_ACTION = 50, 75


@dataclass
class Change:
    """One change made offline, with Python values (ids, dates) before they go on the wire."""

    entity: str
    op: str  # create, update or sign
    id: uuid.UUID
    values: dict[str, Any] = field(default_factory=dict)

    def wire(self) -> dict[str, Any]:
        values: dict[str, Any] = as_json(self.values)
        return values


def as_json(value: Any) -> Any:
    """Return a value as JSON carries it: ids and dates as text."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


@dataclass
class _Made:
    """A record this worker made, with the values a later edit changes."""

    entity: str
    family_id: uuid.UUID
    values: dict[str, Any]


class Fieldwork:
    """A caseworker's offline work with their families.

    ``families`` maps each family to the people in it (participants of visits).
    Edits touch only records this worker made, so every edit changes something.
    """

    def __init__(self, families: dict[uuid.UUID, list[uuid.UUID]], rng: random.Random):
        self.families = families
        self.family_ids = sorted(families)
        self.rng = rng
        self.made: list[_Made] = []
        self._made_ids: list[uuid.UUID] = []
        self.drafts: list[uuid.UUID] = []

    def changes(self, count: int) -> list[Change]:
        """Return ``count`` changes: visits with notes, plan actions, and edits of earlier ones."""
        changes: list[Change] = []
        while len(changes) < count:
            roll = self.rng.randrange(100)
            if roll < VISIT and count - len(changes) >= 2:
                changes.extend(self.visit())
            elif roll < PLAN_ACTION or not self.made:
                changes.append(self.plan_action())
            else:
                changes.append(self.edit())
        return changes

    def visit(self) -> list[Change]:
        """Return an interaction and its relational note, all six sections written."""
        rng = self.rng
        family_id = rng.choice(self.family_ids)
        people = self.families[family_id]
        occurred = clock.now() - timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 9))
        participants = [
            {
                "person_id": person,
                "present": True,
                "seen": seen,
                "seen_alone": seen and rng.random() < 0.4,
                "spoken_to": seen and rng.random() < 0.8,
            }
            for person in rng.sample(people, k=min(len(people), rng.randint(1, 3)))
            for seen in [rng.random() < 0.8]
        ]
        interaction = Change(
            "interaction",
            "create",
            uuid.uuid4(),
            {
                "family_id": family_id,
                "occurred_at": occurred.replace(microsecond=0),
                "duration_minutes": rng.choice((20, 30, 45, 60, 75, 90)),
                "mode": rng.choice(MODES),
                "purpose": rng.choice(PURPOSES),
                "announced": rng.random() < 0.8,
                "meaningful": rng.random() < 0.9,
                "participants": participants,
            },
        )
        note = Change(
            "note",
            "create",
            uuid.uuid4(),
            {
                "family_id": family_id,
                "interaction_id": interaction.id,
                "sections": {name: self.section(name) for name in SECTIONS},
            },
        )
        self._remember(interaction, ("duration_minutes", "meaningful"))
        self.drafts.append(note.id)
        return [interaction, note]

    def section(self, name: str) -> str:
        """Return 100 to 400 characters of one section, in a worker's words."""
        wanted = self.rng.randint(100, 400)
        text = ""
        while len(text) < wanted:
            sentence = self.rng.choice(SECTIONS[name])
            if name == "what_happened":
                sentence += self.rng.choice(HOME_DETAILS)
            text = (text + " " + sentence.format_map(self.say())).strip()
        return text[:wanted].rsplit(" ", 1)[0] if len(text) > 400 else text

    def say(self) -> dict[str, str]:
        return {role: self.rng.choice(names) for role, names in NAMES.items()}

    def plan_action(self) -> Change:
        rng = self.rng
        task, who = rng.choice(PLAN_TASKS)
        say = self.say()
        change = Change(
            "plan_action",
            "create",
            uuid.uuid4(),
            {
                "family_id": rng.choice(self.family_ids),
                "task": task.format_map(say),
                "who": who.format_map(say),
                "due_on": clock.today() + timedelta(days=rng.randint(7, 60)),
                "checked_by": "Allocated worker",
                "status": "not_started",
            },
        )
        self._remember(change, ("status", "due_on"))
        return change

    def edit(self) -> Change:
        """Return an edit of a record made earlier: a plan action's progress, a visit's length."""
        index = self.rng.randrange(len(self.made))
        made = self.made[index]
        if made.entity == "plan_action":
            status = made.values["status"]
            changes = {
                "status": PLAN_STATUSES[(PLAN_STATUSES.index(status) + 1) % len(PLAN_STATUSES)],
                "due_on": made.values["due_on"] + timedelta(days=14),
            }
        else:
            changes = {
                "duration_minutes": made.values["duration_minutes"] % 600 + 5,
                "meaningful": not made.values["meaningful"],
            }
        made.values.update(changes)
        return Change(made.entity, "update", self._made_ids[index], changes)

    def sign(self) -> Change | None:
        """Return the signing of a draft note, if there is one."""
        if not self.drafts:
            return None
        return Change("note", "sign", self.drafts.pop(self.rng.randrange(len(self.drafts))))

    def _remember(self, change: Change, editable: tuple[str, ...]) -> None:
        self.made.append(
            _Made(
                change.entity,
                change.values["family_id"],
                {name: change.values[name] for name in editable},
            )
        )
        self._made_ids.append(change.id)
