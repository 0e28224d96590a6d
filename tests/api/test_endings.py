"""Ending our work: proposing, agreeing, clearing from devices, transfer and reopening."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.persistence import Assignment, CaseEpisode, Family, PlanEpisode, StatutoryReminder
from tests.conftest import PASSWORD
from tests.sync.devices import device

from .casework import created, publish_practice_settings


def visit(client, okoro, child: bool = True) -> str:
    return created(
        client.post(
            "/api/interactions",
            json={
                "family_id": okoro["family"],
                "occurred_at": (clock.now() - timedelta(days=2)).isoformat(),
                "mode": "home_visit",
                "purpose": "closing_visit",
                "participants": [{"person_id": okoro["Sam"], "seen": True}] if child else [],
            },
        )
    )["id"]


def proposal(okoro, visit_id: str | None, **ending: Any) -> dict[str, Any]:
    return {
        "family_id": okoro["family"],
        "interaction_id": visit_id,
        "question": "Is it time to step down to early help?",
        "category": "anything: the ending files it",
        "decision": "Step down to the early help hub after the closing visit.",
        "rationale": "Sam is settled at school and the family ask for less.",
        "family_view": "Alex says they are ready and know who to call.",
        "child_view": "Sam said he will miss the visits but is happy.",
        "ending": {
            "kind": "step_down",
            "closure_reason": "RC7",
            "closure_reason_edition": 2,
            "closing_visit_id": visit_id,
            "changes": [{"goal": "Stay together", "in_their_words": "We sort things out now."}],
            "if_worries_return": "Call the early help hub, or the front door on 0300 000 000.",
            **ending,
        },
    }


def propose(client, okoro, **ending: Any) -> dict[str, Any]:
    judgment = created(
        client.post("/api/judgments", json=proposal(okoro, visit(client, okoro), **ending))
    )
    signed = client.post(f"/api/judgments/{judgment['id']}/sign")
    assert signed.status_code == 200, signed.json
    body: dict[str, Any] = signed.json
    return body


def decide(
    client, judgment_id: str, kind: str = "approve", body: str = "Agreed: well done."
) -> Any:
    return client.post(
        "/api/reviews",
        json={
            "target_kind": "judgment",
            "target_id": judgment_id,
            "review_kind": kind,
            "body": body,
        },
    )


def start_plan(client, okoro) -> str:
    return created(
        client.post(
            "/api/plan-episodes",
            json={
                "family_id": okoro["family"],
                "person_id": okoro["Sam"],
                "plan_type": "child_in_need",
                "started_on": (clock.today() - timedelta(days=90)).isoformat(),
            },
        )
    )["id"]


def test_a_step_down_waits_for_the_supervisor_then_closes_the_family(okoro, make_client, app):
    amara, hannah = make_client("amara"), make_client("hannah")
    plan = start_plan(amara, okoro)
    judgment = propose(amara, okoro)
    assert judgment["status"] == "awaiting_approval"
    assert judgment["category"] == "step_down_to_early_help"
    assert judgment["ending"]["closing_visit_id"] is not None
    # Nothing has ended yet.
    assert amara.get(f"/api/families/{okoro['family']}").json["status"] == "open"

    assert decide(hannah, judgment["id"]).status_code == 201
    family = hannah.get(f"/api/families/{okoro['family']}").json
    assert (family["status"], family["closure_reason"]) == ("closed", "RC7")
    assert family["closed_on"] == clock.today().isoformat()
    ended = hannah.get(f"/api/plan-episodes/{plan}").json
    assert (ended["ended_on"], ended["end_reason"]) == (clock.today().isoformat(), "stepped_down")
    # The family leaves the worker's caseload; the supervisor still reads it.
    assert amara.get(f"/api/families/{okoro['family']}").status_code == 404
    assert hannah.get("/api/families?status=closed").json["total"] == 1
    [episode] = hannah.get(f"/api/families/{okoro['family']}/episodes").json
    assert (episode["ending_kind"], episode["closed_on"]) == ("step_down", family["closed_on"])
    assert episode["ending_judgment_id"] == judgment["id"]
    with app.app_context():
        assignment = db.session.scalar(sa.select(Assignment))
        assert assignment.ended_on == clock.today()
        assert assignment.change_reason == "case_stepped_down"
    chronology = hannah.get(f"/api/families/{okoro['family']}/chronology").json["events"]
    assert [(e["on"], e["title"]) for e in chronology if e["source_kind"] == "case_episode"] == [
        (family["closed_on"], "Stepped down to early help")
    ]


def test_a_declined_ending_changes_nothing(okoro, make_client):
    amara, hannah = make_client("amara"), make_client("hannah")
    judgment = propose(amara, okoro)
    second = amara.post("/api/judgments", json=proposal(okoro, visit(amara, okoro)))
    assert second.status_code == 409
    assert decide(hannah, judgment["id"], "decline", "Not yet: one more review.").status_code == 201
    assert amara.get(f"/api/judgments/{judgment['id']}").json["status"] == "declined"
    assert amara.get(f"/api/families/{okoro['family']}").json["status"] == "open"


def test_only_the_familys_worker_proposes(okoro, make_client, make_user):
    make_user("caseworker", username="bea")
    bea, hannah = make_client("bea"), make_client("hannah")
    # Another worker does not even see the family.
    assert bea.post("/api/judgments", json=proposal(okoro, None)).status_code == 404
    # The supervisor sees it, but is not the family's worker.
    refused = hannah.post("/api/judgments", json=proposal(okoro, visit(hannah, okoro)))
    assert refused.status_code == 403
    assert "family's worker" in refused.json["message"]


def test_only_the_familys_supervisor_agrees(okoro, make_client, make_user):
    make_user("supervisor", team="South", username="sam.south")
    amara = make_client("amara")
    judgment = propose(amara, okoro)
    assert decide(make_client("sam.south"), judgment["id"]).status_code == 404
    assert decide(amara, judgment["id"]).status_code == 403
    assert amara.get(f"/api/families/{okoro['family']}").json["status"] == "open"


@pytest.mark.parametrize(
    ("ending", "view", "field"),
    [
        ({"closure_reason": None}, {}, "ending.closure_reason"),
        ({"closure_reason": "RC10"}, {}, "ending.closure_reason"),
        ({"closure_reason_edition": 3}, {}, "ending.closure_reason_edition"),
        ({"closure_reason_edition": 0}, {}, "ending.closure_reason_edition"),
        ({"closing_visit_id": None}, {}, "ending.closing_visit_id"),
        ({"if_worries_return": " "}, {}, "ending.if_worries_return"),
        ({"changes": []}, {}, "ending.changes"),
        ({"kind": "stop"}, {}, "ending.kind"),
        ({}, {"child_view": ""}, "child_view"),
        ({"kind": "transfer", "to_team_id": None}, {}, "ending.to_team_id"),
        ({"kind": "transfer", "to_team_id": str(uuid.uuid4())}, {}, "ending.to_team_id"),
    ],
)
def test_a_proposal_missing_what_an_ending_needs_is_refused_field_by_field(
    okoro, make_client, ending, view, field
):
    amara = make_client("amara")
    body = proposal(okoro, visit(amara, okoro))
    body["ending"].update(ending)
    body.update(view)
    refused = amara.post("/api/judgments", json=body)
    assert refused.status_code == 422, refused.json
    assert field in refused.json["errors"] or field.split(".")[0] in refused.json["errors"]


# The census's codes (Department for Education, CIN census guide: reason for closure).
CENSUS_MEANING = {
    "RC1": "Adopted",
    "RC2": "Died",
    "RC3": "Child arrangements order",
    "RC4": "Special guardianship order",
    "RC5": "Transferred to services of another local authority",
    "RC6": "Transferred to adult social care services",
    "RC7": "Services ceased for any other reason, including child no longer in need",
    "RC8": "Case closed after assessment, no further action",
    "RC9": "Case closed after assessment, referred to early help",
}


@pytest.mark.parametrize(
    ("code", "edition", "stored"),
    [
        # The current list is the census's: read as it is.
        *((code, 2, code) for code in CENSUS_MEANING),
        # The first edition numbered from RC4 one below the census: moved to its census code.
        ("RC1", 1, "RC1"),
        ("RC3", 1, "RC3"),
        ("RC4", 1, "RC5"),  # transferred to another council
        ("RC5", 1, "RC6"),  # transferred to adult social care
        ("RC6", 1, "RC7"),  # services ceased: no longer in need
        ("RC7", 1, "RC8"),  # closed after assessment: no further action
        ("RC8", 1, "RC9"),  # closed after assessment: referred to early help
        # No edition said (an app from before the change): only codes that mean the same.
        ("RC1", None, "RC1"),
        ("RC2", None, "RC2"),
        ("RC3", None, "RC3"),
        ("RC9", None, "RC9"),
    ],
)
def test_a_reason_is_read_by_the_list_it_was_chosen_from(okoro, make_client, code, edition, stored):
    amara = make_client("amara")
    body = proposal(okoro, visit(amara, okoro), closure_reason=code)
    body["ending"]["closure_reason_edition"] = edition
    made = created(amara.post("/api/judgments", json=body))
    assert made["ending"]["closure_reason"] == stored
    assert "closure_reason_edition" not in made["ending"]


@pytest.mark.parametrize(
    ("code", "edition"),
    [("RC4", None), ("RC5", None), ("RC6", None), ("RC7", None), ("RC8", None), ("RC9", 1)],
)
def test_a_reason_whose_meaning_changed_is_refused_when_the_list_is_not_known(
    okoro, make_client, code, edition
):
    amara = make_client("amara")
    body = proposal(okoro, visit(amara, okoro), closure_reason=code)
    body["ending"]["closure_reason_edition"] = edition
    refused = amara.post("/api/judgments", json=body)
    assert refused.status_code == 422, refused.json
    assert refused.json["errors"]["ending.closure_reason"] == [
        "The reasons for ending our work have changed to match the children in need census. "
        "Choose why our work is ending again."
    ]


def test_the_vocabulary_says_the_edition_of_the_closure_reasons(make_client, okoro):
    lists = {v["name"]: v for v in make_client("amara").get("/api/vocabularies").json}
    assert lists["closure_reason"]["edition"] == 2
    assert lists["ethnicity"]["edition"] == 1
    assert set(lists["closure_reason"]["codes"]) == set(CENSUS_MEANING)


def test_an_ending_queued_offline_before_the_change_is_refused_and_kept_for_the_worker(
    okoro, make_client, app
):
    """A phone that queued RC6 under the old list ("no longer in need") pushes after the upgrade.

    Its app did not say which list the reason came from, and RC6 now means
    "transferred to adult social care": the server refuses it rather than
    guess, and the worker chooses again. The same proposal from a phone that
    says it chose from the first edition is moved to the census's RC7.
    """
    amara, hannah = make_client("amara"), make_client("hannah")
    phone = device(app, "amara")
    visit_id = visit(amara, okoro)
    phone.pull()
    old = proposal(okoro, visit_id, closure_reason="RC6")
    del old["ending"]["closure_reason_edition"]
    queued = phone.create("judgment", old)
    phone.sign("judgment", queued)
    refused, _sign = phone.push()
    assert refused["status"] == "rejected"
    assert refused["errors"]["ending.closure_reason"] == [
        "The reasons for ending our work have changed to match the children in need census. "
        "Choose why our work is ending again."
    ]
    assert amara.get(f"/api/judgments/{queued}").status_code == 404
    # Chosen again, from the list the phone holds (here still the first edition).
    again = phone.create(
        "judgment", proposal(okoro, visit_id, closure_reason="RC6", closure_reason_edition=1)
    )
    phone.sign("judgment", again)
    assert [r["status"] for r in phone.push()] == ["applied", "applied"]
    assert decide(hannah, again).status_code == 201
    family = hannah.get(f"/api/families/{okoro['family']}").json
    assert family["closure_reason"] == "RC7"


def test_a_closing_visit_must_be_to_this_family(okoro, make_client, make_user, make_family):
    amara = make_client("amara")
    other = make_family(team_of=make_user("caseworker"), name="Other")
    elsewhere = visit(make_client("hannah"), {**okoro, "family": str(other.id)}, child=False)
    for visit_id in (elsewhere, str(uuid.uuid4())):
        refused = amara.post(
            "/api/judgments", json=proposal(okoro, None, closing_visit_id=visit_id)
        )
        assert refused.status_code == 422
        assert refused.json["errors"]["ending.closing_visit_id"] == [
            "Choose a visit to this family."
        ]


def test_family_status_is_no_longer_written_directly(okoro, make_client):
    amara = make_client("amara")
    family = amara.get(f"/api/families/{okoro['family']}").json
    refused = amara.patch(
        f"/api/families/{okoro['family']}",
        json={"base_version": family["version"], "status": "closed"},
    )
    assert refused.status_code == 422
    assert "status" in refused.json["errors"]


def test_statutory_reminders_stop_when_plans_end(okoro, make_client, make_user, app):
    from server.jobs.visits import reminders_due

    make_user("admin", team=None, username="admin")
    publish_practice_settings(make_client("admin"))
    amara, hannah = make_client("amara"), make_client("hannah")
    start_plan(amara, okoro)
    with app.app_context():
        before = [
            r
            for r in reminders_due(clock.today(), within=400)
            if str(r.due.family_id) == okoro["family"]
        ]
    decide(hannah, propose(amara, okoro)["id"])
    with app.app_context():
        after = [
            r
            for r in reminders_due(clock.today(), within=400)
            if str(r.due.family_id) == okoro["family"]
        ]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StatutoryReminder)) == 0
    assert before != [] and after == []


def _pulled(phone) -> list[dict[str, Any]]:
    """Pull, and return the changes the device received."""
    seen: list[dict[str, Any]] = []
    apply = phone.apply_page

    def keep(page: dict[str, Any]) -> None:
        seen.extend(page["changes"])
        apply(page)

    phone.apply_page = keep
    phone.pull()
    phone.apply_page = apply
    return seen


def test_a_closed_family_leaves_devices_after_the_clearing_period(okoro, make_client, app):
    app.config["CLOSED_FAMILY_CLEARING_DAYS"] = 28
    amara, hannah = make_client("amara"), make_client("hannah")
    phone, supervisors_tablet = device(app, "amara"), device(app, "hannah")
    phone.pull()
    supervisors_tablet.pull()
    # Proposed offline on the worker's phone, through the outbox.
    visit_id = visit(amara, okoro)
    phone.pull()
    judgment = phone.create("judgment", proposal(okoro, visit_id))
    phone.sign("judgment", judgment)
    assert [r["status"] for r in phone.push()] == ["applied", "applied"]
    assert decide(hannah, judgment).status_code == 201

    # For the clearing period the phone keeps the family (closed) and hears of the closure.
    clock.advance(timedelta(days=27))
    signed_in_again(phone, supervisors_tablet)
    changes = _pulled(phone)
    assert not any(change["op"] == "evict" for change in changes)
    assert phone.get("family", okoro["family"])["status"] == "closed"
    # The day the period ends, both devices forget it.
    clock.advance(timedelta(days=1))
    signed_in_again(phone, supervisors_tablet)
    evicted = [c for c in _pulled(phone) if c["op"] == "evict"]
    assert evicted == [
        {
            "entity": "family",
            "id": okoro["family"],
            "op": "evict",
            "data": None,
            **_rest(evicted[0]),
        }
    ]
    assert phone.get("family", okoro["family"]) is None
    assert any(c["op"] == "evict" for c in _pulled(supervisors_tablet))
    # A fresh device never receives it; the supervisor still finds it online.
    fresh = device(app, "hannah")
    assert not any(c.get("family_id") == okoro["family"] for c in _pulled(fresh))
    found = (
        make_client("hannah")
        .post("/api/families/search", json={"q": "Okoro", "status": "closed"})
        .json
    )
    assert [item["id"] for item in found["items"]] == [okoro["family"]]


def signed_in_again(*devices) -> None:
    """Sign back in after the clock moved on past the session's lifetime (same devices)."""
    for phone in devices:
        phone.login(phone.user["username"], PASSWORD)


