"""Referrals, assessments and section 47 enquiries in the census: the record, its rules, the XML."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from lxml import etree
from openpyxl import load_workbook

from server.census import annex_a, cin_xml
from server.census.collect import CensusYear, children
from server.census.rules import issues_of
from server.extensions import db
from server.persistence import PlanEpisode, Referral, StrategyDiscussion
from tests.sync.devices import device


def within(year: int, day: int) -> date:
    return CensusYear(year).start + timedelta(days=day)


@pytest.fixture
def last(year: int, app_context: None) -> int:
    return year - 1


def census_child(person_id, year: int):
    (found,) = [c for c in children(db.session, CensusYear(year)) if c.person_id == person_id]
    return found


def rules_for(person_id, year: int) -> list[str]:
    child = census_child(person_id, year)
    return sorted(issue.rule.key for issue in issues_of(child, CensusYear(year)))


def refer(child: dict[str, Any], **values: Any) -> uuid.UUID:
    """Record a referral straight in the table; return its id."""
    referral = Referral(
        family_id=child["family"],
        person_id=child["person"],
        **{"source": "2A", "no_further_action": False, "assessment_factors": [], **values},
    )
    db.session.add(referral)
    db.session.commit()
    return referral.id


def discuss(child: dict[str, Any], started: date, held: date | None) -> None:
    discussion = StrategyDiscussion(
        family_id=child["family"],
        discussed_at=datetime.combine(started, time(10), tzinfo=UTC),
        participants=[{"name": "DC Kelsall", "role": "", "agency": "police"}],
        child_ids=[str(child["person"])],
        information_shared="Shared at the discussion.",
        decision="joint_s47",
        s47_started_on=started,
        icpc_due_on=started + timedelta(days=21),
        icpc_held_on=held,
        state="signed",
    )
    db.session.add(discussion)
    db.session.commit()


def cp_plan(year: int, day: int, **extra: Any) -> dict[str, Any]:
    return {
        "plan_type": "child_protection",
        "cp_category": "NEG",
        "started_on": within(year, day),
        **extra,
    }


# --- the record, as a worker makes it -------------------------------------------------


@pytest.fixture
def child(council, last) -> dict[str, Any]:
    return council(plans=[{"plan_type": "child_in_need", "started_on": within(last, 20)}])


def test_a_worker_records_a_referral_and_its_assessment(child, last, make_client):
    amara = make_client("amara")
    made = amara.post(
        "/api/referrals",
        json={
            "family_id": str(child["family"]),
            "person_id": str(child["person"]),
            "referred_on": within(last, 5).isoformat(),
            "source": "2A",
            "assessment_started_on": within(last, 6).isoformat(),
        },
    )
    assert made.status_code == 201, made.json
    authorised = amara.patch(
        f"/api/referrals/{made.json['id']}",
        json={
            "base_version": made.json["version"],
            "assessment_authorised_on": within(last, 30).isoformat(),
            "assessment_factors": ["3B", "4B"],
            "primary_need": "N1",
        },
    )
    assert authorised.status_code == 200, authorised.json
    (episode,) = census_child(child["person"], last).episodes
    assert (episode.referral_date, episode.referral_source, episode.primary_need) == (
        within(last, 5),
        "2A",
        "N1",
    )
    (assessment,) = episode.assessments
    assert assessment.factors == ["3B", "4B"]
    assert assessment.authorised_on == within(last, 30)


def pushed(app, client) -> list[str]:
    """Push a device's outbox in an app context of its own, as each request has when served."""
    with app.app_context():
        return [result["status"] for result in client.push()]


def test_an_assessment_filled_in_on_two_devices_merges_field_by_field(app, child, last):
    """A referral is changed directly, never amended: each device's fields are kept."""
    phone, tablet = device(app, "amara"), device(app, "amara")
    referral_id = phone.create(
        "referral",
        {
            "family_id": str(child["family"]),
            "person_id": str(child["person"]),
            "referred_on": within(last, 5).isoformat(),
            "source": "3B",
            "assessment_started_on": within(last, 6).isoformat(),
            "assessment_authorised_on": within(last, 30).isoformat(),
        },
    )
    assert pushed(app, phone) == ["applied"]
    assert rules_for(child["person"], last) == ["assessment_no_factors"]
    tablet.pull()
    phone.update("referral", referral_id, {"assessment_factors": ["3B", "4B"]})
    tablet.update("referral", referral_id, {"primary_need": "N4"})
    assert pushed(app, phone) == ["applied"]
    assert pushed(app, tablet) == ["applied"]
    db.session.expire_all()
    stored = db.session.get(Referral, uuid.UUID(referral_id))
    assert stored is not None
    assert (stored.assessment_factors, stored.primary_need) == (["3B", "4B"], "N4")
    assert rules_for(child["person"], last) == []


