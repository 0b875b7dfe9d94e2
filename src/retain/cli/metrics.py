"""`retain metrics`: KPI tables and time series, and how each figure was computed."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from retain import analytics
from retain.cli import options
from retain.core import metrics as m
from retain.core import segments
from retain.core.mrr import RevenueSettings
from retain.core.periods import GRAINS

console = Console()


def _settings(pairs: list[str]) -> m.MetricSettings:
    """`--set gross_margin=0.8 --set churn_at=cancellation` -> MetricSettings."""
    revenue_fields = {f.name: f for f in dataclasses.fields(RevenueSettings)}
    metric_fields = {f.name: f for f in dataclasses.fields(m.MetricSettings) if f.name != "revenue"}
    rev: dict[str, Any] = {}
    top: dict[str, Any] = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        if key in revenue_fields:
            rev[key] = _coerce(raw, dataclasses.asdict(RevenueSettings())[key])
        elif key in metric_fields:
            top[key] = _coerce(raw, getattr(m.MetricSettings(), key))
        else:
            known = ", ".join(sorted([*revenue_fields, *metric_fields]))
            raise typer.BadParameter(f"unknown setting {key!r}; known: {known}", param_hint="--set")
    try:
        return m.MetricSettings(revenue=RevenueSettings(**rev), **top)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--set") from None


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, int) or (default is None and raw.isdigit()):
        return int(raw)
    return None if raw.lower() == "none" else raw


def metrics(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date the figures are as of (default today).")
    ] = None,
    period: Annotated[str, typer.Option(help="month, quarter or week.")] = "month",
    start: Annotated[str | None, typer.Option("--from", help="First day of the range.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day of the range.")] = None,
    segment: Annotated[
        list[str] | None, typer.Option(help="Filter accounts, key=value (repeatable).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    metric: Annotated[
        list[str] | None, typer.Option("--metric", help="Only these metrics (repeatable).")
    ] = None,
    explain: Annotated[
        str | None, typer.Option(help="Explain one metric: definition, settings, inputs.")
    ] = None,
    engine: Annotated[str, typer.Option(help="duckdb (default) or postgres.")] = "duckdb",
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="A convention setting, key=value.")
    ] = None,
) -> None:
    """Print KPIs per period (every metric of METRICS.md), or explain how one was computed."""
    if period not in GRAINS:
        raise typer.BadParameter(f"use one of {', '.join(GRAINS)}", param_hint="--period")
    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter("use table, csv or json", param_hint="--format")
    try:
        seg = segments.parse(segment or [])
        names = [m.get(n).name for n in metric or []] or None
    except (ValueError, KeyError) as exc:
        raise typer.BadParameter(str(exc).strip("'\""), param_hint="--segment/--metric") from None
    query = analytics.Query(
        as_of=options.as_of(as_of),
        grain=period,
        start=options.parse_date(start, "--from"),
        end=options.parse_date(end, "--to"),
        segment=seg,
        settings=_settings(set_ or []),
        engine=engine,
    )
    if explain:
        _explain(query, explain)
        return
    with console.status("Computing metrics…"):
        values = analytics.compute(query, names)
    {"json": _json, "csv": _csv, "table": _table}[fmt](values)


def _json(values: dict[str, dict[str, float | None]]) -> None:
    sys.stdout.write(json.dumps(values, indent=2) + "\n")


def _csv(values: dict[str, dict[str, float | None]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["metric", "period", "value"])
    for name, series in values.items():
        for label, value in series.items():
            writer.writerow([name, label, "" if value is None else value])
    sys.stdout.write(buffer.getvalue())


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "currency":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _table(values: dict[str, dict[str, float | None]]) -> None:
    labels = list(next(iter(values.values())).keys()) if values else []
    table = Table("metric", *labels, title="Retain KPIs (- : not defined for the period)")
    for name, series in values.items():
        unit = m.get(name).unit
        table.add_row(name, *(_fmt(series[label], unit) for label in labels))
    console.print(table)


def _explain(query: analytics.Query, name: str) -> None:
    try:
        ex = analytics.explain(query, name)
    except KeyError as exc:
        raise typer.BadParameter(str(exc).strip("'\""), param_hint="--explain") from None
    console.print(
        f"[bold]{ex.metric.title}[/] ({ex.metric.name}, {ex.metric.family}, {ex.metric.unit})"
    )
    console.print(ex.metric.definition)
    console.print("Settings: " + ", ".join(f"{k}={v}" for k, v in ex.settings.items()))
    series = Table("period", "value")
    for label, value in ex.values.items():
        series.add_row(label, _fmt(value, ex.metric.unit))
    console.print(series)
    console.print(ex.inputs_caption)
    if ex.inputs is not None and len(ex.inputs):
        rows = Table(*[str(c) for c in ex.inputs.columns])
        for record in ex.inputs.head(200).itertuples(index=False):
            rows.add_row(*(str(v) for v in record))
        console.print(rows)


def register(app: typer.Typer) -> None:
    """Add `retain metrics` to the app."""
    app.command()(metrics)
