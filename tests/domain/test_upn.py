"""The UPN check letter, on the table of cases the app checks too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.upn import LETTERS, UpnProblem, check_letter, is_temporary, upn_problem

CASES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "upn.json").read_text())[
    "cases"
]


@pytest.mark.parametrize("case", CASES, ids=[c["upn"] or "empty" for c in CASES])
def test_each_case(case: dict[str, object]) -> None:
    problem = upn_problem(str(case["upn"]))
    assert (problem.value if problem else None) == case["problem"], case["why"]
    if case["problem"] is None:
        assert is_temporary(str(case["upn"])) is case["temporary"]


@settings(max_examples=200)
@given(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.sampled_from("0123456789" + LETTERS),
)
def test_a_computed_check_letter_is_accepted_and_any_other_refused(middle: str, last: str) -> None:
    rest = middle + last
    good = check_letter(rest)
    assert upn_problem(good + rest) is None
    for other in LETTERS.replace(good, "")[:3]:
        assert upn_problem(other + rest) is UpnProblem.CHECK_LETTER
