"""Reminders of a child's statutory visit: before it is due, and once its day has passed.

Each test moves the frozen clock to chosen days around a child's due date
and runs the job as the morning cron would; what reaches the stand-in push
service is decrypted as the browser would read it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from server import clock
from server.domain.timescales import Interval, Unit, add_interval
from server.extensions import db
from server.jobs import visits
from server.jobs.visits import ReminderStage, remind_visits_due, stage_on
from server.persistence import Interaction, Membership, Person, PlanEpisode, StatutoryReminder
from tests.api.casework import publish_practice_settings

from .push_service import BrowserKeys
from .test_push import run_push_jobs, subscribe

EVERY_TEN_WORKING_DAYS = Interval(10, Unit.WORKING_DAYS)


def morning_of(day: date) -> None:
    """Stop the clock at 7 in the morning, London time, on ``day``: when the cron runs."""
    clock.freeze(datetime.combine(day, time(7), tzinfo=clock.COUNCIL_ZONE))


def start_plan_due_in(family_id: uuid.UUID, child_id: uuid.UUID, working_days: int) -> PlanEpisode:
    """Start a child protection plan whose first visit falls due in ``working_days``."""
    today = clock.today()
    target = add_interval(today, Interval(working_days, Unit.WORKING_DAYS))
    started = today
    while add_interval(started, EVERY_TEN_WORKING_DAYS) > target:
        started -= timedelta(days=1)
    episode = PlanEpisode(
        family_id=family_id,
        person_id=child_id,
        plan_type="child_protection",
        cp_category="NEG",
        started_on=started,
    )
    db.session.add(episode)
    db.session.commit()
    return episode


def add_child(family_id: uuid.UUID, given_name: str) -> uuid.UUID:
    child = Person(given_name=given_name, family_name="Okoro", is_child=True)
    db.session.add(child)
    db.session.flush()
    db.session.add(Membership(family_id=family_id, person_id=child.id))
    db.session.commit()
    return child.id


def child_of(family_id: uuid.UUID) -> uuid.UUID:
    child: uuid.UUID = db.session.scalar(
        sa.select(Person.id)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.family_id == family_id, Person.is_child.is_(True))
    )
    return child


def visit(family_id: uuid.UUID, seen: list[uuid.UUID], present: list[uuid.UUID]) -> None:
    """Record a statutory visit now, with who was there and which children were seen."""
    db.session.add(
        Interaction(
            family_id=family_id,
            occurred_at=clock.now(),
            mode="home_visit",
            purpose="statutory_visit",
            participants=[
                {"person_id": str(p), "present": True, "seen": p in seen} for p in present
            ],
        )
    )
    db.session.commit()


@pytest.fixture
def okoro(app, vapid, push_service, make_user, make_family, make_client):
    """A family with one child (Sam), its worker's device subscribed: (family, Sam, keys)."""
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))  # visits every 10 working days, any plan
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    keys = BrowserKeys()
    subscribe(make_client("amara"), push_service, keys)
    with app.app_context():
        sam = child_of(family.id)
    return family, sam, keys


def received(app, push_service, keys):
    """Send what is queued; return every payload the device has had, decrypted."""
    run_push_jobs(app)
    return [keys.decrypt(push["body"]) for push in push_service.received]


def test_a_reminder_before_the_day_and_another_when_it_passes_each_sent_once(
    app, okoro, push_service
):
    family, sam, keys = okoro
    with app.app_context():
        episode = start_plan_due_in(family.id, sam, 1)
        episode_id, due = episode.id, add_interval(episode.started_on, EVERY_TEN_WORKING_DAYS)

        assert remind_visits_due() == 1
        assert remind_visits_due() == 0  # the next run, or a second worker process: nothing new
    assert received(app, push_service, keys) == [
        {"kind": "visit_due", "id": str(episode_id), "lang": "en"}
    ]

    with app.app_context():
        morning_of(due)  # the day itself: already reminded
        assert remind_visits_due() == 0
        morning_of(due + timedelta(days=1))
        assert remind_visits_due() == 1
        assert remind_visits_due() == 0
        morning_of(due + timedelta(days=8))  # still not visited a week later: not told again
        assert remind_visits_due() == 0
        sent = db.session.execute(
            sa.select(StatutoryReminder.due_on, StatutoryReminder.stage).order_by(
                StatutoryReminder.sent_at
            )
        ).all()
    assert sent == [(due, "before"), (due, "passed")]
    payloads = received(app, push_service, keys)
    assert payloads == [
        {"kind": "visit_due", "id": str(episode_id), "lang": "en"},
        {"kind": "visit_overdue", "id": str(episode_id), "lang": "en"},
    ]
    # No name, family or date: the id is the plan episode's, which only the app can read.
    assert str(family.id) not in str(payloads) and str(sam) not in str(payloads)


