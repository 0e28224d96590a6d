"""A family copy: what we talked about and agreed, in plain words, for the family to keep.

Two checks, the same in the app (``pwa/src/domain/family-copy.js``) and here,
held to one table of cases (``tests/fixtures/family_copy.json``):

- ``readability``: sentences over ``LONG_SENTENCE_WORDS`` words, and jargon
  from the council's glossary with the plain words to use instead. Advice only.
- ``sharing_flags``: what must not reach the family unless the worker checks it:
  names of people who do not live in the household receiving the copy, phone
  numbers, email addresses, street addresses and postcodes, and restricted
  details (a looked-after child's placement address). Sharing is refused while
  any flag is unresolved; a restricted detail can never be confirmed as fine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

# The parts of a family copy, in the order it reads.
SECTIONS = ("what_happened", "your_view", "next_steps", "who_does_what")
SECTION_TITLES = {
    "what_happened": "What happened",
    "your_view": "Your view",
    "next_steps": "Next steps",
    "who_does_what": "Who does what, by when",
}
LONG_SENTENCE_WORDS = 25
SHARED_HOW = ("by_hand", "post", "email_link")


class FlagKind(StrEnum):
    THIRD_PARTY = "third_party"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    POSTCODE = "postcode"
    RESTRICTED = "restricted"


@dataclass(frozen=True)
class Flag:
    """Something in the copy to check before it is shared."""

    key: str
    kind: FlagKind
    section: str
    text: str
    confirmable: bool

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "kind": self.kind.value}


@dataclass(frozen=True)
class ThirdParty:
    """Someone connected to the family who does not live in the receiving household."""

    id: str
    names: tuple[str, ...]


_NOT_WORD = r"[^\W_]"
_PHONE = re.compile(r"(?<![\d+])(?:\+44|0)(?:[ -]?\d){9,10}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_POSTCODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}(?![A-Za-z0-9])")
_STREET = re.compile(
    r"(?<![A-Za-z0-9])\d+[A-Za-z]? (?:[A-Z][a-z]+ ){1,3}"
    r"(?:Road|Street|Avenue|Lane|Close|Drive|Way|Court|Crescent|Place|Gardens|Terrace|Grove|Walk|Row)"
    r"(?![A-Za-z0-9])"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    """Split text into sentences after a full stop, question or exclamation mark, or line break."""
    return [part.strip() for part in _SENTENCE_END.split(text or "") if part.strip()]


def word_count(sentence: str) -> int:
    """Count the words of a sentence: runs between spaces holding a letter or a digit."""
    return sum(1 for token in sentence.split() if re.search(_NOT_WORD, token))


def _is_acronym(term: str) -> bool:
    return sum(1 for c in term if c.isupper()) >= 2 and not any(c.islower() for c in term)


def _term_pattern(term: str, *, exact_case: bool) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in term.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", 0 if exact_case else re.IGNORECASE)


def readability(text: str, glossary: Iterable[Mapping[str, str]]) -> list[dict[str, object]]:
    """Return the long sentences of a text, then its jargon in the order it first appears."""
    findings: list[dict[str, object]] = []
    for sentence in sentences(text):
        words = word_count(sentence)
        if words > LONG_SENTENCE_WORDS:
            findings.append({"kind": "long_sentence", "text": sentence, "words": words})
    jargon: list[tuple[int, dict[str, object]]] = []
    seen: set[str] = set()
    for entry in glossary:
        term = entry["term"].strip()
        if not term or term.lower() in seen:
            continue
        seen.add(term.lower())
        matches = list(_term_pattern(term, exact_case=_is_acronym(term)).finditer(text or ""))
        if matches:
            found = {"kind": "jargon", "term": term, "plain": entry["plain"], "count": len(matches)}
            jargon.append((matches[0].start(), found))
    findings.extend(found for _, found in sorted(jargon, key=lambda pair: pair[0]))
    return findings


def _name_pattern(name: str) -> re.Pattern[str]:
    return _term_pattern(name, exact_case=True)


def sharing_flags(
    sections: Mapping[str, str | None],
    *,
    third_parties: Sequence[ThirdParty] = (),
    household_names: Iterable[str] = (),
    restricted: Iterable[str] = (),
) -> list[Flag]:
    """Return what to check before sharing, section by section, each thing once."""
    household = {name.strip().lower() for name in household_names if name and name.strip()}
    restricted_parts = [part.strip() for part in restricted if part and len(part.strip()) >= 4]
    found: dict[str, Flag] = {}
    for section in SECTIONS:
        text = sections.get(section) or ""
        hits: list[tuple[int, Flag]] = []

        def hit(
            at: int,
            key: str,
            kind: FlagKind,
            matched: str,
            section: str = section,
            hits: list[tuple[int, Flag]] = hits,
        ) -> None:
            hits.append((at, Flag(key, kind, section, matched, kind is not FlagKind.RESTRICTED)))

        for part in restricted_parts:
            match = _term_pattern(part, exact_case=False).search(text)
            if match:
                hit(match.start(), "restricted", FlagKind.RESTRICTED, "")
        for person in third_parties:
            for name in person.names:
                if not name or name.strip().lower() in household:
                    continue
                match = _name_pattern(name.strip()).search(text)
                if match:
                    hit(match.start(), f"person:{person.id}", FlagKind.THIRD_PARTY, match.group())
                    break
        for match in _PHONE.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            digits = "0" + digits[2:] if digits.startswith("44") else digits
            hit(match.start(), f"phone:{digits}", FlagKind.PHONE, match.group())
        for match in _EMAIL.finditer(text):
            hit(match.start(), f"email:{match.group().lower()}", FlagKind.EMAIL, match.group())
        for match in _STREET.finditer(text):
            hit(match.start(), f"address:{match.group().lower()}", FlagKind.ADDRESS, match.group())
        for match in _POSTCODE.finditer(text):
            code = match.group().upper().replace(" ", "")
            hit(match.start(), f"postcode:{code}", FlagKind.POSTCODE, match.group())
        for _, flag in sorted(hits, key=lambda pair: pair[0]):
            found.setdefault(flag.key, flag)
    return list(found.values())


def unresolved(flags: Iterable[Flag], confirmed: Iterable[str]) -> list[Flag]:
    """Return the flags still in the way of sharing: restricted ones always."""
    fine = set(confirmed)
    return [flag for flag in flags if not flag.confirmable or flag.key not in fine]


def flag_message(flag: Flag) -> str:
    """Say what to do about one flag, in the words the worker reads."""
    where = SECTION_TITLES[flag.section]
    if flag.kind is FlagKind.RESTRICTED:
        # Never repeat the detail itself: the writer may not be allowed to see it.
        return f"{where} holds part of a child's placement address. Remove it: it is never shared."
    if flag.kind is FlagKind.THIRD_PARTY:
        return (
            f"{where} names {flag.text}, who does not live in this household. "
            "Remove it or confirm it is fine to share."
        )
    what = {
        FlagKind.PHONE: "a phone number",
        FlagKind.EMAIL: "an email address",
        FlagKind.ADDRESS: "an address",
        FlagKind.POSTCODE: "a postcode",
    }[flag.kind]
    return f"{where} has {what} ({flag.text}). Remove it or confirm it is fine to share."
