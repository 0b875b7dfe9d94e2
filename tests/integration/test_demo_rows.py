"""The demo's keyword rows: checked against the Django models' columns, not a hand-typed list."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.apps import apps

from retain.app import models as m
from retain.demo.rows import ORDER, Rows, columns


def account_row() -> dict[str, Any]:
    """Every column of `retain_account` but the id, as the demo writes them."""
    day = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    return {
        "external_id": "acct-00001",
        "name": "Acme",
        "segment": "SMB",
        "tier": "Starter",
        "industry": "Retail",
        "plan": "starter",
        "region": "EMEA",
        "owner_id": 3,
        "stage_id": 1,
        "contract_start": day.date(),
        "renewal_date": None,
        "licensed_seats": 5,
        "custom_attributes": "{}",
        "parent_id": None,
        "created_at": day,
        "updated_at": day,
    }


def test_a_keyword_row_becomes_a_tuple_in_the_models_column_order() -> None:
    rows = Rows()
    given = account_row()
    assert rows.add("retain_account", **dict(reversed(given.items()))) == 1
    assert rows.add("retain_account", **{**given, "external_id": "acct-00002"}) == 2
    first, second = rows.tables["retain_account"]
    order = tuple(f.column for f in m.Account._meta.concrete_fields)
    assert columns("retain_account") == order
    assert first == tuple(1 if c == "id" else given[c] for c in order)
    assert second[:2] == (2, "acct-00002")
    assert rows.counts() == {"retain_account": 2}


def test_a_misspelt_column_is_refused_with_table_and_column_named() -> None:
    row = account_row()
    row["licenced_seats"] = row.pop("licensed_seats")
    expected = "retain_account: unknown column(s) licenced_seats; missing column(s) licensed_seats"
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        Rows().add("retain_account", **row)


def test_a_missing_column_is_refused_and_nothing_is_added() -> None:
    rows = Rows()
    row = account_row()
    del row["renewal_date"]
    with pytest.raises(ValueError, match=r"^retain_account: missing column\(s\) renewal_date$"):
        rows.add("retain_account", **row)
    assert rows.counts() == {}
    assert rows.add("retain_account", **account_row()) == 1  # the failed row took no id


def test_the_id_is_assigned_by_rows_not_given() -> None:
    with pytest.raises(ValueError, match=r"^retain_account: unknown column\(s\) id$"):
        Rows().add("retain_account", id=7, **account_row())


def test_a_table_the_demo_does_not_write_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^retain_health_snapshot: not a demo table"):
        Rows().add("retain_health_snapshot", account_id=1)


def test_every_demo_table_is_written_after_the_tables_it_points_to() -> None:
    models = {model._meta.db_table: model for model in apps.get_app_config("retain").get_models()}
    for position, table in enumerate(ORDER):
        for f in models[table]._meta.concrete_fields:
            if not f.is_relation:
                continue
            target = f.related_model._meta.db_table  # type: ignore[union-attr]
            if target in ORDER and target != table:
                assert ORDER.index(target) < position, (table, f.column, target)
