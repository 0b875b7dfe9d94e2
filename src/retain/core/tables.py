"""The column contracts the core reads: one Ibis schema per input table.

Engines (DuckDB over the app database, PostgreSQL, Spark) must provide tables with at least
these columns and types; `check` says which are missing before any query runs.
"""

from __future__ import annotations

from collections.abc import Mapping
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
        }
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
}


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
