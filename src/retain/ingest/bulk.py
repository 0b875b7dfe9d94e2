"""`retain import events FILE`: the fast path for historical backfills.

Reads the events kind's CSV/Parquet columns (docs/imports.md) or a Segment JSON-lines export
(`.jsonl`, `.json`), checks every row (all problems reported as file:row:column: message,
nothing written if there is any), then writes in one transaction with set-based SQL: rows go
into a temporary table, known message ids are dropped, the rest is copied into the events
table and grouped into the daily rollups. Rows are parsed by hand rather than through the
generic import schema, which is what makes it fast.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from retain.app.models import Account
from retain.core.segment import Message, parse_time, validate_message
from retain.errors import ImportFailed, ImportProblem
from retain.imports.kinds import get
from retain.imports.loader import Result
from retain.imports.validate import check_header
from retain.ingest import readers, store

Progress = Callable[[int, int], None]
CHUNK = 5_000
TYPES = frozenset(("track", "identify", "group", "page", "screen"))
TEMP = "retain_import_events_tmp"
Row = tuple[Any, ...]  # message_id, type, account_id, user_id, anonymous_id, name, ts, rec, ...


class _DryRun(Exception):
    """Rolls a dry run back."""


def import_events(path: Path, *, dry_run: bool = False, progress: Progress | None = None) -> Result:
    """Validate the whole file, then write it in one transaction; raises ImportFailed."""
    file = str(path)
    records, fmt = readers.read(path)
    rows, problems = (_from_segment if fmt == "jsonl" else _from_columns)(file, records)
    pg = connection.vendor == "postgresql"
    result = Result("events", file, len(rows))
    try:
        with transaction.atomic():
            final = _resolve(file, rows, problems, pg)
            if problems:
                raise ImportFailed(sorted(problems, key=lambda p: (p.row, p.column)))
            result.created = _write(final, pg, progress)
            result.unchanged = len(rows) - result.created
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


# --- reading ------------------------------------------------------------------------------


def _from_columns(file: str, records: readers.Records) -> tuple[list[Row], list[ImportProblem]]:
    header, values = records
    problems = check_header(get("events"), file, header)
    if problems:
        raise ImportFailed(problems)
    col = {name: header.index(name) for name in header}
    pick = [col.get(n) for n in ("message_id", "type", "account_id", "user_id", "anonymous_id")]
    pick += [col.get(n) for n in ("name", "timestamp", "received_at", "properties", "context")]
    rows: list[Row] = []
    strings = all(isinstance(v, str) for v in values[0]) if values else True
    for number, record in enumerate(values, start=2):
        if strings:  # CSV: text cells, blank is missing
            cells = [None if i is None else (record[i].strip() or None) for i in pick]
        else:
            cells = [_cell(record, i) for i in pick]
        row = _check_row(file, number, cells, problems)
        if row is not None:
            rows.append(row)
    return rows, problems


def _cell(record: list[Any], index: int | None) -> Any:
    if index is None:
        return None
    value = record[index]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _check_row(
    file: str, number: int, cells: list[Any], problems: list[ImportProblem]
) -> Row | None:
    mid, kind, account, user, anon, name, stamp, received, props, ctx = cells
    before = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(ImportProblem(file, number, column, message))

    if mid is None:
        problem("message_id", "a value is required")
    kind = kind or "track"
    if kind not in TYPES:
        problem("type", f"{kind!r} is not allowed; use one of {', '.join(sorted(TYPES))}")
    if user is None and anon is None:
        problem("user_id", "a user_id or an anonymous_id is required")
    when = _time(stamp, "timestamp", problem, required=True)
    got = _time(received, "received_at", problem) or when
    properties, context = _json(props, "properties", problem), _json(ctx, "context", problem)
    if len(problems) > before or when is None or got is None:
        return None
    ids = (str(mid), kind, None if account is None else str(account))
    names = (str(user or ""), str(anon or ""), str(name or ""))
    return (*ids, *names, when, got, properties, context, number)


def _time(
    value: Any, column: str, problem: Callable[[str, str], None], *, required: bool = False
) -> dt.datetime | None:
    if value is None:
        if required:
            problem(column, "a value is required")
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=value.tzinfo or dt.UTC).astimezone(dt.UTC)
    try:
        stamp = dt.datetime.fromisoformat(value)
        if stamp.tzinfo is dt.UTC:
            return stamp
        return parse_time(str(value))
    except (TypeError, ValueError):
        problem(column, f"expected a date-time like 2026-03-31T14:05:00Z, got {value!r}")
        return None


def _json(value: Any, column: str, problem: Callable[[str, str], None]) -> str:
    if value is None:
        return "{}"
    if isinstance(value, dict | list):
        return store.dumps(value)
    try:
        json.loads(value)
    except (TypeError, json.JSONDecodeError) as exc:
        problem(column, f"invalid JSON ({getattr(exc, 'msg', exc)})")
        return "{}"
    return str(value)


def _from_segment(file: str, records: readers.Records) -> tuple[list[Row], list[ImportProblem]]:
    """Segment export lines: the timestamp is already corrected, so sentAt is not applied."""
    _, values = records
    rows: list[Row] = []
    problems: list[ImportProblem] = []
    for number, raw in values:
        row = _segment_row(file, number, raw, problems)
        if row is not None:
            rows.append(row)
    return rows, problems


def _segment_row(file: str, number: int, raw: Any, problems: list[ImportProblem]) -> Row | None:
    received: dt.datetime | None = None
    if isinstance(raw, dict) and raw.get("receivedAt") is not None:
        try:
            received = parse_time(raw["receivedAt"])
        except ValueError as exc:
            problems.append(ImportProblem(file, number, "receivedAt", str(exc)))
            return None
    message = {k: v for k, v in raw.items() if k != "sentAt"} if isinstance(raw, dict) else raw
    now = received or dt.datetime.now(dt.UTC)
    result = validate_message(message, (), now)
    if not isinstance(result, Message):
        for p in result:
            problems.append(ImportProblem(file, number, ".".join(map(str, p.loc)), p.msg))
        return None
    body = result.traits if result.type in ("identify", "group") else result.properties
    account = result.group_id if result.type == "group" else None
    return (
        result.message_id,
        result.type,
        account,
        result.user_id,
        result.anonymous_id,
        result.name,
        result.timestamp,
        received or result.timestamp,
        store.dumps(body),
        store.dumps(result.context),
        number,
    )


# --- resolving and writing ------------------------------------------------------------------


def _resolve(file: str, rows: list[Row], problems: list[ImportProblem], pg: bool) -> list[Row]:
    """Duplicates in the file, unknown accounts; contact and account ids for each row."""
    seen: dict[str, int] = {}
    for row in rows:
        first = seen.setdefault(row[0], row[10])
        if first != row[10]:
            problems.append(ImportProblem(file, row[10], "message_id", f"duplicate of row {first}"))
    wanted = sorted({r[2] for r in rows if r[2] is not None})
    accounts = dict(Account.objects.filter(external_id__in=wanted).values_list("external_id", "id"))
    contacts = store.contacts_by_user(r[3] for r in rows)
    out: list[Row] = []
    for mid, kind, account, user, anon, name, when, got, props, ctx, number in rows:
        if account is not None and account not in accounts:
            problems.append(
                ImportProblem(file, number, "account_id", f"unknown account {account!r}")
            )
            continue
        contact_id, contact_account = contacts.get(user, (None, None))
        account_id = accounts[account] if account is not None else contact_account
        day = store.utc_day(when)
        stamp = _stamp(when, pg)
        stamps = (stamp, stamp if got is when else _stamp(got, pg))
        ids = (mid, kind, account_id, contact_id, user, anon, name)
        out.append((*ids, *stamps, props, ctx, day if pg else day.isoformat()))
    return out


def _stamp(when: dt.datetime, pg: bool) -> Any:
    """Datetimes as the backend stores them (SQLite: UTC text, like Django writes)."""
    return when if pg else when.isoformat(" ")[:-6]  # drop the +00:00 of a UTC time


def _write(rows: list[Row], pg: bool, progress: Progress | None) -> int:
    cols = ", ".join(store.EVENT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(_temp_table(pg))
        insert = f"INSERT INTO {TEMP} ({cols}, day) VALUES ({', '.join(['%s'] * 12)})"
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(insert, rows[start : start + CHUNK])
            if progress:
                progress(min(start + CHUNK, len(rows)), len(rows))
        cursor.execute(
            f"DELETE FROM {TEMP} WHERE message_id IN (SELECT message_id FROM retain_event)"
        )
        cursor.execute(f"SELECT COUNT(*) FROM {TEMP}")
        created = int(cursor.fetchone()[0])
        cursor.execute(f"INSERT INTO retain_event ({cols}) SELECT {cols} FROM {TEMP} WHERE true")
        cursor.execute(_rollup_sql())
        cursor.execute(f"DROP TABLE {TEMP}")
    return created


def _temp_table(pg: bool) -> str:
    stamp, js, day = ("timestamptz", "jsonb", "date") if pg else ("text", "text", "text")
    return (
        f"CREATE TEMP TABLE {TEMP} (message_id text, type text, account_id bigint, "
        f"contact_id bigint, user_id text, anonymous_id text, name text, timestamp {stamp}, "
        f"received_at {stamp}, properties {js}, context {js}, day {day})"
    )


def _rollup_sql() -> str:
    return (
        "INSERT INTO retain_usage_daily (account_id, contact_id, event_name, day, count) "
        f"SELECT account_id, contact_id, name, day, COUNT(*) FROM {TEMP} "
        "WHERE type = 'track' AND name <> '' AND account_id IS NOT NULL "
        "AND contact_id IS NOT NULL GROUP BY account_id, contact_id, name, day "
        "ON CONFLICT (account_id, contact_id, event_name, day) "
        "DO UPDATE SET count = retain_usage_daily.count + excluded.count"
    )