def test_each_child_is_reminded_of_their_own_visit(app, okoro, push_service):
    family, sam, keys = okoro
    with app.app_context():
        mia = add_child(family.id, "Mia")
        sams = start_plan_due_in(family.id, sam, 1).id
        mias = start_plan_due_in(family.id, mia, 6).id
        assert remind_visits_due() == 1  # only Sam's is near
        morning_of(add_interval(clock.today(), Interval(4, Unit.WORKING_DAYS)))
        assert remind_visits_due() == 2  # Sam's has passed; Mia's is near
    payloads = received(app, push_service, keys)
    assert sorted(payloads, key=lambda p: (p["kind"], p["id"])) == sorted(
        [
            {"kind": "visit_due", "id": str(sams), "lang": "en"},
            {"kind": "visit_overdue", "id": str(sams), "lang": "en"},
            {"kind": "visit_due", "id": str(mias), "lang": "en"},
        ],
        key=lambda p: (p["kind"], p["id"]),
    )


def test_a_visit_where_the_child_was_seen_stops_the_reminder_and_one_where_not_does_not(
    app, okoro, push_service
):
    family, sam, keys = okoro
    with app.app_context():
        mia = add_child(family.id, "Mia")
        sams = start_plan_due_in(family.id, sam, 1)
        mias = start_plan_due_in(family.id, mia, 1)
        due = add_interval(sams.started_on, EVERY_TEN_WORKING_DAYS)
        mias_id = mias.id
        assert remind_visits_due() == 2
        morning_of(due)
        # Both were there; only Sam was seen, so only Sam's visit is done.
        visit(family.id, seen=[sam], present=[sam, mia])
        morning_of(due + timedelta(days=1))
        assert remind_visits_due() == 1
    assert received(app, push_service, keys)[-1] == {
        "kind": "visit_overdue",
        "id": str(mias_id),
        "lang": "en",
    }


def test_ending_the_plan_stops_the_reminder_when_the_day_passes(app, okoro, push_service):
    family, sam, keys = okoro
    with app.app_context():
        episode = start_plan_due_in(family.id, sam, 1)
        due = add_interval(episode.started_on, EVERY_TEN_WORKING_DAYS)
        assert remind_visits_due() == 1
        morning_of(due)
        db.session.refresh(episode)  # the guard compares with what it was: load it first
        episode.ended_on, episode.end_reason = clock.today(), "aims_met"
        db.session.commit()
        morning_of(due + timedelta(days=1))
        assert remind_visits_due() == 0
    assert [p["kind"] for p in received(app, push_service, keys)] == ["visit_due"]


def test_two_runs_at_once_send_one_reminder(app, okoro, push_service, monkeypatch):
    family, sam, keys = okoro
    with app.app_context():
        start_plan_due_in(family.id, sam, 1)
        # Both runs read "nothing sent yet" before either wrote: the unique key decides.
        monkeypatch.setattr(visits, "_already_sent", lambda reminders: set())
        assert remind_visits_due() == 1
        assert remind_visits_due() == 0
        assert db.session.scalar(sa.select(sa.func.count(StatutoryReminder.id))) == 1
    assert len(received(app, push_service, keys)) == 1


def test_a_family_with_no_worker_is_reminded_once_someone_takes_it_on(
    app, okoro, push_service, make_user
):
    from server.persistence import Assignment

    family, sam, keys = okoro
    with app.app_context():
        start_plan_due_in(family.id, sam, 1)
        assignment = db.session.scalar(
            sa.select(Assignment).where(Assignment.family_id == family.id)
        )
        assignment.ended_on = clock.today()
        db.session.commit()
        assert remind_visits_due() == 0
        assignment.ended_on = None
        db.session.commit()
        assert remind_visits_due() == 1
    assert [p["kind"] for p in received(app, push_service, keys)] == ["visit_due"]


@pytest.mark.parametrize(
    ("today", "due", "stage"),
    [
        # Friday 6 March 2026: Monday and Tuesday are the 2 working days after it.
        (date(2026, 3, 6), date(2026, 3, 6), ReminderStage.BEFORE),
        (date(2026, 3, 6), date(2026, 3, 10), ReminderStage.BEFORE),
        (date(2026, 3, 6), date(2026, 3, 11), None),
        (date(2026, 3, 7), date(2026, 3, 6), ReminderStage.PASSED),
        # Maundy Thursday 2026: Good Friday and Easter Monday are not working days,
        # so Tuesday 7 and Wednesday 8 April are the next 2.
        (date(2026, 4, 2), date(2026, 4, 8), ReminderStage.BEFORE),
        (date(2026, 4, 2), date(2026, 4, 9), None),
    ],
)
def test_which_reminder_a_due_date_calls_for(today, due, stage):
    assert stage_on(today, due) is stage
