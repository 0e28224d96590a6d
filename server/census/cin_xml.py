"""The Children in Need census as the Department's XML message, checked against its schema.

The file is written a child at a time (``lxml.etree.xmlfile``) and checked as
it is read back (``iterparse`` with the schema), so memory stays flat however
many children there are. The same data always makes the same bytes: children
in the order of their id, episodes by referral date, and no time of writing in
the header, so producing the return again is safe to compare and resend.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import IO, Any

from lxml import etree

from .collect import CensusYear, ChildReturn, EpisodeOfNeed

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "cin_census.xsd"
SOFTWARE_CODE = "Family Fieldwork"
RELEASE = "1"
# The app's sex codes as the census's GenderCurrent codes (vocabulary ``cin_sex``).
GENDER = {"male": "1", "female": "2", "unknown": "0", "not_stated": "0"}


class SchemaInvalid(Exception):
    """The file the app wrote does not meet the census schema (a fault of the app)."""


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))


def _day(value: date) -> str:
    return value.isoformat()


def write(out: IO[bytes], year: CensusYear, la_number: str, children: Iterable[ChildReturn]) -> int:
    """Write the census message for these children; return how many were written."""
    count = 0
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            xf.write(_header(year, la_number), pretty_print=True)
            with xf.element("Children"):
                for child in children:
                    xf.write(_child(child, year), pretty_print=True)
                    count += 1
    return count


def validate(source: IO[bytes] | str) -> None:
    """Check a census file against the schema as it is read; raise ``SchemaInvalid``."""
    try:
        for _event, element in etree.iterparse(source, events=("end",), schema=schema()):
            if element.tag == "Child":
                element.clear(keep_tail=True)
    except etree.XMLSyntaxError as error:
        raise SchemaInvalid(str(error)) from error


def _sub(parent: Any, tag: str, text: object | None) -> None:
    if text is not None and text != "":
        etree.SubElement(parent, tag).text = _day(text) if isinstance(text, date) else str(text)


def _header(year: CensusYear, la_number: str) -> Any:
    header = etree.Element("Header")
    details = etree.SubElement(header, "CollectionDetails")
    _sub(details, "Collection", "CIN")
    _sub(details, "Year", year.year)
    _sub(details, "ReferenceDate", year.end)
    source = etree.SubElement(header, "Source")
    _sub(source, "SourceLevel", "L")
    _sub(source, "LEA", la_number)
    _sub(source, "SoftwareCode", SOFTWARE_CODE)
    _sub(source, "Release", RELEASE)
    _sub(source, "SerialNo", "001")
    return header


def _child(child: ChildReturn, year: CensusYear) -> Any:
    element = etree.Element("Child")
    ids = etree.SubElement(element, "ChildIdentifiers")
    _sub(ids, "LAchildID", child.reference)
    _sub(ids, "UPN", child.upn)
    _sub(ids, "FormerUPN", child.former_upn)
    _sub(ids, "UPNunknown", None if child.upn else child.upn_unknown)
    _sub(ids, "PersonBirthDate", child.date_of_birth)
    _sub(
        ids,
        "ExpectedPersonBirthDate",
        None if child.date_of_birth else child.expected_date_of_birth,
    )
    _sub(ids, "GenderCurrent", GENDER.get(child.sex or "", "0"))
    _sub(ids, "PersonDeathDate", child.date_of_death)
    traits = etree.SubElement(element, "ChildCharacteristics")
    # The schema needs an ethnicity: not yet recorded is the census's own NOBT.
    _sub(traits, "Ethnicity", child.ethnicity or "NOBT")
    if child.disabilities:
        disabilities = etree.SubElement(traits, "Disabilities")
        for code in child.disabilities:
            _sub(disabilities, "Disability", code)
    previous = child.previous_cp_plans
    for episode in sorted(child.episodes, key=lambda e: (e.referral_date, str(e.first_episode_id))):
        element.append(_details(episode, previous))
        previous += len(episode.cp_plans)
    return element


def _details(episode: EpisodeOfNeed, previous_cp: int) -> Any:
    details = etree.Element("CINdetails")
    _sub(details, "CINreferralDate", episode.referral_date)
    _sub(details, "ReferralSource", episode.referral_source)
    _sub(details, "PrimaryNeedCode", episode.primary_need)
    _sub(details, "CINclosureDate", episode.closure_date)
    _sub(details, "ReasonForClosure", episode.closure_reason if episode.closure_date else None)
    _sub(details, "DateOfInitialCPC", episode.initial_conference_on)
    for assessment in episode.assessments:
        block = etree.SubElement(details, "Assessments")
        _sub(block, "AssessmentActualStartDate", assessment.started_on)
        _sub(block, "AssessmentAuthorisationDate", assessment.authorised_on)
        if assessment.factors:
            factors = etree.SubElement(block, "FactorsIdentifiedAtAssessment")
            for factor in assessment.factors:
                _sub(factors, "AssessmentFactors", factor)
    for started, ended in episode.cin_plans:
        block = etree.SubElement(details, "CINPlanDates")
        _sub(block, "CINPlanStartDate", started)
        _sub(block, "CINPlanEndDate", ended)
    for s47 in episode.section47s:
        block = etree.SubElement(details, "Section47")
        _sub(block, "S47ActualStartDate", s47.started_on)
        _sub(block, "InitialCPCtarget", s47.target_conference_on)
        _sub(block, "DateOfInitialCPC", s47.initial_conference_on)
        _sub(block, "ICPCnotRequired", "true" if s47.conference_not_required else "false")
    _sub(details, "ReferralNFA", "true" if episode.no_further_action else "false")
    for index, plan in enumerate(episode.cp_plans):
        block = etree.SubElement(details, "ChildProtectionPlans")
        _sub(block, "CPPstartDate", plan.started_on)
        _sub(block, "CPPendDate", plan.ended_on)
        _sub(block, "InitialCategoryOfAbuse", plan.initial_category or "MUL")
        _sub(block, "LatestCategoryOfAbuse", plan.latest_category or "MUL")
        _sub(block, "NumberOfPreviousCPP", previous_cp + index)
    return details
