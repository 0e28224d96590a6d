"""Fixtures of the API tests."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.persistence import Membership, Person


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
