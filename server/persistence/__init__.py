"""SQLAlchemy tables: accounts, case records, staff records and the audit log."""

from . import changes, guards  # noqa: F401  (register the flush listeners)
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
    FamilyCopy,
    Interaction,
    Judgment,
    Membership,
    Note,
    Person,
    PlacementAddress,
    PlanAction,
    PlanEpisode,
    RecordHistory,
    Relationship,
    Review,
    SupervisionDiscussion,
    SupervisionSession,
)
from .notifications import PushSubscription, StatutoryReminder
from .practice import (
    ChecklistTemplate,
    Consultation,
    ConsultationReply,
    DecisionPolicy,
    PeerLetter,
    PlainWord,
    Suggestion,
)
from .reports import ServiceSummary
from .subject_access import SubjectAccessExport
from .supervision import SupervisionRecord
from .sync import SyncChange, SyncCheckpoint, SyncRejection, SyncState
from .team_lights import NewlyQualifiedLights, PolicyTrial

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
    "FamilyCopy",
    "Interaction",
    "Judgment",
    "Membership",
    "NewlyQualifiedLights",
    "Note",
    "PeerLetter",
    "Person",
    "PlacementAddress",
    "PlainWord",
    "PlanAction",
    "PlanEpisode",
    "PolicyTrial",
    "PushSubscription",
    "RecordHistory",
    "Relationship",
    "Review",
    "ServiceSummary",
    "StatutoryReminder",
    "SubjectAccessExport",
    "Suggestion",
    "SupervisionDiscussion",
    "SupervisionRecord",
    "SupervisionSession",
    "SyncChange",
    "SyncCheckpoint",
    "SyncRejection",
    "SyncState",
    "Team",
    "User",
    "UserSession",
]
