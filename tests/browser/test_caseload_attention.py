"""The caseload's attention order: relationships lead, beside genuine statutory dues."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import expect

from server import clock
from server.domain.timescales import Interval, Unit, add_interval
from server.extensions import db
from server.persistence import Interaction, Membership, Note, Person, PlanEpisode, Review
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_family_and_network import watch_for_errors
from tests.browser.test_plans import sync_on_a_phone

CP_VISITS = {
    "key": "statutory_visit",
    "name": "Statutory visit",
    "purpose": "statutory_visit",
    "items": [{"key": "child_seen", "label": "Child seen"}],
    "timescale": {
        "applies_to": ["child_protection"],
        "every": {"count": 10, "unit": "working_days"},
    },
    "legal_basis": "Working Together to Safeguard Children",
}


def child_of(family_id: uuid.UUID) -> uuid.UUID:
    child: uuid.UUID = db.session.scalar(
        sa.select(Person.id)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.family_id == family_id, Person.is_child.is_(True))
    )
    return child


def contact(family_id: uuid.UUID, days_ago: int, mode: str = "home_visit") -> uuid.UUID:
    interaction = Interaction(
        family_id=family_id,
        occurred_at=clock.now() - timedelta(days=days_ago),
        mode=mode,
        purpose="direct_work",
        participants=[],
    )
    db.session.add(interaction)
    db.session.flush()
    return interaction.id


def child_protection_plan(family_id: uuid.UUID, started: Any) -> None:
    db.session.add(
        PlanEpisode(
            family_id=family_id,
            person_id=child_of(family_id),
            plan_type="child_protection",
            cp_category="NEG",
            started_on=started,
        )
    )


def caseload_rows(page: Any) -> list[tuple[str, str]]:
    """Return each row of the caseload as (family, why it needs attention), top to bottom."""
    rows = page.locator("#caseload tbody tr")
    return [
        (row.locator("th a").inner_text(), " ".join(row.locator("td").first.inner_text().split()))
        for row in rows.all()
    ]


def test_the_caseload_leads_with_relationships_beside_genuine_statutory_dues(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    assert make_client("root").post("/api/checklist-templates", json=CP_VISITS).status_code == 201
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    hannah = make_user("supervisor", username="hannah", display_name="Hannah Reid")
    names = ["Adeyemi", "Brennan", "Castillo", "Dimitrov", "Ekwueme", "Farouk", "Gallagher"]
    family = {name: make_family(team_of=amara, worker=amara, name=name).id for name in names}
    today = clock.today()
    with app.app_context():
        # The Adeyemis rang three days ago asking for help with a school meeting.
        rang = contact(family["Adeyemi"], 3, mode="phone")
        db.session.add(
            Note(
                family_id=family["Adeyemi"],
                interaction_id=rang,
                sections={"family_request": "Help with the school meeting on Thursday"},
                created_by_id=amara.id,
            )
        )
        # Nobody has seen the Brennans for six weeks.
        contact(family["Brennan"], 42)
        # Visits overdue: Castillo's by about a week, Dimitrov's by well over a month.
        child_protection_plan(family["Castillo"], today - timedelta(days=25))
        contact(family["Castillo"], 4)
        child_protection_plan(family["Dimitrov"], today - timedelta(days=70))
        contact(family["Dimitrov"], 4)
        # Hannah asked a question on Amara's note about the Ekwuemes.
        contact(family["Ekwueme"], 2)
        note = Note(
            family_id=family["Ekwueme"], sections={"reflection": "A quiet visit."}, state="signed"
        )
        note.created_by_id = amara.id
        db.session.add(note)
        db.session.flush()
        db.session.add(
            Review(
                family_id=family["Ekwueme"],
                target_kind="note",
                target_id=note.id,
                review_kind="question",
                body="What did Sam say about the new school?",
                created_by_id=hannah.id,
            )
        )
        # The Farouks' child's visit is due in 2 working days.
        started = today
        while add_interval(started, Interval(10, Unit.WORKING_DAYS)) > add_interval(
            today, Interval(2, Unit.WORKING_DAYS)
        ):
            started -= timedelta(days=1)
        child_protection_plan(family["Farouk"], started)
        contact(family["Farouk"], 1)
        # The Gallaghers are seen often, and nothing waits.
        contact(family["Gallagher"], 5)
        db.session.commit()

    page = new_context().new_page()
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone: the rows stack
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    expect(page.locator("#caseload tbody tr")).to_have_count(7)
    rows = caseload_rows(page)
    assert [name for name, _ in rows] == [
        "Adeyemi",  # the family asked: first
        "Dimitrov",  # a month and more past a child's visit
        "Brennan",  # three weeks past the line of meaningful contact
        "Castillo",  # days past a child's visit
        "Ekwueme",  # a question waits for Amara's reply
        "Farouk",  # a visit due soon
        "Gallagher",
    ]
    why = dict(rows)
    assert why["Adeyemi"].startswith("The family asked for something on ")
    assert why["Adeyemi"].endswith(": no contact since")
    assert why["Brennan"] == "No meaningful contact for 6 weeks"
    assert why["Castillo"].startswith("Overdue Visit was due ")
    assert why["Castillo"].endswith(": Sam")
    assert why["Ekwueme"] == "A supervision question waits for your reply"
    assert why["Farouk"] == "Visit due in 2 working days: Sam"
    assert why["Gallagher"] == "Nothing waiting"
    check_accessibility(page, "the caseload in attention order")

    # Amara rings the Adeyemis back: they no longer wait at the top.
    with app.app_context():
        contact(family["Adeyemi"], 0, mode="phone")
        db.session.commit()
    sync_on_a_phone(page)
    expect(page.locator("#caseload tbody tr").first).not_to_contain_text("Adeyemi")
    adeyemi = page.locator("#caseload tbody tr", has_text="Adeyemi")
    expect(adeyemi.locator("td").first).to_have_text("Nothing waiting")
    assert errors == []
