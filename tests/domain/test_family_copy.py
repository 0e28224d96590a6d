"""The family copy's checks: the same table of cases as pwa/test/family-copy.test.js."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from server.domain.family_copy import (
    Flag,
    FlagKind,
    ThirdParty,
    flag_message,
    readability,
    sharing_flags,
    unresolved,
)

FIXTURE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "family_copy.json").read_text()
)


def _flags(case: dict[str, Any]) -> list[Flag]:
    return sharing_flags(
        case["sections"],
        third_parties=[ThirdParty(p["id"], tuple(p["names"])) for p in case["third_parties"]],
        household_names=case["household_names"],
        restricted=case.get("restricted", []),
    )


@pytest.mark.parametrize("case", FIXTURE["readability"], ids=lambda c: c["name"])
def test_readability(case: dict[str, Any]) -> None:
    assert readability(case["text"], FIXTURE["glossary"]) == case["expected"]


@pytest.mark.parametrize("case", FIXTURE["flags"], ids=lambda c: c["name"])
def test_sharing_flags(case: dict[str, Any]) -> None:
    assert [flag.as_dict() for flag in _flags(case)] == case["expected"]


@pytest.mark.parametrize("case", FIXTURE["unresolved"], ids=lambda c: c["name"])
def test_unresolved(case: dict[str, Any]) -> None:
    flags = _flags(FIXTURE["flags"][case["flag_case"]])
    assert [flag.key for flag in unresolved(flags, case["confirmed"])] == case["expected_keys"]


def test_a_restricted_detail_is_never_repeated_in_its_message() -> None:
    flag = Flag("restricted", FlagKind.RESTRICTED, "next_steps", "", confirmable=False)
    message = flag_message(flag)
    assert message == (
        "Next steps holds part of a child's placement address. Remove it: it is never shared."
    )


def test_a_council_term_with_two_entries_is_checked_once() -> None:
    glossary = [{"term": "contact", "plain": "time together"}, {"term": "Contact", "plain": "x"}]
    assert readability("contact", glossary) == [
        {"kind": "jargon", "term": "contact", "plain": "time together", "count": 1}
    ]
