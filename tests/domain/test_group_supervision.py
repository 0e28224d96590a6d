"""The pure rules of group supervision."""

from __future__ import annotations

import uuid

import pytest

from server.domain import group_supervision as rules
from server.domain.errors import Forbidden, InvalidInput, RuleBroken

SUPERVISOR, WORKER, OUTSIDER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
TEAM = {SUPERVISOR: "supervisor", WORKER: "caseworker"}


def test_only_a_supervisor_in_a_team_runs_a_session():
    team = uuid.uuid4()
    assert rules.ensure_can_run_session("supervisor", team) == team
    with pytest.raises(Forbidden):
        rules.ensure_can_run_session("caseworker", team)
    with pytest.raises(RuleBroken):
        rules.ensure_can_run_session("supervisor", None)


def test_people_of_a_session_come_from_the_team():
    rules.check_people(SUPERVISOR, [WORKER, SUPERVISOR], TEAM)
    with pytest.raises(InvalidInput) as caught:
        rules.check_people(WORKER, [WORKER, OUTSIDER, WORKER], TEAM)
    assert set(caught.value.errors) == {"facilitator_id", "attendee_ids.1", "attendee_ids"}


def test_an_action_owner_must_be_allowed_unless_already_on_record():
    action = {"id": "a1", "owner_id": str(OUTSIDER)}
    with pytest.raises(InvalidInput):
        rules.check_action_owners([action], {WORKER})
    rules.check_action_owners([action], {WORKER}, previous={f"a1/{OUTSIDER}"})


def test_items_need_their_own_ids():
    with pytest.raises(InvalidInput):
        rules.check_items("questions", [{"id": "q"}, {"id": "q"}])


def test_an_attendee_change_is_laid_over_the_current_items():
    current = [
        {"id": "q1", "question": "Newer wording", "answer": None},
        {"id": "q2", "question": "Added since", "answer": None},
    ]
    theirs = [{"id": "q1", "question": "Old wording", "answer": "School feels safe"}]
    merged = rules.apply_attendee_changes(
        "questions", current, theirs, rules.ATTENDEE_QUESTION_FIELDS
    )
    assert merged == [
        {"id": "q1", "question": "Newer wording", "answer": "School feels safe"},
        {"id": "q2", "question": "Added since", "answer": None},
    ]


def test_an_attendee_moves_only_their_own_actions():
    current = [
        {"id": "a1", "owner_id": str(WORKER), "status": "not_started"},
        {"id": "a2", "owner_id": str(SUPERVISOR), "status": "not_started"},
    ]
    mine = [{**current[0], "status": "done"}, current[1]]
    merged = rules.apply_attendee_changes(
        "actions", current, mine, rules.ATTENDEE_ACTION_FIELDS, owned_by=WORKER
    )
    assert [a["status"] for a in merged] == ["done", "not_started"]
    theirs = [current[0], {**current[1], "status": "done"}]
    with pytest.raises(Forbidden):
        rules.apply_attendee_changes(
            "actions", current, theirs, rules.ATTENDEE_ACTION_FIELDS, owned_by=WORKER
        )


def test_an_answer_to_a_removed_question_is_refused_not_lost():
    with pytest.raises(RuleBroken):
        rules.apply_attendee_changes(
            "questions", [], [{"id": "gone", "answer": "x"}], rules.ATTENDEE_QUESTION_FIELDS
        )
