"""The demo council: realistic, repeatable, and ready to sign in to straight after loading."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

import demo
from server import clock
from server.domain.lights import light_for
from server.domain.timescales import asked_of_each_child
from server.extensions import db
from server.persistence import (
    Assignment,
    CaseEpisode,
    CaseSummary,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    ChronologyEntry,
    Conference,
    Consultation,
    ConsultationReply,
    DecisionPolicy,
    Family,
    FamilyCopy,
    FamilyTransfer,
    Interaction,
    Judgment,
    LegalHold,
    Membership,
    Note,
    Person,
    PlacementAddress,
    PlanAction,
    PlanEpisode,
    Referral,
    Relationship,
    Review,
    ServiceSummary,
    StrategyDiscussion,
    Suggestion,
    SupervisionDiscussion,
    SupervisionSession,
    Team,
    User,
)
from server.services.case_records import checklist_item_id
from server.vocabularies import codes

FAMILIES = 12
SEED = 7
SECTIONS = ("what_happened", "child_voice", "family_view", "strengths", "reflection", "next_steps")

COUNTED = {
    "legal_holds": LegalHold,
    "teams": Team,
    "users": User,
    "decision_policies": DecisionPolicy,
    "checklist_templates": ChecklistTemplate,
    "families": Family,
    "people": Person,
    "memberships": Membership,
    "plan_episodes": PlanEpisode,
    "placement_addresses": PlacementAddress,
    "relationships": Relationship,
    "assignments": Assignment,
    "interactions": Interaction,
    "notes": Note,
    "judgments": Judgment,
    "checklists": Checklist,
    "checklist_items": ChecklistItem,
    "reviews": Review,
    "conferences": Conference,
    "plan_actions": PlanAction,
    "chronology_entries": ChronologyEntry,
    "case_summaries": CaseSummary,
    "family_copies": FamilyCopy,
    "suggestions": Suggestion,
    "consultations": Consultation,
    "consultation_replies": ConsultationReply,
    "supervision_sessions": SupervisionSession,
    "supervision_discussions": SupervisionDiscussion,
    "case_episodes": CaseEpisode,
    "family_transfers": FamilyTransfer,
    "strategy_discussions": StrategyDiscussion,
    "referrals": Referral,
}


@pytest.fixture
def council(app: Flask) -> dict[str, int]:
    """Load a small council into the test database and return its counts."""
    with app.app_context():
        return demo.load_demo_data(families=FAMILIES, seed=SEED)


def _all(model: type[Any]) -> list[Any]:
    return list(db.session.scalars(sa.select(model)))


def _current_assignments() -> list[Assignment]:
    return list(db.session.scalars(sa.select(Assignment).where(Assignment.ended_on.is_(None))))


def test_counts_returned_match_the_rows_in_the_database(council, app_context):
    assert set(council) == set(COUNTED)
    for name, model in COUNTED.items():
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        assert rows == council[name], name
    assert council["families"] == FAMILIES
    assert council["teams"] == 3
    # Years of work, not a handful of records.
    assert council["interactions"] > FAMILIES * 20
    assert council["notes"] > council["interactions"] // 2


def test_every_family_has_one_current_worker_from_its_own_team(council, app_context):
    users = {user.id: user for user in _all(User)}
    families = {family.id: family for family in _all(Family) if family.status == "open"}
    current = _current_assignments()
    assert Counter(a.family_id for a in current) == Counter(families.keys())
    for assignment in current:
        worker = users[assignment.worker_id]
        assert worker.active and worker.role == "caseworker"
        assert worker.team_id == families[assignment.family_id].team_id
    amara = next(user for user in users.values() if user.username == "cw.amara")
    assert any(a.worker_id == amara.id for a in current)
    assert amara.team is not None and amara.team.name == "North Family Support"


def test_earlier_workers_handed_over_with_a_reason_and_a_note(council, app_context):
    by_family: dict[uuid.UUID, list[Assignment]] = defaultdict(list)
    for assignment in _all(Assignment):
        by_family[assignment.family_id].append(assignment)
    ended = [a for a in _all(Assignment) if a.ended_on is not None]
    assert ended, "some families have had more than one worker"
    for assignment in ended:
        assert assignment.change_reason in codes("handover_reason")
        assert assignment.handover_note
    for history in by_family.values():
        history.sort(key=lambda a: a.started_on)
        # One unbroken line of workers: each starts the day the last one ended.
        for before, after in itertools.pairwise(history):
            assert before.ended_on == after.started_on
        closed = db.session.get(Family, history[-1].family_id)
        assert history[-1].ended_on == (closed.closed_on if closed.status == "closed" else None)


def test_families_have_people_a_network_and_their_own_goals(council, app_context):
    members = Counter(m.family_id for m in _all(Membership))
    edges = Counter(r.family_id for r in _all(Relationship))
    for family in _all(Family):
        assert 2 <= members[family.id] <= 6
        assert 3 <= edges[family.id] <= 8
        assert family.goals and family.address and family.address["postcode"]
    people = _all(Person)
    assert any(p.is_child for p in people) and any(not p.is_child for p in people)
    assert {p.ethnicity for p in people} <= set(codes("ethnicity"))
    assert {p.dob_accuracy for p in people} <= set(codes("dob_accuracy"))
    for relationship in _all(Relationship):
        assert relationship.type in codes("relationship_type")
        assert relationship.quality in codes("relationship_quality")
        assert (relationship.to_person_id is None) != (relationship.to_organisation is None)


def test_judgment_lights_and_statuses_follow_the_policy(council, app_context):
    policy = db.session.get(DecisionPolicy, 1)
    assert policy is not None
    users = {user.id: user for user in _all(User)}
    allowed = {
        "green": {"logged"},
        "yellow": {"awaiting_discussion", "discussed"},
        "red": {"awaiting_approval", "verbal_approval", "approved", "declined"},
    }
    judgments = _all(Judgment)
    assert judgments
    for judgment in judgments:
        assert judgment.light == light_for(policy.categories, judgment.category).value
        assert judgment.policy_version == policy.version
        assert judgment.state == "signed" and judgment.signed_at is not None
        # A proposal to end our work waits for agreement, whatever its light.
        assert judgment.status in (allowed["red"] if judgment.ending else allowed[judgment.light])
        assert judgment.options and judgment.risks and judgment.consulted
        if judgment.status in ("approved", "declined"):
            decider, author = users[judgment.decided_by_id], users[judgment.created_by_id]
            assert decider.role == "supervisor" and decider.team_id == author.team_id
            assert judgment.decided_at is not None
        else:
            assert judgment.decided_by_id is None


def test_notes_are_signed_and_supervision_is_a_conversation(council, app_context):
    notes = _all(Note)
    signed = [note for note in notes if note.state == "signed"]
    assert signed
    interactions = {i.id: i for i in _all(Interaction)}
    for note in notes:
        assert (note.signed_at is not None) == (note.state == "signed")
        assert set(note.sections) == set(SECTIONS)
        assert note.sections["what_happened"] and note.sections["next_steps"]
        # A visit or meeting gets every section; a short call a line or two.
        if interactions[note.interaction_id].mode in ("home_visit", "school", "community"):
            assert all(note.sections[key] for key in SECTIONS)
    reviews = _all(Review)
    replies = [r for r in reviews if r.review_kind == "reply"]
    assert replies
    by_id = {review.id: review for review in reviews}
    users = {user.id: user for user in _all(User)}
    for reply in replies:
        parent = by_id[reply.parent_id]
        assert parent.review_kind in ("comment", "question")
        assert users[parent.created_by_id].role == "supervisor"
        assert parent.target_id == reply.target_id


def test_notes_and_decisions_keep_when_the_device_wrote_and_signed_them(council, app_context):
    signed = [r for r in _all(Note) + _all(Judgment) if r.state == "signed"]
    for record in signed:
        assert record.device_written_at is not None and record.device_signed_at is not None
        assert record.device_written_at <= record.created_at
        assert record.device_signed_at <= record.signed_at
    # Most reached the server within minutes; some waited for a signal on the way back.
    late = [r for r in signed if r.signed_at - r.device_signed_at > timedelta(minutes=5)]
    assert 0 < len(late) < len(signed) / 2
    for review in _all(Review):
        assert review.device_signed_at == review.device_written_at <= review.signed_at


def test_checklists_are_made_from_templates_with_derived_item_ids(council, app_context):
    templates = {t.id: t for t in _all(ChecklistTemplate)}
    assert {t.purpose for t in templates.values()} == {"statutory_visit", "core_group", "review"}
    items: dict[uuid.UUID, list[ChecklistItem]] = defaultdict(list)
    for item in _all(ChecklistItem):
        assert item.id == checklist_item_id(item.checklist_id, item.item_key, item.child_id)
        items[item.checklist_id].append(item)
    checklists = _all(Checklist)
    assert checklists
    for checklist in checklists:
        template = templates[checklist.template_id]
        children = checklist.child_ids or [None]
        # An item about each child is answered once per child, the rest once.
        assert sorted((i.item_key, str(i.child_id or "")) for i in items[checklist.id]) == sorted(
            (entry["key"], str(child or ""))
            for entry in template.items
            for child in (children if asked_of_each_child(entry) else [None])
        )
        assert checklist.timeliness == (
            "met" if checklist.completed_on <= checklist.due_on else "late"
        )


def test_each_childs_seen_answers_agree_with_who_was_there(council, app_context):
    visits = {visit.id: visit for visit in _all(Interaction)}
    per_child = [item for item in _all(ChecklistItem) if item.from_visit == "child_seen"]
    assert per_child
    checklists = {checklist.id: checklist for checklist in _all(Checklist)}
    answers: Counter[str] = Counter()
    for item in per_child:
        visit = visits[checklists[item.checklist_id].interaction_id]
        there = {p["person_id"]: p for p in visit.participants}
        seen = there.get(str(item.child_id), {}).get("seen", False)
        assert (item.answer == "yes") == seen, (item.answer, item.reason)
        answers[item.answer] += 1
    # Most children are seen; a few were away, and the checklist says why.
    assert answers["yes"] > 10 * answers["no"] > 0


def test_peer_consultations_come_from_a_team_and_are_answered_by_the_others(council, app_context):
    teams = {user.id: user.team_id for user in _all(User)}
    consultations = _all(Consultation)
    assert consultations and all(c.asked_in_team_id for c in consultations)
    assert len({c.asked_in_team_id for c in consultations}) == 3
    for reply in _all(ConsultationReply):
        asked_in = next(c.asked_in_team_id for c in consultations if c.id == reply.consultation_id)
        assert teams[reply.created_by_id] != asked_in


def test_the_same_seed_gives_the_same_families(council, app_context):
    loaded = sorted(family.display_name for family in _all(Family))
    staff = demo.Staff.load()
    again = demo.build_council(families=FAMILIES, seed=SEED, staff=staff)
    other = demo.build_council(families=FAMILIES, seed=SEED + 1, staff=staff)
    assert sorted(row["display_name"] for row in again[Family]) == loaded
    assert sorted(row["display_name"] for row in other[Family]) != loaded
    people = sorted(person.given_name for person in _all(Person))
    assert sorted(row["given_name"] for row in again[Person]) == people


def test_a_caseworker_signs_in_and_sees_only_their_families(app, council, make_client):
    with app.app_context():
        amara = db.session.scalar(sa.select(User).where(User.username == "cw.amara"))
        assert amara is not None
        expected = {str(a.family_id) for a in _current_assignments() if a.worker_id == amara.id}
    assert expected
    client = make_client()
    assert client.login("cw.amara", demo.DEMO_PASSWORD).status_code == 200
    response = client.get("/api/families?page_size=200")
    assert response.status_code == 200
    assert {family["id"] for family in response.json["items"]} == expected
    assert response.json["total"] < FAMILIES


def test_workers_made_without_the_account_service_can_sign_in_too(council, make_client):
    client = make_client()
    assert client.login("sup.south", demo.DEMO_PASSWORD).status_code == 200
    assert client.get("/api/families?page_size=200").json["total"] > 0


def test_demo_data_command_prints_sign_ins_and_loads_only_once(app, app_context):
    # The commands are plain click commands: the `flask` script gives them the app
    # context, which the test runner (invoking app.cli directly) does not.
    runner = app.test_cli_runner()
    args = ["demo-data", "--if-empty", "--families", "3", "--seed", "1"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "Loaded demo data" in first.output and "3 families" in first.output
    # Analysts find last month's summary on their first visit.
    assert "service summary" in first.output
    [summary] = db.session.scalars(sa.select(ServiceSummary)).all()
    assert summary.kind == "monthly" and summary.period_end.day == 1
    assert demo.DEMO_PASSWORD in first.output
    for username, _, role, _ in demo.DEMO_USERS:
        assert username in first.output and role in first.output
    second = runner.invoke(args=args)
    assert second.exit_code == 0, second.output
    assert "already has data; demo data not loaded" in second.output
    assert demo.DEMO_PASSWORD in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Family)) == 3


# The council as `make run` loads it (server/cli.py: demo-data's defaults).
MAKE_RUN_FAMILIES, MAKE_RUN_SEED = 200, 2026


@pytest.fixture
def make_run_council(app: Flask) -> None:
    with app.app_context():
        demo.load_demo_data(families=MAKE_RUN_FAMILIES, seed=MAKE_RUN_SEED)


def test_every_child_is_on_the_plan_their_family_is_worked_at(council, app_context):
    running = [e for e in _all(PlanEpisode) if e.ended_on is None]
    closed = {f.id for f in _all(Family) if f.status == "closed"}
    open_members = {m.person_id for m in _all(Membership) if m.family_id not in closed}
    children = [p for p in _all(Person) if p.is_child and p.id in open_members]
    by_child = Counter(e.person_id for e in running)
    assert set(by_child) == {child.id for child in children}
    assert set(by_child.values()) == {1}, "one running plan per child"
    for episode in running:
        assert (episode.cp_category is not None) == (episode.plan_type == "child_protection")
        assert (episode.legal_status is not None) == (episode.plan_type == "looked_after")
        if episode.plan_type == "looked_after":
            assert episode.placement_started_on is not None and episode.placement_type
    for episode in _all(PlanEpisode):
        if episode.family_id in closed:  # stepped down: every plan ended with the family's work
            assert episode.end_reason in ("stepped_down", "stepped_up")
        elif episode.ended_on is not None:  # a child in need plan stepped up to protection
            assert (episode.plan_type, episode.end_reason) == ("child_in_need", "stepped_up")


def _overdue_families() -> dict[uuid.UUID, list[Any]]:

    from server.services.statutory import child_dues

    overdue: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for due in child_dues():
        if due.due < clock.today():
            overdue[due.family_id].append(due)
    return overdue


def _why_overdue(family_id: uuid.UUID, dues: list[Any]) -> str:
    """Return the reason a supervisor would recognise for a family's overdue visit."""

    # One check overdue, or (nobody home) the same visit for every child of the family.
    due = dues[0]
    assert {(d.template_key, d.due) for d in dues} == {(due.template_key, due.due)}
    visits = sorted(
        db.session.scalars(
            sa.select(Interaction).where(
                Interaction.family_id == family_id, Interaction.purpose == "statutory_visit"
            )
        ),
        key=lambda visit: visit.occurred_at,
    )
    last = visits[-1]
    note = db.session.scalar(sa.select(Note).where(Note.interaction_id == last.id))
    if not last.participants and note and "No answer at the door" in note.sections["what_happened"]:
        return "no access"
    assert len(dues) == 1, "only a missed visit leaves more than one child overdue"
    child = db.session.get(Person, due.person_id)
    seen = [p for p in last.participants if p["seen"]]
    if seen and all(p["person_id"] != str(due.person_id) for p in seen) and note:
        assert (
            child is not None
            and f"{child.given_name} was staying with" in (note.sections["what_happened"])
        )
        return "away from home"
    episode = db.session.get(PlanEpisode, due.episode_id)
    assert episode is not None and episode.placement_started_on is not None
    assert (clock.today() - episode.placement_started_on).days < 14
    return "new placement"


