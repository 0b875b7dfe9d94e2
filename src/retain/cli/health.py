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

from retain.cli import options, store

console = Console()


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
    store.open_store()
    run_scoring(options.as_of(as_of), days)


def run_scoring(day: dt.date, days: int) -> int:
    """Score `days` days up to `day` (app/health/scoring.py) with a status line, then print
    the summary; returns the count stored."""
    from retain.app.health import scoring

    with console.status(f"Scoring {days} days up to {day}…") as status:
        done = scoring.score(day, days, status.update)
    for line in done.lines():
        console.print(line)
    return done.stored


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
    from retain.analytics import health as health_service

    if outcome not in ("churned", "expanded"):
        raise typer.BadParameter("use churned or expanded", param_hint="--outcome")
    from retain.app.health import scoring

    day = options.as_of(as_of)
    store.open_store()
    card = scoring.active_scorecard().card
    engine = scoring.connect()
    with engine, console.status("Backtesting…"):
        first = health_service.history_start(engine)
        report, rows = health_service.run_backtest(engine, first, day, card, outcome)
    data = report.as_dict()
    if html:
        from retain.cli.backtest_report import render

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


def _account(external_id: str) -> Any:
    from retain.app.models import Account

    account = Account.objects.filter(external_id=external_id).first()
    if account is None:
        raise typer.BadParameter(
            f"no account with external id {external_id!r}", param_hint="ACCOUNT"
        )
    return account


@store.needs_store
def health(
    account: Annotated[str, typer.Argument(help="The account's external id.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The snapshot of this day (default latest).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Explain an account's health: score by group, what changed since the previous snapshot
    and over the week, what drives its churn risk, its growth signals and any override (the
    same read model as the account page; a churned account has no live health)."""
    from retain.app.health import view

    h = view.explain(_account(account), options.parse_date(as_of, "--as-of"))
    if fmt == "json":
        sys.stdout.write(json.dumps(h.as_dict(), indent=2, default=str) + "\n")
        return
    _explain_text(h)


def _explain_text(h: Any) -> None:
    shown = f"{h.effective_score:.0f} ({h.effective_band})"
    console.print(f"[bold]{h.name}[/] ({h.account}) on {h.date}: health {shown}")
    if h.override:
        o = h.override
        console.print(
            f"  overridden by {o.by or 'a CSM'} until {o.until:%Y-%m-%d}: {o.reason} "
            f"(computed {h.score:.0f}, {h.band})"
        )
    console.print(f"  scorecard {h.scorecard} v{h.config_version}, confidence {h.confidence:.0%}")
    console.print("  by group: " + ", ".join(f"{g.key} {g.total:.1f}" for g in h.groups))
    for change, label in (
        (h.since_previous, "since the previous snapshot"),
        (h.since_week, "over the week"),
    ):
        if change:
            console.print(f"  {label} ({change.since}): {change.text}")
    if h.risk_probability is not None:
        moved = ", ".join(f"{r.name} {r.delta:+.1%}" for r in h.reasons[:5])
        console.print(f"  churn risk {h.risk_probability:.0%} within 90 days; moved by: {moved}")
    for kind, found in h.signals.items():
        console.print(f"  {kind}: " + "; ".join(found))
    if h.standing.churned:
        console.print(f"  churned on {h.standing.churned_on}: no live health since")


@store.needs_store
def override(
    account: Annotated[str, typer.Argument(help="The account's external id.")],
    score_: Annotated[
        float | None, typer.Option("--score", min=0, max=100, help="The score to show.")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why (required with --score).")] = "",
    until: Annotated[str | None, typer.Option(help="Last day + 1 (default: in 30 days).")] = None,
    band: Annotated[
        str | None, typer.Option(help="green, yellow or red (default: by score).")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="End the override in force.")] = False,
) -> None:
    """Override an account's health score with a reason and an expiry (or end it)."""
    from retain.app.health import snapshots

    acc = _account(account)

    if clear:
        ended = snapshots.end_override(acc)
        console.print(f"Ended {ended} override(s) of {acc.name}.")
        return
    if score_ is None:
        raise typer.BadParameter("give --score (or --clear)", param_hint="--score")
    end = options.parse_date(until, "--until") or dt.date.today() + dt.timedelta(days=30)
    made = snapshots.set_override(acc, score_, reason, end, band=band)
    console.print(f"{acc.name}: health shown as {made.score:.0f} ({made.band}) until {end}.")


def register(app: typer.Typer) -> None:
    """Add `retain score`, `retain backtest`, `retain health` and `retain override`."""
    app.command()(score)
    app.command()(backtest)
    app.command()(health)
    app.command()(override)
