"""Users, teams, devices and sign-in."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

import pyotp
import sqlalchemy as sa
from pyotp.utils import strings_equal

from .. import clock
from ..audit import Actor, AuditAction, record_event
from ..domain.errors import (
    DeviceRevoked,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ProofRefused,
    RuleBroken,
    SecondFactorRequired,
    field_errors,
    translatable,
)
from ..domain.languages import LANGUAGES
from ..domain.passwords import password_problems
from ..domain.roles import Role, SecondFactorProof, needs_second_factor, second_factor_proof
from ..extensions import db
from ..persistence import Device, Team, User, UserSession
from ..security import passwords
from ..security.sessions import (
    EndReason,
    end_device_sessions,
    end_sessions,
    end_user_sessions,
    start_session,
)
from .notifications import NotificationKind, notify

log = logging.getLogger(__name__)

TOTP_ISSUER = "Family Fieldwork"
# One step (30 s) either side of now, for a phone clock a little off.
TOTP_DRIFT_STEPS = 1
# An enrolment code is read out or handed over by an admin, then used at once.
ENROLMENT_CODE_LIFETIME = timedelta(hours=1)
# Letters and digits no one confuses when reading them out (no 0/O, 1/I/L).
ENROLMENT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ENROLMENT_CODE_LENGTH = 16  # about 79 bits: never guessed, even without the rate limit


class InvalidCredentials(NotAuthenticated):
    """The username or password (or one-time code) is wrong."""

    code = "invalid_credentials"
    message = translatable("The username, password or code is not right.")


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
        raise InvalidInput(
            errors=field_errors(username=translatable("That username is already taken."))
        )
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
    db.session.flush()
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
        raise Forbidden(translatable("This device is registered to another user."))
    device.last_seen_at = clock.now()
    return device


def sign_out(session: UserSession) -> None:
    session.ended_at, session.end_reason = clock.now(), EndReason.SIGNED_OUT
    db.session.flush()


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
    db.session.flush()
    return device


def set_language(user: User, language: str) -> None:
    """Choose the language of this person's screens, messages and notifications."""
    if language not in LANGUAGES:
        raise InvalidInput(errors=field_errors(language=translatable("Choose English or Cymraeg.")))
    user.language = language
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions at once."""
    user.active = active
    if not active:
        end_user_sessions(user.id, EndReason.ACCOUNT_DISABLED)


def _matching_step(secret: str, code: str) -> int | None:
    """Return the time step (within the drift allowed) whose code of ``secret`` is ``code``."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(clock.now())
    for step in range(now - TOTP_DRIFT_STEPS, now + TOTP_DRIFT_STEPS + 1):
        if strings_equal(code, totp.generate_otp(step)):
            return step
    return None


def _use_one_time_code(user: User, secret: str, code: str) -> bool:
    """Accept a code of the secret within one step of now, once: a code used before is refused.

    The step is claimed with one conditional UPDATE, so two sign-ins racing
    with the same code cannot both succeed.
    """
    step = _matching_step(secret, code)
    if step is None:
        return False
    claimed = db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .where(sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .returning(User.id)
    ).scalar_one_or_none()
    return claimed is not None


def passes_both_factors(username: str, password: str, code: str) -> bool:
    """Return whether the password and a one-time code not yet used are both right.

    Nothing is claimed: the sign-in that follows claims the code. The code is
    checked before the (slow) password, so a guess of it costs little.
    """
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.active or not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    return passwords.verify_password(user.password_hash, password)


def totp_proof(user: User, *, production: bool) -> SecondFactorProof:
    """Return what this user must give to set or change their second factor."""
    return second_factor_proof(user.role, production=production, enrolled=bool(user.totp_secret))


def start_totp_enrolment(user: User) -> tuple[str, str]:
    """Return a new TOTP secret and its provisioning URI (not yet active)."""
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)
    return secret, uri


