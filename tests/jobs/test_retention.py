"""The retention job: closed families past their keep-until date are deleted, nothing else.

The clock is frozen on 6 December 2026 (the job's day, by the council's
clock). Each family here is built whole (people, a visit, a signed note, a
plan episode with a placement address, history rows and its change feed), so
the job must get past every guard and trigger on PostgreSQL and SQLite.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.jobs.retention import delete_records_past_retention
from server.persistence import (
    AuditEvent,
    Family,
    Interaction,
    LegalHold,
    Membership,
    Note,
    Person,
    PlacementAddress,
    PlanEpisode,
    RecordHistory,
    SyncChange,
    User,
)
from server.services import retention

TODAY = date(2026, 12, 6)
NAME = "Thistlewood"


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(datetime(2026, 12, 6, 3, 0, tzinfo=UTC))


@pytest.fixture
def worker(make_user):
    return make_user("caseworker", username="amara")


@pytest.fixture
def build(app, worker):
    """Return a factory of whole closed (or open) families; each returns the family's id."""

    def make(
        children: list[date | None],
        *,
        closed_on: date | None = date(2000, 3, 1),
        status: str = "closed",
        looked_after: bool = False,
        adults_elsewhere: uuid.UUID | None = None,
    ) -> uuid.UUID:
        with app.app_context():
            family = Family(
                display_name=NAME, team_id=worker.team_id, status=status, closed_on=closed_on
            )
            db.session.add(family)
            db.session.flush()
            people = []
            for index, born in enumerate([None, *children]):
                person = Person(
                    given_name=f"Person {index}",
                    family_name=NAME,
                    is_child=index > 0,
                    date_of_birth=born,
                )
                db.session.add(person)
                db.session.flush()
                db.session.add(Membership(family_id=family.id, person_id=person.id))
                people.append(person)
            if adults_elsewhere is not None:
                # The parent also belongs to another family: they must outlive this one.
                db.session.add(Membership(family_id=adults_elsewhere, person_id=people[0].id))
            visit = Interaction(
                family_id=family.id,
                occurred_at=datetime(1999, 6, 1, 10, tzinfo=UTC),
                mode="home_visit",
                purpose="statutory_visit",
            )
            db.session.add(visit)
            db.session.flush()
            note = Note(
                family_id=family.id,
                interaction_id=visit.id,
                sections={"what_happened": "We talked."},
                state="signed",
                signed_at=datetime(1999, 6, 1, 12, tzinfo=UTC),
            )
            db.session.add(note)
            if len(people) > 1:
                episode = PlanEpisode(
                    family_id=family.id,
                    person_id=people[1].id,
                    plan_type="looked_after" if looked_after else "child_in_need",
                    legal_status="C2" if looked_after else None,
                    started_on=date(1998, 1, 1),
                    ended_on=date(1999, 12, 1),
                    end_reason="RC1",
                )
                db.session.add(episode)
                db.session.flush()
                db.session.add(
                    PlacementAddress(
                        episode_id=episode.id,
                        address={"line1": "1 Foster Lane"},
                        recorded_by_id=worker.id,
                    )
                )
            db.session.add(
                RecordHistory(
                    entity="note",
                    record_id=note.id,
                    family_id=family.id,
                    version=1,
                    changes={"sections": {"old": None, "new": {"what_happened": "We talked."}}},
                )
            )
            db.session.add(
                RecordHistory(
                    entity="person",
                    record_id=people[0].id,
                    family_id=None,
                    version=1,
                    changes={"given_name": {"old": None, "new": "Person 0"}},
                )
            )
            db.session.commit()
            return family.id

    return make


def _exists(family_id: uuid.UUID) -> bool:
    return db.session.get(Family, family_id) is not None


def _hold(family_id: uuid.UUID, by: User) -> None:
    db.session.add(LegalHold(family_id=family_id, reason="Care proceedings", set_by_id=by.id))
    db.session.commit()


