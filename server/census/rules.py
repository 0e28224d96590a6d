"""The Department's validation rules that apply to the data the app holds.

Each rule looks at one child's return and names what is wrong, where in the
app to put it right, and the Department's rule number where the census
specification gives one for the same check. The report lists every issue
before anything is downloaded; the census file is still produced with them,
as the Department's own tool takes it, so the council can see both.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from ..domain.upn import MESSAGES as UPN_MESSAGES
from ..domain.upn import upn_problem
from .collect import CensusYear, ChildReturn, CpPlan, EpisodeOfNeed


class Where(StrEnum):
    """The screen of the app where an issue is put right."""

    CHILD = "child"  # the child's census details
    PLAN = "plan"  # the child's plan now, or a correction of an ended one
    FAMILY = "family"  # the family's closure
    REFERRAL = "referral"  # the child's referral and its assessment


@dataclass(frozen=True)
class Rule:
    key: str
    dfe_code: str | None
    title: str
    where: Where


@dataclass(frozen=True)
class Issue:
    rule: Rule
    child: ChildReturn
    detail: str
    episode_id: str | None = None

    @property
    def link(self) -> str:
        """The app's address where the issue is put right (ids only, no names)."""
        base = f"#/family/{self.child.family_id}"
        if self.rule.where is Where.CHILD:
            return f"{base}/child/{self.child.person_id}/census"
        if self.rule.where is Where.REFERRAL:
            # The referral the issue is about, or a new one where none is recorded.
            tail = f"/{self.episode_id}" if self.episode_id else ""
            return f"{base}/child/{self.child.person_id}/referral{tail}"
        if self.rule.where is Where.PLAN:
            # An ended plan is corrected by amendment; a running one changed on the plan screen.
            if self.episode_id:
                return f"{base}/child/{self.child.person_id}/plan/{self.episode_id}/correct"
            return f"{base}/child/{self.child.person_id}/plan"
        return base


RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in (
        Rule("upn_missing", None, "No unique pupil number, and no reason why", Where.CHILD),
        Rule("upn_invalid", "1510", "Unique pupil number is not valid", Where.CHILD),
        Rule("birth_missing", None, "No date of birth or expected date of birth", Where.CHILD),
        Rule("sex_missing", None, "Sex not recorded", Where.CHILD),
        Rule("ethnicity_missing", None, "Ethnicity not recorded", Where.CHILD),
        Rule("before_birth", None, "Work shown as starting before the child was born", Where.PLAN),
        Rule("after_death", "8915", "Plan shown as starting after the child's death", Where.PLAN),
        Rule(
            "cp_no_conference",
            None,
            "Child protection plan without an initial conference",
            Where.PLAN,
        ),
        Rule(
            "cp_conference_differs",
            "2885",
            "Child protection plan starting a different day to the initial conference",
            Where.PLAN,
        ),
        Rule("closure_no_reason", None, "Case closed without a reason for closure", Where.PLAN),
        Rule("no_local_id", None, "No local child identifier", Where.CHILD),
        Rule(
            "assessment_before_referral",
            None,
            "Assessment shown as starting before the referral",
            Where.REFERRAL,
        ),
        Rule(
            "assessment_authorised_before_start",
            None,
            "Assessment shown as authorised before it started",
            Where.REFERRAL,
        ),
        Rule(
            "assessment_no_factors",
            None,
            "Assessment authorised with no factors identified",
            Where.REFERRAL,
        ),
        Rule(
            "nfa_with_work",
            None,
            "Referral marked no further action, but work followed it",
            Where.REFERRAL,
        ),
        Rule(
            "s47_before_referral",
            None,
            "Section 47 enquiry starting before the referral",
            Where.REFERRAL,
        ),
        Rule(
            "icpc_differs",
            None,
            "Initial conference recorded on two different days",
            Where.PLAN,
        ),
    )
}