def _rest(change: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in change.items() if k not in ("entity", "id", "op", "data")}


def test_the_clearing_period_is_the_councils_setting(okoro, make_client, app):
    app.config["CLOSED_FAMILY_CLEARING_DAYS"] = 7
    amara, hannah = make_client("amara"), make_client("hannah")
    assert amara.get("/api/case-endings/settings").json == {"clearing_days": 7}
    phone = device(app, "amara")
    phone.pull()
    decide(hannah, propose(amara, okoro)["id"])
    clock.advance(timedelta(days=7))
    signed_in_again(phone)
    assert any(c["op"] == "evict" for c in _pulled(phone))


def test_a_transfer_moves_the_family_when_the_receiving_supervisor_accepts(
    okoro, make_client, make_user, app
):
    make_user("supervisor", team="Children in Care", username="cic.sup")
    amara, hannah, receiving = make_client("amara"), make_client("hannah"), make_client("cic.sup")
    phone = device(app, "amara")
    phone.pull()
    with app.app_context():
        from server.persistence import Team

        cic = db.session.scalar(sa.select(Team.id).where(Team.name == "Children in Care"))
    judgment = created(
        amara.post(
            "/api/judgments",
            json={
                "family_id": okoro["family"],
                "question": "Should Sam's family move to Children in Care?",
                "category": "transfer",
                "decision": "Transfer to Children in Care: Sam is now looked after.",
                "ending": {
                    "kind": "transfer",
                    "to_team_id": str(cic),
                    "handover_note": "Sam trusts his foster carer; Alex visits on Saturdays.",
                },
            },
        )
    )
    assert amara.post(f"/api/judgments/{judgment['id']}/sign").json["status"] == "awaiting_approval"
    # Until the family's own supervisor agrees, the receiving team hears nothing.
    assert receiving.get("/api/transfers").json == []
    assert decide(hannah, judgment["id"]).status_code == 201
    [waiting] = receiving.get("/api/transfers").json
    assert (waiting["family_id"], waiting["from_team"]) == (okoro["family"], "North")
    assert hannah.get("/api/transfers").json == []
    # While it waits, no other ending can be proposed.
    again = amara.post("/api/judgments", json=proposal(okoro, visit(amara, okoro)))
    assert again.status_code == 409 and "already waiting" in again.json["message"]
    # Only the receiving team's supervisor accepts.
    assert hannah.post(f"/api/transfers/{waiting['id']}/accept").status_code == 404
    assert receiving.get(f"/api/families/{okoro['family']}").status_code == 404
    accepted = receiving.post(f"/api/transfers/{waiting['id']}/accept")
    assert accepted.status_code == 200, accepted.json
    assert receiving.get(f"/api/families/{okoro['family']}").json["status"] == "open"
    assert receiving.get("/api/transfers").json == []
    assert amara.get(f"/api/families/{okoro['family']}").status_code == 404
    assert hannah.get(f"/api/families/{okoro['family']}").status_code == 404
    assert any(c["op"] == "evict" and c["id"] == okoro["family"] for c in _pulled(phone))
    with app.app_context():
        assignment = db.session.scalar(sa.select(Assignment))
        assert assignment.handover_note.startswith("Sam trusts")
    chronology = receiving.get(f"/api/families/{okoro['family']}/chronology").json["events"]
    assert [e["title"] for e in chronology if e["source_kind"] == "family_transfer"] == [
        "Move to Children in Care agreed",
        "Moved to Children in Care",
    ]
    assert receiving.post(f"/api/transfers/{waiting['id']}/accept").status_code == 409


