"""Users, teams, devices and sign-in."""

from __future__ import annotations

import logging
import uuid

import pyotp
import sqlalchemy as sa
from pyotp.utils import strings_equal

from .. import clock
from ..domain.errors import (
    DeviceRevoked,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    SecondFactorRequired,
    field_errors,
)
from ..domain.passwords import password_problems
from ..domain.roles import Role, needs_second_factor
from ..extensions import db
from ..persistence import Device, Team, User, UserSession
from ..security import passwords
from ..security.sessions import EndReason, end_device_sessions, end_user_sessions, start_session

log = logging.getLogger(__name__)

TOTP_ISSUER = "Family Fieldwork"
# One step (30 s) either side of now, for a phone clock a little off.
TOTP_DRIFT_STEPS = 1


class InvalidCredentials(NotAuthenticated):
    """The username or password (or one-time code) is wrong."""

    code = "invalid_credentials"
    message = "The username, password or code is not right."


def get_or_create_team(name: str) -> Team:
    """Return the team with this name, creating it if new."""
    team = db.session.scalar(sa.select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        db.session.add(team)
        db.session.flush()
    return team


def create_user(
    username: str,
    password: str,
    *,
    role: Role | str,
    display_name: str | None = None,
    team: Team | None = None,
) -> User:
    """Create a user after checking the password policy and that the name is free."""
    problems = password_problems(password, user_inputs=[username, display_name or ""])
    if problems:
        raise InvalidInput(errors=field_errors(password=problems))
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise InvalidInput(errors=field_errors(username="That username is already taken."))
    user = User(
        username=username,
        display_name=display_name or username,
        role=Role(role).value,
        team_id=team.id if team else None,
        password_hash=passwords.hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_in(
    username: str,
    password: str,
    device_id: uuid.UUID,
    *,
    totp_code: str | None,
    production: bool,
    device_label: str = "",
) -> tuple[User, UserSession, str]:
    """Check the credentials, register the device, open a session; return the cookie token."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if not passwords.verify_password(user.password_hash if user else None, password):
        raise InvalidCredentials()
    assert user is not None
    if not user.active:
        raise InvalidCredentials()
    enrolment_only = False
    if needs_second_factor(user.role, production=production, enrolled=bool(user.totp_secret)):
        if not user.totp_secret:
            # First sign-in: a session that can only set up the authenticator app.
            enrolment_only = True
        elif not totp_code:
            raise SecondFactorRequired()
        elif not _use_one_time_code(user, user.totp_secret, totp_code):
            raise InvalidCredentials()
    device = register_device(user, device_id, device_label)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    token, session = start_session(user, device)
    session.enrolment_only = enrolment_only
    db.session.commit()
    return user, session, token


def register_device(user: User, device_id: uuid.UUID, label: str) -> Device:
    """Register the device to this user, or refuse one that is revoked or someone else's."""
    device = db.session.get(Device, device_id)
    if device is None:
        device = Device(id=device_id, user_id=user.id, label=label[:200])
        db.session.add(device)
        db.session.flush()
        return device
    if device.revoked_at is not None:
        raise DeviceRevoked()
    if device.user_id != user.id:
        raise Forbidden("This device is registered to another user.")
    device.last_seen_at = clock.now()
    return device


def sign_out(session: UserSession) -> None:
    session.ended_at, session.end_reason = clock.now(), EndReason.SIGNED_OUT
    db.session.commit()


def devices_of(user_id: uuid.UUID) -> list[Device]:
    return list(
        db.session.scalars(
            sa.select(Device).where(Device.user_id == user_id).order_by(Device.registered_at)
        )
    )


def revoke_device(actor: User, device_id: uuid.UUID) -> Device:
    """Revoke a device: its sessions end and its next request tells it to wipe."""
    device = db.session.get(Device, device_id)
    if device is None or (device.user_id != actor.id and actor.role != Role.ADMIN):
        raise NotFound()
    if device.revoked_at is None:
        device.revoked_at, device.revoked_by_id = clock.now(), actor.id
        end_device_sessions(device.id, EndReason.DEVICE_REVOKED)
        log.info("device revoked: device=%s by=%s", device.id, actor.id)
    db.session.commit()
    return device


def set_active(user: User, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions at once."""
    user.active = active
    if not active:
        end_user_sessions(user.id, EndReason.ACCOUNT_DISABLED)


def _use_one_time_code(user: User, secret: str, code: str) -> bool:
    """Accept a code of the secret within one step of now, once: a code used before is refused.

    The step is claimed with one conditional UPDATE, so two sign-ins racing
    with the same code cannot both succeed.
    """
    totp = pyotp.TOTP(secret)
    now = totp.timecode(clock.now())
    for step in range(now - TOTP_DRIFT_STEPS, now + TOTP_DRIFT_STEPS + 1):
        if strings_equal(code, totp.generate_otp(step)):
            claimed = db.session.execute(
                sa.update(User)
                .where(User.id == user.id)
                .where(sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
                .values(totp_last_step=step)
                .returning(User.id)
            ).scalar_one_or_none()
            return claimed is not None
    return False


def start_totp_enrolment(user: User) -> tuple[str, str]:
    """Return a new TOTP secret and its provisioning URI (not yet active)."""
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)
    return secret, uri


def confirm_totp_enrolment(session: UserSession, secret: str, code: str) -> None:
    """Turn on the second factor once the user proves their app has the secret."""
    if not _use_one_time_code(session.user, secret, code):
        raise InvalidInput(errors=field_errors(code="That code is not right. Try the next one."))
    session.user.totp_secret = secret
    session.enrolment_only = False
    db.session.commit()