def test_the_make_run_council_is_well_run_with_few_recognisable_gaps(make_run_council, app_context):
    users = {user.username: user for user in _all(User)}
    teams = {team.name: team.id for team in _all(Team)}
    overdue = _overdue_families()
    current = {a.family_id: a.worker_id for a in _current_assignments()}
    amaras = {f for f, worker in current.items() if worker == users["cw.amara"].id}
    assert len(amaras) >= 15
    amara_overdue = set(overdue) & amaras
    assert 1 <= len(amara_overdue) <= 2
    assert sorted(_why_overdue(f, overdue[f]) for f in amara_overdue) == [
        "away from home",
        "no access",
    ]
    # sup.north's overdue panel: only those genuine cases; no team has more than a few.
    families = {family.id: family for family in _all(Family)}
    north = {f for f in overdue if families[f].team_id == teams["North Family Support"]}
    assert north == amara_overdue
    assert len(overdue) <= 4
    for family_id, dues in overdue.items():
        assert _why_overdue(family_id, dues)
    # The case mix: every kind of plan, and most families with a visit set by their plan.
    from server.services.statutory import child_dues

    running = {e.plan_type for e in _all(PlanEpisode) if e.ended_on is None}
    assert running == {"early_help", "child_in_need", "child_protection", "looked_after"}
    assert len({due.family_id for due in child_dues()}) > len(families) // 2


