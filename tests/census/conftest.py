"""Fixtures of the statutory returns' tests: a council's children, made straight in the tables."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import pytest

from server import clock
from server.extensions import db
from server.persistence import Assignment, Family, Membership, Person, PlanEpisode
from server.services.census import latest_year

GOOD_UPN = "B801200005001"


@pytest.fixture
def year(app) -> int:
    """The collection year now running."""
    with app.app_context():
        return latest_year()


@pytest.fixture
def officer(make_user, make_client):
    """A performance officer, signed in."""
    make_user("performance_officer", username="perf", team=None, display_name="Priya Shah")
    return make_client("perf")


@pytest.fixture
def council(make_user, app) -> Callable[..., dict[str, Any]]:
    """Return a factory of children, each in a family of its own held by amara, with its plans."""
    worker = make_user("caseworker", username="amara")

    def make(
        *,
        plans: Sequence[dict[str, Any]] = (),
        family: dict[str, Any] | None = None,
        **person: Any,
    ) -> dict[str, Any]:
        with app.app_context():
            return _make(plans, family, person)

    def _make(
        plans: list[dict[str, Any]], family: dict[str, Any] | None, person: dict[str, Any]
    ) -> dict[str, Any]:
        home = Family(display_name="Okoro", team_id=worker.team_id, **(family or {}))
        db.session.add(home)
        db.session.flush()
        values = {
            "given_name": "Sam",
            "family_name": "Okoro",
            "is_child": True,
            "local_child_id": f"LC{uuid.uuid4().hex[:6]}",
            "upn": GOOD_UPN,
            "date_of_birth": date(2015, 4, 3),
            "sex": "female",
            "ethnicity": "BAFR",
            "disabilities": ["NONE"],
            **person,
        }
        child = Person(**values)
        db.session.add(child)
        db.session.flush()
        db.session.add(Membership(family_id=home.id, person_id=child.id))
        db.session.add(Assignment(family_id=home.id, worker_id=worker.id, started_on=clock.today()))
        episodes = []
        for plan in plans:
            episode = PlanEpisode(family_id=home.id, person_id=child.id, **plan)
            db.session.add(episode)
            episodes.append(episode)
        db.session.commit()
        return {
            "family": home.id,
            "person": child.id,
            "episodes": [episode.id for episode in episodes],
            "reference": values["local_child_id"],
        }

    return make


def days_ago(days: int) -> date:
    return clock.today() - timedelta(days=days)
