"""Code lists (DfE ethnicity, disability, HL7 relationship roles...), kept as data."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from .domain.endings import CLOSURE_REASON_EDITION

VOCABULARY_FILE = Path(__file__).parent / "data" / "vocabularies.json"

# A list renumbered since the app first sent it has an edition; the app says which
# edition a choice was made from (a proposal's ``closure_reason_edition``). Others are 1.
EDITIONS = {"closure_reason": CLOSURE_REASON_EDITION}


@cache
def vocabularies() -> dict[str, dict[str, str]]:
    """Return every code list: name to {code: label}."""
    data: dict[str, dict[str, str]] = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    return data


def codes(name: str) -> list[str]:
    """Return the codes of one list, in order."""
    return list(vocabularies()[name])


def edition(name: str) -> int:
    """Return the edition of one list: 1 unless it has been renumbered."""
    return EDITIONS.get(name, 1)
