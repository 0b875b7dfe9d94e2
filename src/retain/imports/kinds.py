"""Every import kind, in the order `retain import all` loads them (parents first)."""

from __future__ import annotations

from typing import Any

from retain.imports.schema import Column, Kind, Ref, ordered

ACCOUNT = Column(
    "account_id",
    required=True,
    field="account",
    ref=Ref("Account", "external_id"),
    help="external id of the account",
)
CONTACT = Column(
    "contact_id",
    field="contact",
    ref=Ref("Contact", "external_id"),
    help="external id of the contact",
)


def _done_needs_time(row: dict[str, Any]) -> list[tuple[str, str]]:
    if row.get("status") == "done" and row.get("completed_at") is None:
        return [("completed_at", "a done task needs completed_at")]
    return []


def _user_or_anonymous(row: dict[str, Any]) -> list[tuple[str, str]]:
    if not row.get("user_id") and not row.get("anonymous_id"):
        return [("user_id", "a user_id or an anonymous_id is required")]
    return []


def _survey_scale(row: dict[str, Any]) -> list[tuple[str, str]]:
    lo, hi, t = row.get("scale_min"), row.get("scale_max"), row.get("positive_threshold")
    out = []
    if lo is not None and hi is not None and hi <= lo:
        out.append(("scale_max", f"scale_max ({hi}) must be above scale_min ({lo})"))
    if row.get("kind") == "nps" and (lo, hi) != (0, 10):
        out.append(("scale_min", "an NPS survey uses the 0-10 scale"))
    if t is not None and lo is not None and hi is not None and not lo <= t <= hi:
        out.append(("positive_threshold", f"positive_threshold {t} is outside the scale {lo}-{hi}"))
    return out


