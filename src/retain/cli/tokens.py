"""`retain tokens`: issue, list and revoke API tokens (the raw key is printed once)."""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from retain.cli.store import needs_store

console = Console()
tokens_app = typer.Typer(help="API tokens for the REST API (Authorization: Bearer rtn_...).")


def _services() -> ModuleType:
    """The token services (importable once the store is open)."""
    from retain.app.access import tokens

    return tokens


@tokens_app.command("create")
@needs_store
def create(
    user: Annotated[str, typer.Option("--user", help="Username the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    days: Annotated[
        int | None, typer.Option("--expires-in-days", help="Stop working after N days.")
    ] = None,
) -> None:
    """Issue a token and print its key once: store it now, it cannot be shown again."""
    tokens = _services()
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days) if days else None
    token, raw = tokens.issue(user, name, expires)
    console.print(f"Token {token.prefix}… for {user} ({name}); shown once:", style="dim")
    typer.echo(raw)


@tokens_app.command("list")
@needs_store
def list_tokens() -> None:
    """Every token: prefix, user, name, status, created, last used, expiry."""
    tokens = _services()
    table = Table("prefix", "user", "name", "status", "created", "last used", "expires")
    for t in tokens.all_tokens():
        when = [f"{d:%Y-%m-%d %H:%M}" if d else "-" for d in (t.created_at, t.last_used_at)]
        table.add_row(
            t.prefix,
            t.user.username,
            t.name,
            tokens.status(t),
            *when,
            f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "never",
        )
    console.print(table)


@tokens_app.command("revoke")
@needs_store
def revoke(prefix: Annotated[str, typer.Argument(help="The token's prefix (rtn_...).")]) -> None:
    """Revoke a token: it stops working at once."""
    tokens = _services()
    token = tokens.revoke(prefix)
    console.print(f"Revoked {token.prefix}… ({token.user.username}, {token.name}).")


def register(app: typer.Typer) -> None:
    """Add `retain tokens` to the app."""
    app.add_typer(tokens_app, name="tokens")