def test_the_summary_counts_as_not_done_exactly_the_visits_overdue_now(
    make_run_council, app_context
):
    from server.services.statutory import VisitOutcome, child_dues, statutory_visits_due

    today = clock.today()
    visit_keys = {"statutory_visit", "child_in_need_visit", "looked_after_visit"}
    overdue = {
        (due.person_id, due.template_key, due.due)
        for due in child_dues()
        if due.due < today and due.template_key in visit_keys
    }
    assert overdue
    due = statutory_visits_due(today - timedelta(days=120), today, as_of=today)
    not_done = {
        (visit.person_id, visit.template_key, visit.due)
        for visit in due
        if visit.outcome is VisitOutcome.NOT_DONE
    }
    assert not_done == overdue
    # The rest of the council's visits in those months were made, nearly all on time.
    made = [visit for visit in due if visit.outcome is not VisitOutcome.NOT_DONE]
    on_time = [visit for visit in made if visit.outcome is VisitOutcome.MET]
    assert len(made) > 500 and len(on_time) / len(made) > 0.8


def test_the_demo_has_a_practice_lead_running_a_trial_in_north(app, app_context):
    # Imported here: this test is the demo's practice lead's alone.
    from server.persistence import NewlyQualifiedLights, PolicyTrial, User
    from server.services.team_lights import trial_state

    demo.load_demo_data(families=3, seed=1)
    assert "lead" in demo.sign_in_help() and "Grace Adeyemi" in demo.sign_in_help()
    lead = db.session.scalar(sa.select(User).where(User.username == "lead"))
    assert lead is not None and lead.role == "practice_lead"
    [trial] = db.session.scalars(sa.select(PolicyTrial)).all()
    assert trial_state(trial) == "running"
    assert trial.team_id == db.session.scalar(sa.select(Team.id).where(Team.name == demo.NORTH))
    [narrower] = db.session.scalars(sa.select(NewlyQualifiedLights)).all()
    assert narrower.team_id == trial.team_id
    niamh = db.session.scalar(sa.select(User).where(User.username == demo.NEWLY_QUALIFIED))
    assert niamh is not None and niamh.qualified_on is not None
    # The policy in force is the practice lead's.
    assert {p.created_by_id for p in db.session.scalars(sa.select(DecisionPolicy))} == {lead.id}