KINDS: tuple[Kind, ...] = (
    Kind(
        "users",
        "User",
        ("username",),
        (
            Column("username", required=True),
            Column("email", default=""),
            Column("first_name", default=""),
            Column("last_name", default=""),
            Column("role", choices=("admin", "manager", "csm", "viewer"), default="csm"),
            Column("is_active", "bool", default=True),
        ),
        help="People who use Retain (owners of accounts and tasks). Passwords are never "
        "imported: set them with `retain password USERNAME` or in the admin.",
    ),
    Kind(
        "lifecycle_stages",
        "LifecycleStage",
        ("key",),
        (
            Column("key", required=True, help="short name, e.g. onboarding"),
            Column("name", required=True),
            Column("position", "int", minimum=0, default=0, help="order on the journey"),
            Column("description", default=""),
        ),
        help="Journey stages (six are built in).",
    ),
    Kind(
        "accounts",
        "Account",
        ("external_id",),
        (
            Column("external_id", required=True, help="your id for the customer (CRM, billing)"),
            Column("name", required=True),
            Column("segment", default=""),
            Column("tier", default=""),
            Column("industry", default=""),
            Column("plan", default=""),
            Column("region", default=""),
            Column("owner", ref=Ref("User", "username"), help="username of the CSM who owns it"),
            Column("stage", ref=Ref("LifecycleStage", "key"), help="lifecycle stage key"),
            Column("contract_start", "date"),
            Column("renewal_date", "date"),
            Column("licensed_seats", "int", minimum=0),
            Column(
                "parent_id",
                field="parent",
                ref=Ref("Account", "external_id"),
                help="external id of the parent account",
            ),
            Column(
                "custom_attributes",
                "json",
                default=None,
                help="a JSON object; or give each attribute as an attr_<name> column",
            ),
        ),
        attributes=True,
        help="Customer companies.",
    ),
    Kind(
        "contacts",
        "Contact",
        ("external_id",),
        (
            Column("external_id", required=True, help="the userId their product events carry"),
            Column("account_id", field="account", ref=Ref("Account", "external_id")),
            Column("name", default=""),
            Column("email", default=""),
            Column("role", default=""),
            Column("is_champion", "bool", default=False),
            Column("is_decision_maker", "bool", default=False),
            Column("traits", "json", default=None),
            Column("created_at", "datetime"),
        ),
        after=("accounts",),
        help="People at customers.",
    ),
    Kind(
        "stage_changes",
        "StageChange",
        ("external_id",),
        (
            Column("external_id", required=True),
            ACCOUNT,
            Column("from_stage", ref=Ref("LifecycleStage", "key")),
            Column("to_stage", required=True, ref=Ref("LifecycleStage", "key")),
            Column("changed_at", "datetime", required=True),
            Column("changed_by", ref=Ref("User", "username")),
            Column("note", default=""),
        ),
        after=("accounts",),
        help="Lifecycle stage history.",
    ),
    Kind(
        "notes",
        "Note",
        ("external_id",),
        (
            Column("external_id", required=True),
            ACCOUNT,
            Column("author", ref=Ref("User", "username")),
            Column("body", required=True),
            Column("created_at", "datetime", required=True),
        ),
        after=("accounts",),
        help="CSM notes.",
    ),
    Kind(
        "subscriptions",
        "SubscriptionItem",
        ("external_id",),
        (
            Column("external_id", required=True, help="subscription item id from billing"),
            ACCOUNT,
            Column("plan", required=True),
            Column(
                "amount", "decimal", required=True, minimum=0.0, help="price per unit per interval"
            ),
            Column("currency", default="USD"),
            Column(
                "interval", choices=("day", "week", "month", "quarter", "year"), default="month"
            ),
            Column("quantity", "int", minimum=0, default=1),
            Column("discount_percent", "decimal", minimum=0.0, maximum=100.0, default=0),
            Column("discount_end", "date", help="last day of the discount; empty: it recurs"),
            Column(
                "charge_type", choices=("recurring", "metered", "one_time"), default="recurring"
            ),
            Column(
                "status", choices=("trial", "active", "past_due", "cancelled"), default="active"
            ),
            Column("start_date", "date", required=True),
            Column("end_date", "date", help="last paid day; empty while it runs"),
            Column("cancelled_at", "date"),
        ),
        checks=(ordered("start_date", "end_date", "subscription"),),
        after=("accounts",),
        help="Subscription items (MRR comes from these).",
    ),
    Kind(
        "purchases",
        "Purchase",
        ("external_id",),
        (
            Column("external_id", required=True),
            ACCOUNT,
            Column("purchased_at", "date", required=True),
            Column("amount", "decimal", required=True, minimum=0.0),
            Column("currency", default="USD"),
            Column("description", default=""),
        ),
        after=("accounts",),
        help="One-off purchases.",
    ),
    Kind(
        "costs",
        "Cost",
        ("external_id",),
        (
            Column("external_id", required=True),
            Column(
                "category",
                required=True,
                choices=(
                    "sales",
                    "marketing",
                    "support",
                    "customer_success",
                    "professional_services",
                    "tooling",
                    "initiative",
                    "other",
                ),
            ),
            Column("period_start", "date", required=True),
            Column("period_end", "date", required=True),
            Column("amount", "decimal", required=True, minimum=0.0),
            Column("currency", default="USD"),
            Column("description", default=""),
        ),
        checks=(ordered("period_start", "period_end", "cost period"),),
        help="Spend (CAC, CRC).",
    ),
    Kind(
        "features",
        "Feature",
        ("event_name",),
        (
            Column("event_name", required=True),
            Column("name", required=True),
            Column("is_key_feature", "bool", default=False),
            Column("is_key_action", "bool", default=False),
            Column("plans", default="", help="comma-separated plans that include it; empty: all"),
        ),
        help="Product features by event name.",
    ),
    Kind(
        "events",
        "Event",
        ("message_id",),
        (
            Column(
                "message_id",
                required=True,
                help="unique id; an id already stored is skipped, one repeated in the file is "
                "an error",
            ),
            Column(
                "type", choices=("track", "identify", "group", "page", "screen"), default="track"
            ),
            Column("user_id", default="", help="the contact's external id"),
            Column("anonymous_id", default=""),
            Column(
                "account_id",
                field="account",
                ref=Ref("Account", "external_id"),
                help="empty: the contact's account",
            ),
            Column("name", default="", help="event name, e.g. report_created"),
            Column("timestamp", "datetime", required=True),
            Column("received_at", "datetime"),
            Column("properties", "json", default=None),
            Column("context", "json", default=None),
        ),
        checks=(_user_or_anonymous,),
        after=("contacts",),
        help="Raw product events. Loaded by the bulk event loader, the same for `retain import "
        "events` and `import all`, which also reads a Segment export (`.jsonl`, see ingest.md).",
    ),
    Kind(
        "usage",
        "UsageDaily",
        ("account_id", "contact_id", "event_name", "day"),
        (
            ACCOUNT,
            Column("contact_id", required=True, field="contact", ref=Ref("Contact", "external_id")),
            Column("event_name", required=True),
            Column("day", "date", required=True),
            Column("count", "int", required=True, minimum=1),
        ),
        after=("events",),
        help="Daily usage rollups (set absolute counts).",
    ),
    Kind(
        "tickets",
        "Ticket",
        ("external_id",),
        (
            Column("external_id", required=True),
            ACCOUNT,
            CONTACT,
            Column("opened_at", "datetime", required=True),
            Column("first_response_at", "datetime"),
            Column("resolved_at", "datetime"),
            Column("priority", choices=("low", "normal", "high", "urgent"), default="normal"),
            Column("status", choices=("open", "pending", "solved", "closed"), default="open"),
            Column("subject", required=True),
            Column("body", default=""),
            Column("satisfaction", "int", minimum=1, maximum=5),
        ),
        checks=(
            ordered("opened_at", "first_response_at", "ticket"),
            ordered("opened_at", "resolved_at", "ticket"),
        ),
        after=("contacts",),
        help="Support tickets.",
    ),
    Kind(
        "touchpoints",
        "Touchpoint",
        ("external_id",),
        (
            Column("external_id", required=True),
            ACCOUNT,
            CONTACT,
            Column("user", ref=Ref("User", "username"), help="our team member"),
            Column("kind", required=True, choices=("email", "call", "meeting", "qbr", "chat")),
            Column("direction", required=True, choices=("inbound", "outbound")),
            Column("occurred_at", "datetime", required=True),
            Column("replied_at", "datetime"),
            Column("subject", default=""),
            Column("text", default=""),
            Column(
                "sentiment",
                "float",
                minimum=-1.0,
                maximum=1.0,
                help="empty: computed from the text (VADER)",
            ),
        ),
        checks=(ordered("occurred_at", "replied_at", "touchpoint"),),
        after=("contacts",),
        help="Conversations.",
    ),
    Kind(
        "surveys",
        "Survey",
        ("external_id",),
        (
            Column("external_id", required=True),
            Column("kind", required=True, choices=("nps", "csat", "ces")),
            Column("name", required=True),
            Column("question", required=True),
            Column("scale_min", "int", required=True, minimum=0),
            Column("scale_max", "int", required=True, minimum=1),
            Column("direction", choices=("higher_better", "lower_better"), default="higher_better"),
            Column("aggregation", required=True, choices=("nps", "top_box", "mean")),
            Column("positive_threshold", "int"),
        ),
        checks=(_survey_scale,),
        help="Survey definitions with scale and direction.",
    ),
    Kind(
        "survey_invitations",
        "SurveyInvitation",
        ("external_id",),
        (
            Column("external_id", required=True),
            Column("survey_id", required=True, field="survey", ref=Ref("Survey", "external_id")),
            ACCOUNT,
            CONTACT,
            Column("sent_at", "datetime", required=True),
            Column("channel", default="email"),
        ),
        after=("surveys", "contacts"),
        help="Surveys sent (response-rate denominator).",
    ),
    Kind(
        "survey_responses",
        "SurveyResponse",
        ("external_id",),
        (
            Column("external_id", required=True),
            Column("survey_id", required=True, field="survey", ref=Ref("Survey", "external_id")),
            ACCOUNT,
            CONTACT,
            Column("invitation_id", field="invitation", ref=Ref("SurveyInvitation", "external_id")),
            Column("score", "int", required=True, help="within the survey's scale"),
            Column("comment", default=""),
            Column("answered_at", "datetime", required=True),
            Column("channel", default="email"),
        ),
        after=("survey_invitations",),
        help="Survey answers.",
    ),
    Kind(
        "milestone_templates",
        "MilestoneTemplate",
        ("key",),
        (
            Column("key", required=True),
            Column("name", required=True),
            Column("position", "int", minimum=0, default=0),
            Column("target_days", "int", required=True, minimum=0),
            Column("is_go_live", "bool", default=False),
            Column("is_first_value", "bool", default=False),
        ),
        help="Onboarding steps.",
    ),
    Kind(
        "milestones",
        "AccountMilestone",
        ("external_id",),
        (
            Column("external_id", required=True),
            ACCOUNT,
            Column("template", required=True, ref=Ref("MilestoneTemplate", "key")),
            Column("due_date", "date"),
            Column("completed_at", "datetime"),
        ),
        after=("milestone_templates", "accounts"),
        help="Accounts' onboarding progress.",
    ),
    Kind(
        "playbooks",
        "Playbook",
        ("key",),
        (
            Column("key", required=True),
            Column("name", required=True),
            Column("description", default=""),
            Column("trigger", "json", default=None),
            Column("actions", "json", default=None),
            Column("cooldown_days", "int", minimum=0, default=30),
            Column("enabled", "bool", default=True),
        ),
        help="Playbooks.",
    ),
    Kind(
        "tasks",
        "Task",
        ("external_id",),
        (
            Column("external_id", required=True),
            ACCOUNT,
            Column("owner", ref=Ref("User", "username")),
            Column("kind", default="follow_up"),
            Column("title", required=True),
            Column("description", default=""),
            Column("due_date", "date"),
            Column("status", choices=("open", "done", "cancelled"), default="open"),
            Column("created_at", "datetime", required=True),
            Column("completed_at", "datetime"),
            Column("outcome", default=""),
            Column("playbook", ref=Ref("Playbook", "key")),
        ),
        checks=(_done_needs_time,),
        after=("playbooks", "accounts"),
        help="CSM tasks.",
    ),
    Kind(
        "initiatives",
        "Initiative",
        ("key",),
        (
            Column("key", required=True),
            Column("name", required=True),
            Column("description", default=""),
            Column("start_date", "date", required=True),
            Column("end_date", "date"),
            Column("monthly_cost", "decimal", minimum=0.0, default=0),
            Column("target_segment", default=""),
            Column("metric", default=""),
            Column("expected_effect", "float"),
        ),
        checks=(ordered("start_date", "end_date", "initiative"),),
        help="CS initiatives.",
    ),
    Kind(
        "initiative_accounts",
        "InitiativeAccount",
        ("initiative", "account_id"),
        (
            Column("initiative", required=True, ref=Ref("Initiative", "key")),
            ACCOUNT,
            Column("group", required=True, choices=("treatment", "control")),
            Column("joined_at", "date", required=True),
        ),
        after=("initiatives", "accounts"),
        help="Initiative treatment and comparison groups.",
    ),
)

BY_NAME = {k.name: k for k in KINDS}


def get(name: str) -> Kind:
    """The kind called `name`, or an error listing them."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown kind {name!r}; kinds: {', '.join(BY_NAME)}") from None
