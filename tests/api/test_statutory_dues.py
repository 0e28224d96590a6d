"""Statutory dues per child: from their plan, and the visits where they were seen."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from server import clock
from server.domain.timescales import Interval, Unit, add_interval
from server.services.statutory import child_dues

from .casework import VISIT_TEMPLATE, created

TEN = Interval(10, Unit.WORKING_DAYS)
CP_VISIT_TEMPLATE = {
    **VISIT_TEMPLATE,
    "timescale": {
        "applies_to": ["child_protection"],
        "every": {"count": 10, "unit": "working_days"},
    },
}


@pytest.fixture
def practice(make_user, make_client):
    make_user("admin", username="root", team=None)
    return created(make_client("root").post("/api/checklist-templates", json=CP_VISIT_TEMPLATE))


def visit(client, okoro, days_ago, *, seen):
    day = clock.today() - timedelta(days=days_ago)
    moment = datetime.combine(day, time(11, 0), clock.COUNCIL_ZONE)
    return created(
        client.post(
            "/api/interactions",
            json={
                "family_id": okoro["family"],
                "occurred_at": moment.isoformat(),
                "mode": "home_visit",
                "purpose": "statutory_visit",
                "participants": [{"person_id": okoro["Sam"], "present": True, "seen": seen}],
            },
        )
    )


def test_a_family_with_no_child_on_a_plan_has_no_statutory_due(app, practice, okoro, make_client):
    visit(make_client("amara"), okoro, 3, seen=True)
    with app.app_context():
        assert child_dues() == []


def test_the_due_date_counts_from_the_plan_and_the_last_visit_the_child_was_seen(
    app, practice, okoro, make_client
):
    amara = make_client("amara")
    started = clock.today() - timedelta(days=20)
    created(
        amara.post(
            "/api/plan-episodes",
            json={
                "family_id": okoro["family"],
                "person_id": okoro["Sam"],
                "plan_type": "child_protection",
                "cp_category": "NEG",
                "started_on": started.isoformat(),
            },
        )
    )
    with app.app_context():
        [due] = child_dues()
        assert (str(due.person_id), due.template_key) == (okoro["Sam"], "statutory_visit")
        assert due.due == add_interval(started, TEN)
    visit(amara, okoro, 30, seen=True)  # before the plan: does not count
    visit(amara, okoro, 8, seen=True)
    visit(amara, okoro, 2, seen=False)  # Sam was there but not seen: does not count
    with app.app_context():
        [due] = child_dues()
        assert due.due == add_interval(clock.today() - timedelta(days=8), TEN)


def test_a_checklist_is_due_when_its_childs_visit_was_due(app, practice, okoro, make_client):
    amara = make_client("amara")
    started = clock.today() - timedelta(days=40)
    created(
        amara.post(
            "/api/plan-episodes",
            json={
                "family_id": okoro["family"],
                "person_id": okoro["Sam"],
                "plan_type": "child_protection",
                "cp_category": "EMO",
                "started_on": started.isoformat(),
            },
        )
    )
    visit(amara, okoro, 25, seen=True)
    latest = visit(amara, okoro, 1, seen=True)
    checklist = created(
        amara.post(
            "/api/checklists",
            json={
                "family_id": okoro["family"],
                "template_id": practice["id"],
                "interaction_id": latest["id"],
                "completed_on": (clock.today() - timedelta(days=1)).isoformat(),
            },
        )
    )
    # Measured against the visit before it, not against itself.
    assert checklist["due_on"] == add_interval(clock.today() - timedelta(days=25), TEN).isoformat()
    assert checklist["timeliness"] == "late"


def test_a_template_says_which_plans_it_applies_to_in_known_codes(make_user, make_client):
    make_user("admin", username="root", team=None)
    admin = make_client("root")
    timescale = {**CP_VISIT_TEMPLATE["timescale"], "applies_to": ["child_protection", "fostered"]}
    response = admin.post(
        "/api/checklist-templates", json={**CP_VISIT_TEMPLATE, "timescale": timescale}
    )
    assert response.status_code == 422
    assert "applies_to" in response.json["errors"]["timescale"]
    looked_after = {
        **CP_VISIT_TEMPLATE,
        "timescale": {
            "applies_to": ["looked_after"],
            "counts_from": "placement_start",
            "first_within": {"count": 1, "unit": "weeks"},
            "every": {"count": 6, "unit": "weeks"},
            "long_term": {
                "after": {"count": 12, "unit": "months"},
                "every": {"count": 3, "unit": "months"},
                "placement_types": ["U1", "U4"],
            },
        },
    }
    published = created(admin.post("/api/checklist-templates", json=looked_after))
    assert published["timescale"]["long_term"]["placement_types"] == ["U1", "U4"]
