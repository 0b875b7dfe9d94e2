"""The Python API for notebooks and the thin layer under `retain metrics`.

    >>> from retain import analytics
    >>> analytics.metrics_frame(as_of=date(2026, 6, 30))      # doctest: +SKIP

Opens an engine over the configured database, builds the periods, applies a segment filter,
and executes the core's metric expressions, returning plain values or DataFrames.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from retain import settings as rs
from retain.analytics import engines
from retain.core import metrics as m
from retain.core import segments
from retain.core.periods import Grain, Period, metric_periods


@dataclass
class Query:
    """What to compute: engine, as-of date, periods, segment and conventions."""

    as_of: dt.date = field(default_factory=dt.date.today)
    grain: Grain = "month"
    start: dt.date | None = None
    end: dt.date | None = None
    segment: dict[str, str] = field(default_factory=dict)
    settings: m.MetricSettings = field(default_factory=m.MetricSettings)
    engine: str = "duckdb"
    url: str | None = None

    def periods(self) -> list[Period]:
        return metric_periods(self.as_of, self.grain, self.start, self.end)


def open_engine(query: Query) -> engines.Engine:
    """An engine over the query's database (default: RETAIN_DATABASE_URL)."""
    return engines.connect(query.url or rs.get("RETAIN_DATABASE_URL"), query.engine)


def context(query: Query, engine: engines.Engine) -> m.Context:
    """The core's computation context for a query."""
    tables = segments.restrict(engine.tables, query.segment)
    return m.Context(tables, query.periods(), query.as_of, query.settings)


def compute(
    query: Query, names: list[str] | None = None, engine: engines.Engine | None = None
) -> dict[str, dict[str, float | None]]:
    """{metric name: {period label: value}} for the named metrics (default: all)."""
    if engine is None:
        with open_engine(query) as owned:
            return compute(query, names, owned)
    ctx = context(query, engine)
    chosen = [m.get(n) for n in names] if names else list(m.all_metrics())
    return {metric.name: _values(engine.execute(metric(ctx)), ctx) for metric in chosen}


def _values(df: pd.DataFrame, ctx: m.Context) -> dict[str, float | None]:
    got = dict(zip(df["period"], df["value"], strict=True))
    return {p.label: _clean(got.get(p.label)) for p in ctx.periods}


def _clean(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 6)


def metrics_frame(names: list[str] | None = None, **query: Any) -> pd.DataFrame:
    """A DataFrame with one row per period and one column per metric."""
    values = compute(Query(**query), names)
    return pd.DataFrame(values)


@dataclass
class Explanation:
    """How one metric was computed: definition, settings used, values and the inputs."""

    metric: m.Metric
    settings: dict[str, Any]
    values: dict[str, float | None]
    inputs: pd.DataFrame | None
    inputs_caption: str


# Which movement column lists the inputs of a revenue or customer metric.
def explain(query: Query, name: str, engine: engines.Engine | None = None) -> Explanation:
    """The definition, settings and inputs behind metric `name` for the query's last period."""
    metric = m.get(name)
    if engine is None:
        with open_engine(query) as owned:
            return explain(query, name, owned)
    ctx = context(query, engine)
    values = _values(engine.execute(metric(ctx)), ctx)
    inputs, caption = _inputs(name, ctx, engine)
    return Explanation(metric, _settings_used(metric, query), values, inputs, caption)


def _settings_used(metric: m.Metric, query: Query) -> dict[str, Any]:
    flat = {**vars(query.settings), **vars(query.settings.revenue)}
    flat.pop("revenue", None)
    used = {k: v for k, v in flat.items() if k in metric.settings}
    return {"period": query.grain, "as_of": query.as_of.isoformat(), **used}


def _inputs(name: str, ctx: m.Context, engine: engines.Engine) -> tuple[pd.DataFrame | None, str]:
    """Per-customer rows behind a revenue or customer metric in the last period."""
    column = m.get(name).inputs
    if column is None:
        return None, "inputs: the per-period aggregates above"
    from retain.core.metrics._common import movements

    last = ctx.periods[-1].label
    mv = movements(ctx)
    rows = mv.filter((mv.period == last) & (mv[column] != 0))
    accounts = ctx.tables["accounts"].select("account_id", "external_id", "name")
    rows = rows.join(accounts, "account_id").order_by("external_id")
    frame = engine.execute(rows.drop("account_id"))
    return frame, f"customers with {column} != 0 in {last} ({len(frame)})"
