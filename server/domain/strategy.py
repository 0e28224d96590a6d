"""Strategy discussions and the section 47 enquiries they start.

A strategy discussion is where children's social care, the police, health,
education and others share what they know about a child who may be
suffering significant harm, and decide what to do. Some decisions start an
enquiry under section 47 of the Children Act 1989; when one does, the
initial child protection conference (ICPC) is due within 15 working days of
the strategy discussion that started it (Working Together to Safeguard
Children). Immediate protection action (police protection, an emergency
protection order) is followed by a section 47 enquiry too.

Pure rules: no web, database or queue library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from .errors import translatable
from .timescales import Timeliness, icpc_due, timeliness


class Decision(StrEnum):
    """What a strategy discussion decided (the ``strategy_decision`` code list)."""

    JOINT_S47 = "joint_s47"
    SINGLE_AGENCY_S47 = "single_agency_s47"
    SECTION_17_ASSESSMENT = "section_17_assessment"
    IMMEDIATE_PROTECTION = "immediate_protection"
    NO_FURTHER_ACTION = "no_further_action"


class Agency(StrEnum):
    """Who took part, by agency (the ``strategy_agency`` code list)."""

    POLICE = "police"
    HEALTH = "health"
    EDUCATION = "education"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    OTHER = "other"


# Decisions that start a section 47 enquiry, and so an ICPC's timescale.
STARTS_S47 = frozenset(
    {Decision.JOINT_S47, Decision.SINGLE_AGENCY_S47, Decision.IMMEDIATE_PROTECTION}
)
# The earliest discussion the service records (the council's records begin later).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# How far ahead of the server's clock a device's clock may run before a time is refused.
DEVICE_SLACK = timedelta(hours=1)


def starts_s47(decision: str | None) -> bool:
    """Return whether a decision starts a section 47 enquiry."""
    return decision in STARTS_S47


@dataclass(frozen=True)
class IcpcState:
    """Where an enquiry's ICPC stands: when it is due, when held, and whether late."""

    due_on: date
    held_on: date | None
    timeliness: Timeliness

    @property
    def late(self) -> bool:
        return self.timeliness in (Timeliness.LATE, Timeliness.NOT_MET)


def icpc_state(discussed_on: date, held_on: date | None, today: date) -> IcpcState:
    """Return the ICPC's due date and timeliness for an enquiry started on ``discussed_on``."""
    due = icpc_due(discussed_on)
    return IcpcState(due_on=due, held_on=held_on, timeliness=timeliness(due, held_on, today))


def check_icpc_held(
    discussed_on: date, held_on: date | None, decision: str | None, today: date
) -> str | None:
    """Return why an ICPC date cannot be recorded, or None when it can."""
    if held_on is None:
        return None
    if not starts_s47(decision):
        return translatable(
            "Only a section 47 enquiry leads to an initial child protection conference."
        )
    if held_on < discussed_on:
        return translatable("The conference cannot be before the strategy discussion.")
    if held_on > today + timedelta(days=1):  # a day's grace for a device's clock
        return translatable("The conference cannot be in the future.")
    return None
