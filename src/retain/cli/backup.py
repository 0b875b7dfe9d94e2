"""`retain backup`, `retain restore` and `retain password`: copy the whole store to one file and
back, and set a user's password (to get into a restored store, or when one is forgotten)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from retain.cli.store import needs_store, one_line_errors

console = Console()
PgBin = Annotated[
    Path | None,
    typer.Option(
        "--pg-bin",
        help="PostgreSQL stores: the folder holding pg_dump and pg_restore (default: PATH).",
    ),
]


@one_line_errors
def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write (replaced if present).")],
    pg_bin: PgBin = None,
) -> None:
    """Write a complete, consistent backup of the store to FILE, safe while the server runs:
    every table (users with their passwords, tokens, write keys, snapshots, scorecards...).
    SQLite: a one-file SQLite copy; PostgreSQL: a pg_dump custom-format archive."""
    from retain.project import backup as store_backup

    with console.status("Backing up…") as status:
        done = store_backup.backup(file, pg_bin, status.update)
    console.print(f"[green]Backup written:[/] {done.line()}.")


@one_line_errors
def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `retain backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace everything in a store that holds data.")
    ] = False,
    pg_bin: PgBin = None,
) -> None:
    """Restore a backup into an empty store (of the same kind, SQLite or PostgreSQL), then
    migrate it to this version's schema. A store that holds data is refused unless --force."""
    from retain.project import backup as store_backup
    from retain.project import bootstrap

    with console.status("Restoring…") as status:
        done = store_backup.restore(file, force, pg_bin, status.update)
    console.print(f"[green]Restored[/] {done.line()} into {bootstrap.database_label()}.")


@needs_store
def password(
    username: Annotated[str, typer.Argument(help="The user's login name.")],
    new_password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt="New password",
            confirmation_prompt=True,
            hide_input=True,
            envvar="RETAIN_PASSWORD",
            help="The new password (asked for twice when not given; or set RETAIN_PASSWORD).",
        ),
    ] = "",
) -> None:
    """Set a user's password; their open sessions end."""
    from retain.app.access import users

    user = users.set_password(username, new_password)
    console.print(f"Password set for {user.username} ({user.get_role_display()}).")


def register(app: typer.Typer) -> None:
    """Add `retain backup`, `retain restore` and `retain password`."""
    app.command()(backup)
    app.command()(restore)
    app.command()(password)