def test_a_family_in_care_proceedings_is_held_from_deletion(council, app_context):
    from server.services import retention

    [hold] = db.session.scalars(sa.select(LegalHold)).all()
    assert hold.lifted_at is None and "Care proceedings" in hold.reason
    assert db.session.get(User, hold.set_by_id).role == "practice_lead"
    plans = db.session.scalars(
        sa.select(PlanEpisode.plan_type).where(PlanEpisode.family_id == hold.family_id)
    ).all()
    assert {"child_protection", "looked_after"} & set(plans)
    assert retention.held(hold.family_id)


# --- a believable council: what a worker or a visitor would notice at once -------------

# By the moment they were built at: the council's story is told up to "today".
_MAKE_RUN_ROWS: dict[datetime, demo.Rows] = {}


@pytest.fixture
def make_run_rows(app: Flask) -> demo.Rows:
    """Return the rows of the make-run council (not written) for these checks.

    Built once for each moment the tests run at (tests/conftest.py), so a check
    that compares the rows with today sees the today they were built on.
    """
    moment = clock.now()
    if moment not in _MAKE_RUN_ROWS:
        with app.app_context():
            staff = demo._hire_staff()
            _MAKE_RUN_ROWS[moment] = demo.build_council(
                families=MAKE_RUN_FAMILIES, seed=MAKE_RUN_SEED, staff=staff
            )
    return _MAKE_RUN_ROWS[moment]


