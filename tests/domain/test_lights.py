"""Green, yellow and red lights from the council's policy, and who may approve."""

from __future__ import annotations

import pytest

from server.domain.errors import Forbidden, RuleBroken
from server.domain.lights import (
    UNLISTED_CATEGORY_LIGHT,
    JudgmentStatus,
    Light,
    ensure_can_decide_approval,
    ensure_can_mark_discussed,
    light_for,
    status_when_signed,
    validate_policy,
)
from server.domain.roles import Role

POLICY = [
    {"key": "routine_support", "label": "Routine support", "light": "green"},
    {"key": "change_visit_pattern", "label": "Change visit pattern", "light": "yellow"},
    {"key": "step_down", "label": "Step down to early help", "light": "red"},
]


# The light a decision gets


@pytest.mark.parametrize(
    ("category", "light"),
    [
        ("routine_support", Light.GREEN),
        ("change_visit_pattern", Light.YELLOW),
        ("step_down", Light.RED),
    ],
)
def test_light_comes_from_the_policy(category: str, light: Light) -> None:
    assert light_for(POLICY, category) is light


def test_unlisted_category_falls_back_to_yellow() -> None:
    assert UNLISTED_CATEGORY_LIGHT is Light.YELLOW
    assert light_for(POLICY, "something_new") is Light.YELLOW


def test_empty_policy_gives_yellow() -> None:
    assert light_for([], "step_down") is Light.YELLOW


def test_category_match_is_exact() -> None:
    assert light_for(POLICY, "STEP_DOWN") is Light.YELLOW
    assert light_for(POLICY, "step") is Light.YELLOW


def test_a_changed_policy_changes_the_light() -> None:
    stricter = [{**entry, "light": "red"} for entry in POLICY]
    assert light_for(stricter, "routine_support") is Light.RED


def test_policy_given_as_a_generator() -> None:
    assert light_for((entry for entry in POLICY), "step_down") is Light.RED


# Status on signing


@pytest.mark.parametrize(
    ("light", "status"),
    [
        (Light.GREEN, JudgmentStatus.LOGGED),
        (Light.YELLOW, JudgmentStatus.AWAITING_DISCUSSION),
        (Light.RED, JudgmentStatus.AWAITING_APPROVAL),
    ],
)
def test_status_when_signed(light: Light, status: JudgmentStatus) -> None:
    assert status_when_signed(light) is status
    assert status_when_signed(light.value) is status


def test_status_when_signed_refuses_an_unknown_light() -> None:
    with pytest.raises(ValueError):
        status_when_signed("amber")


def test_status_wire_values() -> None:
    assert {status.value for status in JudgmentStatus} == {
        "draft",
        "logged",
        "awaiting_discussion",
        "discussed",
        "awaiting_approval",
        "approved",
        "declined",
        "verbal_approval",
    }


# Approving red-light decisions

AUTHOR = "worker-1"
SUPERVISOR = "supervisor-1"


def test_another_supervisor_may_approve_an_entry_awaiting_approval() -> None:
    ensure_can_decide_approval(
        approver_id=SUPERVISOR,
        approver_role=Role.SUPERVISOR,
        author_id=AUTHOR,
        status=JudgmentStatus.AWAITING_APPROVAL,
    )
    ensure_can_decide_approval(
        approver_id=SUPERVISOR,
        approver_role="supervisor",
        author_id=AUTHOR,
        status="awaiting_approval",
    )


def test_author_can_never_approve_their_own_entry() -> None:
    with pytest.raises(Forbidden) as caught:
        ensure_can_decide_approval(
            approver_id=SUPERVISOR,
            approver_role=Role.SUPERVISOR,
            author_id=SUPERVISOR,
            status=JudgmentStatus.AWAITING_APPROVAL,
        )
    assert "your own" in caught.value.message


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ANALYST, Role.ADMIN])
def test_only_a_supervisor_may_approve(role: Role) -> None:
    with pytest.raises(Forbidden) as caught:
        ensure_can_decide_approval(
            approver_id="someone-else",
            approver_role=role,
            author_id=AUTHOR,
            status=JudgmentStatus.AWAITING_APPROVAL,
        )
    assert "Only a supervisor" in caught.value.message


