"""The flask commands an administrator runs."""

from __future__ import annotations

import base64

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec

from server.extensions import db
from server.persistence import Team, User
from server.security.passwords import verify_password


def test_create_user_reads_the_password_from_stdin_and_creates_the_team(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "hannah", "--role", "supervisor", "--team", "East"],
        input="a-long-and-unusual-passphrase-77\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created supervisor hannah." in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "hannah"))
        assert user.role == "supervisor"
        assert db.session.get(Team, user.team_id).name == "East"
        assert verify_password(user.password_hash, "a-long-and-unusual-passphrase-77")
        assert user.password_hash.startswith("$argon2id$")


def test_create_user_refuses_a_common_password_with_the_reason(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "sam", "--role", "admin"], input="password1234\n"
    )
    assert result.exit_code == 1
    assert "password:" in result.output and "common" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "sam")) is None


def test_vapid_keys_are_a_usable_p256_pair(app):
    result = app.test_cli_runner().invoke(args=["vapid-keys"])
    lines = dict(line.split("=", 1) for line in result.output.strip().splitlines())

    def decode(text: str) -> bytes:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    public, private = decode(lines["VAPID_PUBLIC_KEY"]), decode(lines["VAPID_PRIVATE_KEY"])
    assert len(public) == 65 and public[0] == 4
    key = ec.derive_private_key(int.from_bytes(private, "big"), ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    assert public[1:] == numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")


def test_a_new_sync_epoch_makes_old_cursors_unusable(app):
    from server.services.sync import current_epoch

    with app.app_context():
        before = current_epoch()
    result = app.test_cli_runner().invoke(args=["sync-new-epoch"])
    assert result.exit_code == 0 and "New sync epoch" in result.output
    with app.app_context():
        assert current_epoch() != before


def test_enrolment_code_is_refused_for_an_unknown_user_or_one_with_an_app(app, make_user):
    make_user("supervisor", username="hannah", totp_secret="A" * 32)
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["enrolment-code", "nobody"])
    assert unknown.exit_code == 1 and "No user nobody" in unknown.output
    enrolled = runner.invoke(args=["enrolment-code", "hannah"])
    assert enrolled.exit_code == 1 and "authenticator app already" in enrolled.output
