"""Event ingestion commands: `retain sources ...` and `retain replay`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from retain.cli.store import needs_store

console = Console()
sources_app = typer.Typer(help="Event sources and their write keys.", no_args_is_help=True)


@sources_app.command("create")
@needs_store
def sources_create(
    name: Annotated[str, typer.Argument(help="A name, e.g. web-app.")],
    calls: Annotated[
        str,
        typer.Option(
            "--calls",
            help="Only these call types, comma-separated (e.g. track,page,screen for a key "
            "shipped in browser code); default: all.",
        ),
    ] = "",
) -> None:
    """Create a source and print its write key (shown once; only a hash is kept)."""
    from retain.ingest import sources

    source, key = sources.create(name, calls.split(","))
    console.print(f"Created source {source.name}. Its write key (keep it, it is not shown again):")
    typer.echo(key)


@sources_app.command("list")
@needs_store
def sources_list() -> None:
    """List sources: name, key prefix, call types allowed, created, revoked."""
    from retain.app.models import Source

    table = Table("name", "key prefix", "calls", "created", "revoked")
    for s in Source.objects.all():
        calls = s.allowed_calls.replace(",", ", ") or "all"
        created = f"{s.created_at:%Y-%m-%d %H:%M}"
        table.add_row(s.name, s.key_prefix + "…", calls, created, str(s.revoked))
    console.print(table)


@sources_app.command("revoke")
@needs_store
def sources_revoke(name: Annotated[str, typer.Argument(help="The source's name.")]) -> None:
    """Revoke a source's write key: its requests get 401 from now on."""
    from retain.ingest import sources

    source = sources.revoke(name)
    console.print(f"Revoked {source.name}.")


@needs_store
def replay(
    ids: Annotated[
        list[int] | None, typer.Option("--id", help="A quarantined message id (repeatable).")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every pending message.")] = False,
) -> None:
    """Replay quarantined messages (after fixing them in the admin, or the code)."""
    from retain.ingest import replay as rp

    if not ids and not all_:
        raise typer.BadParameter("name messages with --id N, or use --all")
    rows = rp.pending(None if all_ else ids)
    results = rp.replay(rows)
    failed = [r for r in results if not r.ok]
    for r in results:
        status = "[green]replayed[/]" if r.ok else "[red]still rejected[/]"
        console.print(f"#{r.id}: {status} ({r.stored} new events)")
        for p in r.reasons:
            typer.echo(f"  #{r.id} {'.'.join(map(str, p['loc']))}: {p['msg']}", err=True)
    console.print(f"{len(results) - len(failed)} of {len(results)} pending messages replayed.")
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `retain sources` and `retain replay`."""
    app.add_typer(sources_app, name="sources")
    app.command()(replay)
