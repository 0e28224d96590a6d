"""The performance officer's returns: scope, audit, the census XML against its schema, Annex A."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from lxml import etree
from openpyxl import load_workbook

from server.census import cin_xml
from server.census.collect import CensusYear
from server.extensions import db
from server.i18n import say
from server.jobs import census as census_jobs
from server.jobs.queue import wait_for_background_jobs
from server.persistence import AuditEvent, Person

from .conftest import GOOD_UPN


def within(year: int, day: int):
    return CensusYear(year).start + timedelta(days=day)


@pytest.fixture
def last(year: int) -> int:
    return year - 1


@pytest.fixture(autouse=True)
def in_process(app):
    """Jobs run as the request ends (one test below runs them on an rq worker instead)."""
    saved = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = None
    yield
    app.config["REDIS_URL"] = saved


@pytest.fixture
def demo_children(council, last):
    """A child in need with no UPN, and a child protection plan with no initial conference."""
    missing = council(
        plans=[{"plan_type": "child_in_need", "started_on": within(last, 10)}], upn=None
    )
    protected = council(
        plans=[
            {
                "plan_type": "child_protection",
                "cp_category": "NEG",
                "started_on": within(last, 30),
                "ended_on": within(last, 300),
                "end_reason": "aims_met",
            }
        ],
        upn="R30120010100A",
    )
    return {"missing": missing, "protected": protected}


def produce(officer, kind: str, year: int) -> dict:
    response = officer.post("/api/statutory-returns", json={"kind": kind, "year": year})
    assert response.status_code == 202, response.json
    # In-process, the job was handed to a background thread as the request ended.
    wait_for_background_jobs()
    done = officer.get(f"/api/statutory-returns/{response.json['id']}").json
    assert done["status"] == "done", done
    return done


def audit(app, action: str, entity: str) -> list[dict]:
    """The details of the audit events of this action on this entity."""
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent.detail).where(
                    AuditEvent.action == action, AuditEvent.entity == entity
                )
            )
        )


def test_the_validation_report_lists_each_issue_with_the_childs_reference_and_a_link(
    app, officer, demo_children, last
):
    report = officer.get(f"/api/statutory-returns/validation?year={last}")
    assert report.status_code == 200, report.json
    rows = {(row["rule"], row["child_reference"]): row for row in report.json["issues"]}
    missing, protected = demo_children["missing"], demo_children["protected"]
    row = rows[("upn_missing", missing["reference"])]
    assert row["link"] == f"#/family/{missing['family']}/child/{missing['person']}/census"
    row = rows[("cp_no_conference", protected["reference"])]
    assert row["link"].endswith(f"/plan/{protected['episodes'][0]}/correct")
    assert "Okoro" not in str(report.json) and "Sam" not in str(report.json)  # no names
    (event,) = audit(app, "list", "census_validation")
    assert event == {"year": last, "children": 2, "issues": 2}


def test_putting_an_issue_right_in_the_app_removes_it_from_the_report(
    officer, demo_children, last, make_client
):
    missing = demo_children["missing"]
    amara = make_client("amara")
    version = amara.get(f"/api/people/{missing['person']}").json["version"]
    refused = amara.patch(
        f"/api/people/{missing['person']}", json={"base_version": version, "upn": "A801200005001"}
    )
    assert refused.status_code == 422
    assert refused.json["errors"]["upn"] == [
        "The first letter does not match the rest of the number: check it"
    ]
    fixed = amara.patch(
        f"/api/people/{missing['person']}", json={"base_version": version, "upn": GOOD_UPN}
    )
    assert fixed.status_code == 200, fixed.json
    rules = [
        row["rule"]
        for row in officer.get(f"/api/statutory-returns/validation?year={last}").json["issues"]
    ]
    assert rules == ["cp_no_conference"]


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "analyst", "admin", "practice_lead"])
def test_only_a_performance_officer_reads_statutory_data(make_user, make_client, role, year):
    make_user(
        role, username="other", team="North" if role in ("caseworker", "supervisor") else None
    )
    other = make_client("other")
    assert other.get(f"/api/statutory-returns/validation?year={year}").status_code == 403
    assert (
        other.post("/api/statutory-returns", json={"kind": "cin_census", "year": year}).status_code
        == 403
    )
    assert other.get("/api/statutory-returns").status_code == 403


def test_a_performance_officer_reads_no_case_records(officer, demo_children):
    family = demo_children["missing"]["family"]
    assert officer.get("/api/families").json["items"] == []
    assert officer.get(f"/api/families/{family}").status_code == 404
    assert officer.get("/api/notes").json["items"] == []
    assert officer.get("/api/judgments").json["items"] == []
    assert officer.get(f"/api/people/{demo_children['missing']['person']}").status_code == 404
    made = officer.post("/api/families", json={"display_name": "X"})
    assert made.status_code in (403, 422)


def test_a_year_that_has_not_begun_is_refused_field_by_field(officer, year):
    response = officer.get(f"/api/statutory-returns/validation?year={year + 1}")
    assert response.status_code == 422
    assert "year" in response.json["errors"]
    assert officer.get("/api/statutory-returns/validation?year=abc").status_code == 422
    bad = officer.post("/api/statutory-returns", json={"kind": "ssda903", "year": year})
    assert bad.status_code == 422 and "kind" in bad.json["errors"]


def test_the_census_xml_meets_the_schema_and_says_what_the_app_holds(
    app, officer, demo_children, last
):
    done = produce(officer, "cin_census", last)
    assert done["children"] == 2
    assert done["issues"] == {"cp_no_conference": 1, "upn_missing": 1}
    response = officer.get(f"/api/statutory-returns/{done['id']}/download")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    assert f"cin-census-{last - 1}-{last}.xml" in response.headers["Content-Disposition"]
    body = response.data
    cin_xml.validate(io.BytesIO(body))  # raises if not
    tree = etree.fromstring(body)
    assert tree.findtext("Header/CollectionDetails/Year") == str(last)
    assert tree.findtext("Header/CollectionDetails/ReferenceDate") == f"{last}-03-31"
    protected = demo_children["protected"]
    (child,) = [
        c
        for c in tree.iter("Child")
        if c.findtext("ChildIdentifiers/LAchildID") == protected["reference"]
    ]
    assert child.findtext("ChildIdentifiers/UPN") == "R30120010100A"
    assert child.findtext("ChildIdentifiers/GenderCurrent") == "2"
    assert child.findtext("CINdetails/ChildProtectionPlans/InitialCategoryOfAbuse") == "NEG"
    assert child.findtext("CINdetails/ChildProtectionPlans/NumberOfPreviousCPP") == "0"
    assert child.findtext("CINdetails/ReasonForClosure") == "RC7"
    (event,) = audit(app, "export", "statutory_return")
    assert event == {"kind": "cin_census", "year": last}
    assert len(audit(app, "create", "statutory_return")) == 1


# The census's reasons for closure (Department for Education, children in need
# census guide, "Reason for closure": RC1 to RC9).
CENSUS_REASONS = {
    "RC1": "Adopted",
    "RC2": "Died",
    "RC3": "Child arrangements order",
    "RC4": "Special guardianship order",
    "RC5": "Transferred to services of another local authority",
    "RC6": "Transferred to adult social care services",
    "RC7": "Services ceased for any other reason, including child no longer in need",
    "RC8": "Case closed after assessment, no further action",
    "RC9": "Case closed after assessment, referred to early help",
}
# What each of the app's reasons (as the worker reads it) means in the census's words.
APP_REASON_MEANS = {
    "Adopted": "Adopted",
    "Died": "Died",
    "Child arrangements order": "Child arrangements order",
    "Special guardianship order": "Special guardianship order",
    "Transferred to another council": "Transferred to services of another local authority",
    "Transferred to adult social care": "Transferred to adult social care services",
    "Services ended: the child is no longer in need, or for another reason": (
        "Services ceased for any other reason, including child no longer in need"
    ),
    "Closed after assessment: no further action": (
        "Case closed after assessment, no further action"
    ),
    "Closed after assessment: referred to early help": (
        "Case closed after assessment, referred to early help"
    ),
}


def test_each_reason_a_worker_chooses_reaches_the_census_as_the_departments_code(
    app, officer, council, last
):
    from server.persistence import Family
    from server.vocabularies import vocabularies

    reasons = vocabularies()["closure_reason"]
    # Every census reason can be chosen, each once, by the words the worker reads.
    assert sorted(APP_REASON_MEANS[label] for label in reasons.values()) == sorted(
        CENSUS_REASONS.values()
    )
    children = {}
    for day, (code, label) in enumerate(reasons.items(), start=100):
        ended = within(last, day)
        child = council(
            plans=[
                {
                    "plan_type": "child_in_need",
                    "started_on": within(last, 10),
                    "ended_on": ended,
                    "end_reason": "other",
                }
            ],
            family={"status": "closed", "closed_on": ended, "closure_reason": code},
        )
        with app.app_context():
            reference = db.session.get(Person, child["person"]).local_child_id
            assert db.session.get(Family, child["family"]).closure_reason == code
        children[reference] = label
    done = produce(officer, "cin_census", last)
    body = officer.get(f"/api/statutory-returns/{done['id']}/download").data
    cin_xml.validate(io.BytesIO(body))  # against the census's schema: raises if not
    written = {
        child.findtext("ChildIdentifiers/LAchildID"): child.findtext("CINdetails/ReasonForClosure")
        for child in etree.fromstring(body).iter("Child")
    }
    census_code = {meaning: code for code, meaning in CENSUS_REASONS.items()}
    assert {reference: written[reference] for reference in children} == {
        reference: census_code[APP_REASON_MEANS[label]] for reference, label in children.items()
    }


def test_producing_the_census_again_gives_the_same_file(officer, demo_children, last):
    first = officer.get(
        f"/api/statutory-returns/{produce(officer, 'cin_census', last)['id']}/download"
    ).data
    second = officer.get(
        f"/api/statutory-returns/{produce(officer, 'cin_census', last)['id']}/download"
    ).data
    assert first == second


def test_a_file_that_breaks_the_schema_is_refused(officer, demo_children, last):
    done = produce(officer, "cin_census", last)
    body = officer.get(f"/api/statutory-returns/{done['id']}/download").data
    broken = body.replace(
        b"<GenderCurrent>2</GenderCurrent>", b"<GenderCurrent>F</GenderCurrent>", 1
    )
    with pytest.raises(cin_xml.SchemaInvalid):
        cin_xml.validate(io.BytesIO(broken))
    swapped = body.replace(b"<ReferralNFA>", b"<ReferralNFAX>", 1)
    with pytest.raises(cin_xml.SchemaInvalid):
        cin_xml.validate(io.BytesIO(swapped))


def test_annex_a_has_a_sheet_per_list_and_says_why_a_list_is_empty(officer, demo_children, last):
    done = produce(officer, "annex_a", last)
    response = officer.get(f"/api/statutory-returns/{done['id']}/download")
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames[:3] == ["List 1 Contacts", "List 2 Early help", "List 3 Referrals"]
    cp = list(book["List 7 Child protection"].iter_rows(values_only=True))
    assert cp[0][0] == "Child Unique ID"
    assert [row[0] for row in cp[1:]] == [demo_children["protected"]["reference"]]
    cin = list(book["List 6 Children in need"].iter_rows(values_only=True))
    assert [row[0] for row in cin[1:]] == [demo_children["missing"]["reference"]]
    contacts = list(book["List 1 Contacts"].iter_rows(values_only=True))
    assert contacts[1][0].startswith("Empty: Contacts are not recorded")
    assert done["issues"]["List 7 Child protection"] == 1


def test_a_performance_officer_needs_a_second_factor_in_production():
    from server.domain.roles import needs_second_factor

    assert needs_second_factor("performance_officer", production=True, enrolled=False)
    assert not needs_second_factor("performance_officer", production=False, enrolled=False)


def test_identifiers_that_contradict_each_other_are_refused(
    app, officer, demo_children, make_client
):
    amara = make_client("amara")
    person = demo_children["protected"]["person"]
    version = amara.get(f"/api/people/{person}").json["version"]
    both = amara.patch(
        f"/api/people/{person}", json={"base_version": version, "upn_unknown": "UN1"}
    )
    assert both.status_code == 422
    assert "upn_unknown" in both.json["errors"]
    shape = amara.patch(f"/api/people/{person}", json={"base_version": version, "upn": "12345"})
    assert shape.status_code == 422
    assert shape.json["errors"]["upn"][0].startswith("A unique pupil number is 13 characters")
    with app.app_context():
        assert db.session.get(Person, person).upn == "R30120010100A"


def test_the_schema_takes_every_good_number_of_the_shared_cases():
    import json
    from pathlib import Path

    cases = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "upn.json").read_text())[
        "cases"
    ]
    schema = cin_xml.schema()
    for case in cases:
        document = etree.fromstring(
            b"<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2025</Year>"
            b"<ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails><Source>"
            b"<SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>x</SoftwareCode>"
            b"<Release>1</Release><SerialNo>001</SerialNo></Source></Header><Children><Child>"
            b"<ChildIdentifiers><LAchildID>A</LAchildID><UPN>"
            + case["upn"].encode()
            + b"</UPN><GenderCurrent>1</GenderCurrent></ChildIdentifiers>"
            b"<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
            b"<CINdetails><CINreferralDate>2024-05-01</CINreferralDate>"
            b"<ReferralSource>10</ReferralSource><ReferralNFA>false</ReferralNFA></CINdetails>"
            b"</Child></Children></Message>"
        )
        # The schema checks the shape; the check letter is the validation report's.
        assert schema.validate(document) is (case["problem"] != "shape"), case["upn"]


def test_every_census_field_is_mapped_in_the_metrics_page():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    schema = etree.parse(str(root / "server" / "data" / "cin_census.xsd"))
    names = {
        element.get("name") for element in schema.iter("{http://www.w3.org/2001/XMLSchema}element")
    }
    page = (root / "docs" / "metrics.md").read_text(encoding="utf-8")
    section = page[page.index("## Statutory returns") :]
    unmapped = sorted(
        name
        for name in names - {"Message", "Header", "Children", "Child", "ChildIdentifiers"}
        if f"`{name}" not in section and f"{name}`" not in section and f"/{name}" not in section
    )
    assert unmapped == []


def test_a_returns_stages_read_in_the_readers_language(
    app, officer, demo_children, last, monkeypatch
):
    """Stages are stored in English and served in Welsh to a reader who chose it."""
    stages: list[str] = []
    real = census_jobs.set_progress

    def watched(model, row_id, percent, stage):
        stages.append(stage)
        real(model, row_id, percent, stage)

    monkeypatch.setattr(census_jobs, "set_progress", watched)
    census = produce(officer, "cin_census", last)
    produce(officer, "annex_a", last)
    assert set(stages) == {census_jobs.READING_STAGE, census_jobs.WRITING_STAGE}
    assert census["stage"] == "Done"
    assert officer.put("/api/auth/language", json={"language": "cy"}).status_code == 200
    assert officer.get(f"/api/statutory-returns/{census['id']}").json["stage"] == "Wedi'i wneud"
    with app.test_request_context(), force_locale("cy"):
        assert [say(stage) for stage in sorted(set(stages))] == [
            "Yn darllen cofnodion y plant",
            "Yn ysgrifennu'r rhestrau",
        ]
