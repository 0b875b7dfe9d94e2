"""Rows of the demo database, table by table, with ids assigned in build order."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

# Columns written for each table, in insert order (ids first where the demo assigns them).
COLUMNS: dict[str, tuple[str, ...]] = {
    "retain_user": (
        "id",
        "password",
        "last_login",
        "is_superuser",
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
        "role",
    ),
    "retain_metadata": ("id", "key", "value"),
    "retain_source": ("id", "name", "key_prefix", "key_hash", "created_at", "revoked"),
    "retain_quarantined_message": (
        "id",
        "source_id",
        "received_at",
        "call",
        "index",
        "batch_sent_at",
        "payload",
        "reasons",
        "status",
        "replayed_at",
    ),
    "retain_saved_view": ("id", "user_id", "page", "name", "query", "shared", "created_at"),
    "retain_feature": ("id", "event_name", "name", "is_key_feature", "is_key_action", "plans"),
    "retain_milestone_template": (
        "id",
        "key",
        "name",
        "position",
        "target_days",
        "is_go_live",
        "is_first_value",
    ),
    "retain_survey": (
        "id",
        "external_id",
        "kind",
        "name",
        "question",
        "scale_min",
        "scale_max",
        "direction",
        "aggregation",
        "positive_threshold",
    ),
    "retain_playbook": (
        "id",
        "key",
        "name",
        "description",
        "trigger",
        "actions",
        "cooldown_days",
        "enabled",
    ),
    "retain_initiative": (
        "id",
        "key",
        "name",
        "description",
        "start_date",
        "end_date",
        "monthly_cost",
        "target_segment",
        "metric",
        "expected_effect",
    ),
    "retain_account": (
        "id",
        "external_id",
        "name",
        "segment",
        "tier",
        "industry",
        "plan",
        "region",
        "owner_id",
        "stage_id",
        "contract_start",
        "renewal_date",
        "licensed_seats",
        "custom_attributes",
        "parent_id",
        "created_at",
        "updated_at",
    ),
    "retain_contact": (
        "id",
        "external_id",
        "account_id",
        "name",
        "email",
        "role",
        "is_champion",
        "is_decision_maker",
        "traits",
        "created_at",
    ),
    "retain_stage_change": (
        "id",
        "external_id",
        "account_id",
        "from_stage_id",
        "to_stage_id",
        "changed_at",
        "changed_by_id",
        "note",
    ),
    "retain_note": ("id", "external_id", "account_id", "author_id", "body", "created_at"),
    "retain_subscription_item": (
        "id",
        "external_id",
        "account_id",
        "plan",
        "amount",
        "currency",
        "interval",
        "quantity",
        "discount_percent",
        "discount_end",
        "charge_type",
        "status",
        "start_date",
        "end_date",
        "cancelled_at",
    ),
    "retain_purchase": (
        "id",
        "external_id",
        "account_id",
        "purchased_at",
        "amount",
        "currency",
        "description",
    ),
    "retain_cost": (
        "id",
        "external_id",
        "category",
        "period_start",
        "period_end",
        "amount",
        "currency",
        "description",
    ),
    "retain_usage_daily": ("id", "account_id", "contact_id", "event_name", "day", "count"),
    "retain_event": (
        "id",
        "message_id",
        "type",
        "account_id",
        "contact_id",
        "user_id",
        "anonymous_id",
        "name",
        "timestamp",
        "received_at",
        "properties",
        "context",
    ),
    "retain_ticket": (
        "id",
        "external_id",
        "account_id",
        "contact_id",
        "opened_at",
        "first_response_at",
        "resolved_at",
        "priority",
        "status",
        "subject",
        "body",
        "satisfaction",
    ),
    "retain_touchpoint": (
        "id",
        "external_id",
        "account_id",
        "contact_id",
        "user_id",
        "kind",
        "direction",
        "occurred_at",
        "replied_at",
        "subject",
        "text",
        "sentiment",
    ),
    "retain_survey_invitation": (
        "id",
        "external_id",
        "survey_id",
        "account_id",
        "contact_id",
        "sent_at",
        "channel",
    ),
    "retain_survey_response": (
        "id",
        "external_id",
        "survey_id",
        "account_id",
        "contact_id",
        "invitation_id",
        "score",
        "comment",
        "answered_at",
        "channel",
    ),
    "retain_account_milestone": (
        "id",
        "external_id",
        "account_id",
        "template_id",
        "due_date",
        "completed_at",
    ),
    "retain_task": (
        "id",
        "external_id",
        "account_id",
        "owner_id",
        "kind",
        "title",
        "description",
        "due_date",
        "status",
        "created_at",
        "completed_at",
        "outcome",
        "playbook_id",
    ),
    "retain_initiative_account": ("id", "initiative_id", "account_id", "group", "joined_at"),
}

# Parents before children: the order tables are written in.
ORDER = tuple(COLUMNS)


class Rows:
    """Tables of tuples; `add` assigns the next id of a table and returns it."""

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self._ids: dict[str, int] = defaultdict(int)

    def add(self, table: str, *values: Any) -> int:
        """Append a row whose id is assigned here; `values` are the other columns in order."""
        self._ids[table] += 1
        row = (self._ids[table], *values)
        self._check(table, row)
        self.tables[table].append(row)
        return self._ids[table]

    def _check(self, table: str, row: tuple[Any, ...]) -> None:
        if len(row) != len(COLUMNS[table]):
            raise ValueError(f"{table}: {len(row)} values for {len(COLUMNS[table])} columns")

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {t: len(r) for t, r in self.tables.items()}
