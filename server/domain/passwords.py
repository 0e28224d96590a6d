"""Password policy: long enough and not a known common password."""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256
# zxcvbn scores 0-4; 3 means "safely unguessable: moderate protection from
# offline slow-hash scenario", which is what an argon2id hash faces.
MIN_STRENGTH = 3


def password_problems(password: str, *, user_inputs: list[str] | None = None) -> list[str]:
    """Return the reasons this password is refused, in plain English; empty if it is fine."""
    if len(password) < MIN_LENGTH:
        return [f"Password must be at least {MIN_LENGTH} characters."]
    if len(password) > MAX_LENGTH:
        return [f"Password must be {MAX_LENGTH} characters or fewer."]
    # zxcvbn is quadratic in length; the first 100 characters decide its score.
    result = zxcvbn(password[:100], user_inputs=user_inputs or [])
    if _is_common(result) or result["score"] < MIN_STRENGTH:
        return ["Password is too common or easy to guess. Try a few unrelated words."]
    return []


def _is_common(result: dict) -> bool:
    return any(
        match.get("pattern") == "dictionary" and match.get("dictionary_name") == "passwords"
        and len(match["token"]) == len(result["password"])
        for match in result["sequence"]
    )
