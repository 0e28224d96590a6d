"""Who may do what, and who must give a one-time code at sign-in."""

from __future__ import annotations

import pytest

from server.domain.roles import (
    PERMISSIONS,
    PRACTICE_ROLES,
    SECOND_FACTOR_ROLES,
    Action,
    Role,
    can,
    needs_second_factor,
)

CASE_ACTIONS = (Action.READ_CASE, Action.WRITE_CASE)

# The whole permission table, written out so any change to it is deliberate.
EXPECTED = {
    Role.CASEWORKER: {
        Action.READ_CASE,
        Action.WRITE_CASE,
        Action.CONSULT_PEERS,
        Action.SUGGEST,
    },
    Role.SUPERVISOR: {
        Action.READ_CASE,
        Action.WRITE_CASE,
        Action.ASSIGN_FAMILY,
        Action.REVIEW,
        Action.APPROVE_DECISION,
        Action.CONSULT_PEERS,
        Action.SUGGEST,
        Action.ANSWER_SUGGESTION,
    },
    Role.ANALYST: {Action.READ_AGGREGATES, Action.SUGGEST},
    Role.ADMIN: {
        Action.MANAGE_USERS,
        Action.MANAGE_TEMPLATES,
        Action.MANAGE_PLAIN_WORDS,
        Action.READ_AUDIT,
        Action.SUGGEST,
        Action.ANSWER_SUGGESTION,
    },
    Role.PRACTICE_LEAD: {
        Action.MANAGE_POLICY,
        Action.MANAGE_PLAIN_WORDS,
        Action.SUGGEST,
        Action.ANSWER_SUGGESTION,
    },
    Role.PERFORMANCE_OFFICER: {Action.READ_STATUTORY, Action.SUGGEST},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_permission_table(role: Role, action: Action) -> None:
    assert can(role, action) is (action in EXPECTED[role])


def test_every_role_has_permissions() -> None:
    assert set(PERMISSIONS) == set(Role)


def test_caseworker_cannot_approve_decisions() -> None:
    assert not can(Role.CASEWORKER, Action.APPROVE_DECISION)


def test_caseworker_cannot_review_or_assign_families() -> None:
    assert not can(Role.CASEWORKER, Action.REVIEW)
    assert not can(Role.CASEWORKER, Action.ASSIGN_FAMILY)


def test_caseworker_reads_and_writes_case_records() -> None:
    assert all(can(Role.CASEWORKER, action) for action in CASE_ACTIONS)


def test_supervisor_approves_reviews_and_assigns() -> None:
    for action in (Action.APPROVE_DECISION, Action.REVIEW, Action.ASSIGN_FAMILY):
        assert can(Role.SUPERVISOR, action)


@pytest.mark.parametrize("action", CASE_ACTIONS)
def test_analyst_cannot_touch_case_records(action: Action) -> None:
    assert not can(Role.ANALYST, action)


def test_analyst_reads_aggregates_only() -> None:
    assert can(Role.ANALYST, Action.READ_AGGREGATES)
    assert not can(Role.ANALYST, Action.READ_AUDIT)
    assert not can(Role.ANALYST, Action.CONSULT_PEERS)


@pytest.mark.parametrize("action", CASE_ACTIONS)
def test_admin_has_no_case_content_access(action: Action) -> None:
    assert not can(Role.ADMIN, action)


def test_admin_cannot_approve_or_review_decisions() -> None:
    assert not can(Role.ADMIN, Action.APPROVE_DECISION)
    assert not can(Role.ADMIN, Action.REVIEW)


def test_admin_runs_the_service() -> None:
    for action in (Action.MANAGE_USERS, Action.MANAGE_TEMPLATES, Action.READ_AUDIT):
        assert can(Role.ADMIN, action)


def test_only_the_practice_lead_owns_the_decision_policy() -> None:
    assert {role for role in Role if can(role, Action.MANAGE_POLICY)} == {Role.PRACTICE_LEAD}


@pytest.mark.parametrize("action", CASE_ACTIONS)
def test_practice_lead_reads_no_case_content(action: Action) -> None:
    assert not can(Role.PRACTICE_LEAD, action)


def test_only_practice_roles_read_case_records() -> None:
    assert {role for role in Role if can(role, Action.READ_CASE)} == PRACTICE_ROLES


def test_only_supervisors_approve_decisions() -> None:
    assert {role for role in Role if can(role, Action.APPROVE_DECISION)} == {Role.SUPERVISOR}


def test_only_a_performance_officer_reads_statutory_data_and_gives_a_second_factor() -> None:
    assert {role for role in Role if can(role, Action.READ_STATUTORY)} == {Role.PERFORMANCE_OFFICER}
    assert Role.PERFORMANCE_OFFICER in SECOND_FACTOR_ROLES


def test_everyone_can_make_a_practice_suggestion() -> None:
    assert all(can(role, Action.SUGGEST) for role in Role)


def test_role_given_as_plain_string() -> None:
    assert can("supervisor", Action.APPROVE_DECISION)
    assert not can("caseworker", Action.APPROVE_DECISION)


def test_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError):
        can("director", Action.READ_CASE)


# role, production, enrolled -> needs a one-time code
SECOND_FACTOR_CASES = [
    (Role.SUPERVISOR, True, False, True),
    (Role.SUPERVISOR, False, False, False),
    (Role.SUPERVISOR, False, True, True),
    (Role.ANALYST, True, False, True),
    (Role.ADMIN, True, False, True),
    (Role.ADMIN, False, False, False),
    (Role.PRACTICE_LEAD, True, False, True),
    (Role.PRACTICE_LEAD, False, False, False),
    (Role.CASEWORKER, True, False, False),
    (Role.CASEWORKER, True, True, True),
    (Role.CASEWORKER, False, True, True),
    (Role.CASEWORKER, False, False, False),
]


@pytest.mark.parametrize(("role", "production", "enrolled", "expected"), SECOND_FACTOR_CASES)
def test_needs_second_factor(role: Role, production: bool, enrolled: bool, expected: bool) -> None:
    assert needs_second_factor(role, production=production, enrolled=enrolled) is expected


def test_supervisors_need_a_second_factor_in_production() -> None:
    assert needs_second_factor(Role.SUPERVISOR, production=True, enrolled=False)


def test_caseworkers_need_a_second_factor_only_when_enrolled() -> None:
    assert not needs_second_factor(Role.CASEWORKER, production=True, enrolled=False)
    assert needs_second_factor(Role.CASEWORKER, production=True, enrolled=True)


def test_every_role_but_caseworker_must_use_a_second_factor_in_production() -> None:
    assert set(Role) - SECOND_FACTOR_ROLES == {Role.CASEWORKER}
    for role in Role:
        expected = role is not Role.CASEWORKER
        assert needs_second_factor(role.value, production=True, enrolled=False) is expected


def test_anyone_enrolled_is_asked_for_a_code_outside_production() -> None:
    assert all(needs_second_factor(role, production=False, enrolled=True) for role in Role)