def _members_of(rows: demo.Rows) -> dict[uuid.UUID, list[dict[str, Any]]]:
    people = {person["id"]: person for person in rows[Person]}
    members: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for membership in rows[Membership]:
        members[membership["family_id"]].append(
            {**people[membership["person_id"]], "role": membership["role_in_family"]}
        )
    return members


def _interaction_of(rows: demo.Rows) -> dict[uuid.UUID, dict[str, Any]]:
    return {interaction["id"]: interaction for interaction in rows[Interaction]}


def test_every_family_in_the_council_has_a_name_of_its_own(make_run_rows):
    names = Counter(family["display_name"] for family in make_run_rows[Family])
    assert len(names) == MAKE_RUN_FAMILIES, names.most_common(3)
    staff = {name.split()[-1] for _, name, *_ in [*demo.DEMO_USERS, *demo.STAFF]}
    assert not {name.removesuffix(" family") for name in names} & staff


def test_no_worker_holds_two_children_of_the_same_name(make_run_rows):
    members = _members_of(make_run_rows)
    current = {
        a["family_id"]: a["worker_id"] for a in make_run_rows[Assignment] if a["ended_on"] is None
    }
    caseloads: dict[uuid.UUID, Counter[str]] = defaultdict(Counter)
    for family_id, people in members.items():
        if family_id not in current:
            continue  # closed: in no one's caseload
        for person in people:
            if person["is_child"]:
                caseloads[current[family_id]][person["given_name"]] += 1
    assert len(caseloads) > 10
    for names in caseloads.values():
        assert names.most_common(1)[0][1] == 1, names.most_common(2)


def test_foster_carers_live_in_their_own_home_and_are_not_of_the_birth_family(make_run_rows):
    rows = make_run_rows
    assert not [m for m in rows[Membership] if "foster" in (m["role_in_family"] or "")]
    members = {(m["family_id"], m["person_id"]) for m in rows[Membership]}
    any_membership = {m["person_id"] for m in rows[Membership]}
    looked_after = [e for e in rows[PlanEpisode] if e["plan_type"] == "looked_after"]
    assert looked_after
    fostered = defaultdict(set)
    for edge in rows[Relationship]:
        if edge["type"] == "FSTPRN":
            # A person in their own right, linked to the child, belonging to no family here.
            assert edge["to_person_id"] is not None
            assert edge["to_person_id"] not in any_membership
            assert (edge["family_id"], edge["from_person_id"]) in members
            fostered[edge["family_id"]].add(edge["from_person_id"])
    families = {family["id"]: family for family in rows[Family]}
    placed = defaultdict(list)
    for address in rows[PlacementAddress]:
        placed[address["episode_id"]].append(address["address"])
    for episode in looked_after:
        # Every looked-after child has a foster carer, at an address other than the family's.
        assert episode["person_id"] in fostered[episode["family_id"]]
        assert placed[episode["id"]], "the placement address is recorded"
        home = families[episode["family_id"]]["address"]
        assert placed[episode["id"]][-1]["postcode"] != home["postcode"]
    # Nobody on a plan other than looked after has a foster carer.
    in_care = {e["family_id"] for e in looked_after}
    assert set(fostered) == in_care


