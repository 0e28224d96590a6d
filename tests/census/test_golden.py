"""The census file, byte for byte, for a council that uses every part of it.

The children, their ids and every date are fixed, so the file is always the
same bytes: any change to how the file is read or written (a faster way of
reading rows or of writing XML) must leave it as it is. When the file is
meant to change, write the new one with ``CENSUS_GOLDEN_WRITE=1`` and read
the difference before committing it.
"""

from __future__ import annotations

import io
import os
import uuid
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from server.census import cin_xml
from server.census.collect import CensusYear, children
from server.census.rules import issues_of
from server.extensions import db
from server.persistence import Amendment, Person, Referral, StrategyDiscussion

GOLDEN = Path(__file__).parent / "golden" / "cin_census_2024.xml"
YEAR = CensusYear(2024)  # 1 April 2023 to 31 March 2024


def person_id(number: int) -> uuid.UUID:
    return uuid.UUID(int=number)


def discuss(child: dict[str, Any], started: date, held: date | None, **extra: Any) -> None:
    db.session.add(
        StrategyDiscussion(
            family_id=child["family"],
            discussed_at=datetime.combine(started, time(10), tzinfo=UTC),
            participants=[],
            child_ids=[str(child["person"])],
            information_shared="",
            decision="joint_s47",
            s47_started_on=started,
            icpc_due_on=date.fromordinal(started.toordinal() + 21),
            icpc_held_on=held,
            state="signed",
            **extra,
        )
    )


def refer(child: dict[str, Any], **values: Any) -> None:
    db.session.add(
        Referral(
            family_id=child["family"],
            person_id=child["person"],
            **{"source": "2A", "no_further_action": False, "assessment_factors": [], **values},
        )
    )


def make_council(council) -> None:
    """Children of every shape the census takes, each with a fixed id."""
    stepped_up = council(
        id=person_id(1),
        local_child_id="LC0001",
        disabilities=["MOB", "HAND"],
        plans=[
            {
                "plan_type": "child_in_need",
                "started_on": date(2023, 4, 20),
                "ended_on": date(2023, 6, 1),
            },
            {
                "plan_type": "child_protection",
                "cp_category": "NEG",
                "started_on": date(2023, 6, 1),
                "ended_on": date(2024, 1, 10),
                "end_reason": "aims_met",
                "initial_conference_on": date(2023, 6, 1),
            },
            {
                "plan_type": "child_protection",
                "cp_category": "EMO",
                "started_on": date(2021, 1, 1),
                "ended_on": date(2021, 9, 1),
            },
        ],
    )
    refer(
        stepped_up,
        referred_on=date(2023, 4, 3),
        source="3B",
        primary_need="N1",
        assessment_started_on=date(2023, 4, 4),
        assessment_authorised_on=date(2023, 5, 2),
        assessment_factors=["3B", "16A"],
    )
    discuss(stepped_up, date(2023, 5, 10), date(2023, 6, 1))
    no_plan = council(id=person_id(2), local_child_id=None, upn=None, upn_unknown="UN2", sex="male")
    refer(no_plan, referred_on=date(2023, 7, 1), no_further_action=True, source="9")
    looked_after = council(
        id=person_id(3),
        local_child_id="LC<&>",
        ethnicity=None,
        date_of_birth=None,
        expected_date_of_birth=date(2024, 5, 1),
        sex=None,
        plans=[
            {
                "plan_type": "looked_after",
                "started_on": date(2023, 9, 1),
                "legal_status": "C2",
                "placement_type": "U4",
            }
        ],
    )
    discuss(looked_after, date(2023, 8, 20), None)
    no_conference_needed = council(
        id=person_id(4),
        local_child_id="LC0004",
        plans=[
            {
                "plan_type": "child_in_need",
                "started_on": date(2023, 10, 1),
                "ended_on": date(2024, 2, 1),
                "end_reason": "moved_away",
            }
        ],
    )
    refer(no_conference_needed, referred_on=date(2023, 9, 1), source="6", primary_need="N3")
    discuss(no_conference_needed, date(2023, 9, 5), None)
    corrected = council(
        id=person_id(5),
        local_child_id="LC0005",
        date_of_death=date(2024, 3, 1),
        plans=[
            {
                "plan_type": "child_protection",
                "cp_category": "PHY",
                "started_on": date(2023, 11, 1),
            }
        ],
    )
    db.session.add(
        Amendment(
            family_id=corrected["family"],
            target_kind="plan_episode",
            target_id=corrected["episodes"][0],
            reason="Category corrected at review",
            changes={"cp_category": "SAB"},
        )
    )
    council(
        id=person_id(6),
        local_child_id="LC0006",
        plans=[
            {
                "plan_type": "child_in_need",
                "started_on": date(2022, 1, 1),
                "ended_on": date(2023, 3, 1),
            },
            {"plan_type": "early_help", "started_on": date(2023, 5, 1)},
        ],
    )
    db.session.commit()


def produce() -> tuple[bytes, list[str]]:
    out = io.BytesIO()
    issues: list[str] = []

    def checked(stream):
        for child in stream:
            issues.extend(f"{child.reference} {issue.rule.key}" for issue in issues_of(child, YEAR))
            yield child

    cin_xml.write(out, YEAR, "999", checked(children(db.session, YEAR, batch=2)))
    return out.getvalue(), issues


def test_the_census_file_is_the_same_bytes_as_the_golden_one(council, app_context) -> None:
    make_council(council)
    body, issues = produce()
    cin_xml.validate(io.BytesIO(body))
    if os.environ.get("CENSUS_GOLDEN_WRITE"):
        GOLDEN.write_bytes(body)
    assert body == GOLDEN.read_bytes()
    assert sorted(issues) == [
        "FF0000000000 no_local_id",
        "LC0005 cp_no_conference",
        "LC<&> ethnicity_missing",
        "LC<&> s47_before_referral",
    ]


def test_checking_the_file_as_it_is_written_leaves_it_the_same(
    council, app_context, monkeypatch
) -> None:
    make_council(council)
    monkeypatch.setattr(cin_xml, "CHECK_EVERY", 2)  # three parts, each checked in the thread
    out = io.BytesIO()
    assert cin_xml.write(out, YEAR, "999", children(db.session, YEAR, batch=2), check=True) == 5
    assert out.getvalue() == GOLDEN.read_bytes()


def test_a_part_that_breaks_the_schema_is_refused_as_it_is_written(
    council, app_context, monkeypatch
) -> None:
    make_council(council)
    # The fifth child, in the last of three parts: an ethnicity the schema does not know.
    person = db.session.get(Person, person_id(5))
    assert person is not None
    person.ethnicity = "XXXX"
    db.session.commit()
    monkeypatch.setattr(cin_xml, "CHECK_EVERY", 2)
    with pytest.raises(cin_xml.SchemaInvalid, match="Ethnicity"):
        cin_xml.write(io.BytesIO(), YEAR, "999", children(db.session, YEAR, batch=2), check=True)
    # Read back as a whole afterwards, the same file is refused too.
    with pytest.raises(cin_xml.SchemaInvalid):
        cin_xml.validate(io.BytesIO(produce()[0]))


def test_a_census_with_no_children_is_checked_too(app_context) -> None:
    out = io.BytesIO()
    assert cin_xml.write(out, YEAR, "999", [], check=True) == 0
    cin_xml.validate(io.BytesIO(out.getvalue()))
    with pytest.raises(cin_xml.SchemaInvalid):
        cin_xml.write(io.BytesIO(), YEAR, "9<9", [], check=True)