def test_caseworker_cannot_approve_their_own_entry_either() -> None:
    with pytest.raises(Forbidden):
        ensure_can_decide_approval(
            approver_id=AUTHOR,
            approver_role=Role.CASEWORKER,
            author_id=AUTHOR,
            status=JudgmentStatus.AWAITING_APPROVAL,
        )


# A decision agreed by phone waits for its approver to confirm it (or not): decidable too.
DECIDABLE = {JudgmentStatus.AWAITING_APPROVAL, JudgmentStatus.VERBAL_APPROVAL}


@pytest.mark.parametrize("status", [status for status in JudgmentStatus if status not in DECIDABLE])
def test_approval_refused_unless_awaiting_approval(status: JudgmentStatus) -> None:
    with pytest.raises(RuleBroken) as caught:
        ensure_can_decide_approval(
            approver_id=SUPERVISOR,
            approver_role=Role.SUPERVISOR,
            author_id=AUTHOR,
            status=status,
        )
    assert caught.value.message == "This decision is not awaiting approval."


def test_an_author_is_refused_as_author_before_the_status_is_checked() -> None:
    # Approving your own already-approved entry is still about authorship.
    with pytest.raises(Forbidden):
        ensure_can_decide_approval(
            approver_id=SUPERVISOR,
            approver_role=Role.SUPERVISOR,
            author_id=SUPERVISOR,
            status=JudgmentStatus.APPROVED,
        )


# Marking discussed


def test_yellow_entry_awaiting_discussion_can_be_marked_discussed() -> None:
    ensure_can_mark_discussed(JudgmentStatus.AWAITING_DISCUSSION)
    ensure_can_mark_discussed("awaiting_discussion")


@pytest.mark.parametrize(
    "status",
    [status for status in JudgmentStatus if status is not JudgmentStatus.AWAITING_DISCUSSION],
)
def test_only_an_entry_awaiting_discussion_can_be_marked_discussed(
    status: JudgmentStatus,
) -> None:
    with pytest.raises(RuleBroken):
        ensure_can_mark_discussed(status)


# Validating the policy an admin publishes


def test_valid_policy_has_no_errors() -> None:
    assert validate_policy(POLICY) == {}
    assert validate_policy([]) == {}


def test_duplicate_keys_are_caught_on_the_repeat() -> None:
    policy = [*POLICY, {"key": "step_down", "label": "Again", "light": "green"}]
    assert validate_policy(policy) == {
        "categories.3.key": ["Category 'step_down' appears more than once."]
    }


def test_every_repeat_is_reported() -> None:
    entry = {"key": "same", "label": "Same", "light": "green"}
    errors = validate_policy([entry, entry, entry])
    assert set(errors) == {"categories.1.key", "categories.2.key"}


@pytest.mark.parametrize("light", ["amber", "RED", "", None, "blue"])
def test_bad_lights_are_caught(light: str | None) -> None:
    policy = [POLICY[0], {"key": "other", "label": "Other", "light": light}]
    assert validate_policy(policy) == {
        "categories.1.light": ["Light must be green, yellow or red."]
    }


def test_missing_light_is_caught() -> None:
    assert validate_policy([{"key": "other", "label": "Other"}]) == {
        "categories.0.light": ["Light must be green, yellow or red."]
    }


def test_duplicate_and_bad_light_reported_together() -> None:
    policy = [
        {"key": "a", "label": "A", "light": "green"},
        {"key": "a", "label": "A again", "light": "purple"},
    ]
    assert set(validate_policy(policy)) == {"categories.1.key", "categories.1.light"}
