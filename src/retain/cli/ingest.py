"""Event ingestion commands: `retain sources ...`, `retain replay`, `retain bench ingest`,
`retain bench import`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from retain.cli import store
from retain.cli.store import needs_store

console = Console()
sources_app = typer.Typer(help="Event sources and their write keys.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks with a synthetic workload.", no_args_is_help=True)


@sources_app.command("create")
@needs_store
def sources_create(name: Annotated[str, typer.Argument(help="A name, e.g. web-app.")]) -> None:
    """Create a source and print its write key (shown once; only a hash is kept)."""
    from retain.ingest import sources

    source, key = sources.create(name)
    console.print(f"Created source {source.name}. Its write key (keep it, it is not shown again):")
    typer.echo(key)


@sources_app.command("list")
@needs_store
def sources_list() -> None:
    """List sources: name, key prefix, created, revoked."""
    from retain.app.models import Source

    table = Table("name", "key prefix", "created", "revoked")
    for s in Source.objects.all():
        table.add_row(s.name, s.key_prefix + "…", f"{s.created_at:%Y-%m-%d %H:%M}", str(s.revoked))
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


@bench_app.command("ingest")
@needs_store
def bench_ingest(
    events: Annotated[int, typer.Option(help="Track events to send.")] = 100_000,
    clients: Annotated[int, typer.Option(help="Concurrent HTTP clients.")] = 4,
    batch: Annotated[int, typer.Option(help="Events per /v1/batch request.")] = 100,
    url: Annotated[
        str | None, typer.Option(help="A running server; default: start `retain serve`.")
    ] = None,
) -> None:
    """Events per second and latency of /v1/batch against a direct insert (same run, same
    database). Run it on a scratch database: it writes, then deletes, synthetic data."""
    from retain.bench.ingest import run_bench

    with console.status(f"Sending {events:,} events…"):
        figures = run_bench(events, clients, batch, url)
    table = Table("writer", "events", "seconds", "events/s", "p50 ms", "p95 ms", "p99 ms")
    for f in figures:
        ps = [f.percentile(p) for p in (50, 95, 99)]
        cells = ["" if p is None else f"{p:.1f}" for p in ps]
        table.add_row(f.label, f"{f.events:,}", f"{f.seconds:.2f}", f"{f.per_second:,.0f}", *cells)
    console.print(table)
    ratio = figures[0].per_second / figures[1].per_second if figures[1].per_second else 0
    console.print(f"HTTP reaches {ratio:.0%} of the direct insert ({store.label()}).")


@bench_app.command("import")
@needs_store
def bench_import(
    events: Annotated[int, typer.Option(help="Events in the synthetic CSV file.")] = 200_000,
    accounts: Annotated[
        int | None, typer.Option(help="Accounts (10 contacts each); default: events / 1,000.")
    ] = None,
) -> None:
    """Events per second of `retain import events` on a synthetic CSV, against reading the file
    with pyarrow and a raw executemany of the same events (same run, same database). Run it
    on a scratch database: it writes, then deletes, synthetic data."""
    from retain.bench.imports import run_bench

    with console.status("Preparing…") as status:
        report = run_bench(events, accounts, lambda text: status.update(f"{text}…"))
    table = Table("what", "events", "seconds", "events/s")
    for t in report.timings:
        table.add_row(t.label, f"{t.events:,}", f"{t.seconds:.2f}", f"{t.per_second:,.0f}")
    console.print(table)
    imported, read, raw = report.timings
    console.print(
        f"The import wrote {report.created:,} events and {report.rollups:,} rollup counts: "
        f"{imported.per_second:,.0f} events/s, {imported.seconds / read.seconds:.1f}x the time to "
        f"read the file, {raw.seconds / imported.seconds:.0%} of the raw executemany's speed "
        f"({store.label()})."
    )


def register(app: typer.Typer) -> None:
    """Add `retain sources`, `retain replay` and `retain bench`."""
    app.add_typer(sources_app, name="sources")
    app.command()(replay)
    app.add_typer(bench_app, name="bench")
