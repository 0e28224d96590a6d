"""Children's plan episodes through the API and sync: what each plan records, how it ends."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from server import clock
from server.domain.errors import RecordEnded
from server.extensions import db
from server.persistence import PlanEpisode
from tests.sync.devices import device

from .casework import created


def days_ago(days: int) -> str:
    return (clock.today() - timedelta(days=days)).isoformat()


def start(client, okoro, **fields):
    return client.post(
        "/api/plan-episodes",
        json={"family_id": okoro["family"], "person_id": okoro["Sam"], **fields},
    )


def test_a_child_protection_plan_records_its_category(okoro, make_client):
    amara = make_client("amara")
    plan = created(
        start(amara, okoro, plan_type="child_protection", cp_category="NEG", started_on=days_ago(3))
    )
    assert plan["plan_type"] == "child_protection"
    assert plan["cp_category"] == "NEG"
    assert plan["ended_on"] is None
    listed = amara.get(f"/api/plan-episodes?person_id={okoro['Sam']}").json
    assert [item["id"] for item in listed["items"]] == [plan["id"]]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"plan_type": "child_protection"},
            "cp_category",
            "Choose the category of the child protection plan.",
        ),
        ({"plan_type": "looked_after"}, "legal_status", "Choose the child's legal status."),
        (
            {"plan_type": "child_in_need", "placement_type": "U4"},
            "placement_type",
            "Only a looked after child's episode has this.",
        ),
        (
            {"plan_type": "early_help", "cp_category": "EMO"},
            "cp_category",
            "Only a child protection plan has this.",
        ),
        ({"plan_type": "child_protection", "cp_category": "XYZ"}, "cp_category", None),
        ({"plan_type": "looked_after", "legal_status": "Q9"}, "legal_status", None),
    ],
)
def test_each_kind_of_plan_has_only_its_own_fields(okoro, make_client, fields, field, message):
    response = start(make_client("amara"), okoro, started_on=days_ago(1), **fields)
    assert response.status_code == 422, response.json
    errors = response.json["errors"][field]
    if message is not None:
        assert errors == [message]


def test_dates_must_be_real_ones(okoro, make_client):
    amara = make_client("amara")
    future = (clock.today() + timedelta(days=1)).isoformat()
    response = start(amara, okoro, plan_type="early_help", started_on=future)
    assert response.status_code == 422
    assert response.json["errors"]["started_on"] == ["A plan cannot start in the future."]
    response = start(
        amara,
        okoro,
        plan_type="early_help",
        started_on=days_ago(5),
        ended_on=days_ago(6),
        end_reason="aims_met",
    )
    assert response.json["errors"]["ended_on"] == ["A plan cannot end before it starts."]


def test_plans_are_for_children(okoro, make_client):
    response = make_client("amara").post(
        "/api/plan-episodes",
        json={
            "family_id": okoro["family"],
            "person_id": okoro["Alex"],
            "plan_type": "early_help",
            "started_on": days_ago(1),
        },
    )
    assert response.status_code == 422
    assert response.json["errors"]["person_id"] == ["Plans are for children only."]


def test_a_child_has_one_plan_at_a_time(okoro, make_client):
    amara = make_client("amara")
    created(start(amara, okoro, plan_type="child_in_need", started_on=days_ago(30)))
    response = start(
        amara, okoro, plan_type="child_protection", cp_category="MUL", started_on=days_ago(1)
    )
    assert response.status_code == 409
    assert response.json["message"] == (
        "This child already has a plan. End it before starting the next one."
    )


def test_an_ended_plan_is_frozen_and_corrected_by_amendment(okoro, make_client):
    amara = make_client("amara")
    plan = created(start(amara, okoro, plan_type="child_in_need", started_on=days_ago(30)))
    without_reason = amara.patch(
        f"/api/plan-episodes/{plan['id']}", json={"base_version": 1, "ended_on": days_ago(0)}
    )
    assert without_reason.status_code == 422
    assert without_reason.json["errors"]["end_reason"] == ["Say why the plan ended."]
    ended = amara.patch(
        f"/api/plan-episodes/{plan['id']}",
        json={"base_version": 1, "ended_on": days_ago(0), "end_reason": "stepped_down"},
    )
    assert ended.status_code == 200, ended.json
    again = amara.patch(
        f"/api/plan-episodes/{plan['id']}", json={"base_version": 2, "end_reason": "aims_met"}
    )
    assert again.status_code == 409
    assert again.json["code"] == "record_ended"
    assert amara.delete(f"/api/plan-episodes/{plan['id']}").status_code == 409
    history = amara.get(f"/api/plan-episodes/{plan['id']}/history").json
    assert history[-1]["changes"]["end_reason"] == {"old": None, "new": "stepped_down"}

    bad = amara.post(
        f"/api/plan-episodes/{plan['id']}/amendments",
        json={"reason": "Typed the wrong date", "changes": {"started_on": "last March"}},
    )
    assert bad.status_code == 422
    assert bad.json["errors"]["changes"] == {
        "started_on": ["Give the corrected date as YYYY-MM-DD."]
    }
    amendment = created(
        amara.post(
            f"/api/plan-episodes/{plan['id']}/amendments",
            json={"reason": "Typed the wrong date", "changes": {"started_on": days_ago(31)}},
        )
    )
    assert amendment["target_kind"] == "plan_episode"
    assert amara.get(f"/api/plan-episodes/{plan['id']}").json["started_on"] == days_ago(30)


def test_a_running_plan_is_changed_not_amended_and_its_type_stays(okoro, make_client):
    amara = make_client("amara")
    plan = created(
        start(amara, okoro, plan_type="child_protection", cp_category="NEG", started_on=days_ago(9))
    )
    amend = amara.post(
        f"/api/plan-episodes/{plan['id']}/amendments",
        json={"reason": "x", "changes": {"cp_category": "EMO"}},
    )
    assert amend.status_code == 409
    retype = amara.patch(
        f"/api/plan-episodes/{plan['id']}", json={"base_version": 1, "plan_type": "early_help"}
    )
    assert retype.status_code == 422
    changed = amara.patch(
        f"/api/plan-episodes/{plan['id']}", json={"base_version": 1, "cp_category": "MUL"}
    )
    assert changed.status_code == 200
    assert changed.json["cp_category"] == "MUL"


def test_the_database_refuses_to_change_an_ended_plan(okoro, make_client, app):
    amara = make_client("amara")
    plan = created(
        start(
            amara,
            okoro,
            plan_type="early_help",
            started_on=days_ago(20),
            ended_on=days_ago(2),
            end_reason="aims_met",
        )
    )
    with app.app_context():
        episode = db.session.get(PlanEpisode, uuid.UUID(plan["id"]))
        assert episode is not None
        episode.end_reason = "other"
        with pytest.raises(RecordEnded):
            db.session.flush()
        db.session.rollback()


def test_plans_are_made_and_ended_offline_and_sync(app, okoro):
    phone = device(app, "amara")
    phone.pull()
    first = phone.create(
        "plan_episode",
        {
            "family_id": okoro["family"],
            "person_id": okoro["Sam"],
            "plan_type": "child_in_need",
            "started_on": days_ago(60),
        },
    )
    assert [r["status"] for r in phone.push()] == ["applied"]
    # Offline: the plan steps up to child protection, in one batch.
    phone.update("plan_episode", first, {"ended_on": days_ago(0), "end_reason": "stepped_up"})
    second = phone.create(
        "plan_episode",
        {
            "family_id": okoro["family"],
            "person_id": okoro["Sam"],
            "plan_type": "child_protection",
            "cp_category": "PHY",
            "started_on": days_ago(0),
        },
    )
    assert [r["status"] for r in phone.push()] == ["applied", "applied"]
    tablet = device(app, "amara")
    tablet.pull()
    assert tablet.get("plan_episode", first)["end_reason"] == "stepped_up"
    assert tablet.get("plan_episode", second)["cp_category"] == "PHY"
    # A change to the ended plan is refused, and says what to do instead.
    tablet.update("plan_episode", first, {"end_reason": "aims_met"})
    [result] = tablet.push()
    assert result["status"] == "rejected"
    assert result["reason"] == "signed"
    assert result["message"] == (
        "This plan has ended and cannot be changed. Add an amendment instead."
    )


def test_a_plan_made_and_stepped_down_in_one_offline_batch_syncs(app, okoro):
    phone = device(app, "amara")
    phone.pull()
    # All offline, so one batch: the plan starts, ends the same day, and the next begins.
    first = phone.create(
        "plan_episode",
        {
            "family_id": okoro["family"],
            "person_id": okoro["Sam"],
            "plan_type": "child_protection",
            "cp_category": "NEG",
            "started_on": days_ago(0),
        },
    )
    phone.update("plan_episode", first, {"ended_on": days_ago(0), "end_reason": "stepped_down"})
    second = phone.create(
        "plan_episode",
        {
            "family_id": okoro["family"],
            "person_id": okoro["Sam"],
            "plan_type": "child_in_need",
            "started_on": days_ago(0),
        },
    )
    assert [r["status"] for r in phone.push()] == ["applied", "applied", "applied"]
    tablet = device(app, "amara")
    tablet.pull()
    assert tablet.get("plan_episode", first)["end_reason"] == "stepped_down"
    assert tablet.get("plan_episode", second)["ended_on"] is None
