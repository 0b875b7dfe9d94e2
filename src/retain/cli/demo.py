"""`retain demo`: build the demo company, print what it holds and the login, then serve it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from retain.cli import store
from retain.cli.options import parse_date
from retain.demo.rows import ORDER

console = Console()

STEPS = ("simulated", *ORDER)  # progress: the simulation, then each table written


def _guard(reset: bool) -> None:
    """Refuse to replace data that the demo did not build, unless --reset."""
    from retain.app.models import Account, Metadata

    if reset or not Account.objects.exists():
        return
    if Metadata.objects.filter(key="demo_seed").exists():
        return
    console.print(
        "[red]This database holds accounts that the demo did not build.[/] "
        "`retain demo` replaces all data; run it with --reset if that is what you want, "
        "or point RETAIN_DATABASE_URL at another database."
    )
    raise typer.Exit(1)


def demo(
    accounts: Annotated[int, typer.Option(min=1, help="Number of customer accounts.")] = 500,
    months: Annotated[int, typer.Option(min=1, help="Months of history.")] = 24,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed builds the same company.")
    ] = 42,
    end_date: Annotated[
        str | None, typer.Option("--end-date", help="Last day of history (default today).")
    ] = None,
    truth: Annotated[
        Path, typer.Option(help="Where the ground truth goes (never read by the app).")
    ] = Path("retain-demo-truth.json"),
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the app after building.")
    ] = True,
    reset: Annotated[bool, typer.Option(help="Replace a database that holds other data.")] = False,
    score_days: Annotated[
        int, typer.Option(min=0, help="Days of health snapshots to compute (0: none).")
    ] = 90,
    host: Annotated[str, typer.Option(help="Interface to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
) -> None:
    """Build a realistic demo company (replacing the database's data), then serve it."""
    end = parse_date(end_date, "--end-date")
    store.open_store()
    _guard(reset)
    from retain import demo as demo_pkg

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("Building the demo company", total=len(STEPS))

        def step(name: str, rows: int) -> None:
            progress.update(
                task, advance=1, description=f"{name.removeprefix('retain_')}: {rows:,} rows"
            )

        result = demo_pkg.run(accounts, months, seed, end, truth, step)
    _summary(result, store.label())
    if score_days:
        _score(result.end_date, score_days)
    _login()
    if serve:
        from retain.project import serve as server

        console.print(f"Serving on [bold]http://{host}:{port}/[/]  (Ctrl+C to stop)")
        server.serve(host, port)


def _score(end: dt.date, days: int) -> None:
    """Score the demo's last `days` days (app/health/scoring.py) and say what was stored."""
    from retain.app.health import scoring

    with console.status(f"Scoring {days} days up to {end}…") as status:
        done = scoring.score(end, days, status.update)
    for line in done.lines():
        console.print(line)


def _summary(result: object, label: str) -> None:
    from retain.demo import DemoResult

    assert isinstance(result, DemoResult)
    table = Table("table", "rows", title=f"Demo company built in {label}")
    for name, count in sorted(result.counts.items()):
        table.add_row(name.removeprefix("retain_"), f"{count:,}")
    console.print(table)
    console.print(f"History ends {result.end_date}; ground truth written to {result.truth_path}")


def _login() -> None:
    from retain.demo import DEMO_PASSWORD

    console.print(
        f"Log in as [bold]admin[/] / [bold]{DEMO_PASSWORD}[/] "
        "(or maria, a CS manager; maya, tom, ines, raj, sofia, CSMs; victor, a viewer)"
    )


def register(app: typer.Typer) -> None:
    """Add `retain demo` to the app."""
    app.command()(demo)
