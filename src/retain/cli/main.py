"""`retain`: one Typer app; each command module registers its commands on it."""

from __future__ import annotations

import typer
from rich.console import Console

from retain.cli import (
    bench,
    clv,
    data,
    demo,
    health,
    ingest,
    metrics,
    ops,
    scorecard,
    tokens,
)
from retain.errors import RetainError

app = typer.Typer(
    name="retain",
    help=(
        "Retain, the open-source customer success platform.\n\n"
        "The store is chosen by RETAIN_DATABASE_URL (default: ./retain.sqlite3)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
for module in (ops, demo, data, metrics, clv, health, scorecard, ingest, bench, tokens):
    module.register(app)


def main() -> None:
    """Console-script entry point: a RetainError that escapes a command (a setting refused
    while Django starts, say) is one red line and exit code 1, not a traceback."""
    try:
        app()
    except RetainError as exc:
        Console(stderr=True).print(f"[red]Error:[/] {exc}")
        raise SystemExit(1) from exc
