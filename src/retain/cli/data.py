"""`retain import` and `retain export`: data in and out, with every problem located."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from retain.cli.store import needs_store
from retain.errors import ImportFailed
from retain.imports.schema import Result

console = Console()
KIND_HELP = (
    "What the file holds: users, accounts, contacts, subscriptions, purchases, costs, features, "
    "events, "
    "usage, tickets, touchpoints, surveys, survey_invitations, survey_responses, "
    "milestone_templates, milestones, lifecycle_stages, stage_changes, tasks, notes, playbooks, "
    "initiatives, initiative_accounts; or `all` with a folder of <kind>.csv/.parquet files."
)

PATH_HELP = "A .csv or .parquet file (events: also .jsonl); a folder with `all`."


@needs_store
def import_(
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    path: Annotated[Path, typer.Argument(help=PATH_HELP)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only; write nothing.")
    ] = False,
) -> None:
    """Import a CSV or Parquet file (upsert by external id), or a folder with `all`.

    Every problem is reported as file:row:column: message; a file with problems writes nothing.
    """
    from django.db import OperationalError

    from retain import imports
    from retain.imports.locking import StoreBusy, busy_error, is_busy

    try:
        with _progress() as bar:
            task = bar.add_task(f"Importing {path.name}", total=None)

            def step(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            if kind == "all":
                results = imports.import_dir(path, dry_run=dry_run, progress=step)
            else:
                imports.get(kind)
                results = [imports.import_file(kind, path, dry_run=dry_run, progress=step)]
    except KeyError as exc:
        raise typer.BadParameter(str(exc).strip("'\""), param_hint="KIND") from None
    except ImportFailed as exc:
        for problem in exc.problems:  # plain lines, never wrapped: easy to grep and to read
            typer.echo(str(problem), err=True)
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except (StoreBusy, OperationalError) as exc:  # SQLite: a writer kept the lock too long
        if isinstance(exc, OperationalError) and not is_busy(exc):
            raise
        typer.echo(f"Error: {exc if isinstance(exc, StoreBusy) else busy_error()}", err=True)
        raise typer.Exit(1) from None
    _report(results, dry_run)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _report(results: list[Result], dry_run: bool) -> None:
    title = "Dry run: nothing was written" if dry_run else "Imported"
    table = Table("kind", "file", "rows", "created", "updated", "unchanged", title=title)
    for r in results:
        table.add_row(
            r.kind,
            r.file,
            *(f"{getattr(r, k):,}" for k in ("rows", "created", "updated", "unchanged")),
        )
    console.print(table)


@needs_store
def export(
    folder: Annotated[Path, typer.Argument(help="Folder to write <kind>.csv (or .parquet) into.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
) -> None:
    """Export all data, one file per kind, in the import format (it round-trips)."""
    from retain import imports

    if fmt not in ("csv", "parquet"):
        raise typer.BadParameter("use csv or parquet", param_hint="--format")
    with _progress() as bar:
        task = bar.add_task("Exporting", total=len(imports.KINDS))
        counts = imports.export_all(
            folder, fmt, lambda kind, n: bar.update(task, advance=1, description=kind)
        )
    table = Table("kind", "rows", title=f"Exported to {folder}")
    for kind, n in counts.items():
        table.add_row(kind, f"{n:,}")
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `retain import` and `retain export`."""
    app.command("import")(import_)
    app.command()(export)