def test_an_assessment_that_cannot_be_true_is_rejected_when_it_syncs(app, child, last):
    phone = device(app, "amara")
    referral_id = phone.create(
        "referral",
        {
            "family_id": str(child["family"]),
            "person_id": str(child["person"]),
            "referred_on": within(last, 5).isoformat(),
            "source": "6",
        },
    )
    assert pushed(app, phone) == ["applied"]
    phone.update(
        "referral",
        referral_id,
        {"assessment_started_on": within(last, 6).isoformat(), "assessment_factors": ["21", "3B"]},
    )
    with app.app_context():
        (result,) = phone.push()
    assert (result["status"], result["errors"]) == (
        "rejected",
        {"assessment_factors": ["No factors identified cannot go with other factors."]},
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"referred_on": "2999-01-01"}, "referred_on", "A referral cannot be in the future."),
        ({"source": "Z9"}, "source", None),
        (
            {"assessment_started_on": 6, "assessment_authorised_on": 4},
            "assessment_authorised_on",
            "An assessment is authorised after it starts.",
        ),
        (
            {"assessment_started_on": 2},
            "assessment_started_on",
            "The assessment starts on or after the referral.",
        ),
        (
            {"assessment_started_on": 6, "no_further_action": True},
            "no_further_action",
            None,
        ),
        (
            {"assessment_started_on": 6, "assessment_factors": ["21", "3B"]},
            "assessment_factors",
            "No factors identified cannot go with other factors.",
        ),
        ({"assessment_factors": ["3B"]}, "assessment_factors", None),
    ],
)
def test_a_referral_that_cannot_be_true_is_refused_with_the_fields_message(
    child, last, make_client, values, field, message
):
    body = {
        "family_id": str(child["family"]),
        "person_id": str(child["person"]),
        "referred_on": within(last, 5).isoformat(),
        "source": "6",
    }
    for name, value in values.items():
        body[name] = within(last, value).isoformat() if isinstance(value, int) else value
    refused = make_client("amara").post("/api/referrals", json=body)
    assert refused.status_code == 422, refused.json
    assert field in refused.json["errors"]
    if message is not None:
        assert refused.json["errors"][field] == [message]


def test_a_performance_officer_reads_no_referral_records_directly(officer, child, last):
    referral = refer(child, referred_on=within(last, 3))
    listed = officer.get(f"/api/referrals?family_id={child['family']}")
    assert listed.status_code == 200 and listed.json["items"] == []
    assert officer.get(f"/api/referrals/{referral}").status_code in (403, 404)


# --- the census -----------------------------------------------------------------------


def test_a_referral_starts_the_episode_of_need_it_led_to(child, last):
    refer(child, referred_on=within(last, 3), source="6")
    (episode,) = census_child(child["person"], last).episodes
    assert episode.referral_date == within(last, 3)
    assert episode.referral_source == "6"
    assert rules_for(child["person"], last) == []


def test_a_referral_with_no_further_action_is_an_episode_closed_that_day(council, last):
    alone = council()
    refer(alone, referred_on=within(last, 40), no_further_action=True)
    (episode,) = census_child(alone["person"], last).episodes
    assert episode.no_further_action
    assert (episode.closure_date, episode.closure_reason) == (within(last, 40), "RC8")


def test_an_assessment_authorised_with_no_factors_is_listed_until_they_are_recorded(child, last):
    referral = refer(
        child,
        referred_on=within(last, 3),
        assessment_started_on=within(last, 4),
        assessment_authorised_on=within(last, 15),
    )
    assert rules_for(child["person"], last) == ["assessment_no_factors"]
    (issue,) = issues_of(census_child(child["person"], last), CensusYear(last))
    assert issue.link.endswith(f"/child/{child['person']}/referral/{referral}")
    db.session.get(Referral, referral).assessment_factors = ["21"]
    db.session.commit()
    assert rules_for(child["person"], last) == []


def test_dates_out_of_order_are_listed(child, last):
    # Made straight in the table: the app refuses these, but records change after.
    refer(
        child,
        referred_on=within(last, 10),
        assessment_started_on=within(last, 8),
        assessment_authorised_on=within(last, 6),
        assessment_factors=["3B"],
    )
    assert rules_for(child["person"], last) == [
        "assessment_authorised_before_start",
        "assessment_before_referral",
    ]


