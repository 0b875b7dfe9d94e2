"""Operations commands: init, serve, createuser, settings."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from retain import settings as rs
from retain.cli import store
from retain.cli.store import needs_store

console = Console()


def init() -> None:
    """Create the database, or migrate it to the latest schema (safe to run again)."""
    with console.status("Migrating the database…"):
        store.open_store()
    console.print(f"[green]Ready:[/] {store.label()}")


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    threads: Annotated[int, typer.Option(help="Worker threads.")] = 8,
) -> None:
    """Serve the web app (waitress, a production-grade WSGI server); migrates first."""
    from retain.project import serve as server

    store.open_store()
    console.print(f"Retain on [bold]http://{host}:{port}/[/] ({store.label()})")
    server.serve(host, port, threads)


@needs_store
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
    from retain.app.access import users

    user = users.create_user(username, role, email, password)
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
