"""Retention over the API: the schedule, legal holds, the dry run, and pulls after deletion."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.jobs.retention import delete_records_past_retention
from server.persistence import AuditEvent, Family, Person

NAME = "Hollingsworth"


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(datetime(2026, 12, 6, 10, 0, tzinfo=UTC))


@pytest.fixture
def people(make_user, make_client, make_family):
    make_user("admin", username="root", team=None)
    make_user("practice_lead", username="lena", team=None)
    amara = make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    return {
        "amara": amara,
        "family": make_family(team_of=amara, worker=amara, name=NAME),
        "admin": make_client("root"),
        "lead": make_client("lena"),
        "worker": make_client("amara"),
        "supervisor": make_client("hannah"),
    }


def _close(app, family_id: uuid.UUID, closed_on: date, born: date) -> None:
    with app.app_context():
        family = db.session.get(Family, family_id)
        family.status, family.closed_on = "closed", closed_on
        db.session.execute(
            sa.update(Person)
            .where(Person.family_name == family.display_name)
            .values(date_of_birth=born)
        )
        db.session.commit()


def test_an_admin_reads_the_schedule_and_others_may_not(people):
    schedule = people["admin"].get("/api/retention/schedule").json["schedule"]
    assert schedule["case_records"]["default"]["until_birthday"] == 25
    assert schedule["case_records"]["looked_after"]["until_birthday"] == 75
    assert {line["record"] for line in schedule["lines"]} >= {"audit_event", "record_history"}
    assert people["lead"].get("/api/retention/schedule").status_code == 200
    assert people["worker"].get("/api/retention/schedule").status_code == 403
    assert people["supervisor"].get("/api/retention/dry-run?on=2030-01-01").status_code == 403


def test_a_hold_is_set_listed_and_lifted_with_reasons_and_audited(app, people):
    family_id = str(people["family"].id)
    admin = people["admin"]
    response = admin.post(
        "/api/retention/holds", json={"family_id": family_id, "reason": "Care proceedings"}
    )
    assert response.status_code == 201, response.json
    hold = response.json
    assert (hold["family_id"], hold["lifted_at"]) == (family_id, None)
    again = admin.post("/api/retention/holds", json={"family_id": family_id, "reason": "Again"})
    assert again.status_code == 409
    assert "family_id" in again.json["errors"]
    assert [h["id"] for h in people["lead"].get("/api/retention/holds").json["items"]] == [
        hold["id"]
    ]
    lifted = people["lead"].post(
        f"/api/retention/holds/{hold['id']}/lift", json={"reason": "Proceedings concluded"}
    )
    assert lifted.status_code == 200
    assert lifted.json["lift_reason"] == "Proceedings concluded"
    assert admin.get("/api/retention/holds").json["items"] == []
    assert len(admin.get("/api/retention/holds?show=all").json["items"]) == 1
    twice = admin.post(f"/api/retention/holds/{hold['id']}/lift", json={"reason": "Again"})
    assert twice.status_code == 409
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.entity == "legal_hold").order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == ["hold", "lift_hold"]
        # The reason may name people: the audit keeps the hold's id, not its words.
        assert all(e.detail == {} and e.record_id == uuid.UUID(hold["id"]) for e in events)


def test_holds_are_for_the_admin_and_practice_lead_only_and_need_a_reason(people):
    family_id = str(people["family"].id)
    refused = people["supervisor"].post(
        "/api/retention/holds", json={"family_id": family_id, "reason": "Mine"}
    )
    assert refused.status_code == 403
    blank = people["admin"].post(
        "/api/retention/holds", json={"family_id": family_id, "reason": " "}
    )
    assert blank.status_code == 422
    assert "reason" in blank.json["errors"]
    missing = people["admin"].post("/api/retention/holds", json={"family_id": "nope"})
    assert missing.status_code == 422
    assert set(missing.json["errors"]) >= {"family_id", "reason"}
    unknown = people["admin"].post(
        "/api/retention/holds", json={"family_id": str(uuid.uuid4()), "reason": "Inquiry"}
    )
    assert unknown.status_code == 404
    lift = people["admin"].post(f"/api/retention/holds/{uuid.uuid4()}/lift", json={"reason": "x"})
    assert lift.status_code == 404


def test_the_dry_run_counts_what_would_go_on_a_day_and_what_a_hold_keeps(app, people):
    _close(app, people["family"].id, date(2010, 4, 1), born=date(2001, 9, 1))
    admin = people["admin"]
    # The child's 25th birthday is 1 September 2026; 8 years after closing has long passed.
    before = admin.get("/api/retention/dry-run?on=2026-09-01").json
    assert before["families"] == 0
    after = admin.get("/api/retention/dry-run?on=2026-09-02").json
    assert after["families"] == 1
    assert after["by_rule"] == {"default": 1, "looked_after": 0}
    assert after["rows"]["membership"] == 2 and after["rows"]["person"] == 2
    assert NAME not in str(after)
    admin.post(
        "/api/retention/holds", json={"family_id": str(people["family"].id), "reason": "Inquiry"}
    )
    held = admin.get("/api/retention/dry-run?on=2026-09-02").json
    assert (held["families"], held["held"]) == (0, 1)
    for bad in ("", "?on=someday", "?on=1066-10-14", "?on=2026-09-02&extra=1"):
        response = admin.get(f"/api/retention/dry-run{bad}")
        assert response.status_code == 422, bad
        assert response.json["errors"]


def test_a_family_deleted_by_retention_never_reappears_in_a_pull(
    app, people, make_family, make_client
):
    amara = people["amara"]
    still_open = make_family(team_of=amara, worker=amara, name="Ashdown")

    def pull(device, cursor=None) -> dict:
        return device.post(
            "/api/sync/pull",
            json={"device_id": str(device.device_id), "cursor": cursor, "limit": 500},
        ).json

    def carrying_data(page: dict) -> set[str]:
        return {change["id"] for change in page["changes"] if change.get("data") is not None}

    phone = people["worker"]
    first = pull(phone)
    gone = str(people["family"].id)
    assert {gone, str(still_open.id)} <= carrying_data(first)
    with app.app_context():
        gone_ids = {
            str(i)
            for i in db.session.scalars(sa.select(Person.id).where(Person.family_name == NAME))
        } | {gone}
    _close(app, people["family"].id, date(2010, 4, 1), born=date(1990, 1, 1))
    with app.app_context():
        assert delete_records_past_retention() == 1
    # A new device gets nothing of it, not even its id.
    fresh = pull(make_client("amara"))
    assert str(still_open.id) in carrying_data(fresh)
    assert not {change["id"] for change in fresh["changes"]} & gone_ids
    # The device that had it, pulling on from where it was, is never sent its records again.
    onwards = pull(phone, first["cursor"])
    assert not carrying_data(onwards) & gone_ids
    assert {"entity": "family", "op": "evict", "id": gone} in [
        {key: change[key] for key in ("entity", "op", "id")} for change in onwards["changes"]
    ]
