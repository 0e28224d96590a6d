"""Checklist answers about children are per child: made, refused, synced and counted."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from server import clock
from server.domain.timescales import Interval, Unit, add_interval
from server.extensions import db
from server.persistence import ChecklistItem, User
from server.services.case_records import checklist_item_id
from server.services.statutory import child_dues
from tests.sync.devices import device

from .casework import created
from .test_statutory_dues import CP_VISIT_TEMPLATE

TEN = Interval(10, Unit.WORKING_DAYS)
# A visit template with an item about each child answered from "Who was there",
# one about each child the worker answers, and one for the visit.
TEMPLATE = {
    **CP_VISIT_TEMPLATE,
    "items": [
        {"key": "child_seen", "label": "Child seen", "from_visit": "child_seen"},
        {"key": "child_seen_alone", "label": "Child seen alone", "from_visit": "child_seen_alone"},
        {"key": "views", "label": "Child's wishes and feelings recorded", "per_child": True},
        {"key": "bedroom_seen", "label": "Bedroom seen"},
    ],
}


@pytest.fixture
def practice(make_user, make_client):
    make_user("admin", username="root", team=None)
    return created(make_client("root").post("/api/checklist-templates", json=TEMPLATE))


def on_a_plan(client: Any, okoro: dict[str, str], days_ago: int) -> None:
    created(
        client.post(
            "/api/plan-episodes",
            json={
                "family_id": okoro["family"],
                "person_id": okoro["Sam"],
                "plan_type": "child_protection",
                "cp_category": "NEG",
                "started_on": (clock.today() - timedelta(days=days_ago)).isoformat(),
            },
        )
    )


def visit(client: Any, okoro: dict[str, str], days_ago: int, **sam: bool) -> dict[str, Any]:
    moment = datetime.combine(
        clock.today() - timedelta(days=days_ago), time(11, 0), clock.COUNCIL_ZONE
    )
    return created(
        client.post(
            "/api/interactions",
            json={
                "family_id": okoro["family"],
                "occurred_at": moment.isoformat(),
                "mode": "home_visit",
                "purpose": "statutory_visit",
                "participants": [{"person_id": okoro["Sam"], "present": True, **sam}],
            },
        )
    )


def checklist_for(client: Any, okoro: dict[str, str], template: dict[str, Any], **extra: Any):
    return client.post(
        "/api/checklists",
        json={"family_id": okoro["family"], "template_id": template["id"], **extra},
    )


def answer(client: Any, checklist: dict[str, Any], key: str, child: str | None, value: str):
    item_id = checklist_item_id(uuid.UUID(checklist["id"]), key, child)
    response = client.patch(
        f"/api/checklist-items/{item_id}", json={"base_version": 1, "answer": value}
    )
    assert response.status_code == 200, response.json
    return response.json


def test_items_about_children_are_made_once_for_each_child_named(practice, okoro, make_client):
    amara = make_client("amara")
    checklist = created(checklist_for(amara, okoro, practice, child_ids=[okoro["Sam"]]))
    assert checklist["child_ids"] == [okoro["Sam"]]
    items = amara.get(f"/api/checklist-items?checklist_id={checklist['id']}").json["items"]
    made = {(item["item_key"], item["child_id"], item["from_visit"]) for item in items}
    assert made == {
        ("child_seen", okoro["Sam"], "child_seen"),
        ("child_seen_alone", okoro["Sam"], "child_seen_alone"),
        ("views", okoro["Sam"], None),
        ("bedroom_seen", None, None),
    }
    for item in items:
        expected = checklist_item_id(uuid.UUID(checklist["id"]), item["item_key"], item["child_id"])
        assert item["id"] == str(expected)
    # Named by key and child, so a device offline knows the id: "child_seen/<Sam's id>".
    assert checklist_item_id(uuid.UUID(checklist["id"]), "child_seen", okoro["Sam"]) == uuid.uuid5(
        uuid.UUID(checklist["id"]), f"child_seen/{okoro['Sam']}"
    )
    assert answer(amara, checklist, "child_seen_alone", okoro["Sam"], "yes")["answer"] == "yes"


def test_a_checklist_naming_no_child_answers_for_the_family_as_before(practice, okoro, make_client):
    amara = make_client("amara")
    checklist = created(checklist_for(amara, okoro, practice))
    assert checklist["child_ids"] == []
    items = amara.get(f"/api/checklist-items?checklist_id={checklist['id']}").json["items"]
    assert sorted((item["item_key"], item["child_id"]) for item in items) == [
        ("bedroom_seen", None),
        ("child_seen", None),
        ("child_seen_alone", None),
        ("views", None),
    ]
    for item in items:
        assert item["id"] == str(checklist_item_id(uuid.UUID(checklist["id"]), item["item_key"]))


def test_a_checklist_refuses_children_it_cannot_ask_about(
    app, practice, okoro, make_client, make_family
):
    amara = make_client("amara")
    singh = another_family(app, make_family)
    [other] = [
        person["id"]
        for person in amara.get(f"/api/people?family_id={singh}").json["items"]
        if person["is_child"]
    ]
    stranger = str(uuid.uuid4())
    refused = checklist_for(
        amara,
        okoro,
        practice,
        child_ids=[okoro["Sam"], stranger, okoro["Alex"], other, okoro["Sam"]],
    )
    assert refused.status_code == 422
    assert refused.json["errors"] == {
        "child_ids.1": ["This child is not in the family."],
        "child_ids.2": ["Only children are asked about by name."],
        "child_ids.3": ["This child is not in the family."],
        "child_ids.4": ["This child is already on the checklist."],
    }
    not_an_id = checklist_for(amara, okoro, practice, child_ids=["Sam"])
    assert not_an_id.status_code == 422
    assert "child_ids" in not_an_id.json["errors"]
    # The children make the items: they are chosen once, when the checklist is made.
    checklist = created(checklist_for(amara, okoro, practice, child_ids=[okoro["Sam"]]))
    changed = amara.patch(
        f"/api/checklists/{checklist['id']}", json={"base_version": 1, "child_ids": []}
    )
    assert changed.status_code == 422 and "child_ids" in changed.json["errors"]


def another_family(app: Any, make_family: Any) -> str:
    """Return the id of another family of the same worker, with its own child."""
    with app.app_context():
        amara = db.session.scalar(sa.select(User).where(User.username == "amara"))
        assert amara is not None
        db.session.expunge(amara)
    return str(make_family(team_of=amara, worker=amara, name="Singh").id)


def test_a_childs_own_answer_says_whether_the_visit_saw_them(app, practice, okoro, make_client):
    amara = make_client("amara")
    on_a_plan(amara, okoro, 40)
    # "Who was there" left Sam unticked, but the worker's answer for Sam says seen alone.
    earlier = visit(amara, okoro, 20)
    first = created(
        checklist_for(
            amara, okoro, practice, child_ids=[okoro["Sam"]], interaction_id=earlier["id"]
        )
    )
    answer(amara, first, "child_seen_alone", okoro["Sam"], "yes")
    # Ticked as seen, but the answer for Sam says no: the visit does not count for Sam.
    later = visit(amara, okoro, 5, seen=True)
    second = created(
        checklist_for(amara, okoro, practice, child_ids=[okoro["Sam"]], interaction_id=later["id"])
    )
    answer(amara, second, "child_seen", okoro["Sam"], "no")
    with app.app_context():
        [due] = child_dues()
    assert due.due == add_interval(clock.today() - timedelta(days=20), TEN)

    # An answer for the whole family (a checklist from before answers were per
    # child) says nothing of one child: "Who was there" decides.
    latest = visit(amara, okoro, 1, seen=True)
    family_level = created(checklist_for(amara, okoro, practice, interaction_id=latest["id"]))
    answer(amara, family_level, "child_seen", None, "no")
    with app.app_context():
        [due] = child_dues()
    assert due.due == add_interval(clock.today() - timedelta(days=1), TEN)


def test_a_checklist_and_its_answers_for_each_child_sync_from_a_device(
    app, practice, okoro, make_client
):
    phone = device(app, "amara")
    phone.pull()
    made = phone.create(
        "checklist",
        {"family_id": okoro["family"], "template_id": practice["id"], "child_ids": [okoro["Sam"]]},
    )
    item_id = str(checklist_item_id(uuid.UUID(made), "child_seen", okoro["Sam"]))
    phone.push()
    phone.pull()
    phone.update("checklist_item", item_id, {"answer": "yes", "reason": None})
    results = phone.push()
    assert {result["status"] for result in results} == {"applied"}
    with app.app_context():
        item = db.session.get(ChecklistItem, uuid.UUID(item_id))
        assert item is not None
        assert (str(item.child_id), item.answer) == (okoro["Sam"], "yes")
    # A device that names a child not in the family has it refused, with the field.
    phone.create(
        "checklist",
        {"family_id": okoro["family"], "template_id": practice["id"], "child_ids": [okoro["Alex"]]},
    )
    [refused] = phone.push()
    assert refused["status"] == "rejected"
    assert "child_ids.0" in refused["errors"]
