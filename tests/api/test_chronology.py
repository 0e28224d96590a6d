"""A family's chronology: proposed events, worker entries, the story so far and the print."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.persistence import (
    Assignment,
    AuditEvent,
    Conference,
    DecisionPolicy,
    Family,
    Judgment,
    Relationship,
    User,
)
from server.services import chronology

from .casework import created

ADDRESS = {"line1": "14 Kittiwake Row", "line2": None, "town": "Eastmoor", "postcode": "EM4 7QT"}


@pytest.fixture
def family(okoro, make_user, make_client, app):
    """The Okoros with a second child, and a record of every kind a source reads."""
    amara = make_client("amara")
    fid = okoro["family"]
    mia = created(
        amara.post(
            "/api/people",
            json={"family_id": fid, "given_name": "Mia", "family_name": "Okoro", "is_child": True},
        )
    )
    today = clock.today()
    sam_plan = created(
        amara.post(
            "/api/plan-episodes",
            json={
                "family_id": fid,
                "person_id": okoro["Sam"],
                "plan_type": "looked_after",
                "legal_status": "C2",
                "placement_type": "U4",
                "placement_started_on": (today - timedelta(days=40)).isoformat(),
                "started_on": (today - timedelta(days=40)).isoformat(),
            },
        )
    )
    created(amara.post(f"/api/plan-episodes/{sam_plan['id']}/placement-address", json=ADDRESS))
    created(
        amara.post(
            "/api/plan-episodes",
            json={
                "family_id": fid,
                "person_id": mia["id"],
                "plan_type": "child_in_need",
                "started_on": (today - timedelta(days=90)).isoformat(),
            },
        )
    )
    # A move: the family's old address is kept with the day it stopped being theirs.
    ben = make_user("caseworker", username="ben", display_name="Ben Hale")
    with app.app_context():
        family_id = uuid.UUID(fid)
        row = db.session.get(Family, family_id)
        row.address_history = [
            {"line1": "1 Old Lane", "town": "Westby", "since": "2020-01-01", "until": "2026-03-02"}
        ]
        row.address = {"line1": "9 New Road", "town": "Northam", "since": "2026-03-02"}
        db.session.add(
            Conference(
                family_id=family_id,
                referral={"referrer": "Amara, allocated worker"},
                referred_on=date(2026, 4, 1),
                plan_agreed_on=date(2026, 5, 6),
                attending=[{"name": "Alex Okoro"}],
                status="held",
            )
        )
        db.session.add(
            DecisionPolicy(
                version=1,
                categories=[{"key": "safety", "label": "Safety plan change", "light": "red"}],
            )
        )
        db.session.flush()
        db.session.add(
            Judgment(
                family_id=family_id,
                question="Should Sam stay with his aunt this weekend?",
                category="safety",
                decision="Yes, with a call on Sunday.",
                light="red",
                policy_version=1,
                state="signed",
                signed_at=clock.now() - timedelta(days=3),
                status="approved",
            )
        )
        # Ben held the family until ten days ago; Amara has held it since.
        db.session.add(
            Assignment(
                family_id=family_id,
                worker_id=ben.id,
                started_on=today - timedelta(days=400),
                ended_on=today - timedelta(days=10),
                change_reason="workload",
            )
        )
        db.session.add(
            Relationship(
                family_id=family_id,
                from_person_id=uuid.UUID(mia["id"]),
                to_organisation="Hillside Primary",
                organisation_kind="school",
                type="school",
                valid_from=date(2026, 9, 3),
            )
        )
        db.session.commit()
    return {**okoro, "Mia": mia["id"]}


def url(family, child=None):
    query = f"?child_id={family[child]}" if child else ""
    return f"/api/families/{family['family']}/chronology{query}"


def print_url(family, child=None):
    query = f"?child_id={family[child]}" if child else ""
    return f"/api/families/{family['family']}/chronology/print{query}"


def test_every_source_proposes_its_events(family, make_client):
    events = make_client("amara").get(url(family)).json["events"]
    titles = [event["title"] for event in events]
    assert "Sam: began to be looked after" in titles
    assert "Mia: Child in need plan started" in titles
    assert "Referred for a family group conference" in titles
    assert "Family group conference: the family's plan agreed" in titles
    assert "Decision: Safety plan change" in titles
    assert "A new allocated worker" in titles
    assert "The family moved home" in titles
    assert "Mia: started at Hillside Primary" in titles
    assert [event["on"] for event in events] == sorted(event["on"] for event in events)
    moved = next(event for event in events if event["title"] == "The family moved home")
    assert moved["on"] == "2026-03-02"
    assert moved["summary"] == "The family moved to a new home in Northam."
    handover = next(event for event in events if event["source_kind"] == "assignment")
    assert (
        handover["summary"]
        == "Ben Hale handed the family over to Test User. Why: workload balancing."
    )
    decision = next(event for event in events if event["source_kind"] == "judgment")
    assert "A manager approved it." in decision["summary"]
    assert all(event["proposed"] for event in events)


def test_a_welsh_reader_gets_the_proposed_events_in_welsh(family, make_client):
    amara = make_client("amara")
    english = amara.get(url(family)).json["events"]
    assert amara.put("/api/auth/language", json={"language": "cy"}).status_code == 200
    events = amara.get(url(family)).json["events"]
    titles = [event["title"] for event in events]
    assert "Sam: dechrau derbyn gofal" in titles
    assert "Atgyfeiriwyd ar gyfer cynhadledd grŵp teulu" in titles
    assert "Gweithiwr newydd wedi'i neilltuo" in titles
    assert "Mia: wedi dechrau yn Hillside Primary" in titles  # the school as it was written
    # The council's own name for the kind of decision is shown as it wrote it.
    assert "Penderfyniad: Safety plan change" in titles
    moved = next(event for event in events if event["title"] == "Symudodd y teulu gartref")
    assert moved["summary"] == "Symudodd y teulu i gartref newydd yn Northam."
    handover = next(event for event in events if event["source_kind"] == "assignment")
    # The code list's label is in Welsh too.
    assert handover["summary"].startswith("Trosglwyddodd Ben Hale y teulu i Test User. Pam: ")
    assert "workload" not in handover["summary"]
    decision = next(event for event in events if event["source_kind"] == "judgment")
    assert decision["summary"].endswith("Cafodd ei gymeradwyo gan reolwr.")
    # The same events, by the same keys: only their words changed.
    assert sorted(event["key"] for event in events) == sorted(event["key"] for event in english)


def test_a_referral_and_its_assessment_are_proposed_for_the_child_referred(family, make_client):
    amara = make_client("amara")
    today = clock.today()
    referred = created(
        amara.post(
            "/api/referrals",
            json={
                "family_id": family["family"],
                "person_id": family["Mia"],
                "referred_on": (today - timedelta(days=120)).isoformat(),
                "source": "2A",
                "primary_need": "N1",
                "assessment_started_on": (today - timedelta(days=119)).isoformat(),
                "assessment_authorised_on": (today - timedelta(days=95)).isoformat(),
                "assessment_factors": ["3B", "16A"],
            },
        )
    )
    created(
        amara.post(
            "/api/referrals",
            json={
                "family_id": family["family"],
                "person_id": family["Sam"],
                "referred_on": (today - timedelta(days=60)).isoformat(),
                "source": "6",
                "no_further_action": True,
            },
        )
    )
    events = amara.get(url(family)).json["events"]
    by_key = {event["key"]: event for event in events}
    received = by_key[f"referral:{referred['id']}:referred"]
    assert received["title"] == "Mia: referred to children's social care"
    assert received["on"] == (today - timedelta(days=120)).isoformat()
    assert received["summary"] == "Referred by: Schools. Main need: Abuse or neglect."
    assert received["child_ids"] == [family["Mia"]]
    assessed = by_key[f"referral:{referred['id']}:assessment"]
    assert assessed["title"] == "Mia: assessment completed"
    assert assessed["on"] == (today - timedelta(days=95)).isoformat()
    assert assessed["summary"].startswith("Started ")
    assert "Factors identified: Domestic abuse: concerns about a parent" in assessed["summary"]
    sam = [event for event in events if event["title"].startswith("Sam: referred")]
    assert [event["summary"] for event in sam] == [
        "Referred by: Police. No further action was taken."
    ]
    # No assessment on that one, and Mia's referral stays out of Sam's chronology.
    assert not any(event["title"] == "Sam: assessment completed" for event in events)
    sams = amara.get(url(family, "Sam")).json["events"]
    assert not any(event["source_id"] == referred["id"] for event in sams)


def test_one_childs_chronology_keeps_the_familys_events_and_drops_the_others(family, make_client):
    sam = make_client("amara").get(url(family, "Sam")).json["events"]
    titles = [event["title"] for event in sam]
    assert "Sam: began to be looked after" in titles
    assert "Referred for a family group conference" in titles  # the whole family's
    assert not any(title.startswith("Mia") for title in titles)
    assert all(not e["child_ids"] or e["child_ids"] == [family["Sam"]] for e in sam)


def test_a_worker_adds_and_corrects_an_entry_and_each_change_is_kept(family, make_client, app):
    amara = make_client("amara")
    entry = created(
        amara.post(
            "/api/chronology-entries",
            json={
                "family_id": family["family"],
                "occurred_on": "2026-06-12",
                "event": "Sam was excluded from school for two days.",
                "source": "Ms Ward, head of year, by phone",
                "impact": "Sam missed his maths exam and was upset.",
                "child_ids": [family["Sam"]],
            },
        )
    )
    events = amara.get(url(family, "Sam")).json["events"]
    added = next(event for event in events if not event["proposed"])
    assert added["source"] == "Ms Ward, head of year, by phone"
    assert added["impact"] == "Sam missed his maths exam and was upset."
    assert added["added_by"] == "Test User"
    assert not [e for e in amara.get(url(family, "Mia")).json["events"] if not e["proposed"]]
    changed = amara.patch(
        f"/api/chronology-entries/{entry['id']}",
        json={"base_version": 1, "event": "Sam was excluded from school for one day."},
    )
    assert changed.status_code == 200, changed.json
    history = amara.get(f"/api/chronology-entries/{entry['id']}/history").json
    assert history[0]["changes"]["event"]["old"] == "Sam was excluded from school for two days."


def test_an_entry_names_only_the_familys_children(family, make_client):
    refused = make_client("amara").post(
        "/api/chronology-entries",
        json={
            "family_id": family["family"],
            "occurred_on": "2026-06-12",
            "event": "Something",
            "source": "Someone",
            "child_ids": [family["Alex"], str(uuid.uuid4())],
        },
    )
    assert refused.status_code == 422
    assert set(refused.json["errors"]) == {"child_ids.0", "child_ids.1"}


def test_each_save_of_the_story_is_a_new_version_and_the_last_is_the_story(family, make_client):
    amara = make_client("amara")
    first = created(
        amara.post(
            "/api/case-summaries",
            json={"family_id": family["family"], "sections": {"who": "Alex and Sam."}},
        )
    )
    second = created(
        amara.post(
            "/api/case-summaries",
            json={
                "family_id": family["family"],
                "previous_id": first["id"],
                "sections": {"who": "Alex, Sam and Mia.", "worries": ""},
            },
        )
    )
    assert second["sections"] == {"who": "Alex, Sam and Mia."}
    versions = amara.get(f"/api/case-summaries?family_id={family['family']}").json["items"]
    assert {version["id"] for version in versions} == {first["id"], second["id"]}
    assert amara.patch(f"/api/case-summaries/{first['id']}", json={}).status_code == 405
    empty = amara.post(
        "/api/case-summaries", json={"family_id": family["family"], "sections": {"who": " "}}
    )
    assert empty.status_code == 422
    assert "sections" in empty.json["errors"]
    page = amara.get(print_url(family)).text
    assert "Alex, Sam and Mia." in page
    assert "Alex and Sam." not in page


def test_the_print_leaves_out_the_placement_address_and_is_audited(family, make_client, app):
    amara = make_client("amara")
    created(
        amara.post(
            "/api/case-summaries",
            json={"family_id": family["family"], "sections": {"what_happened": "Sam moved."}},
        )
    )
    whole = amara.get(print_url(family))
    assert whole.status_code == 200
    assert whole.content_type == "text/html; charset=utf-8"
    assert "script-src 'none'" in whole.headers["Content-Security-Policy"]
    page = whole.text
    for restricted in ("Kittiwake", "EM4 7QT", "Eastmoor", "Old Lane", "New Road"):
        assert restricted not in page
    assert "Sam moved." in page
    assert "Mia: Child in need plan started" in page
    for_sam = amara.get(print_url(family, "Sam")).text
    assert "Chronology for Sam" in for_sam
    assert "Mia: Child in need plan started" not in for_sam
    assert "Sam moved." not in for_sam  # the story is the whole family's
    with app.app_context():
        prints = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity == "chronology", AuditEvent.action == "export")
            .order_by(AuditEvent.id)
        ).all()
        assert [event.detail["child_id"] for event in prints] == [None, family["Sam"]]
        assert {str(event.family_id) for event in prints} == {family["family"]}
        assert {db.session.get(User, event.user_id).username for event in prints} == {"amara"}


def test_no_one_outside_the_family_reads_or_prints_it(family, make_user, make_client):
    make_user("caseworker", team="South", username="south.worker")
    outsider = make_client("south.worker")
    assert outsider.get(url(family)).status_code == 404
    assert outsider.get(print_url(family)).status_code == 404


def test_a_child_of_another_family_is_refused(family, make_family, make_client, app):
    with app.app_context():
        amara = db.session.scalar(sa.select(User).where(User.username == "amara"))
        db.session.expunge(amara)
    other = make_family(team_of=amara, worker=amara, name="Other")
    with app.app_context():
        from server.persistence import Membership

        stranger = db.session.scalar(
            sa.select(Membership.person_id).where(Membership.family_id == other.id)
        )
    response = make_client("amara").get(
        f"/api/families/{family['family']}/chronology/print?child_id={stranger}"
    )
    assert response.status_code == 422
    assert "child_id" in response.json["errors"]


def test_a_new_source_plugs_in_with_one_line(family, app):
    def strategy_discussions(records):
        yield chronology.Event(
            date(2026, 7, 1),
            "Strategy discussion",
            "Police and health met with us.",
            (),
            "strategy_discussion",
            records.family.id,
        )

    with app.app_context():
        family_row = db.session.get(Family, uuid.UUID(family["family"]))
        records = chronology.FamilyRecords(family_row)
        plugged = chronology.events_of(records, sources=[*chronology.SOURCES, strategy_discussions])
        usual = chronology.events_of(records)
    assert len(plugged) == len(usual) + 1
    assert "Strategy discussion" in [event.title for event in plugged]


def test_entries_and_story_versions_sync_offline_and_a_version_never_changes(family, app):
    from tests.sync.devices import device

    phone = device(app, "amara")
    phone.pull()
    entry = phone.create(
        "chronology_entry",
        {
            "family_id": family["family"],
            "occurred_on": "2026-06-12",
            "event": "Nan moved in to help after Alex's operation.",
            "source": "Alex, at a home visit",
            "impact": None,
            "child_ids": [],
        },
    )
    first = phone.create(
        "case_summary", {"family_id": family["family"], "sections": {"who": "Alex and Sam."}}
    )
    assert [r["status"] for r in phone.push()] == ["applied", "applied"]
    tablet = device(app, "amara")
    tablet.pull()
    assert tablet.get("chronology_entry", entry)["event"].startswith("Nan moved in")
    assert tablet.get("case_summary", first)["sections"] == {"who": "Alex and Sam."}
    # Two workers offline: both correct the entry (merged), one rewrites the story in place.
    tablet.update("chronology_entry", entry, {"impact": "Sam has someone home after school."})
    tablet.update("case_summary", first, {"sections": {"who": "Changed in place."}})
    entry_result, story_result = tablet.push()
    assert entry_result["status"] == "applied"
    assert story_result["status"] == "rejected"
    assert story_result["reason"] == "rule"
    with app.app_context():
        from server.persistence import CaseSummary

        assert db.session.get(CaseSummary, uuid.UUID(first)).sections == {"who": "Alex and Sam."}


def test_a_subject_access_bundle_holds_the_entries_and_story_about_the_person(
    family, make_client, app
):
    from server.services import subject_access

    amara = make_client("amara")

    def entry(text, children):
        return created(
            amara.post(
                "/api/chronology-entries",
                json={
                    "family_id": family["family"],
                    "occurred_on": "2026-06-12",
                    "event": text,
                    "source": "School",
                    "child_ids": children,
                },
            )
        )["id"]

    about_sam = entry("Sam was excluded for a day.", [family["Sam"]])
    about_mia = entry("Mia started swimming lessons.", [family["Mia"]])
    whole = entry("The family's boiler broke in the cold snap.", [])
    story = created(
        amara.post(
            "/api/case-summaries",
            json={"family_id": family["family"], "sections": {"who": "A close family."}},
        )
    )["id"]
    with app.app_context():
        sam = subject_access.collect(uuid.UUID(family["Sam"]))
        alex = subject_access.collect(uuid.UUID(family["Alex"]))
    assert {str(r.id) for r in sam.records["chronology_entry"]} == {about_sam, whole}
    assert [str(r.id) for r in sam.records["case_summary"]] == [story]
    assert about_mia not in {str(r.id) for r in alex.records.get("chronology_entry", [])}
    assert not alex.records.get("case_summary")


def test_the_demo_councils_chronologies_come_from_its_records(app, make_client):
    """Each demo family's plans and moves are in its chronology; no placement address printed."""
    import demo
    from server.persistence import PlacementAddress, PlanEpisode

    with app.app_context():
        demo.load_demo_data(families=6, seed=11)
        teams = {
            user.username: user.team_id
            for user in db.session.scalars(
                sa.select(User).where(User.username.in_(["sup.north", "sup.south", "sup.cic"]))
            )
        }
        families = {family.id: family for family in db.session.scalars(sa.select(Family))}
        episodes = db.session.scalars(sa.select(PlanEpisode)).all()
        placements = {
            episode.family_id: address.address
            for address, episode in db.session.execute(
                sa.select(PlacementAddress, PlanEpisode).join(
                    PlanEpisode, PlanEpisode.id == PlacementAddress.episode_id
                )
            )
        }
    assert placements
    checked = set()
    for username, team_id in teams.items():
        client = make_client()
        assert client.login(username, demo.DEMO_PASSWORD).status_code == 200
        for family_id in (f for f, family in families.items() if family.team_id == team_id):
            events = client.get(f"/api/families/{family_id}/chronology").json["events"]
            keys = {event["key"] for event in events}
            for episode in (e for e in episodes if e.family_id == family_id):
                assert f"plan_episode:{episode.id}:start" in keys
                ended = f"plan_episode:{episode.id}:end" in keys
                assert ended == (episode.ended_on is not None)
            moves = [e for e in events if e["title"] == "The family moved home"]
            assert len(moves) == len(families[family_id].address_history)
            page = client.get(f"/api/families/{family_id}/chronology/print").text
            placement = placements.get(family_id) or {}
            for part in ("line1", "line2", "postcode"):
                if placement.get(part):
                    assert placement[part] not in page
            checked.add(family_id)
    assert checked == set(families)
    assert set(placements) <= checked
