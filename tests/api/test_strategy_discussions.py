"""Strategy discussions: checked with field messages, scoped, signed then frozen, and timed.

The ICPC is due 15 working days after a strategy discussion that starts a
section 47 enquiry, counting the council's bank holidays.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.persistence import Family, StrategyDiscussion
from server.services.chronology import events_of, family_records, strategy_discussions
from server.services.strategy import s47_enquiries
from tests.sync.devices import device

from .casework import created

POLICE = {"name": "DC Rana Begum", "role": "Child abuse investigation", "agency": "police"}
SOCIAL_WORKER = {"name": "Amara Obi", "role": "Social worker", "agency": "childrens_social_care"}
HEALTH_VISITOR = {"name": "Joy Adeyemi", "role": "Health visitor", "agency": "health"}


def discussion(okoro: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "family_id": okoro["family"],
        "discussed_at": (clock.now() - timedelta(hours=2)).isoformat(),
        "participants": [POLICE, SOCIAL_WORKER, HEALTH_VISITOR],
        "child_ids": [okoro["Sam"]],
        "information_shared": "Sam told his teacher his father hit him; a bruise on his arm.",
        "decision": "joint_s47",
        **extra,
    }


@pytest.fixture
def amara(make_client, okoro):
    return make_client("amara")


def test_a_joint_enquiry_sets_its_icpc_due_past_christmas_and_boxing_day(make_client, okoro):
    # Thursday 17 December 2026: Christmas Day, the Boxing Day holiday on Monday
    # 28 December and New Year's Day fall inside the 15 working days.
    clock.freeze(datetime(2026, 12, 17, 16, 30, tzinfo=UTC))
    amara = make_client("amara")
    made = created(amara.post("/api/strategy-discussions", json=discussion(okoro)))
    assert made["s47_started_on"] == "2026-12-17"
    assert made["icpc_due_on"] == "2027-01-12"
    assert made["state"] == "draft" and made["icpc_held_on"] is None
    assert made["child_ids"] == [okoro["Sam"]]


def test_the_enquiry_starts_on_the_discussions_day_in_london(make_client, okoro):
    # 23:30 UTC on 29 March 2026 is 00:30 on the 30th in London (summer time).
    clock.freeze(datetime(2026, 3, 30, 9, tzinfo=UTC))
    amara = make_client("amara")
    late = datetime(2026, 3, 29, 23, 30, tzinfo=UTC).isoformat()
    made = created(
        amara.post("/api/strategy-discussions", json=discussion(okoro, discussed_at=late))
    )
    # Good Friday and Easter Monday 2026 are skipped.
    assert (made["s47_started_on"], made["icpc_due_on"]) == ("2026-03-30", "2026-04-22")


@pytest.mark.parametrize("decision", ["no_further_action", "section_17_assessment"])
def test_decisions_that_start_no_enquiry_have_no_icpc(amara, okoro, decision):
    made = created(
        amara.post("/api/strategy-discussions", json=discussion(okoro, decision=decision))
    )
    assert made["s47_started_on"] is None and made["icpc_due_on"] is None


def test_a_change_of_decision_while_a_draft_moves_the_dates(amara, okoro):
    made = created(
        amara.post(
            "/api/strategy-discussions", json=discussion(okoro, decision="no_further_action")
        )
    )
    changed = amara.patch(
        f"/api/strategy-discussions/{made['id']}",
        json={"base_version": 1, "decision": "single_agency_s47"},
    )
    assert changed.status_code == 200, changed.json
    assert (
        changed.json["s47_started_on"]
        == clock.council_date(datetime.fromisoformat(made["discussed_at"])).isoformat()
    )
    assert changed.json["icpc_due_on"] is not None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"decision": "see_what_happens"}, "decision", "Must be one of"),
        ({"participants": []}, "participants", "Add at least one person who took part."),
        ({"child_ids": []}, "child_ids", "Choose the children it was about."),
        (
            {"participants": [{**POLICE, "agency": "fire_service"}]},
            "participants",
            "Must be one of",
        ),
        ({"participants": [{"role": "Police", "agency": "police"}]}, "participants", "required"),
        ({"information_shared": ""}, "information_shared", "Length must be between 1"),
        ({"discussed_at": "2026-03-02T10:00:00"}, "discussed_at", "Not a valid aware datetime"),
        ({"discussed_at": "0001-01-01T00:00:00+00:00"}, "discussed_at", "from the year 2000"),
    ],
)
def test_bad_input_is_refused_with_a_message_on_its_field(amara, okoro, change, field, message):
    refused = amara.post("/api/strategy-discussions", json=discussion(okoro, **change))
    assert refused.status_code == 422, refused.json
    assert message.lower() in str(refused.json["errors"][field]).lower()


def test_children_must_be_children_of_the_family(amara, okoro, make_user, make_family):
    other = make_family(team_of=make_user("caseworker"), name="Other")
    with amara.client.application.app_context():
        from server.persistence import Membership

        stranger = db.session.scalar(
            sa.select(Membership.person_id).where(Membership.family_id == other.id)
        )
    refused = amara.post(
        "/api/strategy-discussions",
        json=discussion(
            okoro, child_ids=[okoro["Sam"], okoro["Alex"], str(stranger), okoro["Sam"]]
        ),
    )
    assert refused.status_code == 422
    assert refused.json["errors"] == {
        "child_ids.1": ["Only children are asked about by name."],
        "child_ids.2": ["This child is not in the family."],
        "child_ids.3": ["This child is already chosen."],
    }


def test_a_joint_enquiry_needs_the_police_and_times_cannot_be_ahead(amara, okoro):
    refused = amara.post(
        "/api/strategy-discussions",
        json=discussion(
            okoro,
            participants=[SOCIAL_WORKER],
            discussed_at=(clock.now() + timedelta(days=1)).isoformat(),
        ),
    )
    assert refused.status_code == 422
    assert refused.json["errors"] == {
        "participants": ["A joint enquiry with the police needs the police taking part."],
        "discussed_at": ["The discussion cannot be in the future."],
    }
    # The same people may decide a single-agency enquiry.
    alone = amara.post(
        "/api/strategy-discussions",
        json=discussion(okoro, participants=[SOCIAL_WORKER], decision="single_agency_s47"),
    )
    assert alone.status_code == 201, alone.json


def test_only_the_familys_team_sees_or_records_its_discussions(
    amara, okoro, make_user, make_client
):
    made = created(amara.post("/api/strategy-discussions", json=discussion(okoro)))
    make_user("caseworker", team="South", username="south.worker")
    outsider = make_client("south.worker")
    assert outsider.get(f"/api/strategy-discussions/{made['id']}").status_code == 404
    assert outsider.get("/api/strategy-discussions").json["total"] == 0
    refused = outsider.post("/api/strategy-discussions", json=discussion(okoro))
    assert refused.status_code == 404
    supervisor = make_client("hannah")
    listed = supervisor.get(f"/api/strategy-discussions?family_id={okoro['family']}").json
    assert [item["id"] for item in listed["items"]] == [made["id"]]


def test_signed_it_is_frozen_but_for_the_icpc_which_is_checked(make_client, okoro, app):
    clock.freeze(datetime(2026, 3, 20, 15, tzinfo=UTC))
    amara = make_client("amara")
    held_on_2_march = discussion(okoro, discussed_at="2026-03-02T15:00:00+00:00")
    made = created(amara.post("/api/strategy-discussions", json=held_on_2_march))
    signed = amara.post(f"/api/strategy-discussions/{made['id']}/sign")
    assert signed.status_code == 200 and signed.json["state"] == "signed"
    url = f"/api/strategy-discussions/{made['id']}"
    for change in ({"information_shared": "Rewritten"}, {"decision": "no_further_action"}):
        refused = amara.patch(url, json={"base_version": 2, **change})
        assert refused.status_code == 409 and refused.json["code"] == "record_signed"
    both = amara.patch(
        url, json={"base_version": 2, "icpc_held_on": "2026-03-20", "decision": "no_further_action"}
    )
    assert both.json["code"] == "record_signed"
    assert amara.delete(url).json["code"] == "record_signed"
    early = amara.patch(url, json={"base_version": 2, "icpc_held_on": "2026-03-01"})
    assert early.status_code == 422
    assert early.json["errors"] == {
        "icpc_held_on": ["The conference cannot be before the strategy discussion."]
    }
    ahead = amara.patch(url, json={"base_version": 2, "icpc_held_on": "9999-12-31"})
    assert ahead.json["errors"] == {"icpc_held_on": ["The conference cannot be in the future."]}
    held = amara.patch(url, json={"base_version": 2, "icpc_held_on": "2026-03-20"})
    assert held.status_code == 200, held.json
    assert (held.json["icpc_held_on"], held.json["icpc_due_on"]) == ("2026-03-20", "2026-03-23")
    # What was shared is corrected by an amendment; the original stays.
    amended = amara.post(
        f"{url}/amendments",
        json={"reason": "Wrong arm", "changes": {"information_shared": "A bruise on his leg."}},
    )
    assert amended.status_code == 201, amended.json
    wrong = amara.post(f"{url}/amendments", json={"reason": "x", "changes": {"decision": "nfa"}})
    assert wrong.status_code == 422
    assert amara.get(url).json["information_shared"].startswith("Sam told his teacher")
    with app.app_context():
        [enquiry] = s47_enquiries()
        assert (enquiry.started_on, enquiry.icpc_due_on, enquiry.icpc_held_on) == (
            date(2026, 3, 2),
            date(2026, 3, 23),
            date(2026, 3, 20),
        )
        assert not enquiry.icpc.late


def test_an_icpc_for_no_enquiry_is_refused(amara, okoro):
    refused = amara.post(
        "/api/strategy-discussions",
        json=discussion(
            okoro, decision="no_further_action", icpc_held_on=clock.today().isoformat()
        ),
    )
    assert refused.status_code == 422
    assert refused.json["errors"] == {
        "icpc_held_on": [
            "Only a section 47 enquiry leads to an initial child protection conference."
        ]
    }


def test_a_discussion_made_offline_syncs_with_its_device_times(app, okoro):
    clock.freeze(datetime(2026, 12, 18, 12, tzinfo=UTC))
    phone = device(app, "amara")
    phone.pull()
    written = datetime(2026, 12, 18, 11, 5, tzinfo=UTC)
    made = phone.create("strategy_discussion", discussion(okoro, discussed_at=written.isoformat()))
    phone.store.outbox[-1]["client_ts"] = written.isoformat()
    phone.sign("strategy_discussion", made)
    signed_at = written + timedelta(minutes=20)
    phone.store.outbox[-1]["client_ts"] = signed_at.isoformat()
    results = phone.push()
    assert {result["status"] for result in results} == {"applied"}, results
    phone.pull()
    synced = phone.get("strategy_discussion", made)
    assert synced is not None
    assert (synced["state"], synced["icpc_due_on"]) == ("signed", "2027-01-13")
    # What a court reads: when the worker wrote and signed it, by their device.
    assert datetime.fromisoformat(synced["device_written_at"]) == written
    assert datetime.fromisoformat(synced["device_signed_at"]) == signed_at
    # The ICPC, held weeks later, still syncs onto the signed record (the worker
    # signs in again by then).
    clock.freeze(datetime(2027, 1, 11, 17, tzinfo=UTC))
    phone = device(app, "amara")
    phone.pull()
    phone.update("strategy_discussion", made, {"icpc_held_on": "2027-01-11"})
    [held] = phone.push()
    assert held["status"] == "applied", held
    phone.update("strategy_discussion", made, {"information_shared": "Changed"})
    [refused] = phone.push()
    assert (refused["status"], refused["reason"]) == ("rejected", "signed")
    with app.app_context():
        family = db.session.get(Family, uuid.UUID(okoro["family"]))
        events = events_of(family_records(family), sources=(strategy_discussions,))
        assert [(e.on, e.title, e.child_ids) for e in events] == [
            (
                date(2026, 12, 18),
                "Strategy discussion: joint section 47 enquiry with the police",
                (uuid.UUID(okoro["Sam"]),),
            ),
            (
                date(2027, 1, 11),
                "Initial child protection conference held",
                (uuid.UUID(okoro["Sam"]),),
            ),
        ]


def test_open_enquiries_show_whether_their_icpc_is_late(make_client, okoro, app):
    clock.freeze(datetime(2026, 3, 2, 10, tzinfo=UTC))
    amara = make_client("amara")
    made = created(amara.post("/api/strategy-discussions", json=discussion(okoro)))
    amara.post(f"/api/strategy-discussions/{made['id']}/sign")
    nfa = created(
        amara.post(
            "/api/strategy-discussions", json=discussion(okoro, decision="no_further_action")
        )
    )
    amara.post(f"/api/strategy-discussions/{nfa['id']}/sign")
    clock.freeze(datetime(2026, 3, 24, 10, tzinfo=UTC))
    with app.app_context():
        [enquiry] = s47_enquiries(open_only=True)
        assert enquiry.discussion_id == uuid.UUID(made["id"])
        assert enquiry.icpc.late and enquiry.icpc.timeliness == "not_met"
        assert s47_enquiries(started_from=date(2026, 3, 3)) == []


@pytest.mark.postgres
def test_the_database_itself_refuses_changing_a_signed_discussion(amara, okoro, app):
    made = created(amara.post("/api/strategy-discussions", json=discussion(okoro)))
    amara.post(f"/api/strategy-discussions/{made['id']}/sign")
    with app.app_context():
        table = StrategyDiscussion.__table__
        held = sa.update(table).where(table.c.id == uuid.UUID(made["id"]))
        db.session.execute(held.values(icpc_held_on=clock.today()))
        db.session.commit()
        with pytest.raises(sa.exc.DBAPIError, match="signed strategy_discussion"):
            db.session.execute(held.values(information_shared="Rewritten"))
        db.session.rollback()


def test_the_childs_subject_access_bundle_holds_the_discussion_and_its_correction(
    amara, okoro, app
):
    from server.services.subject_access import collect

    made = created(amara.post("/api/strategy-discussions", json=discussion(okoro)))
    amara.post(f"/api/strategy-discussions/{made['id']}/sign")
    amara.post(
        f"/api/strategy-discussions/{made['id']}/amendments",
        json={"reason": "Wrong arm", "changes": {"information_shared": "A bruise on his leg."}},
    )
    with app.app_context():
        for_sam = collect(uuid.UUID(okoro["Sam"]))
        assert [str(d.id) for d in for_sam.records["strategy_discussion"]] == [made["id"]]
        assert [a.target_id for a in for_sam.records["amendment"]] == [uuid.UUID(made["id"])]
        # Alex is not a child it was about, nor named in what was shared.
        assert collect(uuid.UUID(okoro["Alex"])).records.get("strategy_discussion", []) == []
