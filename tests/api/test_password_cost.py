"""The service's own argon2id cost: the rest of the suite hashes at the cheapest."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.persistence import User
from server.security import passwords
from tests.conftest import PASSWORD


def test_the_service_hashes_at_rfc_9106s_second_profile():
    service = passwords.PasswordHasher.from_parameters(passwords.PARAMETERS)
    assert service.hash("a long enough passphrase").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_cheaper_hash_is_raised_to_the_services_cost_at_sign_in(
    app, make_user, make_client, monkeypatch: pytest.MonkeyPatch
):
    user = make_user("caseworker", username="amara")
    assert "$m=8,t=1,p=1$" in user.password_hash  # the suite's quick hash
    service = passwords.PasswordHasher.from_parameters(passwords.PARAMETERS)
    monkeypatch.setattr(passwords, "_hasher", service)

    make_client("amara")

    with app.app_context():
        stored = db.session.scalar(sa.select(User.password_hash).where(User.username == "amara"))
    assert stored is not None and stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert service.verify(stored, PASSWORD)