Check = Callable[[ChildReturn, CensusYear], Iterator[Issue]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


def issues_of(child: ChildReturn, year: CensusYear) -> Iterator[Issue]:
    """Every issue of one child's return, rule by rule."""
    for fn in CHECKS:
        yield from fn(child, year)


def _ended(plan: CpPlan) -> uuid.UUID | None:
    """An ended plan is corrected by amendment; a running one on the child's plan screen."""
    return plan.episode_id if plan.ended_on is not None else None


def _issue(key: str, child: ChildReturn, detail: str, episode_id: object = None) -> Issue:
    return Issue(RULES[key], child, detail, str(episode_id) if episode_id else None)


@check
def _identifiers(child: ChildReturn, _year: CensusYear) -> Iterator[Issue]:
    if not child.local_child_id:
        yield _issue("no_local_id", child, "The census needs the council's own child number.")
    if child.upn:
        problem = upn_problem(child.upn)
        if problem is not None:
            yield _issue("upn_invalid", child, f"{child.upn}: {UPN_MESSAGES[problem]}.")
    elif not child.upn_unknown:
        yield _issue(
            "upn_missing", child, "Record the unique pupil number, or why the child has none."
        )
    if child.date_of_birth is None and child.expected_date_of_birth is None:
        yield _issue("birth_missing", child, "Record the date of birth, or the expected date.")
    if child.sex is None and child.date_of_birth is not None:
        yield _issue("sex_missing", child, "Record the child's sex.")
    if child.ethnicity is None:
        yield _issue("ethnicity_missing", child, "Record the child's ethnicity.")


@check
def _dates(child: ChildReturn, _year: CensusYear) -> Iterator[Issue]:
    for episode in child.episodes:
        born = child.date_of_birth
        if (
            born is not None
            and episode.referral_date < born
            and child.expected_date_of_birth is None
        ):
            yield _issue(
                "before_birth",
                child,
                f"Work starts {episode.referral_date:%d/%m/%Y}, before the date of birth"
                f" {born:%d/%m/%Y}.",
            )
        died = child.date_of_death
        for plan in episode.cp_plans:
            if died is not None and plan.started_on > died:
                yield _issue(
                    "after_death",
                    child,
                    f"Plan starts {plan.started_on:%d/%m/%Y}, after {died:%d/%m/%Y}.",
                    _ended(plan),
                )


@check
def _child_protection(child: ChildReturn, _year: CensusYear) -> Iterator[Issue]:
    for episode in child.episodes:
        for plan in episode.cp_plans:
            conference = plan.initial_conference_on
            if conference is None:
                yield _issue(
                    "cp_no_conference",
                    child,
                    f"The plan from {plan.started_on:%d/%m/%Y} has no initial conference date.",
                    _ended(plan),
                )
            elif conference != plan.started_on and plan is episode.cp_plans[0]:
                yield _issue(
                    "cp_conference_differs",
                    child,
                    f"Plan starts {plan.started_on:%d/%m/%Y}; conference held"
                    f" {conference:%d/%m/%Y}.",
                    _ended(plan),
                )


@check
def _closures(child: ChildReturn, _year: CensusYear) -> Iterator[Issue]:
    for episode in child.episodes:
        if episode.closure_date is not None and episode.closure_reason is None:
            yield _issue(
                "closure_no_reason",
                child,
                f"Closed {episode.closure_date:%d/%m/%Y} with no reason the census can use.",
                episode.closing_episode_id,
            )


def _referral(episode: EpisodeOfNeed) -> uuid.UUID | None:
    return episode.referral_id


@check
def _assessments(child: ChildReturn, _year: CensusYear) -> Iterator[Issue]:
    for episode in child.episodes:
        for assessment in episode.assessments:
            started, authorised = assessment.started_on, assessment.authorised_on
            if started < episode.referral_date:
                yield _issue(
                    "assessment_before_referral",
                    child,
                    f"Assessment starts {started:%d/%m/%Y}; referral"
                    f" {episode.referral_date:%d/%m/%Y}.",
                    assessment.referral_id,
                )
            if authorised is not None and authorised < started:
                yield _issue(
                    "assessment_authorised_before_start",
                    child,
                    f"Authorised {authorised:%d/%m/%Y}, before it started {started:%d/%m/%Y}.",
                    assessment.referral_id,
                )
            if authorised is not None and not assessment.factors:
                yield _issue(
                    "assessment_no_factors",
                    child,
                    f"The assessment authorised {authorised:%d/%m/%Y} has no factors: record"
                    " them, or 'No factors identified'.",
                    assessment.referral_id,
                )


@check
def _referrals(child: ChildReturn, _year: CensusYear) -> Iterator[Issue]:
    for episode in child.episodes:
        worked = episode.assessments or episode.section47s or episode.cin_plans
        if episode.no_further_action and (worked or episode.cp_plans or episode.looked_after):
            yield _issue(
                "nfa_with_work",
                child,
                f"The referral of {episode.referral_date:%d/%m/%Y} says no further action.",
                _referral(episode),
            )
        for s47 in episode.section47s:
            if s47.started_on < episode.referral_date:
                yield _issue(
                    "s47_before_referral",
                    child,
                    f"Enquiry starts {s47.started_on:%d/%m/%Y}; the referral is"
                    f" {episode.referral_date:%d/%m/%Y}. Record the referral that came before.",
                    _referral(episode),
                )


@check
def _conferences(child: ChildReturn, _year: CensusYear) -> Iterator[Issue]:
    for episode in child.episodes:
        for plan in episode.cp_plans:
            if plan.plan_conference_on is not None and plan.initial_conference_on is not None:
                yield _issue(
                    "icpc_differs",
                    child,
                    f"The plan says {plan.plan_conference_on:%d/%m/%Y}; the strategy discussion"
                    f" says {plan.initial_conference_on:%d/%m/%Y}. The census uses the"
                    " discussion's: correct whichever is wrong.",
                    _ended(plan),
                )
