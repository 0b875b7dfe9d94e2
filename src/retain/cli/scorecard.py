"""`retain scorecard`: show, check and activate versioned health scorecard configs (TOML)."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from retain.cli.store import needs_store

console = Console()
app = typer.Typer(help="Health scorecard configs: show, check and activate (versioned).")


def _load(path: Path) -> dict[str, Any]:
    """The parsed config, or a clear error naming the file and what is wrong."""
    from retain.core.health import scorecard as sc
    from retain.core.health import signals

    try:
        raw = tomllib.loads(path.read_text())
        sc.from_config(raw)
        signals.rules_from_config(raw)
    except FileNotFoundError:
        raise typer.BadParameter(f"{path}: no such file", param_hint="FILE") from None
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        console.print(f"[red]{path}:[/] {exc}")
        raise typer.Exit(1) from None
    return raw


@app.command()
def check(file: Annotated[Path, typer.Argument(help="A scorecard TOML file.")]) -> None:
    """Check a scorecard file without activating it; lists each measure's weight."""
    from retain.core.health import scorecard as sc

    card = sc.from_config(_load(file))
    _weights(card)
    console.print(f"[green]{file}: valid[/] ({card.name}).")


@app.command()
@needs_store
def activate(file: Annotated[Path, typer.Argument(help="A scorecard TOML file.")]) -> None:
    """Store the file as the next version and make it the active scorecard; the next
    `retain score` uses it (older versions and their snapshots are kept)."""
    raw = _load(file)
    from retain.app.health import snapshots

    config = snapshots.activate_config(raw, source=file.read_text())
    console.print(f"Active: {config.name} v{config.version}. Run `retain score` to rescore.")


@app.command()
@needs_store
def show(
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Show the active scorecard: groups, measures, weights and rules."""
    from retain.app.health import scoring

    config, card = scoring.active_scorecard()
    if fmt == "json":
        sys.stdout.write(json.dumps(config.config, indent=2) + "\n")
        return
    console.print(f"{config.name} v{config.version}")
    _weights(card)


def _weights(card: Any) -> None:
    table = Table("group", "measure", "rule", "weight in score")
    weights = card.weights()
    for group in card.groups:
        for rule in group.measures:
            table.add_row(group.key, rule.measure, rule.rule, f"{weights[rule.measure]:.1%}")
    console.print(table)
    variants = [*(f"segment {k}" for k in card.overrides), *(f"stage {k}" for k in card.stages)]
    if variants:
        console.print("Variants: " + ", ".join(variants))
    console.print(f"Bands: green >= {card.green:g}, yellow >= {card.yellow:g}, else red.")


def register(root: typer.Typer) -> None:
    """Add `retain scorecard ...`."""
    root.add_typer(app, name="scorecard")