def test_deletes_exactly_the_closed_families_past_their_date(app, build, worker, make_user):
    # Youngest child born 1990: 25th birthday in 2015, closed 2000 (+8 is 2008): due.
    due = build([date(1985, 5, 1), date(1990, 5, 1)])
    # Youngest born 2002: kept to 2027.
    not_yet = build([date(1985, 5, 1), date(2002, 5, 1)])
    # Past its date, but still open, or closed with no date.
    still_open = build([date(1990, 5, 1)], status="open", closed_on=None)
    undated = build([date(1990, 5, 1)], closed_on=None)
    open_with_date = build([date(1990, 5, 1)], status="open")
    held = build([date(1990, 5, 1)])
    with app.app_context():
        _hold(held, make_user("admin", username="root", team=None))
        assert delete_records_past_retention() == 1
        assert not _exists(due)
        for kept in (not_yet, still_open, undated, open_with_date, held):
            assert _exists(kept)
        # Nothing of the deleted family is left: its people, records, history and feed.
        for model in (Membership, Interaction, Note, PlanEpisode):
            assert db.session.scalar(sa.select(sa.func.count()).where(model.family_id == due)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).where(SyncChange.family_id == due)) == 0
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(RecordHistory.family_id == due)) == 0
        )
        # One person history row per family was written: the deleted family's has gone.
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(RecordHistory.entity == "person"))
            == 5
        )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PlacementAddress)) == 5
        people = db.session.scalars(sa.select(Person.given_name)).all()
        assert len(people) == 3 + 2 + 2 + 2 + 2  # the five kept families' people


def test_a_looked_after_childs_family_is_kept_to_the_75th_birthday(app, build):
    # Born 1952: the 75th birthday is 1 May 2027, still to come.
    looked_after = build([date(1952, 5, 1)], closed_on=date(1970, 1, 1), looked_after=True)
    in_need = build([date(1952, 5, 1)], closed_on=date(1970, 1, 1))
    # Born 1950: the 75th birthday, 1 May 2025, has passed.
    older = build([date(1950, 5, 1)], closed_on=date(1968, 1, 1), looked_after=True)
    with app.app_context():
        judged = retention.verdicts([looked_after, in_need])
        assert judged[looked_after].keep_until == date(2027, 5, 1)
        assert judged[looked_after].rule == "looked_after"
        assert judged[in_need].keep_until == date(1978, 1, 1)  # 8 years after closing
        assert delete_records_past_retention() == 2
        assert _exists(looked_after)
        assert not _exists(in_need) and not _exists(older)


def test_the_youngest_child_decides_and_an_unknown_birth_keeps_longest(app, build):
    older_only = build([date(1995, 1, 1)])
    with_young = build([date(1995, 1, 1), date(2003, 1, 1)])
    unknown = build([date(1995, 1, 1), None], closed_on=date(2000, 3, 1))
    with app.app_context():
        judged = retention.verdicts([older_only, with_young, unknown])
        assert judged[older_only].keep_until == date(2020, 1, 1)
        assert judged[with_young].keep_until == date(2028, 1, 1)
        # Counted as born a year after closing: 1 March 2001, kept to its 25th birthday.
        assert judged[unknown].keep_until == date(2026, 3, 1)
        assert judged[unknown].assumed and not judged[older_only].assumed


def test_runs_in_batches_each_audited_with_counts_and_no_names(app, build):
    families = [build([date(1980 + n, 1, 1)]) for n in range(5)]
    with app.app_context():
        assert delete_records_past_retention(batch_size=2) == 5
        assert not any(_exists(family) for family in families)
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.entity == "retention").order_by(AuditEvent.id)
        ).all()
        assert [event.detail["families"] for event in events] == [2, 2, 1]
        assert events[0].detail["rows"]["note"] == 2
        assert events[0].detail["rows"]["person"] == 4
        assert all(event.family_id is None and event.record_id is None for event in events)
        written = str([event.detail for event in events])
        assert NAME not in written and "Person" not in written
        assert not any(str(family) in written for family in families)


def test_a_second_run_finds_nothing_more(app, build):
    build([date(1980, 1, 1)])
    kept = build([date(2010, 1, 1)])
    with app.app_context():
        assert delete_records_past_retention() == 1
        assert delete_records_past_retention() == 0
        assert _exists(kept)
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.entity == "retention"))
            == 1
        )


def test_a_hold_set_after_the_family_was_chosen_stops_its_deletion(app, build, make_user):
    family = build([date(1980, 1, 1)])
    with app.app_context():
        root = make_user("admin", username="root", team=None)
        chosen = [f for f, _v in retention.due_families(TODAY)]
        assert chosen == [family]
        _hold(family, root)  # between the choice and the delete
        deleted = retention.delete_families(chosen, TODAY)
        db.session.commit()
        assert (deleted.families, deleted.skipped) == (0, 1)
        assert _exists(family)
        # Lifted, the family falls back under the schedule.
        hold = db.session.scalar(sa.select(LegalHold))
        hold.lifted_at = clock.now()
        hold.lifted_by_id = root.id
        hold.lift_reason = "Proceedings concluded"
        db.session.commit()
        assert delete_records_past_retention() == 1
        assert not _exists(family)


