"""Helpers to run core metrics on small literal tables with DuckDB."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

import ibis
import pyarrow as pa
import pytest

from retain.core import metrics as m
from retain.core import segments
from retain.core.periods import Period, periods_between
from retain.core.tables import SCHEMAS, Tables

D = dt.date


def table(name: str, rows: Sequence[dict[str, Any]]) -> ibis.Table:
    """A contract table from dict rows; missing columns are null."""
    schema = SCHEMAS[name]
    arrays = {c: pa.array([r.get(c) for r in rows], type=t.to_pyarrow()) for c, t in schema.items()}
    return ibis.memtable(pa.table(arrays))


def sub(
    account: int, amount: float, start: dt.date, end: dt.date | None = None, **kw: Any
) -> dict[str, Any]:
    """A monthly recurring item, active by default."""
    row: dict[str, Any] = {
        "account_id": account,
        "external_id": f"s{account}-{start}-{amount}-{kw.get('plan', '')}",
        "plan": "growth",
        "amount": amount,
        "quantity": 1,
        "interval": "month",
        "discount_percent": 0.0,
        "charge_type": "recurring",
        "status": "active",
        "start_date": start,
        "end_date": end,
    }
    return row | kw


def months(first: dt.date, last: dt.date) -> list[Period]:
    return periods_between(first, last, "month")


Runner = Callable[..., dict[str, float | None]]


@pytest.fixture
def run(con: Any) -> Runner:
    """run(name, periods, settings=None, segment=None, **tables) -> {period label: value};
    `segment` restricts every table to the matching accounts, as `retain metrics --segment`."""

    def runner(
        name: str,
        periods: Sequence[Period],
        settings: m.MetricSettings | None = None,
        segment: dict[str, str] | None = None,
        **rows: Any,
    ) -> dict[str, float | None]:
        tables = segments.restrict(Tables({k: table(k, v) for k, v in rows.items()}), segment or {})
        ctx = m.Context(tables, periods, periods[-1].last_day, settings or m.MetricSettings())
        df = con.execute(m.get(name)(ctx))
        out: dict[str, float | None] = {}
        for label, value in zip(df["period"], df["value"], strict=True):
            out[label] = None if math.isnan(value) else float(value)
        return out

    return runner
