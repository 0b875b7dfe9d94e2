"""The one writer of the event store: events inserted once, and counted in the daily rollups.

Both ways in go through here: the ingest API's per-request upsert (`write_events`, and
`attribute` when an identify or group gives earlier events their contact and account), and the
bulk loader's set-based writer (`write_table`: a temporary table filled by `executemany` on
SQLite, by `COPY` on PostgreSQL, then one `INSERT ... SELECT`). Plain SQL with `ON CONFLICT`
(SQLite 3.35+ and PostgreSQL alike): an event is new exactly once however often it is retried,
and only new events are added to the rollups, all by the one rule in `_rollup_sql`. Callers hold
a transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection, models

from retain.app.models import Event

_FIELDS = tuple(f for f in Event._meta.concrete_fields if not f.primary_key)
EVENT_COLUMNS: tuple[str, ...] = tuple(str(f.column) for f in _FIELDS)
JSON_COLUMNS = frozenset(f.column for f in _FIELDS if isinstance(f, models.JSONField))
TIME_COLUMNS = frozenset(f.column for f in _FIELDS if isinstance(f, models.DateTimeField))
ROWS_PER_STATEMENT = 500
BULK_CHUNK = 50_000  # Arrow rows per COPY write or per executemany round (and progress step)
BULK_ROWS = 500  # rows per INSERT into SQLite's temporary table: 5,500 parameters, under its limit
TEMP = "retain_import_events_tmp"
# The rollup's day: the UTC calendar day of the event (SQLite stores UTC text, as Django does).
UTC_DAY = {
    "postgresql": "(\"timestamp\" AT TIME ZONE 'UTC')::date",
    "sqlite": 'substr("timestamp", 1, 10)',
}
Progress = Callable[[int, int], None] | None  # (done, total)


@dataclass(frozen=True)
class EventRow:
    """One event ready for the store (fields in EVENT_COLUMNS order); JSON columns as text."""

    message_id: str
    type: str
    account_id: int | None
    contact_id: int | None
    user_id: str
    anonymous_id: str
    name: str
    timestamp: dt.datetime
    received_at: dt.datetime
    properties: str
    context: str


def dumps(value: Any) -> str:
    """JSON text as stored in a JSON column."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _rollup_sql(source: str) -> str:
    """Add the events of `source` (a query over new events) to the daily rollups. The rule: a
    track event with a name, an account and a contact counts once on its UTC day."""
    day = UTC_DAY[connection.vendor]
    return (
        "INSERT INTO retain_usage_daily (account_id, contact_id, event_name, day, count) "
        f"SELECT account_id, contact_id, name, {day}, COUNT(*) FROM ({source}) AS new "
        "WHERE type = 'track' AND name <> '' AND account_id IS NOT NULL "
        f"AND contact_id IS NOT NULL GROUP BY account_id, contact_id, name, {day} "
        f"ORDER BY account_id, contact_id, name, {day} "  # one lock order for concurrent writers
        "ON CONFLICT (account_id, contact_id, event_name, day) "
        "DO UPDATE SET count = retain_usage_daily.count + excluded.count"
    )


# --- per request: the ingest API --------------------------------------------------------------


def write_events(rows: Sequence[EventRow]) -> set[str]:
    """Insert events whose message id is new and count them in the rollups; returns the
    message ids actually inserted."""
    fresh: set[str] = set()
    unique = list({r.message_id: r for r in reversed(rows)}.values())
    unique.sort(key=lambda r: r.message_id)  # one lock order for concurrent writers
    adapt = connection.ops.adapt_datetimefield_value
    json_slot = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    slot = "(" + ", ".join(json_slot if c in JSON_COLUMNS else "%s" for c in EVENT_COLUMNS) + ")"
    head = f"INSERT INTO retain_event ({', '.join(EVENT_COLUMNS)}) VALUES "
    tail = " ON CONFLICT (message_id) DO NOTHING RETURNING message_id"
    with connection.cursor() as cursor:
        for chunk in _chunks(unique):
            params = [
                adapt(getattr(r, c)) if c in TIME_COLUMNS else getattr(r, c)
                for r in chunk
                for c in EVENT_COLUMNS
            ]
            cursor.execute(head + ", ".join([slot] * len(chunk)) + tail, params)
            fresh.update(row[0] for row in cursor.fetchall())
        for chunk in _chunks(sorted(fresh)):
            where = f"message_id IN ({', '.join(['%s'] * len(chunk))})"
            cursor.execute(_rollup_sql(f"SELECT * FROM retain_event WHERE {where}"), chunk)
    return fresh


def attribute(contacts: dict[str, tuple[int, int | None]]) -> int:
    """Give stored events of these users (user id -> contact id, account id) their contact and
    account where missing, and count the track events that become attributed in the rollups;
    returns how many events changed."""
    pending = Event.objects.filter(user_id__in=sorted(contacts)).exclude(
        account__isnull=False, contact__isnull=False
    )  # never counted yet: the rule needs both
    changed: list[int] = []
    for user_id, (contact_id, account_id) in sorted(contacts.items()):
        mine = pending.filter(user_id=user_id)
        changed += mine.values_list("id", flat=True)
        mine.filter(contact__isnull=True).update(contact_id=contact_id)
        if account_id is not None:
            mine.filter(account__isnull=True).update(account_id=account_id)
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(changed)):
            where = f"id IN ({', '.join(['%s'] * len(chunk))})"
            cursor.execute(_rollup_sql(f"SELECT * FROM retain_event WHERE {where}"), chunk)
    return len(changed)