def test_notes_of_calls_say_only_what_a_call_can_tell(make_run_rows):
    interactions = _interaction_of(make_run_rows)
    sights = (
        "showed me",
        "drawing",
        "drew",
        "bedroom",
        "kitchen",
        "the house",
        "the flat",
        "played",
        "sat ",
        "met me at the door",
        "I saw",
        "on their own",
    )
    calls = [
        note
        for note in make_run_rows[Note]
        if interactions[note["interaction_id"]]["mode"] == "phone"
    ]
    assert len(calls) > 100
    for note in calls:
        text = " ".join(note["sections"].values())
        assert not [word for word in sights if word in text], text
    # A short call gets a short note: what it was about and what happens next.
    for note in calls:
        if interactions[note["interaction_id"]]["duration_minutes"] < 20:
            written = [key for key, text in note["sections"].items() if text]
            assert written == ["what_happened", "next_steps"]
    # A child shows a drawing on a video call only if a child took part.
    for note in make_run_rows[Note]:
        interaction = interactions[note["interaction_id"]]
        if interaction["mode"] == "video" and "drawing" in " ".join(note["sections"].values()):
            assert any(p["spoken_to"] for p in interaction["participants"][1:])


def test_only_a_child_in_care_asks_to_stay_where_they_are(make_run_rows):
    in_care = {
        e["family_id"] for e in make_run_rows[PlanEpisode] if e["plan_type"] == "looked_after"
    }
    said_in_care, said_at_home = 0, 0
    for note in make_run_rows[Note]:
        voice = note["sections"]["child_voice"]
        if "stay here" in voice or "going home" in voice or "move again" in voice:
            assert note["family_id"] in in_care, voice
            said_in_care += 1
        if "safe at home" in voice or "worry about Mum when I'm at school" in voice:
            assert note["family_id"] not in in_care, voice
            said_at_home += 1
    assert said_in_care and said_at_home


def test_contacts_and_writing_fall_mostly_in_the_working_day(make_run_rows):
    from server.clock import COUNCIL_ZONE

    def local(moment):
        return moment.astimezone(COUNCIL_ZONE)

    starts = [local(i["occurred_at"]) for i in make_run_rows[Interaction]]
    assert all(start.weekday() < 5 for start in starts)
    assert all(8 <= start.hour < 19 for start in starts), "no contact at night"
    in_day = [start for start in starts if 8 <= start.hour < 17]
    assert len(in_day) / len(starts) > 0.9
    signed = [local(n["signed_at"]) for n in make_run_rows[Note] if n["signed_at"]]
    in_day = [at for at in signed if at.weekday() < 5 and 8 <= at.hour < 18]
    assert len(in_day) / len(signed) > 0.8
    asked = [local(r["created_at"]) for r in make_run_rows[Review]]
    in_day = [at for at in asked if at.weekday() < 5 and 8 <= at.hour < 18]
    assert len(in_day) / len(asked) > 0.9


def test_schools_and_groups_are_the_councils_own_invented_ones(make_run_rows):
    areas = demo.SCHOOLS_OF_AREA
    invented = {
        *demo.SCHOOLS,
        *demo.GROUPS,
        *(demo.NURSERY.format(area=area) for area in areas),
        *(demo.HEALTH_VISITING.format(area=area) for area in areas),
    }
    named = {edge["to_organisation"] for edge in make_run_rows[Relationship]} - {None}
    assert named <= invented, named - invented
    # Names of real schools and churches the demo once used appear nowhere.
    texts = [" ".join(note["sections"].values()) for note in make_run_rows[Note]]
    for real in ("Holbrook High School", "Kingsmead School", "St Anne's", "Oakfield Primary"):
        assert real not in named and not any(real in text for text in texts)


def test_faith_groups_are_the_familys_own_not_their_ethnicity(make_run_rows):
    members = _members_of(make_run_rows)
    groups_of: dict[str, set[str]] = defaultdict(set)  # ethnicity: faith groups named
    families_of: Counter[str] = Counter()
    for edge in make_run_rows[Relationship]:
        if edge["organisation_kind"] == "faith":
            ethnicity = members[edge["family_id"]][0]["ethnicity"]  # the main carer's
            groups_of[ethnicity].add(edge["to_organisation"])
            families_of[ethnicity] += 1
    # Most families name no faith group; those that do are not sorted by heritage:
    # families of the same ethnicity go to different places, or to none.
    assert 0 < sum(families_of.values()) < MAKE_RUN_FAMILIES / 2
    [(commonest, count)] = families_of.most_common(1)
    assert count >= 3 and len(groups_of[commonest]) >= 2, groups_of[commonest]


