"""The metric registry: every KPI is a small registered function with its definition.

One registry feeds the CLI, the API, the web app and the docs; dispatch goes through it, never
through an if-chain. A series metric returns a table with columns `period` and `value`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import ibis.expr.types as ir

from retain.core.mrr import RevenueSettings
from retain.core.periods import Period
from retain.core.tables import Tables

Family = Literal["revenue", "customers", "value", "experience", "engagement"]
Unit = Literal["currency", "ratio", "count", "score", "days", "months", "hours", "per_month"]


@dataclass(frozen=True)
class MetricSettings:
    """Every convention setting of METRICS.md, with Retain's defaults."""

    revenue: RevenueSettings = field(default_factory=RevenueSettings)
    same_period_new_churned: Literal["exclude", "include"] = "exclude"
    gross_margin: float = 1.0
    quick_ratio_includes_reactivation: bool = True
    clv_churn_months: int = 6

    def __post_init__(self) -> None:
        if not 0 < self.gross_margin <= 1:
            raise ValueError("gross_margin must be in (0, 1], e.g. 0.8 for 80%")
        if self.same_period_new_churned not in ("exclude", "include"):
            raise ValueError("same_period_new_churned must be 'exclude' or 'include'")


@dataclass
class Context:
    """What a metric is computed over: input tables, periods, as-of date and settings."""

    tables: Tables
    periods: Sequence[Period]
    as_of: dt.date
    settings: MetricSettings = field(default_factory=MetricSettings)
    _cache: dict[str, ir.Table] = field(default_factory=dict)

    def shared(self, key: str, build: Callable[[], ir.Table]) -> ir.Table:
        """An intermediate table built once per context (e.g. the MRR movements)."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]


MetricFn = Callable[[Context], ir.Table]


@dataclass(frozen=True)
class Metric:
    """A registered KPI: its name (snake_case of METRICS.md), definition and function."""

    name: str
    title: str
    family: Family
    unit: Unit
    definition: str
    settings: tuple[str, ...]
    fn: MetricFn
    inputs: str | None = None  # the MRR-movement column whose non-zero rows are its inputs

    def __call__(self, ctx: Context) -> ir.Table:
        return self.fn(ctx)


REGISTRY: dict[str, Metric] = {}


def metric(
    name: str,
    *,
    title: str,
    family: Family,
    unit: Unit,
    settings: tuple[str, ...] = (),
    inputs: str | None = None,
) -> Callable[[MetricFn], MetricFn]:
    """Register a series metric; its docstring is its definition. `inputs` names the column of
    the per-customer MRR movements (end_mrr, new, churn, ...) that lists the customers behind
    it, for `retain metrics --explain`."""

    def register(fn: MetricFn) -> MetricFn:
        if name in REGISTRY:
            raise ValueError(f"metric {name!r} is registered twice")
        definition = " ".join((fn.__doc__ or "").split())
        REGISTRY[name] = Metric(name, title, family, unit, definition, settings, fn, inputs)
        return fn

    return register


def get(name: str) -> Metric:
    """The metric called `name`, or an error listing the known names."""
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(f"unknown metric {name!r}; known metrics: {known}") from None


def all_metrics(family: Family | None = None) -> Iterator[Metric]:
    """Registered metrics in registration order, optionally of one family."""
    return (m for m in REGISTRY.values() if family is None or m.family == family)
