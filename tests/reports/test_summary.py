"""The service summary's measures, worked out by hand for a small council, and what it never shows.

Three teams in October 2026: East (7 families), North (10) and South (2,
small enough that most of its figures are hidden, with the cells that would
give them away). The expected tables are derived in the comments, following
docs/metrics.md and the suppression rules step by step.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from server import clock
from server.extensions import db
from server.persistence import (
    Assignment,
    ChecklistTemplate,
    Conference,
    DecisionPolicy,
    Family,
    Interaction,
    Judgment,
    Note,
    Person,
    PlanEpisode,
    Review,
    Team,
    User,
)
from server.reports.render import FORMATS, render
from server.reports.summary import (
    CHART_WORDS,
    Period,
    _months_before,
    build_summary,
    describe_chart,
)
from server.services.statutory import statutory_visits_due

OCTOBER = Period.month(2026, 10)
NOTE_TEXT = "Quietly-unique relational note text about the kitchen table"
QUESTION_TEXT = "Should the grandmother-unique question hold the keys"
CHILD_BIRTH = date(2015, 3, 17)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def oct_(day: int) -> date:
    return date(2026, 10, day)


class Council:
    """Builds the hand-made council: teams, staff, families and their records."""

    def __init__(self, make_user: Callable[..., User], make_family: Callable[..., Family]):
        self.make_family = make_family
        self.workers = {
            team: make_user("caseworker", team=team, display_name=f"Worker {team} Zanzibarre")
            for team in ("North", "East", "South")
        }
        self.previous_worker = make_user("caseworker", team="North")
        self.supervisor = make_user("supervisor", team="North")
        self.families: dict[str, list[Family]] = {}
        self.names: list[str] = []

    def add_families(self, team: str, count: int, allocated_from: date) -> None:
        families = []
        for n in range(count):
            name = f"Vellacourt{team}{n}"
            self.names.append(name)
            family = self.make_family(
                team_of=self.workers[team], name=name, created_at=at(date(2026, 1, 1))
            )
            db.session.add(
                Assignment(
                    family_id=family.id,
                    worker_id=self.workers[team].id,
                    started_on=allocated_from,
                )
            )
            families.append(family)
        self.families[team] = families

    def child_of(self, family: Family) -> Person:
        return db.session.scalars(
            sa.select(Person).where(Person.family_name == family.display_name, Person.is_child)
        ).one()

    def adult_of(self, family: Family) -> Person:
        return db.session.scalars(
            sa.select(Person).where(
                Person.family_name == family.display_name, Person.is_child.is_(False)
            )
        ).one()


@pytest.fixture
def council(
    app: Flask, make_user: Callable[..., User], make_family: Callable[..., Family]
) -> Council:
    built = Council(make_user, make_family)
    with app.app_context():
        built.add_families("North", 10, date(2026, 6, 1))
        built.add_families("East", 7, date(2026, 6, 1))
        built.add_families("South", 2, date(2026, 9, 1))
        north, east, south = (built.families[t] for t in ("North", "East", "South"))
        # North's first family had another worker until June: two in 12 months.
        db.session.add(
            Assignment(
                family_id=north[0].id,
                worker_id=built.previous_worker.id,
                started_on=date(2026, 1, 1),
                ended_on=date(2026, 6, 1),
                change_reason="worker_left",
                handover_note="Handover",
            )
        )
        add_contacts(built, north, east, south)
        add_plans(built, north, east, south)
        add_judgments(built, north, east, south)
        add_notes_and_supervision(built, north, south)
        add_conferences(north, south)
        child = built.child_of(south[0])
        child.date_of_birth = CHILD_BIRTH
        db.session.commit()
    return built


def visit(family: Family, day: date, *, participants: list[dict[str, Any]], **values: Any) -> None:
    values.setdefault("mode", "home_visit")
    values.setdefault("purpose", "statutory_visit")
    db.session.add(
        Interaction(family_id=family.id, occurred_at=at(day), participants=participants, **values)
    )


def seen(person: Person, *, alone: bool) -> dict[str, Any]:
    return {"person_id": str(person.id), "present": True, "seen": True, "seen_alone": alone}


def add_contacts(council: Council, north: list[Family], east: list[Family], south: list[Family]):
    for family in north:
        child, adult = council.child_of(family), council.adult_of(family)
        visit(family, date(2026, 9, 29), participants=[])
        # The adult is "seen" too: only children count.
        visit(family, oct_(6), participants=[seen(child, alone=True), seen(adult, alone=False)])
        visit(family, oct_(20), participants=[seen(child, alone=False)])
    visit(north[0], oct_(21), participants=[], mode="phone", meaningful=False, purpose="other")
    for family in east:
        visit(family, oct_(8), participants=[seen(council.child_of(family), alone=False)])
    visit(south[0], oct_(9), participants=[seen(council.child_of(south[0]), alone=True)])


def add_plans(council: Council, north: list[Family], east: list[Family], south: list[Family]):
    """Put the children on plans whose statutory visits fall due in October.

    Visits (add_contacts): North 29 Sep (no child seen), 6 and 20 Oct; East 8 Oct;
    South's first 9 Oct. Child protection visits are due every 10 working days,
    child in need visits every 20.
    """
    for key, plans, every in (
        ("protection_visit", ["child_protection"], 10),
        ("in_need_visit", ["child_in_need"], 20),
    ):
        db.session.add(
            ChecklistTemplate(
                key=key,
                name="Statutory visit",
                purpose="statutory_visit",
                items=[{"key": "seen", "label": "Child seen", "statutory": True}],
                timescale={"applies_to": plans, "every": {"count": every, "unit": "working_days"}},
            )
        )

    def plan(family: Family, plan_type: str, started: date, **values: Any) -> None:
        db.session.add(
            PlanEpisode(
                family_id=family.id,
                person_id=council.child_of(family).id,
                plan_type=plan_type,
                cp_category="NEG" if plan_type == "child_protection" else None,
                started_on=started,
                **values,
            )
        )

    for family in north[:6]:  # due 6 and 20 Oct: both met
        plan(family, "child_protection", date(2026, 9, 22))
    for family in north[6:8]:  # due 2 Oct, seen 6 Oct: late; due 20 Oct: met
        plan(family, "child_protection", date(2026, 9, 18))
    plan(north[8], "early_help", date(2026, 9, 1))  # no visits set
    # Due 6 Oct: met; the plan ended on 10 Oct, so nothing is due on 20 Oct.
    plan(north[9], "child_protection", date(2026, 9, 22), ended_on=oct_(10), end_reason="aims_met")
    for family in east:  # due 15 Oct: met on 8 Oct; due 22 Oct: not done
        plan(family, "child_protection", oct_(1))
    plan(south[0], "child_in_need", date(2026, 9, 14))  # due 9 Oct: met that day
    plan(south[1], "child_protection", oct_(5))  # due 19 Oct: never seen, not done


def add_judgments(council: Council, north: list[Family], east: list[Family], south: list[Family]):
    db.session.add(
        DecisionPolicy(
            version=1,
            categories=[
                {"key": "family_time", "label": "Family time arrangements", "light": "green"}
            ],
        )
    )

    def judgment(family: Family, light: str, **values: Any) -> None:
        db.session.add(
            Judgment(
                family_id=family.id,
                question=QUESTION_TEXT,
                category="family_time",
                light=light,
                policy_version=1,
                **{"state": "signed", "signed_at": at(oct_(12)), **values},
            )
        )

    for n in range(6):  # green, due for review on the 15th and reviewed the day before
        view = "We want more time with Nan" if n < 4 else None
        judgment(north[n], "green", family_view=view, review_date=oct_(15), reviewed_on=oct_(14))
    for n in range(6):  # red; three with the family's view, one only blank
        judgment(north[n], "red", family_view="Agreed" if n < 3 else "   ")
    for n in range(6):
        judgment(east[n], "green")
    judgment(south[0], "red")
    judgment(south[1], "green", state="draft")  # not signed: not logged


def add_notes_and_supervision(council: Council, north: list[Family], south: list[Family]):
    responses = [1, 2, 2, 3, 4, 5, None]  # days to the supervisor's first response
    for family, days in zip(north, responses, strict=False):
        signed = at(oct_(3))
        note = Note(
            family_id=family.id,
            sections={"what_happened": NOTE_TEXT},
            state="signed",
            signed_at=signed,
        )
        db.session.add(note)
        db.session.flush()
        # The worker's own comment an hour in is not a supervisor's response.
        db.session.add(
            Review(
                family_id=family.id,
                target_kind="note",
                target_id=note.id,
                review_kind="comment",
                body=NOTE_TEXT,
                created_by_id=council.workers["North"].id,
                created_at=signed + timedelta(hours=1),
            )
        )
        if days is not None:
            for extra in (0, 1):  # the first response counts, not the later one
                db.session.add(
                    Review(
                        family_id=family.id,
                        target_kind="note",
                        target_id=note.id,
                        review_kind="question",
                        body=NOTE_TEXT,
                        created_by_id=council.supervisor.id,
                        created_at=signed + timedelta(days=days + extra),
                    )
                )
    db.session.add(
        Note(
            family_id=south[0].id,
            sections={"what_happened": NOTE_TEXT},
            state="signed",
            signed_at=at(oct_(4)),
        )
    )
    db.session.add(Note(family_id=south[1].id, sections={"what_happened": NOTE_TEXT}))  # draft


def add_conferences(north: list[Family], south: list[Family]) -> None:
    for n in range(6):  # referred on the 1st, held 9 to 14 days later
        db.session.add(
            Conference(
                family_id=north[n].id,
                referral={"reason": NOTE_TEXT},
                referred_on=oct_(1),
                information_sharing_on=oct_(10 + n),
                status="held",
            )
        )
    db.session.add(Conference(family_id=south[0].id, referred_on=oct_(5), status="declined"))


def table(summary: dict[str, Any], table_id: str) -> dict[str, list[Any]]:
    found = next(t for t in summary["tables"] if t["id"] == table_id)
    cells = {row["label"]: row["cells"] for row in found["rows"]}
    cells[found["total"]["label"]] = found["total"]["cells"]
    return cells


@pytest.fixture
def summary(app: Flask, council: Council) -> dict[str, Any]:
    stages: list[tuple[int, str]] = []
    # Made on 15 November: every visit due in October is due by then.
    with app.app_context(), clock.frozen(datetime(2026, 11, 15, 12, tzinfo=UTC)):
        built = build_summary(
            OCTOBER, progress=lambda percent, stage: stages.append((percent, stage))
        )
    percents = [percent for percent, _ in stages]
    assert percents[0] == 0 and percents[-1] == 100 and percents == sorted(percents)
    assert len(stages) >= 8
    return built


def test_the_summary_is_plain_json_for_the_period(summary: dict[str, Any]) -> None:
    assert json.loads(json.dumps(summary)) == summary
    assert summary["period"] == {
        "start": "2026-10-01",
        "end": "2026-11-01",
        "label": "1 October 2026 to 31 October 2026",
    }
    assert [row["label"] for row in summary["tables"][0]["rows"]] == ["East", "North", "South"]
    ids = {t["id"] for t in summary["tables"]}
    for chart in summary["charts"]:
        assert chart["table_id"] in ids and chart["alt_text"]


def test_each_chart_draws_its_table_and_says_so_in_words(summary: dict[str, Any]) -> None:
    charts = {chart["id"]: chart for chart in summary["charts"]}
    assert set(charts) == {"contacts_over_time", "continuity_distribution", "timeliness_by_team"}
    continuity = charts["continuity_distribution"]
    assert continuity["table_id"] == "continuity"
    assert continuity["values"] == ["c", "c", 0]  # the council row of the table below
    assert continuity["alt_text"] == (
        "Bar chart of families across the council by how many allocated workers they had in "
        "the last 12 months, 3 groups. Only 3 or more workers has a figure shown: 0 families. "
        "Hidden to protect privacy: 1 worker and 2 workers. Every figure is in the table "
        '"Continuity: allocated workers in the last 12 months".'
    )
    timeliness = charts["timeliness_by_team"]
    assert timeliness["categories"] == ["East", "North", "South", "Council"]
    assert timeliness["values"] == ["c", "c", "c", 69.7]
    # The council is the whole, not a team to rank: it is given on its own.
    assert (
        "No teams have a figure to show. Council as a whole: 69.7 per cent."
        in (timeliness["alt_text"])
    )
    months = charts["contacts_over_time"]
    assert months["categories"][-1] == "October 2026" and len(months["categories"]) == 12
    # September: North's 10 contacts on the 29th; October: 28.
    assert months["values"][-2:] == [10, 28]
    assert 'in the table "Meaningful contacts by month"' in months["alt_text"]
    assert "Highest: October 2026, with 28 contacts." in months["alt_text"]


def test_the_summary_carries_a_definition_of_each_of_its_tables(summary: dict[str, Any]) -> None:
    measures = summary["definitions"]["measures"]
    assert [m["id"] for m in measures] == [t["id"] for t in summary["tables"]]
    assert all(m["text"] for m in measures) and summary["definitions"]["common"]
    assert "definitions_url" not in summary


def describe(values: list[Any], labels: list[str] | None = None, chart: str = "") -> str:
    labels = labels or ["East", "North", "South", "Council"][: len(values)]
    words = CHART_WORDS[chart or "timeliness_by_team"]
    return describe_chart(words, labels, values, "Statutory visit timeliness")


def test_a_chart_description_names_the_measure_and_its_highest_and_lowest_team() -> None:
    assert describe([90.0, 45.5, 60, 70.2]) == (
        "Bar chart of the percentage of statutory visits met on time, team by team, 3 teams. "
        "Highest: East, with 90 per cent. Lowest: North, with 45.5 per cent. "
        "Council as a whole: 70.2 per cent. "
        'Every figure is in the table "Statutory visit timeliness".'
    )


def test_a_chart_description_says_when_every_bar_is_the_same_rather_than_highest_and_lowest():
    text = describe(
        [0, 0, 0], ["1 worker", "2 workers", "3 or more workers"], "continuity_distribution"
    )
    assert "Every group has the same figure: 0 families." in text
    assert "Highest" not in text and "Lowest" not in text
    text = describe([12, 12, "c", 40.0])
    assert "The 2 teams shown all have the same figure: 12 per cent." in text
    assert "Hidden to protect privacy: South." in text


def test_a_chart_description_names_teams_that_share_the_highest_or_lowest_figure() -> None:
    months = ["August 2026", "September 2026", "October 2026"]
    text = describe([80, 80, 50], months, "contacts_over_time")
    assert (
        "Highest: August 2026 and September 2026, with 80 contacts each. "
        "Lowest: October 2026, with 50 contacts." in text
    )
    one = describe([1, 3, 3], months, "contacts_over_time")
    assert "Lowest: August 2026, with 1 contact." in one


def test_a_chart_with_one_figure_shown_or_none_says_so() -> None:
    assert "Only North has a figure shown: 75 per cent." in describe(["c", 75, "c", "c"])
    text = describe(["c", "c", "c", "c"])
    assert "No teams have a figure to show." in text
    assert "Hidden to protect privacy: East, North, South and Council." in text


def test_families_and_meaningful_contacts(summary: dict[str, Any]) -> None:
    # Families open: East 7, North 10, South 2 (hidden), so the next smallest,
    # East, is hidden too; the council shows 19. Meaningful contacts the same
    # way: 7, 20, 1. Per family per month: October is 31 / 30.4375 months, so
    # North 20 / (10 x 1.0185) = 1.96 and the council 28 / (19 x 1.0185) = 1.45.
    # Gaps: each North family 7 days (29 Sep to 6 Oct) and 14 days; median 10.5.
    # East and South have no earlier contact: no gaps, "x".
    assert table(summary, "families_and_contacts") == {
        "East": ["c", "c", "c", "x"],
        "North": [10, 20, 2.0, 10.5],
        "South": ["c", "c", "c", "x"],
        "Council": [19, 28, 1.4, 10.5],
    }


def test_continuity_hides_small_counts_and_what_would_give_them_away(
    summary: dict[str, Any],
) -> None:
    # Counts (1, 2, 3+, all): East 7,0,0,7; North 9,1,0,10; South 2,0,0,2;
    # council 18,1,0,19. Small: North's 1, South's 2 and 2, the council's 1.
    # North's row and the council's row each then hide their smallest other
    # cell (9 and 18); the "all" column hides East's 7, so East's row hides
    # its other 7. Every line now has two hidden cells or none.
    assert table(summary, "continuity") == {
        "East": ["c", 0, 0, "c"],
        "North": ["c", "c", 0, 10],
        "South": ["c", 0, 0, "c"],
        "Council": ["c", "c", 0, 19],
    }


def test_length_of_the_current_allocation(summary: dict[str, Any]) -> None:
    # North and East since 1 June: 153 days to 1 November; South since
    # 1 September: 61 days, but only 2 families. Council median: 153.
    assert table(summary, "current_allocation") == {
        "East": ["c", 153.0],
        "North": [10, 153.0],
        "South": ["c", "c"],
        "Council": [19, 153.0],
    }


def test_statutory_visits_due_each_child_by_plan(app: Flask, council: Council) -> None:
    with app.app_context():
        teams = {team.id: team.name for team in db.session.scalars(sa.select(Team))}
        due = statutory_visits_due(OCTOBER.start, OCTOBER.end, as_of=date(2026, 11, 15))
        by_team = Counter((teams[v.team_id], v.outcome.value) for v in due)
    assert by_team == {
        ("North", "met"): 15,
        ("North", "late"): 2,
        ("East", "met"): 7,
        ("East", "not_done"): 7,  # due 22 October with no visit after the 8th
        ("South", "met"): 1,
        ("South", "not_done"): 1,
    }
    assert Counter((v.plan_type, v.outcome.value) for v in due) == {
        ("child_protection", "met"): 22,
        ("child_protection", "late"): 2,
        ("child_protection", "not_done"): 8,
        ("child_in_need", "met"): 1,
    }


def test_statutory_visit_timeliness_counts_a_visit_not_done(summary: dict[str, Any]) -> None:
    # (met, late, not done, due): North 15,2,0,17; East 7,0,7,14; South 1,0,1,2;
    # council 23,2,8,33. A visit due with no visit is counted, as "not done".
    # South's small counts are hidden, and with them enough of the others that
    # none can be worked out from the totals.
    assert table(summary, "visit_timeliness") == {
        "East": ["c", 0, 7, "c", "c"],
        "North": ["c", "c", 0, 17, "c"],
        "South": ["c", 0, "c", "c", "c"],
        "Council": [23, "c", "c", 33, 69.7],
    }
    # By plan: child protection 22,2,8,32; child in need 1,0,0,1 (hidden, so the
    # child protection row is too: it is the council less the one hidden visit).
    assert table(summary, "visit_timeliness_by_plan") == {
        "Early help": [0, 0, 0, 0, "x"],
        "Child in need plan": ["c", 0, 0, "c", "c"],
        "Child protection plan": ["c", "c", "c", "c", "c"],
        "Looked after": [0, 0, 0, 0, "x"],
        "Council": [23, "c", "c", 33, 69.7],
    }


def test_children_seen_on_statutory_visits(summary: dict[str, Any]) -> None:
    # Seen: East 7, North 20 (the adult seen does not count), South 1.
    # Alone: East 0, North 10, South 1; South hidden, so North (10 < 11) too.
    assert table(summary, "children_seen") == {
        "East": ["c", 0, "c"],  # 0 of a hidden number: hidden
        "North": [20, "c", "c"],
        "South": ["c", "c", "c"],
        "Council": [28, 11, 39.3],
    }


def test_judgments_by_light_and_the_familys_view(summary: dict[str, Any]) -> None:
    # (green, yellow, red, other, all): East 6,0,0,0,6; North 6,0,6,0,12;
    # South 0,0,1,0,1 (its draft is not logged); council 12,0,7,0,19.
    assert table(summary, "judgments_by_light") == {
        "East": ["c", 0, 0, 0, "c"],
        "North": ["c", 0, "c", 0, 12],
        "South": [0, 0, "c", 0, "c"],
        "Council": [12, 0, 7, 0, 19],
    }
    # Linked: the same team totals are hidden in the breakdown by category.
    by_category = table(summary, "judgments_by_category")
    assert [cells[-1] for cells in by_category.values()] == ["c", 12, "c", 19]
    # Family's view: North 7 of 12 (a blank view does not count) = 58.3%.
    # Due for review: North's 6 green ones, all reviewed the day before.
    assert table(summary, "judgment_practice") == {
        "East": [0, "c", 0, 0, "x"],
        "North": [7, 58.3, 6, 6, 100.0],
        "South": [0, "c", 0, 0, "x"],
        "Council": [7, 36.8, 6, 6, 100.0],
    }


def test_supervision_counts_conversations_and_reviews_never_a_median(
    summary: dict[str, Any],
) -> None:
    # Talked about: North's 7 notes (each counted once, however many comments);
    # South's signed note had no conversation. Reviewed: North's 6 green decisions,
    # reviewed on 14 October. No group supervision in the period.
    assert table(summary, "supervision") == {
        "East": [0, 0, 0],
        "North": [7, 0, 6],
        "South": [0, 0, 0],
        "Council": [7, 0, 6],
    }
    columns = next(t for t in summary["tables"] if t["id"] == "supervision")["columns"]
    assert not any("median" in str(column).lower() for column in columns)


def test_family_group_conferences(summary: dict[str, Any]) -> None:
    # Offered: North 6, South 1 (declined: not held). Held: North 6, from
    # referral 9, 10, ... 14 days later: median 11.5.
    assert table(summary, "conferences") == {
        "East": [0, 0, "x", 0],
        "North": ["c", 6, 11.5, 0],
        "South": ["c", 0, "x", 0],
        "Council": [7, 6, 11.5, 0],
    }


def test_no_name_birth_date_note_or_id_reaches_any_download(
    app: Flask, council: Council, summary: dict[str, Any]
) -> None:
    with app.app_context():
        ids = [str(i) for i in db.session.scalars(sa.select(Family.id))]
        ids += [str(i) for i in db.session.scalars(sa.select(Person.id))]
    forbidden = [
        *council.names,
        "Alex",
        "Zanzibarre",
        NOTE_TEXT,
        QUESTION_TEXT,
        "Nan",
        CHILD_BIRTH.isoformat(),
        "17 March 2015",
        *ids,
        *[i.replace("-", "") for i in ids],
    ]
    for fmt in FORMATS:
        data = render(summary, fmt)
        text = data.decode("utf-8", "replace")
        if fmt == "xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                text = "".join(
                    archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                )
        for secret in forbidden:
            assert secret not in text, f"{secret!r} appears in the {fmt} download"


def test_a_period_is_a_span_of_days_in_words() -> None:
    december = Period.month(2026, 12)
    assert (december.start, december.end) == (date(2026, 12, 1), date(2027, 1, 1))
    assert december.label == "1 December 2026 to 31 December 2026"
    assert Period.month(2028, 2).label == "1 February 2028 to 29 February 2028"
    assert OCTOBER.months == pytest.approx(31 / 30.4375)
    with pytest.raises(ValueError):
        Period(date(2026, 10, 2), date(2026, 10, 1))


def test_continuity_looks_back_twelve_months_even_from_a_month_end() -> None:
    assert _months_before(date(2026, 11, 1), 12) == date(2025, 11, 1)
    assert _months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
