"""`retain clv`: probabilistic customer value from purchases, and cohort retention projections."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from retain.cli import options

console = Console()


def clv(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Use data up to this date (default today).")
    ] = None,
    horizon: Annotated[int, typer.Option(help="Weeks ahead to predict purchases and value.")] = 52,
    discount: Annotated[float, typer.Option(help="Discount rate per week for the value.")] = 0.0,
    top: Annotated[int, typer.Option(help="Accounts to list.")] = 20,
    cohorts: Annotated[
        bool, typer.Option("--cohorts", help="Project subscription cohorts (sBG) instead.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    engine: Annotated[str, typer.Option(help="duckdb or postgres.")] = "duckdb",
) -> None:
    """Expected purchases, probability alive and expected value per account (BG/NBD +
    Gamma-Gamma on purchases), or each cohort's projected retention (shifted-beta-geometric)."""
    from retain import settings as rs
    from retain.analytics import clv as clv_service
    from retain.analytics import engines

    day = options.as_of(as_of)
    with engines.connect(rs.get("RETAIN_DATABASE_URL"), engine) as eng:
        if cohorts:
            frame = clv_service.cohort_projection(eng, day)
            _emit(frame, fmt, "Cohort retention projected by the shifted-beta-geometric model")
            return
        try:
            report = clv_service.purchase_clv(eng, day, horizon, discount)
        except ValueError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None
    if fmt == "json":
        sys.stdout.write(
            json.dumps(
                {
                    "bgnbd": report.bgnbd,
                    "gamma_gamma": report.gamma_gamma,
                    "accounts": report.accounts.head(top).to_dict("records"),
                },
                indent=2,
                default=str,
            )
            + "\n"
        )
        return
    console.print("BG/NBD: " + ", ".join(f"{k}={v:.3g}" for k, v in report.bgnbd.items()))
    console.print(
        "Gamma-Gamma: " + ", ".join(f"{k}={v:.3g}" for k, v in (report.gamma_gamma or {}).items())
    )
    cols = ["external_id", "name", "frequency", "p_alive", "expected_purchases", "expected_value"]
    _emit(
        report.accounts[cols].head(top),
        "table",
        f"Top {top} accounts by expected value, next {horizon} weeks",
    )


def _emit(frame: object, fmt: str, title: str) -> None:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    if fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", indent=2) + "\n")
        return
    if frame.empty:
        console.print(f"{title}: nothing to show yet (not enough history).")
        return
    table = Table(*[str(c) for c in frame.columns], title=title)
    for record in frame.itertuples(index=False):
        table.add_row(*(f"{v:.3g}" if isinstance(v, float) else str(v) for v in record))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `retain clv`."""
    app.command()(clv)