def contacts_by_user(user_ids: Iterable[str]) -> dict[str, tuple[int, int | None]]:
    """Contact id and account id by external id (the events' userId)."""
    wanted = sorted(set(user_ids) - {""})
    out: dict[str, tuple[int, int | None]] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(wanted):
            cursor.execute(
                "SELECT external_id, id, account_id FROM retain_contact WHERE external_id IN ("
                + ", ".join(["%s"] * len(chunk))
                + ")",
                chunk,
            )
            out.update({ext: (cid, aid) for ext, cid, aid in cursor.fetchall()})
    return out


def known_message_ids(message_ids: Sequence[str]) -> set[str]:
    """Which of these message ids are already stored."""
    out: set[str] = set()
    with connection.cursor() as cursor:
        for chunk in _chunks(list(message_ids)):
            cursor.execute(
                "SELECT message_id FROM retain_event WHERE message_id IN ("
                + ", ".join(["%s"] * len(chunk))
                + ")",
                chunk,
            )
            out.update(row[0] for row in cursor.fetchall())
    return out


def _chunks(values: Sequence[Any], size: int = ROWS_PER_STATEMENT) -> Iterator[list[Any]]:
    return (list(values[i : i + size]) for i in range(0, len(values), size))


# --- in bulk: the events loader ---------------------------------------------------------------


def write_table(events: pa.Table, progress: Progress = None) -> int:
    """Insert an Arrow table of events (EVENT_COLUMNS, times in UTC, JSON as text) whose message
    ids are new, add them to the rollups; returns how many were new. `progress(done, total)`."""
    if connection.vendor == "postgresql":
        return _write_pg(events, progress)
    return _write_sqlite(events, progress)


def _write_sqlite(events: pa.Table, progress: Progress) -> int:
    cols = ", ".join(EVENT_COLUMNS)
    total = events.num_rows
    width = len(EVENT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(_temp_table(False))
        for start in range(0, total, BULK_CHUNK):
            part = events.slice(start, BULK_CHUNK)
            columns = [
                _sqlite_stamps(part.column(c)) if c in TIME_COLUMNS else part.column(c).to_pylist()
                for c in EVENT_COLUMNS
            ]
            # Many rows per statement: far fewer statement runs than one row at a time.
            values = list(itertools.chain.from_iterable(zip(*columns, strict=True)))
            whole = len(values) // (width * BULK_ROWS) * (width * BULK_ROWS)
            if whole:
                rounds = _chunks(values[:whole], width * BULK_ROWS)
                cursor.executemany(_temp_insert(BULK_ROWS), list(rounds))
            if whole < len(values):
                rest = values[whole:]
                cursor.execute(_temp_insert(len(rest) // width), rest)
            if progress:
                progress(min(start + BULK_CHUNK, total), total)
        # Ids only grow (AUTOINCREMENT) and this transaction holds SQLite's write lock: the
        # events added below are exactly those with a larger id.
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM retain_event")
        before = int(cursor.fetchone()[0])
        cursor.execute(
            f"INSERT INTO retain_event ({cols}) SELECT {cols} FROM {TEMP} WHERE true "
            "ORDER BY message_id ON CONFLICT (message_id) DO NOTHING"
        )
        created = int(cursor.rowcount)
        cursor.execute(_rollup_sql("SELECT * FROM retain_event WHERE id > %s"), [before])
        cursor.execute(f"DROP TABLE {TEMP}")
    return created


def _sqlite_stamps(stamps: pa.ChunkedArray) -> list[str]:
    """UTC times as Django writes them on SQLite: 2026-01-01 10:00:00[.ffffff]."""
    text = stamps.cast(pa.timestamp("us")).cast(pa.string())  # UTC, without the zone
    out: list[str] = pc.replace_substring(text, ".000000", "", max_replacements=1).to_pylist()
    return out


def _temp_insert(rows: int) -> str:
    slot = f"({', '.join(['%s'] * len(EVENT_COLUMNS))})"
    return f"INSERT INTO {TEMP} ({', '.join(EVENT_COLUMNS)}) VALUES " + ", ".join([slot] * rows)


def _write_pg(events: pa.Table, progress: Progress) -> int:
    cols = ", ".join(EVENT_COLUMNS)
    total = events.num_rows
    with connection.cursor() as cursor:
        cursor.execute(_temp_table(True))
        with cursor.cursor.copy(f"COPY {TEMP} ({cols}) FROM STDIN (FORMAT csv)") as copy:
            for start in range(0, total, BULK_CHUNK):
                buffer = io.BytesIO()
                options = pacsv.WriteOptions(include_header=False)
                pacsv.write_csv(events.slice(start, BULK_CHUNK), buffer, options)
                copy.write(buffer.getbuffer())
                if progress:
                    progress(min(start + BULK_CHUNK, total), total)
        added = (
            f"INSERT INTO retain_event ({cols}) SELECT {cols} FROM {TEMP} ORDER BY message_id "
            "ON CONFLICT (message_id) DO NOTHING RETURNING type, account_id, contact_id, name, "
            '"timestamp"'
        )
        rollup = _rollup_sql("SELECT * FROM added")
        cursor.execute(f"WITH added AS ({added}), rolled AS ({rollup}) SELECT COUNT(*) FROM added")
        created = int(cursor.fetchone()[0])
        cursor.execute(f"DROP TABLE {TEMP}")
    return created


def _temp_table(pg: bool) -> str:
    """A temporary table with the event columns, typed for the bulk copy."""
    stamp, js = ("timestamptz", "jsonb") if pg else ("text", "text")
    types = [
        stamp
        if f.column in TIME_COLUMNS
        else js
        if f.column in JSON_COLUMNS
        else "bigint"
        if isinstance(f, models.ForeignKey)
        else "text"
        for f in _FIELDS
    ]
    columns = ", ".join(f"{c} {t}" for c, t in zip(EVENT_COLUMNS, types, strict=True))
    return f"CREATE TEMP TABLE {TEMP} ({columns})"
