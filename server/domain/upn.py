"""Unique pupil numbers (UPN): the Department for Education's check letter.

A UPN is 13 characters: a check letter, the local authority's 3-digit number,
the school's 4-digit number, the 2-digit year of issue and a 3-digit serial.
A temporary UPN ends in a letter in place of the last digit. The check letter
is the sum of each of the other 12 characters' values times its position (2 to
13), modulo 23, read as a letter of the alphabet without I, O and S; a letter
in the last place counts as its position in that same alphabet (A is 0).
The app's ``pwa/src/domain/upn.js`` follows the same table of cases,
``tests/fixtures/upn.json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from operator import mul
from typing import Any

from .errors import InvalidInput, field_errors, translatable

LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_SHAPE = re.compile(rf"^[{LETTERS}]\d{{11}}[0-9{LETTERS}]$")


class UpnProblem(StrEnum):
    SHAPE = "shape"
    CHECK_LETTER = "check_letter"


MESSAGES = {
    UpnProblem.SHAPE: (
        translatable(
            "A unique pupil number is 13 characters: a letter, 11 numbers, then a number"
            " (or a letter, for a temporary number)"
        )
    ),
    UpnProblem.CHECK_LETTER: translatable(
        "The first letter does not match the rest of the number: check it"
    ),
}


# Each character's value, looked up: the census checks thousands of UPNs at a time.
_VALUES = {char: value for value, char in enumerate(LETTERS)} | {str(d): d for d in range(10)}


def _value(char: str) -> int:
    value = _VALUES.get(char)
    if value is None:  # not an ASCII digit or one of the letters: as the rule reads it
        value = LETTERS.index(char) if char.isalpha() else int(char)
    return value


def check_letter(rest: str) -> str:
    """Return the check letter of the last 12 characters of a UPN."""
    try:
        total = sum(map(mul, map(_VALUES.__getitem__, rest), range(2, 2 + len(rest))))
    except KeyError:  # another character: each read as the rule reads it
        total = sum(_value(char) * position for position, char in enumerate(rest, start=2))
    return LETTERS[total % 23]


def upn_problem(upn: str) -> UpnProblem | None:
    """Return what is wrong with a UPN as written, or None for a good one."""
    if not _SHAPE.match(upn):
        return UpnProblem.SHAPE
    if check_letter(upn[1:]) != upn[0]:
        return UpnProblem.CHECK_LETTER
    return None


def is_temporary(upn: str) -> bool:
    """Return whether a UPN is a temporary one (a letter in the last place)."""
    return upn[-1:].isalpha()


def check_identifiers(values: Mapping[str, Any]) -> None:
    """Refuse a child's identifiers that contradict each other."""
    errors: dict[str, str] = {}
    if values.get("upn") and values.get("upn_unknown"):
        errors["upn_unknown"] = translatable(
            "Give the unique pupil number or why there is none, not both"
        )
    if values.get("upn") and values.get("upn") == values.get("former_upn"):
        errors["former_upn"] = translatable("The former number must differ from the number now")
    born, died = values.get("date_of_birth"), values.get("date_of_death")
    if born is not None and died is not None and died < born:
        errors["date_of_death"] = translatable(
            "The date of death cannot be before the date of birth"
        )
    if errors:
        raise InvalidInput(errors=field_errors(**errors))