def test_a_referral_before_the_child_was_born_is_listed(council, last):
    born = council(date_of_birth=within(last, 30))
    refer(born, referred_on=within(last, 20), no_further_action=True)
    assert rules_for(born["person"], last) == ["before_birth"]


def test_no_further_action_with_work_after_it_is_listed(child, last):
    refer(child, referred_on=within(last, 3), no_further_action=True)
    assert rules_for(child["person"], last) == ["nfa_with_work"]


def test_a_section_47_enquiry_joins_its_episode_and_one_before_the_referral_is_listed(
    council, last
):
    child = council(plans=[cp_plan(last, 40, initial_conference_on=within(last, 40))])
    discuss(child, within(last, 25), within(last, 40))
    # With no referral recorded, the episode starts with the plan, after the enquiry.
    assert rules_for(child["person"], last) == ["s47_before_referral"]
    refer(child, referred_on=within(last, 30))
    assert rules_for(child["person"], last) == ["s47_before_referral"]
    db.session.query(Referral).update({"referred_on": within(last, 20)})
    db.session.commit()
    (episode,) = census_child(child["person"], last).episodes
    (s47,) = episode.section47s
    assert (s47.started_on, s47.initial_conference_on) == (within(last, 25), within(last, 40))
    assert rules_for(child["person"], last) == []


# --- one initial conference date ------------------------------------------------------


def test_the_conference_held_by_the_strategy_discussion_answers_a_plan_without_one(
    council, last, officer
):
    child = council(plans=[cp_plan(last, 40)])
    assert rules_for(child["person"], last) == ["cp_no_conference"]
    discuss(child, within(last, 25), within(last, 40))
    refer(child, referred_on=within(last, 20))
    assert rules_for(child["person"], last) == []
    (episode,) = census_child(child["person"], last).episodes
    assert episode.cp_plans[0].initial_conference_on == within(last, 40)
    # The report, the census file and Annex A's list 7 say the same day.
    report = officer.get(f"/api/statutory-returns/validation?year={last}").json
    assert [row["rule"] for row in report["issues"]] == []
    out = io.BytesIO()
    cin_xml.write(out, CensusYear(last), "999", children(db.session, CensusYear(last)))
    document = etree.fromstring(out.getvalue())
    conferences = {element.text for element in document.iter("DateOfInitialCPC")}
    assert conferences == {within(last, 40).isoformat()}
    book = io.BytesIO()
    annex_a.write(book, db.session, CensusYear(last))
    sheet = load_workbook(io.BytesIO(book.getvalue()), read_only=True)["List 7 Child protection"]
    (row,) = list(sheet.iter_rows(min_row=2, values_only=True))
    assert row[6].date() == within(last, 40)


def test_two_different_conference_days_are_listed_and_the_discussions_is_used(council, last):
    child = council(plans=[cp_plan(last, 40, initial_conference_on=within(last, 38))])
    refer(child, referred_on=within(last, 20))
    discuss(child, within(last, 25), within(last, 40))
    assert rules_for(child["person"], last) == ["icpc_differs"]
    plan = census_child(child["person"], last).episodes[0].cp_plans[0]
    assert (plan.initial_conference_on, plan.plan_conference_on) == (
        within(last, 40),
        within(last, 38),
    )
    db.session.get(PlanEpisode, child["episodes"][0]).initial_conference_on = within(last, 40)
    db.session.commit()
    assert rules_for(child["person"], last) == []


def test_a_discussion_without_the_conference_day_takes_the_plans(council, last):
    child = council(plans=[cp_plan(last, 40, initial_conference_on=within(last, 40))])
    refer(child, referred_on=within(last, 20))
    discuss(child, within(last, 25), None)
    (s47,) = census_child(child["person"], last).episodes[0].section47s
    assert s47.initial_conference_on == within(last, 40)


# --- an enquiry that needed no conference ---------------------------------------------


def section_47s_in_file(last: int) -> dict[str, tuple[str | None, str | None]]:
    """Each enquiry of the census file, by start: (DateOfInitialCPC, ICPCnotRequired)."""
    out = io.BytesIO()
    cin_xml.write(out, CensusYear(last), "999", children(db.session, CensusYear(last)))
    cin_xml.validate(io.BytesIO(out.getvalue()))
    return {
        s47.findtext("S47ActualStartDate"): (
            s47.findtext("DateOfInitialCPC"),
            s47.findtext("ICPCnotRequired"),
        )
        for s47 in etree.fromstring(out.getvalue()).iter("Section47")
    }


