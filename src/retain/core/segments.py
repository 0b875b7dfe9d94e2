"""Segment filters: restrict every input table to the accounts of a segment."""

from __future__ import annotations

from collections.abc import Mapping

import ibis.expr.types as ir

from retain.core.tables import SCHEMAS, LazyTables, Tables

SEGMENT_KEYS = ("segment", "tier", "industry", "plan", "region", "owner", "stage")


def parse(pairs: list[str]) -> dict[str, str]:
    """`["segment=SMB", "region=EU"]` -> a filter dict; say how to fix malformed pairs."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"segment filter {pair!r} must look like key=value, e.g. tier=Growth")
        if key.strip() not in SEGMENT_KEYS:
            raise ValueError(f"cannot filter on {key!r}: use one of {', '.join(SEGMENT_KEYS)}")
        out[key.strip()] = value.strip()
    return out


def restrict(tables: Tables, filters: Mapping[str, str]) -> Tables:
    """The same tables limited to accounts matching every filter (values compare as text);
    each table is restricted when first used, so unused tables are never read."""
    if not filters:
        return tables
    accounts = tables["accounts"]
    for key, value in filters.items():
        accounts = accounts.filter(accounts[key] == value)
    keep = accounts.select("account_id")

    def restricted(name: str) -> ir.Table:
        if name == "accounts":
            return accounts
        table = tables[name]
        if "account_id" in SCHEMAS.get(name, {}) and "account_id" in table.columns:
            return table.semi_join(keep, "account_id")
        return table

    return Tables(LazyTables(list(tables.tables), restricted))
