"""The column contracts the core reads: one Ibis schema per input table.

Engines (DuckDB over the app database, PostgreSQL, Spark) must provide tables with at least
these columns and types; `check` says which are missing before any query runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

SCHEMAS: dict[str, ibis.Schema] = {
    "accounts": ibis.schema(
        {
            "account_id": "int64",
            "external_id": "string",
            "name": "string",
            "segment": "string",
            "tier": "string",
            "industry": "string",
            "plan": "string",
            "region": "string",
            "owner": "string",
            "stage": "string",
            "contract_start": "date",
            "renewal_date": "date",
            "licensed_seats": "int64",
            "custom_attributes": "string",
        }
    ),
    "stage_changes": ibis.schema(
        {"account_id": "int64", "stage": "string", "changed_at": "timestamp"}
    ),
    "subscriptions": ibis.schema(
        {
            "account_id": "int64",
            "external_id": "string",
            "plan": "string",
            "amount": "float64",
            "quantity": "int64",
            "interval": "string",
            "discount_percent": "float64",
            "discount_end": "date",
            "charge_type": "string",
            "status": "string",
            "start_date": "date",
            "end_date": "date",
            "cancelled_at": "date",
        }
    ),
    "purchases": ibis.schema({"account_id": "int64", "purchased_at": "date", "amount": "float64"}),
    "costs": ibis.schema(
        {"category": "string", "period_start": "date", "period_end": "date", "amount": "float64"}
    ),
    "contacts": ibis.schema(
        {"contact_id": "int64", "account_id": "int64", "created_at": "timestamp"}
    ),
    "features": ibis.schema(
        {
            "event_name": "string",
            "is_key_feature": "boolean",
            "is_key_action": "boolean",
            "plans": "string",
        }
    ),
    "usage_daily": ibis.schema(
        {
            "account_id": "int64",
            "contact_id": "int64",
            "event_name": "string",
            "day": "date",
            "count": "int64",
        }
    ),
    "tickets": ibis.schema(
        {
            "account_id": "int64",
            "opened_at": "timestamp",
            "first_response_at": "timestamp",
            "resolved_at": "timestamp",
            "priority": "string",
            "status": "string",
            "satisfaction": "int64",
        }
    ),
    "touchpoints": ibis.schema(
        {
            "account_id": "int64",
            "contact_id": "int64",
            "kind": "string",
            "direction": "string",
            "occurred_at": "timestamp",
            "replied_at": "timestamp",
            "sentiment": "float64",
        }
    ),
    "surveys": ibis.schema(
        {
            "survey_id": "int64",
            "kind": "string",
            "scale_min": "int64",
            "scale_max": "int64",
            "direction": "string",
            "aggregation": "string",
            "positive_threshold": "int64",
        }
    ),
    "survey_invitations": ibis.schema(
        {
            "invitation_id": "int64",
            "survey_id": "int64",
            "account_id": "int64",
            "sent_at": "timestamp",
        }
    ),
    "survey_responses": ibis.schema(
        {
            "survey_id": "int64",
            "account_id": "int64",
            "invitation_id": "int64",
            "score": "int64",
            "answered_at": "timestamp",
        }
    ),
    "milestones": ibis.schema(
        {
            "account_id": "int64",
            "due_date": "date",
            "is_go_live": "boolean",
            "is_first_value": "boolean",
            "completed_at": "timestamp",
        }
    ),
}


class LazyTables(Mapping[str, ir.Table]):
    """Tables made on first use by `load(name)`: an engine reads a large table (usage rollups,
    raw events) only when an expression needs it."""

    def __init__(self, names: Iterable[str], load: Callable[[str], ir.Table]) -> None:
        self._names = tuple(names)
        self._load = load
        self._made: dict[str, ir.Table] = {}

    def __getitem__(self, name: str) -> ir.Table:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._made:
            self._made[name] = self._load(name)
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class ContractError(ValueError):
    """An input table lacks columns the core needs."""


@dataclass(frozen=True)
class Tables:
    """The input tables of one computation, by contract name."""

    tables: Mapping[str, ir.Table]

    def __getitem__(self, name: str) -> ir.Table:
        try:
            return self.tables[name]
        except KeyError:
            raise ContractError(
                f"no {name!r} table was given; have {sorted(self.tables)}"
            ) from None


def check(name: str, table: ir.Table) -> ir.Table:
    """Return `table` if it has every column of contract `name`, else say which are missing."""
    missing = [c for c in SCHEMAS[name].names if c not in table.columns]
    if missing:
        raise ContractError(f"table {name!r} lacks columns {missing}")
    return table
