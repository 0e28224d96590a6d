"""Code lists (DfE ethnicity, disability, HL7 relationship roles...), kept as data."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).parent / "data" / "vocabularies.json"


@cache
def vocabularies() -> dict[str, dict[str, str]]:
    """Return every code list: name to {code: label}."""
    data: dict[str, dict[str, str]] = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    return data


def codes(name: str) -> list[str]:
    """Return the codes of one list, in order."""
    return list(vocabularies()[name])
