"""The Children in Need census as the Department's XML message, checked against its schema.

The file is written a child at a time. It is checked against the schema a
part at a time as it is written (``write(..., check=True)``: each part of
``CHECK_EVERY`` children, framed by the message's header, parsed and checked
in a second thread while the next part is read; lxml does both without
holding the interpreter), or read back afterwards (``validate``, lxml's
``iterparse``). Either way memory stays flat however many children there are.
The schema has no keys or uniqueness across children, so checking each part
in the message's frame checks the whole file. The same data always makes the
same bytes: children in the order of their id, episodes by referral date, and
no time of writing in the header, so producing the return again is safe to
compare and resend.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import IO
from xml.sax.saxutils import escape

from lxml import etree

from .collect import CensusYear, ChildReturn, EpisodeOfNeed

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "cin_census.xsd"
SOFTWARE_CODE = "Family Fieldwork"
RELEASE = "1"
# The app's sex codes as the census's GenderCurrent codes (vocabulary ``cin_sex``).
GENDER = {"male": "1", "female": "2", "unknown": "0", "not_stated": "0"}
# Children in each part of the file checked at once (``write(..., check=True)``).
CHECK_EVERY = 500
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n'
_CHILDREN_START = b"  <Children>\n"
_END = b"  </Children>\n</Message>\n"


class SchemaInvalid(Exception):
    """The file the app wrote does not meet the census schema (a fault of the app)."""


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))


def _day(value: date) -> str:
    return value.isoformat()


def write(
    out: IO[bytes],
    year: CensusYear,
    la_number: str,
    children: Iterable[ChildReturn],
    *,
    check: bool = False,
) -> int:
    """Write the census message for these children; return how many were written.

    Each child is written as text as soon as it is read (escaped here; the
    schema check reads it back with a real parser), so nothing but the child
    at hand, and with ``check`` the part being checked, is held. With
    ``check`` each part is checked against the schema as it is written:
    ``SchemaInvalid`` is raised for the first part that fails.
    """
    count = 0
    head = _DECLARATION + _header(year, la_number).encode() + _CHILDREN_START
    out.write(head)
    if not check:
        for child in children:
            out.write(_child(child).encode())
            count += 1
        out.write(_END)
        return count
    with _PartChecker(head) as checker:
        part: list[bytes] = []
        for child in children:
            text = _child(child).encode()
            out.write(text)
            part.append(text)
            count += 1
            if len(part) == CHECK_EVERY:
                checker.check(b"".join(part))
                part = []
        if part or not count:
            checker.check(b"".join(part))  # the rest, or the message with no child
    out.write(_END)
    return count


def _check_part(document: bytes) -> None:
    """Check one part of the file, framed as a whole message, against the schema."""
    try:
        root = etree.fromstring(document, etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as error:
        raise SchemaInvalid(str(error)) from error
    checker = schema()
    if not checker.validate(root):
        raise SchemaInvalid(str(checker.error_log.last_error))


class _PartChecker:
    """Checks parts of the file one after another in a thread of its own.

    One part is checked while the next is written; ``check`` waits for the
    part before (raising its ``SchemaInvalid``), so at most one is held.
    """

    def __init__(self, head: bytes) -> None:
        self._head = head
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="census-schema")
        self._pending: Future[None] | None = None

    def check(self, children: bytes) -> None:
        self._wait()
        self._pending = self._pool.submit(_check_part, self._head + children + _END)

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def __enter__(self) -> _PartChecker:
        schema()  # made once, before the thread uses it
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self._wait()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


def validate(source: IO[bytes] | str) -> None:
    """Check a census file against the schema as it is read; raise ``SchemaInvalid``."""
    try:
        # Only each child's end comes back to Python (``tag``): the parser checks the rest.
        for _event, element in etree.iterparse(
            source, events=("end",), tag="Child", schema=schema()
        ):
            element.clear(keep_tail=True)
            # Children already read are dropped from the root too, so memory stays flat.
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise SchemaInvalid(str(error)) from error


def _el(tag: str, value: object | None) -> str:
    """One element with a value, or nothing when there is none."""
    if value is None or value == "":
        return ""
    # By exact type: codes, dates and counts are nearly every value. A code is
    # escaped only when it holds a character that needs it (``in`` is far
    # cheaper than escaping's three replacements); the text is the same.
    if type(value) is str:
        text = escape(value) if ("&" in value or "<" in value or ">" in value) else value
    elif type(value) is date:
        text = value.isoformat()
    elif type(value) is int:
        text = str(value)
    else:
        text = escape(str(value))
    return f"<{tag}>{text}</{tag}>"


def _header(year: CensusYear, la_number: str) -> str:
    details = _el("Collection", "CIN") + _el("Year", year.year) + _el("ReferenceDate", year.end)
    source = (
        _el("SourceLevel", "L")
        + _el("LEA", la_number)
        + _el("SoftwareCode", SOFTWARE_CODE)
        + _el("Release", RELEASE)
        + _el("SerialNo", "001")
    )
    return (
        f"  <Header>\n    <CollectionDetails>{details}</CollectionDetails>\n"
        f"    <Source>{source}</Source>\n  </Header>\n"
    )


def _date(tag: str, value: date | None) -> str:
    """A date's element, or nothing: most of a child's values are dates."""
    return "" if value is None else f"<{tag}>{value.isoformat()}</{tag}>"


def _text(value: str) -> str:
    """A code or an identifier as element text: escaped only when it needs it."""
    return escape(value) if ("&" in value or "<" in value or ">" in value) else value


YES_NO = {
    tag: {True: f"<{tag}>true</{tag}>", False: f"<{tag}>false</{tag}>"}
    for tag in ("ICPCnotRequired", "ReferralNFA")
}
_ICPC_NOT_REQUIRED = YES_NO["ICPCnotRequired"]
_REFERRAL_NFA = YES_NO["ReferralNFA"]


# A child is written as one piece of text with each element inline (as ``_el`` and
# ``_date`` would write it): the file has tens of thousands of children, and a call a
# value was most of its writing. tests/census/test_golden.py holds the bytes.
def _child(child: ChildReturn) -> str:
    born = child.date_of_birth
    upn = child.upn
    expected = None if born else child.expected_date_of_birth
    died = child.date_of_death
    ids = (
        f"<LAchildID>{_text(child.reference)}</LAchildID>"
        + (_el("UPN", upn) if upn else "")
        + _el("FormerUPN", child.former_upn)
        + ("" if upn else _el("UPNunknown", child.upn_unknown))
        + ("" if born is None else f"<PersonBirthDate>{born.isoformat()}</PersonBirthDate>")
        + (
            ""
            if expected is None
            else f"<ExpectedPersonBirthDate>{expected.isoformat()}</ExpectedPersonBirthDate>"
        )
        + f"<GenderCurrent>{_text(GENDER.get(child.sex or '', '0'))}</GenderCurrent>"
        + ("" if died is None else f"<PersonDeathDate>{died.isoformat()}</PersonDeathDate>")
    )
    # The schema needs an ethnicity: not yet recorded is the census's own NOBT.
    traits = f"<Ethnicity>{_text(child.ethnicity or 'NOBT')}</Ethnicity>"
    if child.disabilities:
        codes = "".join(_el("Disability", code) for code in child.disabilities)
        traits += f"<Disabilities>{codes}</Disabilities>"
    text = (
        f"    <Child>\n      <ChildIdentifiers>{ids}</ChildIdentifiers>\n"
        f"      <ChildCharacteristics>{traits}</ChildCharacteristics>\n"
    )
    previous = child.previous_cp_plans
    episodes = child.episodes
    if len(episodes) > 1:
        episodes = sorted(episodes, key=lambda e: (e.referral_date, str(e.first_episode_id)))
    for episode in episodes:
        text += f"      {_details(episode, previous)}\n"
        previous += len(episode.cp_plans)
    return text + "    </Child>\n"


def _details(episode: EpisodeOfNeed, previous_cp: int) -> str:
    closed = episode.closure_date
    referred = episode.referral_date
    conference = episode.initial_conference_on
    parts = [
        "<CINdetails>",
        "" if referred is None else f"<CINreferralDate>{referred.isoformat()}</CINreferralDate>",
        _el("ReferralSource", episode.referral_source),
        _el("PrimaryNeedCode", episode.primary_need),
    ]
    if closed is not None:
        parts.append(f"<CINclosureDate>{closed.isoformat()}</CINclosureDate>")
        parts.append(_el("ReasonForClosure", episode.closure_reason))
    if conference is not None:
        parts.append(f"<DateOfInitialCPC>{conference.isoformat()}</DateOfInitialCPC>")
    for assessment in episode.assessments:
        factors = "".join(_el("AssessmentFactors", factor) for factor in assessment.factors)
        parts.append(
            "<Assessments>"
            + _date("AssessmentActualStartDate", assessment.started_on)
            + _date("AssessmentAuthorisationDate", assessment.authorised_on)
            + (
                f"<FactorsIdentifiedAtAssessment>{factors}</FactorsIdentifiedAtAssessment>"
                if factors
                else ""
            )
            + "</Assessments>"
        )
    for started, ended in episode.cin_plans:
        parts.append(
            f"<CINPlanDates><CINPlanStartDate>{started.isoformat()}</CINPlanStartDate>"
            + ("" if ended is None else f"<CINPlanEndDate>{ended.isoformat()}</CINPlanEndDate>")
            + "</CINPlanDates>"
        )
    for s47 in episode.section47s:
        parts.append(
            "<Section47>"
            + _date("S47ActualStartDate", s47.started_on)
            + _date("InitialCPCtarget", s47.target_conference_on)
            + _date("DateOfInitialCPC", s47.initial_conference_on)
            + _ICPC_NOT_REQUIRED[bool(s47.conference_not_required)]
            + "</Section47>"
        )
    parts.append(_REFERRAL_NFA[bool(episode.no_further_action)])
    for index, plan in enumerate(episode.cp_plans):
        ended = plan.ended_on
        parts.append(
            f"<ChildProtectionPlans><CPPstartDate>{plan.started_on.isoformat()}</CPPstartDate>"
            + ("" if ended is None else f"<CPPendDate>{ended.isoformat()}</CPPendDate>")
            + f"<InitialCategoryOfAbuse>{_text(plan.initial_category or 'MUL')}"
            "</InitialCategoryOfAbuse>"
            f"<LatestCategoryOfAbuse>{_text(plan.latest_category or 'MUL')}"
            f"</LatestCategoryOfAbuse><NumberOfPreviousCPP>{previous_cp + index}"
            "</NumberOfPreviousCPP></ChildProtectionPlans>"
        )
    parts.append("</CINdetails>")
    return "".join(parts)
