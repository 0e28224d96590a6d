"""The report's appendix and docs/metrics.md define the same measures."""

from __future__ import annotations

import re
from pathlib import Path

from server.reports.definitions import COMMON_RULES, MEASURES

METRICS = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_every_measure_in_the_appendix_has_its_entry_in_the_metrics_page_and_back() -> None:
    text = METRICS.read_text(encoding="utf-8")
    measures = text[text.index("## Measures") : text.index("## Charts")]
    headings = [line for line in measures.splitlines() if line.startswith("### ")]
    documented = {ident for line in headings for ident in re.findall(r"`([a-z_]+)`", line)}
    assert documented == set(MEASURES)


def test_the_definitions_are_written_for_council_staff_not_for_developers() -> None:
    for text in [*COMMON_RULES, *(line for lines in MEASURES.values() for line in lines)]:
        assert "`" not in text and "_id" not in text and ".md" not in text and ".py" not in text
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # no column names
