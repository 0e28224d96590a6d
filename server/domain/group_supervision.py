"""Rules of group supervision: who runs a session, who may change what in it.

A session is a team's header (when, who facilitated, who attended, its
title) and holds nothing about a family. Each family discussed has its own
discussion record, which lives inside the family's scope: reflective
questions with answers, and actions with an owner and a due date. Decisions
are the family's own judgment entries, linked to the discussion.

- Only a supervisor runs a session, for their own team; the facilitator is a
  supervisor of that team; attendees are active practitioners of the team.
- The team's supervisors change the header and the discussions.
- An attendee (a caseworker who may see the family) answers reflective
  questions and moves their own actions on; nothing else. Their change is
  applied item by item to the discussion as it is now, so a supervisor's
  newer edits to other items are never undone by an attendee's older copy.
- An action's owner is someone who was there (facilitator or attendee) and
  may see the family, so the action reaches the owner's device.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence, Set
from typing import Any

from .errors import Forbidden, InvalidInput, RuleBroken, field_errors, translatable
from .roles import Role

ACTION_STATUSES = ("not_started", "in_progress", "done")
# What an attendee may change in an item of a discussion's lists.
ATTENDEE_QUESTION_FIELDS = frozenset({"answer"})
ATTENDEE_ACTION_FIELDS = frozenset({"status"})


def ensure_can_run_session(role: Role | str, team_id: uuid.UUID | None) -> uuid.UUID:
    """Return the team a new session belongs to: the supervisor's own."""
    if Role(role) is not Role.SUPERVISOR:
        raise Forbidden(translatable("Only a supervisor can run a group supervision session."))
    if team_id is None:
        raise RuleBroken(translatable("You need to belong to a team to run group supervision."))
    return team_id


def ensure_team_supervisor(
    role: Role | str, actor_team: uuid.UUID | None, session_team: uuid.UUID
) -> None:
    """Refuse anyone but a supervisor of the session's team."""
    if Role(role) is not Role.SUPERVISOR or actor_team != session_team:
        raise Forbidden(translatable("Only the team's supervisors can change this session."))


def check_people(
    facilitator: uuid.UUID | None,
    attendees: Sequence[uuid.UUID],
    team_members: Mapping[uuid.UUID, str],
) -> None:
    """Refuse a facilitator who is not a supervisor of the team, or attendees outside it.

    ``team_members`` maps each active member of the session's team to their role.
    """
    errors: dict[str, str] = {}
    if facilitator is not None and team_members.get(facilitator) != Role.SUPERVISOR:
        errors["facilitator_id"] = translatable("Choose a supervisor of your team.")
    for index, attendee in enumerate(attendees):
        if team_members.get(attendee) not in (Role.CASEWORKER, Role.SUPERVISOR):
            errors[f"attendee_ids.{index}"] = translatable("Choose practitioners of your team.")
    if len(set(attendees)) != len(attendees):
        errors["attendee_ids"] = translatable("Each person is listed once.")
    if errors:
        raise InvalidInput(errors=field_errors(**errors))


def check_items(name: str, items: Sequence[Mapping[str, Any]]) -> None:
    """Refuse a list whose items do not each have their own id."""
    ids = [str(item.get("id")) for item in items]
    if len(set(ids)) != len(ids):
        raise InvalidInput(
            errors=field_errors(**{name: translatable("Each item needs its own id.")})
        )


def check_action_owners(
    actions: Sequence[Mapping[str, Any]],
    may_own: Set[uuid.UUID],
    *,
    previous: Set[str] = frozenset(),
) -> None:
    """Refuse an action owned by someone who was not there or cannot see the family.

    Actions already on the record (``previous``, as "id/owner" keys) stay as they
    are: an owner who later leaves the family keeps the action on record.
    """
    errors = {}
    for index, action in enumerate(actions):
        owner = action.get("owner_id")
        if f"{action.get('id')}/{owner}" in previous:
            continue
        if owner is None or uuid.UUID(str(owner)) not in may_own:
            errors[f"actions.{index}.owner_id"] = translatable(
                "Choose someone who attended and works with this family."
            )
    if errors:
        raise InvalidInput(errors=field_errors(**errors))


def apply_attendee_changes(
    name: str,
    current: Sequence[Mapping[str, Any]],
    incoming: Sequence[Mapping[str, Any]],
    editable: Set[str],
    *,
    owned_by: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    """Return ``current`` with an attendee's changes to ``editable`` fields laid over it.

    Items are matched by id. Only the fields an attendee may change are taken
    from ``incoming``, and with ``owned_by`` only on items that person owns;
    other differences are the attendee's older copy of what a supervisor has
    since changed, and are not applied. An answer to an item that no longer
    exists is refused (so the rejection keeps the attendee's words).
    """
    by_id = {str(item.get("id")): item for item in incoming}
    known = {str(item.get("id")) for item in current}
    missing = sorted(set(by_id) - known)
    if missing:
        raise RuleBroken(
            translatable("A supervisor has removed an item you changed; your words are kept here."),
            field_errors(**{name: translatable("This item is no longer in the discussion.")}),
        )
    merged = []
    for item in current:
        theirs = by_id.get(str(item.get("id")))
        item = dict(item)
        if theirs is not None:
            may_change = owned_by is None or str(item.get("owner_id")) == str(owned_by)
            for key in editable:
                if key in theirs and theirs[key] != item.get(key):
                    if not may_change:
                        raise Forbidden(translatable("You can only update actions you own."))
                    item[key] = theirs[key]
        merged.append(item)
    return merged
