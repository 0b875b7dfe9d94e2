"""Operations commands: init, serve, createuser, settings."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from retain import settings as rs
from retain.errors import RetainError

console = Console()


def init() -> None:
    """Create the database, or migrate it to the latest schema (safe to run again)."""
    from retain.app import bootstrap

    with console.status("Migrating the database…"):
        bootstrap.migrate()
    console.print(f"[green]Ready:[/] {bootstrap.database_label()}")


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    threads: Annotated[int, typer.Option(help="Worker threads.")] = 8,
) -> None:
    """Serve the web app (waitress, a production-grade WSGI server); migrates first."""
    from retain.app import bootstrap, server

    bootstrap.migrate()
    console.print(f"Retain on [bold]http://{host}:{port}/[/] ({bootstrap.database_label()})")
    server.serve(host, port, threads)


def createuser(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="admin, manager, csm or viewer.")] = "csm",
    email: Annotated[str, typer.Option(help="E-mail address.")] = "",
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            confirmation_prompt=True,
            hide_input=True,
            envvar="RETAIN_PASSWORD",
            help="Password (asked for when not given; or set RETAIN_PASSWORD).",
        ),
    ] = "",
) -> None:
    """Create a user who can sign in, with a role."""
    from retain.app import accounts_admin, bootstrap

    bootstrap.migrate()
    try:
        user = accounts_admin.create_user(username, role, email, password)
    except RetainError as exc:
        console.print(f"[red]Error:[/] {exc}")
        raise typer.Exit(1) from exc
    console.print(f"Created {user.username} ({user.get_role_display()}).")


def show_settings() -> None:
    """List every setting, its current value (secrets hidden) and what it does."""
    table = Table("setting", "value", "help")
    for s in rs.SETTINGS:
        value = rs.get(s.name)
        table.add_row(s.name, "•••" if s.secret and value else value, s.help)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the operations commands to the `retain` app."""
    app.command()(init)
    app.command()(serve)
    app.command()(createuser)
    app.command("settings")(show_settings)