def test_the_guard_refuses_an_open_family_even_when_asked_by_id(app, build):
    reopened = build([date(1980, 1, 1)], status="open")
    with app.app_context():
        deleted = retention.delete_families([reopened], TODAY)
        assert (deleted.families, deleted.skipped) == (0, 1)
        assert _exists(reopened)


def test_a_person_in_another_family_outlives_the_deleted_one(app, build):
    other = build([date(2015, 1, 1)])
    gone = build([date(1980, 1, 1)], adults_elsewhere=other)
    with app.app_context():
        parent = db.session.scalar(
            sa.select(Membership.person_id).where(Membership.family_id == gone).limit(1)
        )
        assert delete_records_past_retention() == 1
        assert not _exists(gone)
        assert db.session.get(Person, parent) is not None
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(Membership.family_id == other)) == 3
        )


def test_history_stays_undeletable_outside_the_job(app, build):
    family = build([date(1980, 1, 1)])
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.delete(RecordHistory).where(RecordHistory.family_id == family))
        db.session.rollback()
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(RecordHistory.family_id == family))
            == 1
        )


@pytest.mark.postgres
def test_a_hold_being_set_as_the_job_runs_keeps_the_family(
    app, build, make_user, migrated_database
):
    """A hold not yet committed when the job reaches its family: the job waits, then keeps it.

    Nothing is timed: the job either finishes or shows in pg_stat_activity as
    waiting on a lock, and the test waits (bounded) for one or the other.
    """
    # Imported here: these helpers are for PostgreSQL tests alone.
    import threading

    from sqlalchemy.orm import Session
    from sqlalchemy.pool import NullPool

    from tests.sync.test_postgres import lock_waiters, wait_until

    family = build([date(1980, 1, 1)])
    root = make_user("admin", username="root", team=None)
    side = sa.create_engine(
        migrated_database,
        poolclass=NullPool,
        connect_args={"options": "-c lock_timeout=20s -c statement_timeout=30s"},
    )
    results: list[retention.Deleted] = []

    def run_job() -> None:
        with app.app_context():
            results.append(retention.delete_families([family], TODAY))
            db.session.commit()

    try:
        with Session(side) as holding:
            pid = holding.scalar(sa.text("SELECT pg_backend_pid()"))
            # What set_hold does: lock the family, add the hold, commit later.
            holding.get(Family, family, with_for_update=True)
            holding.add(LegalHold(family_id=family, reason="Inquiry", set_by_id=root.id))
            holding.flush()
            job = threading.Thread(target=run_job)
            job.start()
            wait_until(
                lambda: not job.is_alive() or lock_waiters(side, exclude_pid=pid),
                "the job to finish or wait on the family's lock",
            )
            assert job.is_alive(), "the job did not wait for the hold being set"
            holding.commit()
        job.join(timeout=30)
        assert not job.is_alive()
    finally:
        side.dispose()
    [deleted] = results
    assert (deleted.families, deleted.skipped) == (0, 1)
    with app.app_context():
        assert _exists(family)


def test_refused_changes_about_a_deleted_family_go_with_it(app, build, worker, make_client):
    from server.persistence import SyncRejection

    phone = make_client("amara")
    gone, kept = build([date(1980, 1, 1)]), build([date(2015, 1, 1)])
    with app.app_context():
        notes = dict(db.session.execute(sa.select(Note.family_id, Note.id)).all())
        for family in (gone, kept):
            db.session.add(
                SyncRejection(
                    device_id=phone.device_id,
                    user_id=worker.id,
                    mutation_id=1,
                    entity="note",
                    op="update",
                    record_id=str(notes[family]),
                    reason="record_signed",
                    message="Signed notes cannot change.",
                    data={"sections": {"what_happened": "What the worker typed"}},
                )
            )
        db.session.commit()
        assert delete_records_past_retention() == 1
        left = db.session.scalars(sa.select(SyncRejection.record_id)).all()
        assert left == [str(notes[kept])]


def test_every_table_that_points_at_a_family_is_deleted_with_it(app):
    # A new kind of record about a family must be added to BY_FAMILY, or a
    # family past its date could never be deleted (its foreign key refuses).
    from server.services.retention import BY_FAMILY

    deleted = {model.__table__.name for model in BY_FAMILY}
    with app.app_context():
        pointing = {
            table.name
            for table in db.metadata.sorted_tables
            if any(key.column.table.name == "family" for key in table.foreign_keys)
        }
    assert pointing - deleted == set()
