"""`retain bench ...`: the benchmarks on a synthetic workload. `bench ingest` (HTTP event API),
`bench import` (CSV event import) and `bench web` (p50/p95 server time of the accounts list and
the account 360 page)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from retain.cli import store
from retain.cli.store import needs_store
from retain.errors import RetainError

console = Console()
bench_app = typer.Typer(help="Benchmarks with a synthetic workload.", no_args_is_help=True)


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
        cells = [f"{f.percentile(p):.1f}" if f.samples_ms else "" for p in (50, 95, 99)]
        table.add_row(f.label, f"{f.count:,}", f"{f.seconds:.2f}", f"{f.per_second:,.0f}", *cells)
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
        table.add_row(t.label, f"{t.count:,}", f"{t.seconds:.2f}", f"{t.per_second:,.0f}")
    console.print(table)
    imported, read, raw = report.timings
    console.print(
        f"The import wrote {report.created:,} events and {report.rollups:,} rollup counts: "
        f"{imported.per_second:,.0f} events/s, {imported.seconds / read.seconds:.1f}x the time to "
        f"read the file, {raw.seconds / imported.seconds:.0%} of the raw executemany's speed "
        f"({store.label()})."
    )


@bench_app.command("web")
def bench_web(
    accounts: Annotated[int, typer.Option(min=1, help="Synthetic accounts to build.")] = 10_000,
    requests: Annotated[
        int, typer.Option(min=1, help="Timed requests of each page (after a warm-up).")
    ] = 200,
    days: Annotated[
        int, typer.Option(min=1, help="Days of health snapshots and usage rollups.")
    ] = 14,
    database: Annotated[
        str | None,
        typer.Option(
            help="The store to build in, as a RETAIN_DATABASE_URL (e.g. a scratch PostgreSQL "
            "database); default: a new temporary SQLite file, removed afterwards."
        ),
    ] = None,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset", help="Delete ALL data of --database first if it holds accounts or users."
        ),
    ] = False,
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the temporary SQLite file (its path is printed).")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Server time (p50, p95, p99, max) of the accounts list and the account 360 page on a
    synthetic store, measured in-process with Django's test client as an admin, next to
    /healthz as a same-run baseline. Fails only on errors (a page not answering 200), never on
    slowness; the target is a p95 under 150 ms at 10,000 accounts on SQLite."""
    if fmt not in ("table", "json"):
        raise typer.BadParameter(f"--format must be table or json, not {fmt!r}")
    err = Console(stderr=True)
    scratch = None if database else tempfile.mkdtemp(prefix="retain-bench-web-")
    try:
        _run(accounts, requests, days, database, scratch, reset, fmt, err)
    except RetainError as exc:
        err.print(f"[red]Error:[/] {exc}")
        raise typer.Exit(1) from exc
    finally:
        if scratch and not keep:
            _close_connections()
            shutil.rmtree(scratch, ignore_errors=True)


def _run(
    accounts: int,
    requests: int,
    days: int,
    database: str | None,
    scratch: str | None,
    reset: bool,
    fmt: str,
    err: Console,
) -> None:
    from django.apps import apps

    if apps.ready:
        raise RetainError("retain bench web chooses its own database: run it in a new process")
    url = database or f"sqlite:///{os.path.join(scratch or '.', 'bench-web.sqlite3')}"
    os.environ["RETAIN_DATABASE_URL"] = url
    store.open_store()
    from retain.bench import web as wb
    from retain.bench import workload

    label = store.label()
    err.print(f"Benchmarking on {label}" + (" (a temporary file)" if scratch else ""))
    workload.check_empty(reset)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("building", total=workload.planned_rows(accounts, days))
        built = workload.build(
            accounts,
            days,
            lambda what, done: bar.update(task, completed=done, description=what),
        )
    err.print(f"Built {built['accounts']:,} accounts, {built['rows']:,} rows.")
    with err.status(f"Timing {requests} requests of each page…"):
        pages, baseline, errors = wb.measure(requests)
    report = wb.Report(label, accounts, days, pages, baseline, errors)
    if fmt == "json":
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        out = Console()
        table = Table("page", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms", "p50 / baseline")
        for row in wb.iter_rows(report):
            table.add_row(*row)
        out.print(table)
        out.print(
            f"{accounts:,} accounts, {days} days of snapshots, {label}; "
            f"target: p95 under {wb.TARGET_P95_MS:.0f} ms on SQLite."
        )
    for e in errors[:20]:
        err.print(f"[red]{e}[/]")
    if errors:
        raise RetainError(f"{len(errors)} requests did not answer 200")


def _close_connections() -> None:
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()


def register(app: typer.Typer) -> None:
    """Add `retain bench` with its three commands."""
    app.add_typer(bench_app, name="bench")
