"""`retain bench import`: time `retain import events` on a synthetic CSV, against baselines.

The workload: N events in a CSV file in the events columns (docs/imports.md), spread over
`accounts` accounts with 10 contacts each (created for the run, before the clock starts), with
a mix of types, explicit and implied accounts, time zones and JSON properties. Two baselines
from the same run and the same database frame the figure: reading the CSV with pyarrow (no
checks, nothing written: a floor no importer can beat) and a raw `executemany` of the same
events, already parsed into tuples, straight into the events table (the database's own cost,
without reading or checking anything). Everything the run wrote is deleted afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow.csv as pacsv
from django.db import connection, transaction

from retain.app import events as store
from retain.app.models import Account, Contact
from retain.bench.timing import Clock, Timing
from retain.imports.events import import_events
from retain.imports.kinds import get

NAMES = ("report_created", "dashboard_viewed", "export_run", "invite_sent", "login")
CONTACTS_PER_ACCOUNT = 10
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
ZONES = (dt.UTC, dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(hours=-5)))


@dataclass(frozen=True)
class Report:
    """The import's timing, the baselines', and what the import wrote."""

    timings: list[Timing]
    created: int
    rollups: int


def write_csv(path: Path, run: str, events: int, accounts: int, prefix: str = "") -> None:
    """N synthetic events of the run's contacts in the events CSV columns."""
    users = accounts * CONTACTS_PER_ACCOUNT
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, fieldnames=get("events").names)
        out.writeheader()
        for i in range(events):
            when = START + dt.timedelta(seconds=i * 37 % 31_536_000, microseconds=i % 3 * 250_000)
            when = when.astimezone(ZONES[i % len(ZONES)])
            page = i % 10 == 9
            user = f"{run}-u{i % users}"
            out.writerow(
                {
                    "message_id": f"{run}-{prefix}{i}",
                    "type": "page" if page else "track",
                    "user_id": "" if page else user,
                    "anonymous_id": f"{run}-anon{i % 997}" if page else "",
                    "account_id": f"{run}-a{i % users // CONTACTS_PER_ACCOUNT}"
                    if i % 7 == 0
                    else "",
                    "name": "Home" if page else NAMES[i % len(NAMES)],
                    "timestamp": when.isoformat().replace("+00:00", "Z"),
                    "received_at": (when + dt.timedelta(seconds=2)).isoformat()
                    if i % 4 == 0
                    else "",
                    "properties": json.dumps({"plan": "pro", "seats": i % 50, "row": i}),
                    "context": json.dumps({"library": {"name": "retain-bench", "version": "1"}})
                    if i % 2
                    else "",
                }
            )


def create_people(run: str, accounts: int) -> None:
    """The run's accounts and contacts (10 per account)."""
    made = Account.objects.bulk_create(
        Account(external_id=f"{run}-a{a}", name=f"Bench {a}") for a in range(accounts)
    )
    Contact.objects.bulk_create(
        Contact(external_id=f"{run}-u{a * CONTACTS_PER_ACCOUNT + c}", account=account)
        for a, account in enumerate(made)
        for c in range(CONTACTS_PER_ACCOUNT)
    )


def cleanup(run: str) -> None:
    """Delete everything the run wrote (its events, rollups, contacts and accounts)."""
    like = f"{run}-%"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM retain_event WHERE message_id LIKE %s", [like])
        cursor.execute(
            "DELETE FROM retain_usage_daily WHERE contact_id IN "
            "(SELECT id FROM retain_contact WHERE external_id LIKE %s)",
            [like],
        )
    Contact.objects.filter(external_id__startswith=f"{run}-").delete()
    Account.objects.filter(external_id__startswith=f"{run}-").delete()


def read_only(path: Path, events: int) -> Timing:
    """Baseline: read the CSV with pyarrow, every column as text; no checks, no writes."""
    clock = Clock()
    pacsv.read_csv(path)
    return clock.timing("baseline: read the CSV with pyarrow", events)


def raw_executemany(run: str, events: int, accounts: int) -> Timing:
    """Baseline: the events as ready tuples, `executemany` into the events table, commit."""
    contacts = store.contacts_by_user(f"{run}-u{u}" for u in range(accounts * CONTACTS_PER_ACCOUNT))
    adapt = connection.ops.adapt_datetimefield_value
    rows = []
    for i in range(events):
        when = START + dt.timedelta(seconds=i * 37 % 31_536_000)
        contact, account = contacts[f"{run}-u{i % (accounts * CONTACTS_PER_ACCOUNT)}"]
        props = json.dumps({"plan": "pro", "seats": i % 50, "row": i})
        stamp = adapt(when)
        user = f"{run}-u{i % (accounts * CONTACTS_PER_ACCOUNT)}"
        row = {
            "message_id": f"{run}-raw{i}",
            "type": "track",
            "account_id": account,
            "contact_id": contact,
            "user_id": user,
            "anonymous_id": "",
            "name": "login",
            "timestamp": stamp,
            "received_at": stamp,
            "properties": props,
            "context": "{}",
        }
        rows.append(tuple(row[c] for c in store.EVENT_COLUMNS))
    cols = ", ".join(store.EVENT_COLUMNS)
    insert = (
        f"INSERT INTO retain_event ({cols}) VALUES ({', '.join(['%s'] * len(store.EVENT_COLUMNS))})"
    )
    clock = Clock()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(insert, rows)
    return clock.timing("baseline: raw executemany of parsed rows", events)


WARMUP = 1_000  # events imported once before the timed run


def _rollup_total(run: str) -> int:
    """Rollup counts of the run's contacts."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(count), 0) FROM retain_usage_daily WHERE contact_id IN "
            "(SELECT id FROM retain_contact WHERE external_id LIKE %s)",
            [f"{run}-%"],
        )
        return int(cursor.fetchone()[0])


def run_bench(
    events: int, accounts: int | None = None, step: Callable[[str], None] | None = None
) -> Report:
    """Time `import_events` on N synthetic events against the two baselines; cleans up."""
    run = "bimp" + secrets.token_hex(4)
    accounts = accounts or max(1, min(500, events // 1_000))
    say = step or (lambda _: None)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "events.csv"
            say("Creating accounts and contacts")
            create_people(run, accounts)
            say(f"Writing {events:,} events to a CSV file")
            write_csv(path, run, events, accounts)
            say("Baseline: reading the CSV")
            read = read_only(path, events)
            say("Warming up")  # the first pyarrow.compute call builds its functions (~0.6 s)
            warm = Path(folder) / "warm.csv"
            write_csv(warm, run, WARMUP, accounts, prefix="warm-")
            import_events(warm)
            before = _rollup_total(run)
            say("Importing")
            clock = Clock()
            result = import_events(path)
            timed = clock.timing("retain import events", events)
            rollups = _rollup_total(run) - before
        say("Baseline: raw executemany")
        raw = raw_executemany(run, events, accounts)
    finally:
        say("Deleting what the run wrote")
        cleanup(run)
    return Report([timed, read, raw], result.created, rollups)