def confirm_totp_enrolment(
    session: UserSession,
    secret: str,
    code: str,
    proof: Mapping[str, str | None],
    *,
    production: bool,
) -> None:
    """Set or change the second factor once the owner proves it is them and the app has it.

    The new app's code is checked first (a typing slip costs no proof); then
    the proof the account needs (``totp_proof``). Any other session of the
    user ends, and the user is told on every device that takes notifications.
    """
    user = session.user
    step = _matching_step(secret, code)
    if step is None:
        raise InvalidInput(
            errors=field_errors(code=translatable("That code is not right. Try the next one."))
        )
    changed = bool(user.totp_secret)
    _check_proof(user, proof, production=production)
    # The code that confirmed the app is used: it may not sign in too.
    db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .where(sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
    )
    user.totp_secret = secret
    user.enrolment_code_hash = user.enrolment_code_expires_at = None
    session.enrolment_only = False
    others = (UserSession.user_id == user.id, UserSession.id != session.id)
    ended = end_sessions(EndReason.SECOND_FACTOR_CHANGED, *others)
    notify([user.id], NotificationKind.SECOND_FACTOR_CHANGED, None)
    record_event(
        AuditAction.UPDATE,
        "user",
        record_id=user.id,
        actor=Actor(user, session.device_id),
        detail={"second_factor": "changed" if changed else "set", "sessions_ended": ended},
    )
    db.session.flush()


def _check_proof(user: User, proof: Mapping[str, str | None], *, production: bool) -> None:
    """Refuse the change unless the proof this account needs is given and right."""
    needed = totp_proof(user, production=production)
    given = proof.get(needed.value) or ""
    if needed is SecondFactorProof.CURRENT_CODE:
        assert user.totp_secret is not None
        right = bool(given) and _use_one_time_code(user, user.totp_secret, given)
        message = translatable("Enter the code your authenticator app shows now.")
    elif needed is SecondFactorProof.PASSWORD:
        right = bool(given) and passwords.verify_password(user.password_hash, given)
        message = translatable("Enter your password.")
    else:
        right = bool(given) and _use_enrolment_code(user, given)
        message = translatable(
            "Enter the enrolment code your administrator gave you. "
            "Ask for a new one if it has expired."
        )
    if not right:
        raise ProofRefused(errors=field_errors(**{needed.value: message}))


def _enrolment_code_hash(code: str) -> str:
    # Spaces, dashes and case are how people read codes out, not part of them.
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


def issue_enrolment_code(user: User) -> tuple[str, datetime]:
    """Return a new one-time enrolment code for the user, and when it expires.

    Only its hash is kept; issuing another replaces it. It is for a first
    enrolment: an account with a second factor changes it with a current code.
    """
    if user.totp_secret:
        raise RuleBroken(
            translatable(
                "This user has an authenticator app already; they change it with a code from it."
            )
        )
    raw = "".join(secrets.choice(ENROLMENT_CODE_ALPHABET) for _ in range(ENROLMENT_CODE_LENGTH))
    code = "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
    expires_at = clock.now() + ENROLMENT_CODE_LIFETIME
    user.enrolment_code_hash = _enrolment_code_hash(code)
    user.enrolment_code_expires_at = expires_at
    return code, expires_at


def _use_enrolment_code(user: User, code: str) -> bool:
    """Accept the user's enrolment code once, before it expires (claimed by one UPDATE)."""
    stored, expires_at = user.enrolment_code_hash, user.enrolment_code_expires_at
    given = _enrolment_code_hash(code)
    if stored is None or expires_at is None or expires_at <= clock.now():
        return False
    if not hmac.compare_digest(stored, given):
        return False
    claimed = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, User.enrolment_code_hash == given)
        .values(enrolment_code_hash=None, enrolment_code_expires_at=None)
        .returning(User.id)
    ).scalar_one_or_none()
    return claimed is not None


def change_role(user: User, role: Role | str) -> None:
    """Give the user another role; their sessions end, so the new role starts at a sign-in."""
    if Role(role).value != user.role:
        user.role = Role(role).value
        end_user_sessions(user.id, EndReason.ROLE_CHANGED)
