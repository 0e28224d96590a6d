"""Roles and what each may do.

The access model of domain.md: caseworkers see the families assigned to them
now; supervisors their team's families; analysts aggregates only; admins run
the service but read no case content. A practice lead (a principal social
worker or a head of service) owns the decision policy, its trials for one
team and the narrower lights of newly qualified workers; like an admin, they
read no case content. A performance officer prepares the statutory returns
(the CIN census, Ofsted's Annex A): they read every child's statutory data
(identifiers, dates, codes) across the council, and nothing written about a
family (no notes, no judgments' text); every return they produce is audited.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    ADMIN = "admin"
    PRACTICE_LEAD = "practice_lead"
    PERFORMANCE_OFFICER = "performance_officer"


class Action(StrEnum):
    READ_CASE = "read_case"
    WRITE_CASE = "write_case"
    ASSIGN_FAMILY = "assign_family"
    REVIEW = "review"
    APPROVE_DECISION = "approve_decision"
    READ_AGGREGATES = "read_aggregates"
    MANAGE_USERS = "manage_users"
    MANAGE_TEMPLATES = "manage_templates"
    MANAGE_POLICY = "manage_policy"
    READ_AUDIT = "read_audit"
    CONSULT_PEERS = "consult_peers"
    SUGGEST = "suggest"
    ANSWER_SUGGESTION = "answer_suggestion"
    # Child-level statutory data (identifiers, dates and codes; never notes or
    # judgments' text) for the statutory returns, across the council.
    READ_STATUTORY = "read_statutory"
    # The plain words a family copy's readability check suggests (the council's glossary).
    MANAGE_PLAIN_WORDS = "manage_plain_words"


PRACTICE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.CASEWORKER: frozenset(
        {Action.READ_CASE, Action.WRITE_CASE, Action.CONSULT_PEERS, Action.SUGGEST}
    ),
    Role.SUPERVISOR: frozenset(
        {
            Action.READ_CASE,
            Action.WRITE_CASE,
            Action.ASSIGN_FAMILY,
            Action.REVIEW,
            Action.APPROVE_DECISION,
            Action.CONSULT_PEERS,
            Action.SUGGEST,
            Action.ANSWER_SUGGESTION,
        }
    ),
    Role.ANALYST: frozenset({Action.READ_AGGREGATES, Action.SUGGEST}),
    Role.ADMIN: frozenset(
        {
            Action.MANAGE_USERS,
            Action.MANAGE_TEMPLATES,
            Action.MANAGE_PLAIN_WORDS,
            Action.READ_AUDIT,
            Action.SUGGEST,
            Action.ANSWER_SUGGESTION,
        }
    ),
    # The decision policy is a practice judgment, not a system setting: the
    # practice lead publishes it, runs trials of it and narrows it for newly
    # qualified workers. An admin reads it like everyone else.
    Role.PRACTICE_LEAD: frozenset(
        {Action.MANAGE_POLICY, Action.MANAGE_PLAIN_WORDS, Action.SUGGEST, Action.ANSWER_SUGGESTION}
    ),
    # The statutory returns: child-level data, no case records (so no notes,
    # judgments or visits), nothing to write; like everyone, they may suggest.
    Role.PERFORMANCE_OFFICER: frozenset({Action.READ_STATUTORY, Action.SUGGEST}),
}

# Roles that must use a second factor when the service runs in production.
SECOND_FACTOR_ROLES = frozenset(
    {Role.SUPERVISOR, Role.ANALYST, Role.ADMIN, Role.PRACTICE_LEAD, Role.PERFORMANCE_OFFICER}
)


def can(role: Role | str, action: Action) -> bool:
    """Return whether a user with this role may take this action."""
    return action in PERMISSIONS[Role(role)]


class SecondFactorProof(StrEnum):
    """What a signed-in user must give to set or change their second factor."""

    CURRENT_CODE = "current_code"  # a code from the authenticator app they have now
    PASSWORD = "password"  # noqa: S105  # a field's name, not a password: theirs, where no factor is set yet
    ENROLMENT_CODE = "enrolment_code"  # a one-time code an admin issued to them


def second_factor_proof(role: Role | str, *, production: bool, enrolled: bool) -> SecondFactorProof:
    """Return what proves it is the account's owner who sets or changes its second factor.

    A session alone never does: a stolen session or an unlocked device must
    not take the factor over. A privileged role enrolling in production gives
    an admin's one-time code, because its password alone is what the second
    factor is there to back up.
    """
    if enrolled:
        return SecondFactorProof.CURRENT_CODE
    if production and Role(role) in SECOND_FACTOR_ROLES:
        return SecondFactorProof.ENROLMENT_CODE
    return SecondFactorProof.PASSWORD


def needs_second_factor(role: Role | str, *, production: bool, enrolled: bool) -> bool:
    """Return whether sign-in must ask for a one-time code."""
    return enrolled or (production and Role(role) in SECOND_FACTOR_ROLES)
