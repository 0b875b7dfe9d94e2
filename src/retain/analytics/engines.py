"""Analytics engines: where the core's Ibis expressions run.

- `duckdb` (default): DuckDB in-process over the app database's tables, read as Arrow. From
  PostgreSQL they are read with the ADBC driver; from SQLite with the standard driver into Arrow
  with the contract's types (the ADBC SQLite driver guesses a column's type from its first rows
  and fails on a column that starts with NULLs).
- `postgres`: the same expressions compiled to SQL and run inside PostgreSQL.

Each contract table of `retain.core.tables` is one SELECT over the app's tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from retain.core.tables import SCHEMAS, LazyTables, Tables
from retain.errors import ConfigurationError
from retain.settings import database_config

ENGINES = ("duckdb", "postgres")

CONTRACT_SQL: dict[str, str] = {
    "accounts": """
        SELECT a.id AS account_id, a.external_id, a.name, a.segment, a.tier, a.industry,
               a.plan, a.region, u.username AS owner, s.key AS stage, a.contract_start,
               a.renewal_date, a.licensed_seats,
               CAST(a.custom_attributes AS TEXT) AS custom_attributes
        FROM retain_account a
        LEFT JOIN retain_user u ON u.id = a.owner_id
        LEFT JOIN retain_lifecycle_stage s ON s.id = a.stage_id""",
    "subscriptions": """
        SELECT account_id, external_id, plan, CAST(amount AS DOUBLE PRECISION) AS amount, quantity,
               "interval", CAST(discount_percent AS DOUBLE PRECISION) AS discount_percent,
               discount_end, charge_type, status, start_date, end_date, cancelled_at
        FROM retain_subscription_item""",
    "purchases": """
        SELECT account_id, purchased_at, CAST(amount AS DOUBLE PRECISION) AS amount
        FROM retain_purchase""",
    "costs": """
        SELECT category, period_start, period_end, CAST(amount AS DOUBLE PRECISION) AS amount
        FROM retain_cost""",
    "stage_changes": """
        SELECT c.account_id, s.key AS stage, c.changed_at
        FROM retain_stage_change c JOIN retain_lifecycle_stage s ON s.id = c.to_stage_id""",
    "contacts": "SELECT id AS contact_id, account_id, created_at FROM retain_contact",
    "features": "SELECT event_name, is_key_feature, is_key_action, plans FROM retain_feature",
    "usage_daily": """
        SELECT account_id, contact_id, event_name, day, "count" FROM retain_usage_daily""",
    "tickets": """
        SELECT account_id, opened_at, first_response_at, resolved_at, priority, status,
               satisfaction
        FROM retain_ticket""",
    "touchpoints": """
        SELECT account_id, contact_id, kind, direction, occurred_at, replied_at, sentiment
        FROM retain_touchpoint""",
    "surveys": """
        SELECT id AS survey_id, kind, scale_min, scale_max, direction, aggregation,
               positive_threshold
        FROM retain_survey""",
    "survey_invitations": """
        SELECT id AS invitation_id, survey_id, account_id, sent_at
        FROM retain_survey_invitation""",
    "survey_responses": """
        SELECT survey_id, account_id, invitation_id, score, answered_at
        FROM retain_survey_response""",
    "milestones": """
        SELECT m.account_id, m.due_date, t.is_go_live, t.is_first_value, m.completed_at
        FROM retain_account_milestone m
        JOIN retain_milestone_template t ON t.id = m.template_id""",
}

# How SQLite values are carried into Arrow before DuckDB casts them to the contract's types.
_SQLITE_ARROW = {"int64": pa.int64(), "float64": pa.float64(), "boolean": pa.int64()}


@dataclass
class Engine:
    """An Ibis backend holding the contract tables, ready to execute core expressions."""

    name: str
    backend: Any
    tables: Tables

    def execute(self, expr: ir.Expr) -> pd.DataFrame:
        """Run an expression and return a DataFrame (or a scalar for scalar expressions)."""
        result: pd.DataFrame = self.backend.execute(expr)
        return result

    def close(self) -> None:
        """Release the backend's connection."""
        self.backend.disconnect()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(url: str, engine: str = "duckdb") -> Engine:
    """An engine over the app database at `url` (a RETAIN_DATABASE_URL)."""
    factories: dict[str, Callable[[str], Engine]] = {"duckdb": _duckdb, "postgres": _postgres}
    if engine not in factories:
        raise ConfigurationError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    return factories[engine](url)


def _duckdb(url: str) -> Engine:
    con = ibis.duckdb.connect()
    config = database_config(url)
    sqlite = "sqlite" in str(config["ENGINE"])
    reader = _read_sqlite if sqlite else _read_postgres
    if sqlite and not Path(config["NAME"]).exists():
        raise ConfigurationError(f"no Retain database at {config['NAME']}: run `retain init` first")

    def load(name: str) -> ir.Table:
        """Read one contract table into DuckDB, the first time an expression needs it."""
        raw = con.create_table(f"raw_{name}", reader(config, CONTRACT_SQL[name], name))
        return con.create_table(name, raw.cast(SCHEMAS[name]), overwrite=True)

    return Engine("duckdb", con, Tables(LazyTables(CONTRACT_SQL, load)))


def _read_sqlite(config: dict[str, Any], sql: str, name: str) -> pa.Table:
    """Rows of `sql` from SQLite as Arrow, dates and times still as text."""
    if not Path(config["NAME"]).exists():
        raise ConfigurationError(f"no Retain database at {config['NAME']}: run `retain init` first")
    uri = f"file:{config['NAME']}?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        cursor = db.execute(sql)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    schema = SCHEMAS[name]
    data: list[Any] = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    arrays = {
        c: pa.array(values, type=_SQLITE_ARROW.get(str(schema[c]), pa.string()))
        for c, values in zip(columns, data, strict=True)
    }
    return pa.table(arrays)


def _pg_uri(config: dict[str, Any]) -> str:
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    host = config["HOST"] or "localhost"
    port = config["PORT"] or "5432"
    return f"postgresql://{auth + '@' if auth else ''}{host}:{port}/{config['NAME']}"


def _read_postgres(config: dict[str, Any], sql: str, name: str) -> pa.Table:
    """Rows of `sql` from PostgreSQL as Arrow, read by the ADBC driver in UTC."""
    import adbc_driver_postgresql.dbapi as adbc

    with adbc.connect(_pg_uri(config)) as db, db.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.execute(sql)
        return cursor.fetch_arrow_table()


def _postgres(url: str) -> Engine:
    config = database_config(url)
    if "postgresql" not in str(config["ENGINE"]):
        raise ConfigurationError("the postgres engine needs a postgresql:// database URL")
    con = ibis.postgres.connect(
        host=config["HOST"] or "localhost",
        port=int(config["PORT"] or 5432),
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        database=config["NAME"],
    )
    con.raw_sql("SET TIME ZONE 'UTC'")
    tables = {name: con.sql(sql).cast(SCHEMAS[name]) for name, sql in CONTRACT_SQL.items()}
    return Engine("postgres", con, Tables(tables))
