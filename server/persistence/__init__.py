"""SQLAlchemy tables: accounts, case records, staff records and the audit log."""

from . import guards  # noqa: F401  (registers the flush guards)
from .accounts import Device, Team, User, UserSession
from .audit import AuditEvent
from .case import (
    Amendment,
    Assignment,
    CaseRecord,
    Checklist,
    ChecklistItem,
    Conference,
    Family,
    Interaction,
    Judgment,
    Membership,
    Note,
    Person,
    PlanAction,
    RecordHistory,
    Relationship,
    Review,
)
from .practice import (
    ChecklistTemplate,
    Consultation,
    ConsultationReply,
    DecisionPolicy,
    Suggestion,
)

__all__ = [
    "Amendment",
    "Assignment",
    "AuditEvent",
    "CaseRecord",
    "Checklist",
    "ChecklistItem",
    "ChecklistTemplate",
    "Conference",
    "Consultation",
    "ConsultationReply",
    "DecisionPolicy",
    "Device",
    "Family",
    "Interaction",
    "Judgment",
    "Membership",
    "Note",
    "Person",
    "PlanAction",
    "RecordHistory",
    "Relationship",
    "Review",
    "Suggestion",
    "Team",
    "User",
    "UserSession",
]
