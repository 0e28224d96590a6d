"""A looked-after child's placement address: who sees it, and where it never goes."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.persistence import Assignment, AuditEvent, User
from tests.sync.devices import device

from .casework import created
from .test_subject_access import export_bundle

ADDRESS = {"line1": "14 Kittiwake Row", "line2": None, "town": "Eastmoor", "postcode": "EM4 7QT"}


@pytest.fixture
def placed(okoro, make_user, make_client, app):
    """Sam Okoro is looked after; Ben works with the family but is not its allocated worker."""
    make_user("admin", username="root", team=None)
    ben = make_user("caseworker", username="ben")
    make_user("supervisor", team="South", username="south.sup")
    with app.app_context():
        db.session.add(
            Assignment(
                family_id=uuid.UUID(okoro["family"]),
                worker_id=ben.id,
                role="family_support_worker",
                started_on=clock.today(),
            )
        )
        db.session.commit()
    episode = created(
        make_client("amara").post(
            "/api/plan-episodes",
            json={
                "family_id": okoro["family"],
                "person_id": okoro["Sam"],
                "plan_type": "looked_after",
                "legal_status": "C2",
                "placement_type": "U4",
                "placement_started_on": (clock.today() - timedelta(days=3)).isoformat(),
                "started_on": (clock.today() - timedelta(days=3)).isoformat(),
            },
        )
    )
    return {**okoro, "episode": episode["id"]}


def url(placed):
    return f"/api/plan-episodes/{placed['episode']}/placement-address"


def test_the_allocated_worker_and_the_teams_supervisors_see_the_address(placed, make_client, app):
    amara = make_client("amara")
    assert amara.get(url(placed)).json["address"] is None
    recorded = created(amara.post(url(placed), json=ADDRESS))
    assert recorded["address"] == ADDRESS
    assert make_client("hannah").get(url(placed)).json["address"] == ADDRESS
    moved = {**ADDRESS, "line1": "2 Fulmar Close"}
    created(make_client("hannah").post(url(placed), json=moved))
    assert amara.get(url(placed)).json["address"]["line1"] == "2 Fulmar Close"
    with app.app_context():
        reads = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.entity == "placement_address", AuditEvent.action == "read"
            )
        ).all()
        readers = {db.session.get(User, event.user_id).username for event in reads}
    assert readers == {"amara", "hannah"}


def test_no_one_else_sees_it_even_inside_the_family(placed, make_client):
    created(make_client("amara").post(url(placed), json=ADDRESS))
    ben = make_client("ben")
    assert ben.get(f"/api/plan-episodes/{placed['episode']}").status_code == 200
    refused = ben.get(url(placed))
    assert refused.status_code == 403
    assert "14 Kittiwake" not in refused.get_data(as_text=True)
    assert ben.post(url(placed), json=ADDRESS).status_code == 403
    assert make_client("south.sup").get(url(placed)).status_code == 404
    bad = make_client("amara").post(url(placed), json={"town": "Eastmoor"})
    assert bad.status_code == 422
    assert "line1" in bad.json["errors"]


def test_only_a_looked_after_childs_plan_has_one(okoro, make_client):
    amara = make_client("amara")
    plan = created(
        amara.post(
            "/api/plan-episodes",
            json={
                "family_id": okoro["family"],
                "person_id": okoro["Sam"],
                "plan_type": "child_in_need",
                "started_on": clock.today().isoformat(),
            },
        )
    )
    response = amara.get(f"/api/plan-episodes/{plan['id']}/placement-address")
    assert response.status_code == 409


def test_the_address_never_reaches_a_device_or_a_subject_access_bundle(placed, make_client, app):
    created(make_client("amara").post(url(placed), json=ADDRESS))
    for username in ("amara", "hannah"):
        phone = device(app, username)
        phone.pull()
        assert phone.get("plan_episode", placed["episode"])["placement_type"] == "U4"
        assert "Kittiwake" not in json.dumps(phone.store.to_json())
    _, archive = export_bundle(app, make_client("root"), placed["Sam"])
    assert [e["id"] for e in json.loads(archive.read("plan_episode.json"))["records"]] == [
        placed["episode"]
    ]
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert "Kittiwake" not in everything and "EM4 7QT" not in everything
