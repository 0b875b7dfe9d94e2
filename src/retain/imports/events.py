"""The bulk event loader: the `events` kind of `retain import` (one file, or `events.csv` in a
folder with `all`), for historical backfills.

Reads the events kind's CSV/Parquet columns (docs/imports.md) or a Segment JSON-lines export
(`.jsonl`, `.json`), checks every row (`imports.event_checks`: all problems reported as
file:row:column: message, nothing written if there is any), resolves accounts and contacts, then
writes in one transaction through the event store's set-based writer (`app.events.write_table`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.compute as pc
from django.db import DatabaseError, connection, transaction

from retain.app import events as store
from retain.app.models import Account
from retain.errors import ImportFailed, ImportProblem
from retain.imports import event_checks, files
from retain.imports.schema import Progress, Result


class _DryRun(Exception):
    """Rolls a dry run back."""


def load(path: Path, progress: Progress | None = None) -> Result:
    """The loader of the `events` kind for `imports.import_file` and `import_dir`."""
    return import_events(path, progress=progress)


def import_events(path: Path, *, dry_run: bool = False, progress: Progress | None = None) -> Result:
    """Validate the whole file, then write it in one transaction; raises ImportFailed."""
    file = str(path)
    records, _ = files.read_events(path)
    if isinstance(records, pa.Table):
        # First JSON cells are left to the database's JSON check; when it (or any other check)
        # refuses something, everything is checked here, so that every problem is located.
        try:
            checked = event_checks.from_table(file, records, check_json=False)
            return _import(file, *checked, dry_run, progress)
        except (DatabaseError, psycopg.Error, ImportFailed):
            events, problems = event_checks.from_table(file, records)
    else:
        events, problems = event_checks.from_segment(file, records)
    return _import(file, events, problems, dry_run, progress)


def _import(
    file: str,
    events: pa.Table,
    problems: list[ImportProblem],
    dry_run: bool,
    progress: Progress | None,
) -> Result:
    """Resolve accounts and contacts, then write in one transaction (nothing on a problem)."""
    result = Result("events", file, events.num_rows)
    if progress:
        progress(0, events.num_rows)
    try:
        with _pragmas(connection.vendor == "postgresql"), transaction.atomic():
            resolved = _resolve(file, events, problems)
            if problems:
                raise ImportFailed(sorted(problems, key=lambda p: (p.row, p.column)))
            result.created = store.write_table(resolved, progress)
            result.unchanged = events.num_rows - result.created
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    if progress:
        progress(events.num_rows, events.num_rows)
    return result


def _resolve(file: str, events: pa.Table, problems: list[ImportProblem]) -> pa.Table:
    """Duplicates in the file, unknown accounts; contact and account ids for each row."""
    mid, number = events.column("message_id"), events.column("number")
    if pc.count_distinct(mid).as_py() != events.num_rows:
        seen: dict[str, int] = {}
        for m, row in zip(mid.to_pylist(), number.to_pylist(), strict=True):
            first = seen.setdefault(m, row)
            if first != row:
                problems.append(ImportProblem(file, row, "message_id", f"duplicate of row {first}"))
    account = events.column("account")
    wanted = pc.unique(account.drop_null()).to_pylist()
    accounts = dict(Account.objects.filter(external_id__in=wanted).values_list("external_id", "id"))
    keys = pa.array(list(accounts), pa.string())
    unknown = pc.and_(pc.is_valid(account), pc.invert(pc.is_in(account, keys)))
    if pc.any(unknown).as_py():
        for ext, row in zip(
            account.filter(unknown).to_pylist(), number.filter(unknown).to_pylist(), strict=True
        ):
            problems.append(ImportProblem(file, row, "account_id", f"unknown account {ext!r}"))
    user = events.column("user_id")
    contacts = store.contacts_by_user(pc.unique(user).to_pylist())
    users = pa.array(list(contacts), pa.string())
    at = pc.index_in(user, users)
    contact_id = pc.take(pa.array([c for c, _ in contacts.values()], pa.int64()), at)
    their_account = pc.take(pa.array([a for _, a in contacts.values()], pa.int64()), at)
    named = pc.take(pa.array(list(accounts.values()), pa.int64()), pc.index_in(account, keys))
    account_id = pc.if_else(pc.is_valid(account), named, their_account)
    out = events.drop_columns(["number", "account"])
    out = out.add_column(2, "account_id", account_id).add_column(3, "contact_id", contact_id)
    return out.select(list(store.EVENT_COLUMNS))


@contextlib.contextmanager
def _pragmas(pg: bool) -> Iterator[None]:
    """SQLite: a page cache big enough for the event table's indexes while the import runs,
    and (unless a caller's transaction is open) a commit that syncs the write-ahead log, durable
    even on power loss. Restored after."""
    if pg:
        yield
        return
    with connection.cursor() as cursor:
        saved = {}
        for pragma, value in (("cache_size", -262_144), ("temp.cache_size", -262_144)):
            cursor.execute(f"PRAGMA {pragma}")
            saved[pragma] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {pragma} = {value}")
        if not connection.in_atomic_block:  # SQLite refuses it inside a transaction
            cursor.execute("PRAGMA synchronous")
            saved["synchronous"] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA synchronous = {max(2, int(saved['synchronous']))}")  # FULL
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for pragma, value in saved.items():
                cursor.execute(f"PRAGMA {pragma} = {int(value)}")
