"""Retain's data model, one module per domain: re-exported here for Django and callers."""

from retain.app.models.accounts import (
    Account,
    Contact,
    LifecycleStage,
    Metadata,
    Note,
    StageChange,
)
from retain.app.models.conversations import (
    Direction,
    Ticket,
    TicketPriority,
    TicketStatus,
    Touchpoint,
    TouchpointKind,
)
from retain.app.models.health import Band, HealthOverride, HealthSnapshot, ScorecardConfig
from retain.app.models.ingest import QuarantinedMessage, QuarantineStatus, Source
from retain.app.models.revenue import (
    BillingInterval,
    ChargeType,
    Cost,
    CostCategory,
    Purchase,
    SubscriptionItem,
    SubscriptionStatus,
)
from retain.app.models.success import (
    AccountMilestone,
    Initiative,
    InitiativeAccount,
    InitiativeGroup,
    MilestoneTemplate,
    Playbook,
    Task,
    TaskStatus,
)
from retain.app.models.surveys import (
    Aggregation,
    ScoreDirection,
    Survey,
    SurveyInvitation,
    SurveyKind,
    SurveyResponse,
)
from retain.app.models.usage import Event, EventType, Feature, UsageDaily
from retain.app.models.users import ApiToken, Role, User

__all__ = [
    "Account",
    "AccountMilestone",
    "Aggregation",
    "ApiToken",
    "Band",
    "BillingInterval",
    "ChargeType",
    "Contact",
    "Cost",
    "CostCategory",
    "Direction",
    "Event",
    "EventType",
    "Feature",
    "HealthOverride",
    "HealthSnapshot",
    "Initiative",
    "InitiativeAccount",
    "InitiativeGroup",
    "LifecycleStage",
    "Metadata",
    "MilestoneTemplate",
    "Note",
    "Playbook",
    "Purchase",
    "QuarantineStatus",
    "QuarantinedMessage",
    "Role",
    "ScoreDirection",
    "ScorecardConfig",
    "Source",
    "StageChange",
    "SubscriptionItem",
    "SubscriptionStatus",
    "Survey",
    "SurveyInvitation",
    "SurveyKind",
    "SurveyResponse",
    "Task",
    "TaskStatus",
    "Ticket",
    "TicketPriority",
    "TicketStatus",
    "Touchpoint",
    "TouchpointKind",
    "UsageDaily",
    "User",
]
