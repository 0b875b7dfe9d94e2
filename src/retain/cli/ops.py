"""Operations commands: init, serve, check, createuser, unlock, settings."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from retain import settings as rs
from retain.cli import store
from retain.cli.store import needs_store

console = Console()
LOOPBACK = ("127.0.0.1", "localhost", "::1")


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
    if not rs.is_production() and host not in LOOPBACK:
        console.print(
            f"[yellow]Warning:[/] local mode on {host} serves others with a published secret "
            "key and no HTTPS settings; set RETAIN_MODE=production (see `retain check`)."
        )
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


def check(
    mail: Annotated[bool, typer.Option(help="Also try the outgoing mail server.")] = True,
) -> None:
    """Report misconfiguration: settings, the store, its schema, mail, Django's checks."""
    import os

    from retain.project import check as checking

    findings = checking.settings_findings(os.environ)
    if not any(f.level == "error" for f in findings):
        findings += checking.store_findings()
        if mail:
            findings.append(checking.mail_finding(rs.get("RETAIN_EMAIL_URL")))
    colour = {"error": "red", "warning": "yellow", "ok": "green"}
    table = Table("", "about", "finding")
    for f in findings:
        table.add_row(f"[{colour[f.level]}]{f.level}[/]", f.topic, f.message)
    console.print(table)
    errors = sum(f.level == "error" for f in findings)
    warnings = sum(f.level == "warning" for f in findings)
    console.print(f"{errors} error(s), {warnings} warning(s).")
    if errors:
        raise typer.Exit(1)


@needs_store
def unlock(
    username: Annotated[str, typer.Argument(help="The user name that was locked out.")],
) -> None:
    """Lift a sign-in lockout at once (for every address the user name was tried from)."""
    from axes.utils import reset

    cleared = reset(username=username)
    console.print(f"Cleared {cleared} lockout record(s) for {username!r}.")


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
    app.command()(check)
    app.command()(createuser)
    app.command()(unlock)
    app.command("settings")(show_settings)
