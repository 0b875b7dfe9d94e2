"""`retain score` and `retain backtest`: daily health snapshots, and whether scores predict."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from retain.cli import options

console = Console()


def _setup() -> tuple[Any, Any, dt.date]:
    """Engine, scorecard and the first day of history."""
    from retain import engines, health_service
    from retain import settings as rs
    from retain.app import bootstrap
    from retain.core import scorecard as sc

    bootstrap.migrate()
    from retain.app import snapshots  # models load only once Django is set up

    config = snapshots.active_config(health_service.default_config())
    card = sc.from_config(config.config)
    engine = engines.connect(rs.get("RETAIN_DATABASE_URL"))
    return engine, (config, card), health_service.history_start(engine)


def score(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Last day to score (default today).")
    ] = None,
    days: Annotated[
        int, typer.Option(min=1, help="Days of snapshots to compute, ending --as-of.")
    ] = 90,
) -> None:
    """Compute and store daily health snapshots (score, band, contributions, risk) for every
    paying account, using only data known on each day."""
    from retain import health_service

    day = options.as_of(as_of)
    engine, (config, card), first = _setup()
    from retain.app import snapshots

    with engine, console.status(f"Scoring {days} days up to {day}…"):
        rows = health_service.snapshot_frame(engine, first, day, days, card)
    stored = snapshots.store(rows, config)
    latest = rows[rows["at"] == rows["at"].max()]
    console.print(f"Stored {stored:,} snapshots ({config.name} v{config.version}).")
    bands = latest["band"].value_counts().to_dict()
    console.print(
        "Latest day: " + ", ".join(f"{b} {bands.get(b, 0)}" for b in ("green", "yellow", "red"))
    )


def backtest(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Outcomes known up to this day.")
    ] = None,
    outcome: Annotated[str, typer.Option(help="churned or expanded (within 90 days).")] = "churned",
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    html: Annotated[
        Path | None, typer.Option(help="Also write an HTML report with charts.")
    ] = None,
) -> None:
    """Out-of-time backtest of the scorecard, the risk model and a naive baseline against what
    happened next (AUC, PR-AUC, Brier, calibration, lift, per-band rates, suggested weights)."""
    from retain import health_service

    if outcome not in ("churned", "expanded"):
        raise typer.BadParameter("use churned or expanded", param_hint="--outcome")
    day = options.as_of(as_of)
    engine, (_, card), first = _setup()
    with engine, console.status("Backtesting…"):
        report, rows = health_service.run_backtest(engine, first, day, card, outcome)
    data = report.as_dict()
    if html:
        from retain.health_report import render

        html.write_text(render(data, rows, outcome))
    if fmt == "json":
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
        return
    _table(data)


def _table(data: dict[str, Any]) -> None:
    console.print(f"{data['method']}: {data['note']}")
    table = Table("ranking", "AUC", "PR-AUC", "Brier", "lift top 10%", "capture top 20%")
    for name, ev in data["evaluations"].items():
        cells = [ev["auc"], ev["pr_auc"], ev["brier"], ev["lift_top_decile"], ev["capture_top_20"]]
        table.add_row(name, *("-" if v is None else f"{v:.3f}" for v in cells))
    console.print(table)
    console.print(
        "Outcome rate by band: "
        + ", ".join(f"{b} {v:.1%}" for b, v in data["per_band_churn"].items())
    )


def register(app: typer.Typer) -> None:
    """Add `retain score` and `retain backtest`."""
    app.command()(score)
    app.command()(backtest)
