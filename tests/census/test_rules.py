"""Each validation rule: a child who breaks it is listed, and putting it right removes the row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from server.census.collect import CensusYear, children
from server.census.rules import issues_of
from server.extensions import db
from server.persistence import Family, Person, PlanEpisode


def rules_for(person_id, year: int) -> list[str]:
    census_year = CensusYear(year)
    for child in children(db.session, census_year):
        if child.person_id == person_id:
            return sorted(issue.rule.key for issue in issues_of(child, census_year))
    raise AssertionError("the child is not in the year")


def within(year: int, day: int) -> date:
    """A day of a past collection year, counted from its 1 April."""
    return CensusYear(year).start + timedelta(days=day)


def cin(year: int, **extra):
    return {"plan_type": "child_in_need", "started_on": within(year, 10), **extra}


@pytest.fixture
def last(year: int, app_context: None) -> int:
    return year - 1


def test_a_child_with_everything_recorded_has_no_issues(council, last):
    child = council(plans=[cin(last)])
    assert rules_for(child["person"], last) == []


@pytest.mark.parametrize(
    ("person", "rule", "fix"),
    [
        ({"upn": None}, "upn_missing", {"upn": "B801200005001"}),
        ({"upn": None}, "upn_missing", {"upn_unknown": "UN1"}),
        ({"upn": "A801200005001"}, "upn_invalid", {"upn": "B801200005001"}),
        ({"date_of_birth": None}, "birth_missing", {"expected_date_of_birth": date(2026, 1, 1)}),
        ({"sex": None}, "sex_missing", {"sex": "male"}),
        ({"ethnicity": None}, "ethnicity_missing", {"ethnicity": "WBRI"}),
        ({"local_child_id": None}, "no_local_id", {"local_child_id": "LC1"}),
    ],
)
def test_each_identifier_rule(council, last, person, rule, fix):
    child = council(plans=[cin(last)], **person)
    assert rules_for(child["person"], last) == [rule]
    row = db.session.get(Person, child["person"])
    for name, value in fix.items():
        setattr(row, name, value)
    db.session.commit()
    assert rules_for(child["person"], last) == []


def test_work_starting_before_the_child_was_born_is_listed(council, last):
    child = council(plans=[cin(last)], date_of_birth=within(last, 20))
    assert rules_for(child["person"], last) == ["before_birth"]
    db.session.get(Person, child["person"]).date_of_birth = within(last, 5)
    db.session.commit()
    assert rules_for(child["person"], last) == []


def test_a_child_protection_plan_after_the_childs_death_is_listed(council, last):
    plan = {
        "plan_type": "child_protection",
        "cp_category": "NEG",
        "started_on": within(last, 30),
        "initial_conference_on": within(last, 30),
    }
    child = council(plans=[plan], date_of_death=within(last, 20))
    assert rules_for(child["person"], last) == ["after_death"]


def test_a_child_protection_plan_without_an_initial_conference_is_listed(council, last):
    plan = {"plan_type": "child_protection", "cp_category": "NEG", "started_on": within(last, 30)}
    child = council(plans=[plan])
    assert rules_for(child["person"], last) == ["cp_no_conference"]
    db.session.get(PlanEpisode, child["episodes"][0]).initial_conference_on = within(last, 30)
    db.session.commit()
    assert rules_for(child["person"], last) == []


def test_a_plan_starting_a_different_day_to_its_conference_is_listed(council, last):
    plan = {
        "plan_type": "child_protection",
        "cp_category": "PHY",
        "started_on": within(last, 30),
        "initial_conference_on": within(last, 25),
    }
    child = council(plans=[plan])
    assert rules_for(child["person"], last) == ["cp_conference_differs"]


def test_a_closure_without_a_reason_is_listed_and_the_familys_reason_answers_it(council, last):
    ended = within(last, 100)
    child = council(plans=[cin(last, ended_on=ended, end_reason="other")])
    assert rules_for(child["person"], last) == ["closure_no_reason"]
    family = db.session.get(Family, child["family"])
    family.closed_on, family.closure_reason = ended, "RC7"
    db.session.commit()
    assert rules_for(child["person"], last) == []


def test_an_amendment_of_the_plans_end_reason_answers_a_closure_without_a_reason(council, last):
    from server.persistence import Amendment

    child = council(plans=[cin(last, ended_on=within(last, 100), end_reason="other")])
    assert rules_for(child["person"], last) == ["closure_no_reason"]
    db.session.add(
        Amendment(
            family_id=child["family"],
            target_kind="plan_episode",
            target_id=child["episodes"][0],
            reason="The plan's aims were met",
            changes={"end_reason": "aims_met"},
        )
    )
    db.session.commit()
    assert rules_for(child["person"], last) == []


def test_plans_that_follow_on_are_one_episode_of_need(council, last):
    child = council(
        plans=[
            cin(last, ended_on=within(last, 40), end_reason="stepped_up"),
            {
                "plan_type": "child_protection",
                "cp_category": "NEG",
                "started_on": within(last, 40),
                "initial_conference_on": within(last, 40),
                "ended_on": within(last, 200),
                "end_reason": "stepped_down",
            },
            cin(last, started_on=within(last, 200)),
        ]
    )
    census_year = CensusYear(last)
    (found,) = [c for c in children(db.session, census_year) if c.person_id == child["person"]]
    (episode,) = found.episodes
    assert episode.referral_date == within(last, 10)
    assert episode.closure_date is None
    assert len(episode.cin_plans) == 2 and len(episode.cp_plans) == 1
    assert episode.initial_conference_on == within(last, 40)


def test_early_help_alone_is_not_in_the_census(council, last):
    child = council(plans=[{"plan_type": "early_help", "started_on": within(last, 10)}])
    assert all(c.person_id != child["person"] for c in children(db.session, CensusYear(last)))


def test_an_issue_links_to_the_plan_screen_for_a_running_plan_and_a_correction_for_an_ended_one(
    council, last
):
    running = {
        "plan_type": "child_protection",
        "cp_category": "NEG",
        "started_on": within(last, 30),
    }
    ended = {**running, "ended_on": within(last, 90), "end_reason": "aims_met"}
    links = {}
    for name, plan in (("running", running), ("ended", ended)):
        child = council(plans=[plan])
        census_year = CensusYear(last)
        (found,) = [c for c in children(db.session, census_year) if c.person_id == child["person"]]
        (issue,) = list(issues_of(found, census_year))
        links[name] = (issue.link, child)
    link, child = links["running"]
    assert link == f"#/family/{child['family']}/child/{child['person']}/plan"
    link, child = links["ended"]
    assert link.endswith(f"/child/{child['person']}/plan/{child['episodes'][0]}/correct")