def test_urgent_decisions_were_agreed_by_phone_one_confirmed_one_waiting(app, app_context):
    from server.domain.urgent import national_number
    from server.persistence import Review, UrgentContacts

    counts = demo.load_demo_data(families=60, seed=SEED)
    assert counts["judgments"]
    numbers = db.session.get(UrgentContacts, 1)
    assert numbers is not None
    for number in (numbers.team_manager, numbers.duty_team, numbers.emergency_duty_team):
        # Ofcom's drama ranges: plausible, and nobody's line.
        assert (national_number(number) or "").startswith(("0207946", "01614960"))
    users = {user.id: user for user in _all(User)}
    agreements = {r.target_id: r for r in _all(Review) if r.review_kind == "verbal_approval"}
    decisions = [db.session.get(Judgment, target) for target in agreements]
    statuses = sorted(j.status for j in decisions if j is not None)
    assert statuses == ["approved", "verbal_approval"]
    policy = db.session.get(DecisionPolicy, 1)
    for judgment in decisions:
        assert judgment is not None
        agreed = agreements[judgment.id]
        approver, author = users[agreed.agreed_by_id], users[judgment.created_by_id]
        assert approver.role == "supervisor" and approver.team_id == author.team_id
        assert agreed.created_by_id == author.id and agreed.agreed_at < agreed.created_at
        urgent = any(c["key"] == judgment.category and c.get("urgent") for c in policy.categories)
        assert urgent or judgment.immediate_risk
        if judgment.status == "approved":
            assert judgment.decided_by_id == approver.id


def test_decisions_are_ones_the_records_bear_out(make_run_rows):
    interactions = _interaction_of(make_run_rows)
    episodes: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for episode in make_run_rows[PlanEpisode]:
        episodes[episode["family_id"]].append(episode)
    for judgment in make_run_rows[Judgment]:
        if judgment.get("interaction_id") is None:
            continue  # reached in group supervision, not at a visit
        day = interactions[judgment["interaction_id"]]["occurred_at"].date()
        plans = episodes[judgment["family_id"]]
        if judgment["category"] == "placement_move":
            # Followed by the move it asked for: a placement that started soon after.
            starts = [e["placement_started_on"] for e in plans if e["placement_started_on"]]
            assert any(day < start <= day + timedelta(days=43) for start in starts)
        elif judgment["category"] == "child_protection_referral":
            starts = [e["started_on"] for e in plans if e["plan_type"] == "child_protection"]
            assert any(day < start <= day + timedelta(days=43) for start in starts)
        elif judgment["category"] == "step_down_to_early_help" and not judgment["ending"]:
            # The children are still on their plans: the decision was to wait.
            assert judgment["decision"].startswith("Not yet")


def test_chronologies_and_stories_are_the_familys_own(council, app_context):
    entries = _all(ChronologyEntry)
    stories = _all(CaseSummary)
    assert entries and stories
    children = {
        (m.family_id, m.person_id)
        for m, is_child in db.session.execute(
            sa.select(Membership, Person.is_child).join(Person, Person.id == Membership.person_id)
        )
        if is_child
    }
    for entry in entries:
        assert entry.occurred_on <= entry.created_at.date()
        assert entry.source and entry.impact and "{" not in entry.event + entry.impact
        assert all((entry.family_id, uuid.UUID(child)) in children for child in entry.child_ids)
    by_id = {story.id: story for story in stories}
    for story in stories:
        assert "{" not in " ".join(story.sections.values())
        if story.previous_id is not None:
            earlier = by_id[story.previous_id]
            assert earlier.family_id == story.family_id
            assert earlier.created_at < story.created_at
    assert any(story.previous_id for story in stories), "some stories were brought up to date"


def test_our_work_ends_in_each_way_the_app_knows(make_run_rows):
    families = {row["id"]: row for row in make_run_rows[Family]}
    endings = [row for row in make_run_rows[Judgment] if row["ending"]]
    kinds = Counter((row["ending"]["kind"], row["status"]) for row in endings)
    # One stepped down and agreed, one waiting for sup.north, one transfer agreed.
    assert kinds == Counter(
        {
            ("step_down", "approved"): 1,
            ("step_down", "awaiting_approval"): 1,
            ("transfer", "approved"): 1,
        }
    )
    [closed] = [row for row in families.values() if row["status"] == "closed"]
    assert closed["closure_reason"] == "RC7"  # services ceased: no longer in need
    latest = max(row["occurred_at"] for row in make_run_rows[Interaction]).date()
    assert (latest - closed["closed_on"]).days > 28  # cleared from devices by now
    later = [
        row
        for row in make_run_rows[Interaction]
        if row["family_id"] == closed["id"] and row["occurred_at"].date() > closed["closed_on"]
    ]
    assert later == []
    assert all(
        row["ended_on"] is not None
        for row in make_run_rows[PlanEpisode]
        if row["family_id"] == closed["id"]
    )
    episodes = make_run_rows[CaseEpisode]
    [reopened] = [row for row in episodes if row["follows_id"] is not None]
    earlier = next(row for row in episodes if row["id"] == reopened["follows_id"])
    assert earlier["closed_on"] < reopened["opened_on"] and reopened["reopen_reason"]
    [transfer] = make_run_rows[FamilyTransfer]
    assert transfer["accepted_at"] is None and transfer["handover_note"]


