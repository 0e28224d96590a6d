"""Password policy: long enough and not a known common password."""

from __future__ import annotations

import re

from .errors import translatable

MIN_LENGTH = 12
MAX_LENGTH = 256
# zxcvbn scores 0-4; 3 means "safely unguessable: moderate protection from
# offline slow-hash scenario", which is what an argon2id hash faces.
MIN_STRENGTH = 3
# zxcvbn is quadratic in length (and refuses over 72 characters unless told
# otherwise); the first 100 characters decide its score.
SCORED_LENGTH = 100
# Published example passwords that attackers try first but zxcvbn's frequency
# lists miss; compared with case, spaces and punctuation ignored.
FAMOUS = frozenset({"correcthorsebatterystaple"})


def password_problems(password: str, *, user_inputs: list[str] | None = None) -> list[str]:
    """Return the reasons this password is refused, in plain English; empty if it is fine."""
    if len(password) < MIN_LENGTH:
        return [translatable("Password must be at least {least} characters.", least=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [translatable("Password must be {most} characters or fewer.", most=MAX_LENGTH)]
    from zxcvbn import zxcvbn  # here: its word lists take a third of a second to import

    result = zxcvbn(
        password[:SCORED_LENGTH], user_inputs=user_inputs or [], max_length=SCORED_LENGTH
    )
    if _is_common(result) or _is_famous(password) or result["score"] < MIN_STRENGTH:
        return [translatable("Password is too common or easy to guess. Try a few unrelated words.")]
    return []


def _is_common(result: dict) -> bool:
    return any(
        match.get("pattern") == "dictionary"
        and match.get("dictionary_name") == "passwords"
        and len(match["token"]) == len(result["password"])
        for match in result["sequence"]
    )


def _is_famous(password: str) -> bool:
    return re.sub(r"[\W_]+", "", password).lower() in FAMOUS