def test_an_enquiry_that_led_to_child_in_need_work_without_a_conference_needed_none(council, last):
    stepped = council(plans=[{"plan_type": "child_in_need", "started_on": within(last, 40)}])
    refer(stepped, referred_on=within(last, 20))
    discuss(stepped, within(last, 25), None)
    closed = council(
        plans=[
            {
                "plan_type": "child_in_need",
                "started_on": within(last, 5),
                "ended_on": within(last, 60),
                "end_reason": "aims_met",
            }
        ]
    )
    discuss(closed, within(last, 30), None)
    (s47,) = census_child(stepped["person"], last).episodes[0].section47s
    assert s47.conference_not_required
    (s47,) = census_child(closed["person"], last).episodes[0].section47s
    assert s47.conference_not_required
    assert section_47s_in_file(last) == {
        within(last, 25).isoformat(): (None, "true"),
        within(last, 30).isoformat(): (None, "true"),
    }


def test_an_enquiry_with_a_conference_or_still_open_is_not_marked_as_needing_none(council, last):
    held = council(plans=[cp_plan(last, 40, initial_conference_on=within(last, 40))])
    refer(held, referred_on=within(last, 20))
    discuss(held, within(last, 25), within(last, 40))
    # On a child in need plan since before the enquiry, still running: the enquiry is open.
    still_open = council(plans=[{"plan_type": "child_in_need", "started_on": within(last, 5)}])
    discuss(still_open, within(last, 30), None)
    # A plan after it with no conference day anywhere: a conference was needed all the same.
    planned = council(plans=[cp_plan(last, 60)])
    discuss(planned, within(last, 45), None)
    for child in (held, still_open, planned):
        (s47,) = census_child(child["person"], last).episodes[0].section47s
        assert not s47.conference_not_required
    assert section_47s_in_file(last) == {
        within(last, 25).isoformat(): (within(last, 40).isoformat(), "false"),
        within(last, 30).isoformat(): (None, "false"),
        within(last, 45).isoformat(): (None, "false"),
    }


# --- the file -------------------------------------------------------------------------


def test_the_census_with_every_module_meets_the_schema_and_is_the_same_each_time(council, last):
    child = council(
        plans=[
            {
                "plan_type": "child_in_need",
                "started_on": within(last, 12),
                "ended_on": within(last, 40),
                "end_reason": "stepped_up",
            },
            cp_plan(last, 40, initial_conference_on=within(last, 40)),
        ]
    )
    refer(
        child,
        referred_on=within(last, 3),
        source="3B",
        primary_need="N1",
        assessment_started_on=within(last, 4),
        assessment_authorised_on=within(last, 30),
        assessment_factors=["3B", "16A"],
    )
    discuss(child, within(last, 25), within(last, 40))
    alone = council()
    refer(alone, referred_on=within(last, 50), no_further_action=True, source="9")

    def produce() -> bytes:
        out = io.BytesIO()
        cin_xml.write(out, CensusYear(last), "999", children(db.session, CensusYear(last)))
        return out.getvalue()

    body = produce()
    cin_xml.validate(io.BytesIO(body))
    assert cin_xml.schema().validate(etree.fromstring(body))
    document = etree.fromstring(body)
    assert sorted(e.text for e in document.iter("ReferralSource")) == ["3B", "9"]
    assert [e.text for e in document.iter("AssessmentFactors")] == ["3B", "16A"]
    assert [e.text for e in document.iter("S47ActualStartDate")] == [within(last, 25).isoformat()]
    assert sorted(e.text for e in document.iter("ReferralNFA")) == ["false", "true"]
    assert produce() == body  # the same data makes the same bytes: safe to produce again


def test_annex_a_lists_referrals_assessments_and_enquiries(council, last):
    child = council(plans=[cp_plan(last, 40, initial_conference_on=within(last, 40))])
    refer(
        child,
        referred_on=within(last, 3),
        assessment_started_on=within(last, 4),
        assessment_authorised_on=within(last, 30),
        assessment_factors=["16A"],
    )
    discuss(child, within(last, 25), within(last, 40))
    out = io.BytesIO()
    counts = annex_a.write(out, db.session, CensusYear(last))
    assert counts["List 3 Referrals"] == 1
    assert counts["List 4 Assessments"] == 1
    assert counts["List 5 Section 47"] == 1
    book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    (referral,) = list(book["List 3 Referrals"].iter_rows(min_row=2, values_only=True))
    assert referral[0] == child["reference"]
    assert referral[7] == "Schools"
    assert "List 3 Referrals" not in annex_a.empty_lists()