def test_strategy_discussions_lead_to_the_plans_the_children_are_on(make_run_rows):
    """Each child protection plan began at an ICPC held in time after a strategy discussion.

    One child in need family has an enquiry whose ICPC is due soon (not yet late),
    and one early help family's discussion ended in no further action.
    """
    from server.domain.strategy import starts_s47
    from server.domain.timescales import icpc_due

    today = demo.clock.today()
    episodes: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for episode in make_run_rows[PlanEpisode]:
        episodes[episode["family_id"]].append(episode)
    kinds: Counter[str] = Counter()
    for discussion in make_run_rows[StrategyDiscussion]:
        day = demo.clock.council_date(discussion["discussed_at"])
        assert discussion["state"] == "signed"
        assert discussion["child_ids"] and discussion["participants"]
        assert {p["agency"] for p in discussion["participants"]} <= set(codes("strategy_agency"))
        family_episodes = episodes[discussion["family_id"]]
        plans = {e["plan_type"] for e in family_episodes if e["ended_on"] is None}
        if not starts_s47(discussion["decision"]):
            assert discussion["icpc_due_on"] is None and discussion["icpc_held_on"] is None
            kinds["no_enquiry"] += 1
            continue
        assert discussion["s47_started_on"] == day
        assert discussion["icpc_due_on"] == icpc_due(day)
        held = discussion["icpc_held_on"]
        if held is None:
            # The ICPC is still to come, and not late.
            assert day < today <= discussion["icpc_due_on"]
            assert "child_protection" not in plans
            kinds["icpc_due"] += 1
            continue
        assert day < held <= discussion["icpc_due_on"]
        # The child protection plan of each child began at the conference.
        starts = {
            str(e["person_id"]): e["started_on"]
            for e in family_episodes
            if e["plan_type"] == "child_protection"
        }
        assert set(discussion["child_ids"]) <= set(starts)
        assert {starts[child] for child in discussion["child_ids"]} == {held}
        kinds["icpc_held"] += 1
    assert kinds["icpc_held"] >= 3 and kinds["icpc_due"] == 1 and kinds["no_enquiry"] == 1


def test_the_census_report_lists_the_demos_deliberate_errors_and_nothing_else(
    make_run_council, app_context
):
    from server.census.collect import CensusYear, children
    from server.census.rules import issues_of
    from server.domain.upn import upn_problem
    from server.services.census import latest_year

    year = CensusYear(latest_year())
    found = []
    held = 0
    for child in children(db.session, year):
        held += 1
        found += [issue.rule.key for issue in issues_of(child, year)]
    assert held > 50
    assert sorted(found) == [
        "assessment_no_factors",
        "cp_no_conference",
        "upn_invalid",
        "upn_missing",
    ]
    # Every other child has a good number, or the reason why not (under 5: not yet in school).
    people = [p for p in _all(Person) if p.is_child]
    good = [p for p in people if p.upn and upn_problem(p.upn) is None]
    assert len(good) > 50
    assert sum(1 for p in people if not p.upn and not p.upn_unknown) == 1
    assert {p.upn_unknown for p in people if p.upn_unknown} == {"UN1"}


def test_family_copies_are_plain_and_share_nothing_they_should_not(council, app_context):
    from server.domain import family_copy
    from server.services import family_copies

    copies = _all(FamilyCopy)
    shared = [copy for copy in copies if copy.state == "signed"]
    drafts = [copy for copy in copies if copy.state == "draft"]
    assert {copy.shared_how for copy in shared} >= {"by_hand"}
    assert drafts, "a draft still being written"
    glossary = family_copies.glossary()
    for copy in copies:
        note = db.session.get(Note, copy.note_id)
        assert note is not None and note.state == "signed" and note.family_id == copy.family_id
        assert copy.device_written_at is not None and copy.created_at < note.signed_at + timedelta(
            days=5
        )
        assert family_copies.flags_of(copy) == [], "nothing to check before sharing"
        text = "\n".join(copy.sections.get(name, "") for name in family_copy.SECTIONS)
        found = family_copy.readability(text, glossary)
        if copy.state == "signed":
            assert found == [], "a shared copy is in plain words"
            assert copy.signed_at >= copy.created_at and copy.device_signed_at is not None
        else:
            assert [finding["term"] for finding in found] == ["contact"]


def test_the_demo_builds_the_same_rows_from_its_files_each_time(app, app_context, monkeypatch):
    # Ids are the only thing drawn outside the seed: number them from one for each build.
    from server.persistence import columns

    staff = demo._hire_staff()
    builds = []
    for _ in range(2):
        numbers = itertools.count(1)
        monkeypatch.setattr(columns, "uuid7", lambda n=numbers: uuid.UUID(int=next(n)))
        builds.append(demo.build_council(families=FAMILIES, seed=SEED, staff=staff))
    assert builds[0] == builds[1]
    assert builds[0][Note]


def test_demo_data_is_refused_in_production_before_the_demo_is_read(app, app_context):
    app.config["PRODUCTION"] = True
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
