"""The practice lead's lights: trials for one team that end by themselves, and narrower
lights for newly qualified workers; the light each worker's decision gets under them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from server import clock
from server.domain.timescales import add_months
from server.extensions import db
from server.persistence import AuditEvent, DecisionPolicy
from tests.api.casework import POLICY, created

TRIAL_REASON = "North tries deciding school information-sharing itself, as the board agreed."


def _judgment(client: Any, family_id: Any, category: str) -> dict[str, Any]:
    body = {
        "family_id": str(family_id),
        "question": "What next?",
        "category": category,
        "decision": "Agreed",
        "rationale": "Because",
    }
    return created(client.post("/api/judgments", json=body))


def _setting_up(make_user: Any, make_client: Any, make_family: Any) -> dict[str, Any]:
    make_user("practice_lead", username="lead", team=None, display_name="Pat Lead")
    north = make_user("caseworker", username="amara", team="North")
    south = make_user("caseworker", username="farah", team="South")
    lead = make_client("lead")
    created(lead.post("/api/decision-policy", json=POLICY))
    teams = {team["name"]: team["id"] for team in lead.get("/api/teams").json}
    return {
        "lead": lead,
        "teams": teams,
        "north": (make_client("amara"), make_family(team_of=north, worker=north)),
        "south": (make_client("farah"), make_family(team_of=south, worker=south)),
    }


def _trial(teams: dict[str, str], **changes: Any) -> dict[str, Any]:
    return {
        "team_id": teams["North"],
        "category": "share_with_school",
        "light": "green",
        "ends_on": add_months(clock.today(), 3).isoformat(),
        "reason": TRIAL_REASON,
        **changes,
    }


def test_a_north_trial_gives_north_workers_its_light_and_ends_by_itself(
    app, make_user, make_client, make_family
):
    setup = _setting_up(make_user, make_client, make_family)
    lead, teams = setup["lead"], setup["teams"]
    trial = created(lead.post("/api/decision-policy/trials", json=_trial(teams)))
    assert (trial["state"], trial["team_name"], trial["starts_on"]) == (
        "running",
        "North",
        clock.today().isoformat(),
    )

    amara, north_family = setup["north"]
    farah, south_family = setup["south"]
    assert _judgment(amara, north_family.id, "share_with_school")["light"] == "green"
    assert _judgment(farah, south_family.id, "share_with_school")["light"] == "yellow"
    # Other kinds of decision keep the council's light, in North too.
    assert _judgment(amara, north_family.id, "safety_plan_change")["light"] == "red"

    # The day before its end it still runs; on its end day the council's light is back
    # (signing in again each time: a session does not last days).
    clock.advance(timedelta(days=(date.fromisoformat(trial["ends_on"]) - clock.today()).days - 1))
    assert _judgment(make_client("amara"), north_family.id, "share_with_school")["light"] == "green"
    clock.advance(timedelta(days=1))
    assert (
        _judgment(make_client("amara"), north_family.id, "share_with_school")["light"] == "yellow"
    )
    [listed] = make_client("lead").get("/api/decision-policy/trials").json
    assert listed["state"] == "ended"

    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.entity == "policy_trial")
        ).one()
        assert event.detail == {
            "team_id": teams["North"],
            "category": "share_with_school",
            "light": "green",
        }


def test_only_a_practice_lead_starts_or_ends_a_trial(make_user, make_client, make_family):
    setup = _setting_up(make_user, make_client, make_family)
    make_user("admin", username="root", team=None)
    make_user("supervisor", username="hannah", team="North")
    body = _trial(setup["teams"])
    for someone in ("root", "hannah", "amara"):
        assert (
            make_client(someone).post("/api/decision-policy/trials", json=body).status_code == 403
        )
    trial = created(setup["lead"].post("/api/decision-policy/trials", json=body))
    ending = {"reason": "Stopped"}
    assert (
        make_client("root").post(f"/api/decision-policy/trials/{trial['id']}/end", json=ending)
    ).status_code == 403


def test_a_bad_trial_is_refused_field_by_field(make_user, make_client, make_family):
    setup = _setting_up(make_user, make_client, make_family)
    lead, teams = setup["lead"], setup["teams"]
    refused = lead.post(
        "/api/decision-policy/trials",
        json=_trial(teams, light="yellow", ends_on=clock.today().isoformat(), reason=" "),
    )
    assert refused.status_code == 422
    assert refused.json["errors"] == {"reason": ["Enter why you are starting this trial"]}
    refused = lead.post(
        "/api/decision-policy/trials",
        json=_trial(teams, light="yellow", ends_on=clock.today().isoformat()),
    )
    assert refused.status_code == 422
    assert set(refused.json["errors"]) == {"light", "ends_on"}
    assert "already the council's light" in refused.json["errors"]["light"][0]
    refused = lead.post("/api/decision-policy/trials", json={})
    assert refused.status_code == 422
    assert refused.json["errors"]["team_id"] == ["Choose a team"]
    unknown = lead.post(
        "/api/decision-policy/trials",
        json=_trial(teams, suggestion_id="00000000-0000-4000-8000-000000000000"),
    )
    assert unknown.status_code == 422
    assert unknown.json["errors"] == {"suggestion_id": ["There is no such suggestion."]}


def test_two_trials_of_one_kind_for_one_team_cannot_overlap(make_user, make_client, make_family):
    setup = _setting_up(make_user, make_client, make_family)
    lead, teams = setup["lead"], setup["teams"]
    created(lead.post("/api/decision-policy/trials", json=_trial(teams)))
    clash = lead.post("/api/decision-policy/trials", json=_trial(teams, light="red"))
    assert clash.status_code == 409
    # Another team may try the same at the same time.
    created(lead.post("/api/decision-policy/trials", json=_trial(teams, team_id=teams["South"])))


def test_ending_a_trial_early_brings_back_the_councils_light_today(
    make_user, make_client, make_family
):
    setup = _setting_up(make_user, make_client, make_family)
    lead, teams = setup["lead"], setup["teams"]
    amara, family = setup["north"]
    trial = created(lead.post("/api/decision-policy/trials", json=_trial(teams)))
    url = f"/api/decision-policy/trials/{trial['id']}/end"
    assert lead.post(url, json={"reason": ""}).json["errors"] == {
        "reason": ["Enter why you are ending the trial early"]
    }
    ended = lead.post(url, json={"reason": "The team asked to stop."})
    assert ended.status_code == 200
    assert (ended.json["ends_on"], ended.json["ended_early_reason"]) == (
        clock.today().isoformat(),
        "The team asked to stop.",
    )
    assert ended.json["version"] == 2
    assert _judgment(amara, family.id, "share_with_school")["light"] == "yellow"
    assert lead.post(url, json={"reason": "Again"}).status_code == 409


def test_the_trial_counts_decisions_beside_the_councils_and_suppresses_small_ones(
    make_user, make_client, make_family
):
    setup = _setting_up(make_user, make_client, make_family)
    lead, teams = setup["lead"], setup["teams"]
    amara, north_family = setup["north"]
    farah, south_family = setup["south"]
    created(lead.post("/api/decision-policy/trials", json=_trial(teams)))

    def signed(
        client: Any, family_id: Any, count: int, category: str = "share_with_school"
    ) -> None:
        for _ in range(count):
            entry = _judgment(client, family_id, category)
            assert client.post(f"/api/judgments/{entry['id']}/sign").status_code == 200

    signed(amara, north_family.id, 6)
    signed(farah, south_family.id, 7)
    signed(amara, north_family.id, 2, "routine_support")  # another kind: not counted
    unsigned = _judgment(amara, north_family.id, "share_with_school")  # a draft: not counted
    assert unsigned["status"] == "draft"
    [trial] = lead.get("/api/decision-policy/trials").json
    assert trial["counts"] == {"team": 6, "rest_of_council": 7, "council": 13}

    # Three in South is a small number: hidden, and North's with it (else the total tells).
    other = _trial(teams, team_id=teams["South"], category="routine_support", light="yellow")
    created(lead.post("/api/decision-policy/trials", json=other))
    signed(farah, south_family.id, 3, "routine_support")
    signed(amara, north_family.id, 8, "routine_support")
    south_trial = next(
        t
        for t in lead.get("/api/decision-policy/trials").json
        if t["category"] == "routine_support"
    )
    assert south_trial["counts"] == {"team": "c", "rest_of_council": "c", "council": 13}


def test_newly_qualified_workers_get_their_teams_narrower_lights_for_a_year(
    make_user, make_client, make_family
):
    make_user("practice_lead", username="lead", team=None)
    today = clock.today()
    nq = make_user(
        "caseworker", username="nq", team="North", qualified_on=today - timedelta(days=90)
    )
    old_hand = make_user("caseworker", username="old", team="North")
    lead = make_client("lead")
    created(lead.post("/api/decision-policy", json=POLICY))
    north = next(team["id"] for team in lead.get("/api/teams").json if team["name"] == "North")
    url = f"/api/decision-policy/newly-qualified/{north}"
    narrower = {"categories": [{"key": "routine_support", "light": "yellow"}], "reason": "ASYE"}

    assert make_client("old").put(url, json=narrower).status_code == 403
    bad = lead.put(
        url, json={"categories": [{"key": "routine_support", "light": "green"}], "reason": "x"}
    )
    assert bad.status_code == 422
    assert bad.json["errors"]["categories"]["0"]["light"] == ["Choose yellow or red"]
    unknown = lead.put(
        url, json={"categories": [{"key": "nothing", "light": "red"}], "reason": "x"}
    )
    assert unknown.json["errors"] == {
        "categories.0.key": ["Choose a kind of decision from the policy."]
    }
    assert lead.put(url, json=narrower).status_code == 200

    listed = {
        t["team_name"]: t["setting"] for t in lead.get("/api/decision-policy/newly-qualified").json
    }
    assert listed["North"]["categories"] == narrower["categories"]

    nq_family = make_family(team_of=nq, worker=nq)
    old_family = make_family(team_of=old_hand, worker=old_hand)
    nq_client, old_client = make_client("nq"), make_client("old")
    assert nq_client.user["qualified_on"] == (today - timedelta(days=90)).isoformat()
    assert _judgment(nq_client, nq_family.id, "routine_support")["light"] == "yellow"
    assert _judgment(old_client, old_family.id, "routine_support")["light"] == "green"
    assert _judgment(nq_client, nq_family.id, "safety_plan_change")["light"] == "red"

    # A year after qualifying, the worker gets the council's light.
    clock.advance(timedelta(days=366))
    assert _judgment(make_client("nq"), nq_family.id, "routine_support")["light"] == "green"


def test_an_admin_records_the_day_a_worker_qualified(make_user, make_client):
    make_user("admin", username="root", team=None)
    admin = make_client("root")
    made = admin.post(
        "/api/admin/users",
        json={
            "username": "newbie",
            "display_name": "New Worker",
            "role": "caseworker",
            "team": "North",
            "password": "a-long-enough-passphrase-for-this",
            "qualified_on": "2026-09-01",
        },
    )
    assert made.status_code == 201, made.json
    assert made.json["qualified_on"] == "2026-09-01"
    changed = admin.patch(f"/api/admin/users/{made.json['id']}", json={"qualified_on": None})
    assert changed.json["qualified_on"] is None


def test_a_version_records_who_changed_it_why_and_from_which_suggestion(
    app, make_user, make_client
):
    make_user("practice_lead", username="lead", team=None, display_name="Pat Lead")
    make_user("caseworker", username="amara")
    suggestion = created(
        make_client("amara").post(
            "/api/suggestions",
            json={"title": "Let us decide school sharing", "body": "We do it well."},
        )
    )
    lead = make_client("lead")
    published = lead.post(
        "/api/decision-policy", json={**POLICY, "suggestion_id": suggestion["id"]}
    )
    assert published.status_code == 201
    [version] = lead.get("/api/decision-policy/versions").json
    assert (version["created_by_name"], version["reason"], version["suggestion_id"]) == (
        "Pat Lead",
        POLICY["reason"],
        suggestion["id"],
    )
    assert version["suggestion_title"] == "Let us decide school sharing"
    with app.app_context():
        assert db.session.get(DecisionPolicy, 1).suggestion_id is not None


def test_every_device_receives_the_trials_and_narrower_lights(make_user, make_client, make_family):
    setup = _setting_up(make_user, make_client, make_family)
    lead, teams = setup["lead"], setup["teams"]
    trial = created(lead.post("/api/decision-policy/trials", json=_trial(teams)))
    lead.put(
        f"/api/decision-policy/newly-qualified/{teams['North']}",
        json={"categories": [{"key": "routine_support", "light": "red"}], "reason": "ASYE"},
    )
    farah, _family = setup["south"]
    page = farah.post(
        "/api/sync/pull", json={"device_id": str(farah.device_id), "cursor": None, "limit": 500}
    ).json
    by_entity = {(c["entity"], c["id"]): c for c in page["changes"]}
    sent = by_entity[("policy_trial", trial["id"])]["data"]
    assert (sent["team_id"], sent["light"], sent["ends_on"]) == (
        teams["North"],
        "green",
        trial["ends_on"],
    )
    [narrower] = [c["data"] for c in page["changes"] if c["entity"] == "newly_qualified_lights"]
    assert narrower["categories"] == [{"key": "routine_support", "light": "red"}]
