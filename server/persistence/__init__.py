"""SQLAlchemy tables: accounts, case records, staff records and the audit log."""

from . import changes, guards  # noqa: F401  (register the flush listeners)
from .accounts import Device, Team, User, UserSession
from .attachments import AttachmentUpload
from .audit import AuditEvent
from .case import (
    Amendment,
    Assignment,
    Attachment,
    CaseRecord,
    CaseSummary,
    Checklist,
    ChecklistItem,
    ChronologyEntry,
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
    Referral,
    Relationship,
    Review,
    StrategyDiscussion,
    SupervisionDiscussion,
    SupervisionSession,
)
from .endings import CaseEpisode, FamilyTransfer
from .notifications import PushSubscription, StatutoryReminder
from .practice import (
    ChecklistTemplate,
    Consultation,
    ConsultationReply,
    DecisionPolicy,
    PeerLetter,
    PlainWord,
    Suggestion,
    UrgentContacts,
)
from .reports import ServiceSummary
from .retention import LegalHold, RetentionRelease
from .returns import StatutoryReturn
from .subject_access import SubjectAccessExport
from .supervision import SupervisionRecord
from .sync import SyncChange, SyncCheckpoint, SyncRejection, SyncState
from .team_lights import NewlyQualifiedLights, PolicyTrial

__all__ = [
    "Amendment",
    "Assignment",
    "Attachment",
    "AttachmentUpload",
    "AuditEvent",
    "CaseEpisode",
    "CaseRecord",
    "CaseSummary",
    "Checklist",
    "ChecklistItem",
    "ChecklistTemplate",
    "ChronologyEntry",
    "Conference",
    "Consultation",
    "ConsultationReply",
    "DecisionPolicy",
    "Device",
    "Family",
    "FamilyCopy",
    "FamilyTransfer",
    "Interaction",
    "Judgment",
    "LegalHold",
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
    "Referral",
    "Relationship",
    "RetentionRelease",
    "Review",
    "ServiceSummary",
    "StatutoryReminder",
    "StatutoryReturn",
    "StrategyDiscussion",
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
    "UrgentContacts",
    "User",
    "UserSession",
]
