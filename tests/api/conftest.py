"""Fixtures of the API tests."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.persistence import Membership, Person

from .casework import created


@pytest.fixture
def okoro(make_user, make_family, app):
    """A caseworker's family of one adult (Alex) and one child (Sam)."""
    amara = make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    with app.app_context():
        people = {
            person.given_name: str(person.id)
            for person in db.session.scalars(
                sa.select(Person)
                .join(Membership, Membership.person_id == Person.id)
                .where(Membership.family_id == family.id)
            )
        }
    return {"family": str(family.id), **people}


@pytest.fixture
def case(okoro, make_client) -> dict[str, Any]:
    """The Okoros, their worker Amara signed in, and a note of a visit to attach to."""
    amara = make_client("amara")
    note = created(
        amara.post(
            "/api/notes",
            json={"family_id": okoro["family"], "sections": {"what_happened": "Sam drew."}},
        )
    )
    return {**okoro, "amara": amara, "note": note["id"]}
