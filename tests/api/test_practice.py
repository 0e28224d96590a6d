"""The decision policy: practice leads publish versions, each with a reason; everyone reads it."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from server import clock
from server.domain.bank_holidays import bank_holiday_table
from server.extensions import db
from server.persistence import AuditEvent
from tests.api.casework import POLICY, VISIT_TEMPLATE, publish_practice_settings


def test_each_publication_is_a_new_version_and_the_history_keeps_them_all(make_user, make_client):
    root = make_user("practice_lead", username="lead", team=None, display_name="Pat Lead")
    make_user("caseworker", username="amara")
    lead = make_client("lead")
    assert lead.get("/api/decision-policy").json["version"] == 0
    assert lead.post("/api/decision-policy", json=POLICY).json["version"] == 1
    red = {"key": "leave_child_home_alone", "label": "Leave a child at home alone", "light": "red"}
    second = lead.post(
        "/api/decision-policy",
        json={
            "categories": [*POLICY["categories"], red],
            "reason": "Leaving a child alone is red.",
        },
    )
    assert second.status_code == 201 and second.json["version"] == 2

    worker = make_client("amara")
    assert worker.get("/api/decision-policy").json["categories"][-1] == red
    versions = worker.get("/api/decision-policy/versions")
    assert versions.status_code == 200
    assert [(v["version"], len(v["categories"])) for v in versions.json] == [(2, 4), (1, 3)]
    assert {v["created_by_id"] for v in versions.json} == {str(root.id)}
    assert {v["created_by_name"] for v in versions.json} == {"Pat Lead"}


def test_only_a_practice_lead_publishes_and_a_bad_policy_is_refused_field_by_field(
    make_user, make_client
):
    make_user("practice_lead", username="lead", team=None)
    make_user("admin", username="root", team=None)
    make_user("supervisor", username="hannah")
    assert make_client("hannah").post("/api/decision-policy", json=POLICY).status_code == 403
    # The admin runs the service; the lights are a practice lead's to set.
    assert make_client("root").post("/api/decision-policy", json=POLICY).status_code == 403
    refused = make_client("lead").post(
        "/api/decision-policy",
        json={"categories": [{"key": "Bad key", "label": "", "light": "blue"}], "reason": "Why"},
    )
    assert refused.status_code == 422
    fields = refused.json["errors"]["categories"]["0"]
    assert set(fields) == {"key", "label", "light"}
    assert make_client("root").get("/api/decision-policy/versions").json == []


def test_the_policy_history_needs_a_session(make_client):
    assert make_client().get("/api/decision-policy/versions").status_code == 401


def test_a_template_item_says_which_visit_answer_fills_it(make_user, make_client):
    make_user("admin", username="root", team=None)
    make_user("caseworker", username="amara")
    admin = make_client("root")
    template = publish_practice_settings(admin)
    assert [item.get("from_visit") for item in template["items"]] == [
        "child_seen",
        "child_seen_alone",
        None,
    ]
    listed = make_client("amara").get("/api/checklist-templates").json
    assert [item.get("from_visit") for item in listed[0]["items"]][:2] == [
        "child_seen",
        "child_seen_alone",
    ]
    # An item answered from the visit is asked of each child; the others once, unless they say so.
    assert [item["per_child"] for item in template["items"]] == [True, True, False]
    views = {
        **VISIT_TEMPLATE,
        "key": "views",
        "items": [
            {"key": "views", "label": "Wishes and feelings", "from_visit": "child_spoken_to"},
            {"key": "voice", "label": "Child's voice recorded", "per_child": True},
        ],
    }
    published = admin.post("/api/checklist-templates", json=views)
    assert published.status_code == 201, published.json
    assert [(i.get("from_visit"), i["per_child"]) for i in published.json["items"]] == [
        ("child_spoken_to", True),
        (None, True),
    ]
    bad = {**VISIT_TEMPLATE, "items": [{"key": "bedroom", "label": "Bedroom", "from_visit": "x"}]}
    refused = admin.post("/api/checklist-templates", json=bad)
    assert refused.status_code == 422
    assert "from_visit" in refused.json["errors"]["items"]["0"]


def test_the_app_gets_the_bank_holidays_it_counts_working_days_by(make_user, make_client):
    make_user("caseworker", username="amara")
    assert make_client().get("/api/bank-holidays").status_code == 401
    table = make_client("amara").get("/api/bank-holidays")
    assert table.status_code == 200
    year = clock.today().year
    assert (table.json["first_year"], table.json["last_year"]) == (year - 10, year + 10)
    days = [date.fromisoformat(day) for day in table.json["days"]]
    assert days == bank_holiday_table(year - 10, year + 10)
    assert {days[0].year, days[-1].year} == {year - 10, year + 10}
    assert date(2023, 5, 8) in days  # the coronation: one list on both sides, one-offs too


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (None, "Enter why you are changing the policy"),
        ("   ", "Enter why you are changing the policy"),
        ("x" * 2001, "The reason must be 2000 characters or fewer"),
    ],
)
def test_publishing_needs_a_reason_refused_on_its_field(make_user, make_client, reason, message):
    make_user("practice_lead", username="lead", team=None)
    body = {"categories": POLICY["categories"]}
    if reason is not None:
        body["reason"] = reason
    refused = make_client("lead").post("/api/decision-policy", json=body)
    assert refused.status_code == 422
    assert refused.json["errors"] == {"reason": [message]}
    assert make_client("lead").get("/api/decision-policy/versions").json == []


def test_the_reason_is_kept_with_the_version_and_in_the_audit_log(app, make_user, make_client):
    make_user("practice_lead", username="lead", team=None)
    make_user("supervisor", username="hannah")
    published = make_client("lead").post(
        "/api/decision-policy", json={**POLICY, "reason": "  Agreed at the practice board.  "}
    )
    assert published.status_code == 201
    assert published.json["reason"] == "Agreed at the practice board."
    # A supervisor reads the policy in force and its history, with the reason.
    supervisor = make_client("hannah")
    current = supervisor.get("/api/decision-policy")
    assert current.status_code == 200
    assert (current.json["version"], current.json["reason"]) == (1, "Agreed at the practice board.")
    [version] = supervisor.get("/api/decision-policy/versions").json
    assert version["reason"] == "Agreed at the practice board."
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.entity == "decision_policy")
        ).one()
        assert event.action == "create"
        assert event.detail == {
            "version": 1,
            "reason": "Agreed at the practice board.",
            "suggestion_id": None,
        }
