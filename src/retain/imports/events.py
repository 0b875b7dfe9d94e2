"""The bulk event loader: the `events` kind of `retain import` (one file, or `events.csv` in a
folder with `all`), for historical backfills.

Reads the events kind's CSV/Parquet columns (docs/imports.md) or a Segment JSON-lines export
(`.jsonl`, `.json`), checks every row (`imports.event_checks`: all problems reported as
file:row:column: message, nothing written if there is any) and the accounts named, all before
any lock is taken (`check`); then, in one transaction, resolves account and contact ids and
writes through the event store's set-based writer (`app.events.write_table`, in `write`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.compute as pc
from django.db import DatabaseError, connection, transaction

from retain.app import events as store
from retain.app.models import Account
from retain.errors import ImportFailed, ImportProblem
from retain.imports import event_checks, files, locking
from retain.imports.schema import Progress, Result


class _DryRun(Exception):
    """Rolls a dry run back."""


@dataclass
class Checked:
    """An events file checked and ready to write; `records` are kept for the rare full JSON
    check (when the database refuses a JSON cell the fast path left to it)."""

    file: str
    events: pa.Table
    records: files.Records
    json_checked: bool


def import_events(path: Path, *, dry_run: bool = False, progress: Progress | None = None) -> Result:
    """Validate the whole file (no lock held), then write it in one transaction; raises
    ImportFailed."""
    checked = check(path)
    result = Result("events", checked.file, checked.events.num_rows)
    try:
        with _pragmas(connection.vendor == "postgresql"), locking.writing():
            result = write(checked, progress)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def check(path: Path, accounts: Collection[str] = ()) -> Checked:
    """Read and check every row, duplicates and the accounts named (stored, or among
    `accounts`: keys an `import all` writes first); raises ImportFailed. Reads only."""
    file = str(path)
    records, _ = files.read_events(path)
    if isinstance(records, pa.Table):
        # JSON cells are first left to the database's JSON check (the flags of event_checks
        # send shapes it would accept wrongly to the per-row checks); on any problem,
        # everything is checked, so that every problem is located.
        events, problems = event_checks.from_table(file, records, check_json=False)
        _references(file, events, problems, accounts)
        if not problems:
            return Checked(file, events, records, json_checked=False)
        events, problems = event_checks.from_table(file, records)
    else:
        events, problems = event_checks.from_segment(file, records)
    _references(file, events, problems, accounts)
    if problems:
        raise ImportFailed(sorted(problems, key=lambda p: (p.row, p.column)))
    return Checked(file, events, records, json_checked=True)


def write(checked: Checked, progress: Progress | None = None) -> Result:
    """Resolve account and contact ids and write (call inside a transaction)."""
    events, file = checked.events, checked.file
    result = Result("events", file, events.num_rows)
    if progress:
        progress(0, events.num_rows)
    try:
        # a savepoint: a refusal undoes this file only
        with _pragmas(connection.vendor == "postgresql"), transaction.atomic():
            problems: list[ImportProblem] = []
            resolved = _resolve(file, events, problems)
            if problems:  # an account removed since the check
                raise ImportFailed(sorted(problems, key=lambda p: (p.row, p.column)))
            result.created = store.write_table(resolved, progress)
    except (DatabaseError, psycopg.Error) as exc:
        if (
            locking.is_busy(exc)
            or checked.json_checked
            or not isinstance(checked.records, pa.Table)
        ):
            raise
        _, problems = event_checks.from_table(file, checked.records)
        if problems:
            raise ImportFailed(sorted(problems, key=lambda p: (p.row, p.column))) from None
        raise
    result.unchanged = events.num_rows - result.created
    if progress:
        progress(events.num_rows, events.num_rows)
    return result


def _references(
    file: str, events: pa.Table, problems: list[ImportProblem], accounts: Collection[str]
) -> None:
    """Message ids repeated in the file; accounts neither stored nor in `accounts`."""
    mid, number = events.column("message_id"), events.column("number")
    if pc.count_distinct(mid).as_py() != events.num_rows:
        seen: dict[str, int] = {}
        for m, row in zip(mid.to_pylist(), number.to_pylist(), strict=True):
            first = seen.setdefault(m, row)
            if first != row:
                problems.append(ImportProblem(file, row, "message_id", f"duplicate of row {first}"))
    _unknown_accounts(file, events, problems, _accounts(events), accounts)


def _accounts(events: pa.Table) -> dict[str, int]:
    """Stored account ids by the external ids the events name."""
    wanted = pc.unique(events.column("account").drop_null()).to_pylist()
    found: dict[str, int] = {}
    for i in range(0, len(wanted), 900):
        chunk = wanted[i : i + 900]
        found.update(Account.objects.filter(external_id__in=chunk).values_list("external_id", "id"))
    return found


def _unknown_accounts(
    file: str,
    events: pa.Table,
    problems: list[ImportProblem],
    found: Collection[str],
    pending: Collection[str] = (),
) -> None:
    account, number = events.column("account"), events.column("number")
    keys = pa.array([*found, *pending], pa.string())
    unknown = pc.and_(pc.is_valid(account), pc.invert(pc.is_in(account, keys)))
    if pc.any(unknown).as_py():
        for ext, row in zip(
            account.filter(unknown).to_pylist(), number.filter(unknown).to_pylist(), strict=True
        ):
            problems.append(ImportProblem(file, row, "account_id", f"unknown account {ext!r}"))


def _resolve(file: str, events: pa.Table, problems: list[ImportProblem]) -> pa.Table:
    """Contact and account ids for each row (accounts gone since the check are problems)."""
    account = events.column("account")
    accounts = _accounts(events)
    _unknown_accounts(file, events, problems, accounts)
    keys = pa.array(list(accounts), pa.string())
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