def test_reopening_links_to_the_closed_episode(okoro, make_client, app):
    amara, hannah = make_client("amara"), make_client("hannah")
    decide(hannah, propose(amara, okoro)["id"])
    assert (
        amara.post(f"/api/families/{okoro['family']}/reopen", json={"reason": "x"}).status_code
        == 404
    )
    missing = hannah.post(f"/api/families/{okoro['family']}/reopen", json={})
    assert missing.status_code == 422 and "reason" in missing.json["errors"]
    clock.advance(timedelta(days=40))
    hannah = make_client("hannah")
    reopened = hannah.post(
        f"/api/families/{okoro['family']}/reopen",
        json={"reason": "School raised new worries about Sam's attendance."},
    )
    assert reopened.status_code == 201, reopened.json
    closed, opened = hannah.get(f"/api/families/{okoro['family']}/episodes").json[::-1]
    assert reopened.json["follows_id"] == closed["id"]
    assert opened["id"] == reopened.json["id"] and opened["closed_on"] is None
    family = hannah.get(f"/api/families/{okoro['family']}").json
    assert (family["status"], family["closed_on"], family["closure_reason"]) == ("open", None, None)
    again = hannah.post(f"/api/families/{okoro['family']}/reopen", json={"reason": "Again"})
    assert again.status_code == 409
    chronology = hannah.get(f"/api/families/{okoro['family']}/chronology").json["events"]
    assert [e["title"] for e in chronology if e["source_kind"] == "case_episode"] == [
        "Stepped down to early help",
        "The family's case was reopened",
    ]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEpisode)) == 2
        assert db.session.get(Family, uuid.UUID(okoro["family"])).status == "open"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanEpisode)) == 0
