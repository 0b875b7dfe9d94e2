"""Set-based SQL for the event store: insert events once, add to daily rollups.

Plain SQL with `ON CONFLICT` (SQLite 3.35+ and PostgreSQL alike) instead of ORM objects:
a batch of events is one INSERT that reports which message ids were new, so the rollups
count each event exactly once however often a batch is retried. Callers hold a transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

EVENT_COLUMNS = (
    "message_id",
    "type",
    "account_id",
    "contact_id",
    "user_id",
    "anonymous_id",
    "name",
    "timestamp",
    "received_at",
    "properties",
    "context",
)
ROWS_PER_STATEMENT = 500
RollupKey = tuple[int, int, str, dt.date]


@dataclass(frozen=True)
class EventRow:
    """One event ready for the store; `properties` and `context` are JSON text."""

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

    @property
    def rollup_key(self) -> RollupKey | None:
        """The daily rollup this event counts in, or None (not a track, or unattributed)."""
        if self.type != "track" or not self.name or not self.account_id or not self.contact_id:
            return None
        return (self.account_id, self.contact_id, self.name, utc_day(self.timestamp))


def utc_day(stamp: dt.datetime) -> dt.date:
    """The UTC calendar day of an aware time: the rollup's day."""
    return stamp.astimezone(dt.UTC).date()


def dumps(value: Any) -> str:
    """JSON text as stored in a JSON column."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def insert_events(rows: Sequence[EventRow]) -> set[str]:
    """Insert events whose message id is new; returns the message ids actually inserted."""
    fresh: set[str] = set()
    unique = list({r.message_id: r for r in reversed(rows)}.values())
    unique.sort(key=lambda r: r.message_id)  # one lock order for concurrent writers
    adapt = connection.ops.adapt_datetimefield_value
    json_slot = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    slot = "(" + ", ".join(["%s"] * 9 + [json_slot] * 2) + ")"
    head = f"INSERT INTO retain_event ({', '.join(EVENT_COLUMNS)}) VALUES "
    tail = " ON CONFLICT (message_id) DO NOTHING RETURNING message_id"
    with connection.cursor() as cursor:
        for start in range(0, len(unique), ROWS_PER_STATEMENT):
            chunk = unique[start : start + ROWS_PER_STATEMENT]
            params: list[Any] = []
            for r in chunk:
                params += (r.message_id, r.type, r.account_id, r.contact_id, r.user_id)
                params += (r.anonymous_id, r.name, adapt(r.timestamp), adapt(r.received_at))
                params += (r.properties, r.context)
            cursor.execute(head + ", ".join([slot] * len(chunk)) + tail, params)
            fresh.update(row[0] for row in cursor.fetchall())
    return fresh


def add_rollups(counts: Counter[RollupKey]) -> None:
    """Add counts to the daily rollups (account, contact, event, day), creating rows."""
    if not counts:
        return
    adapt = connection.ops.adapt_datefield_value
    items = sorted(counts.items())
    head = "INSERT INTO retain_usage_daily (account_id, contact_id, event_name, day, count) VALUES "
    tail = (
        " ON CONFLICT (account_id, contact_id, event_name, day)"
        " DO UPDATE SET count = retain_usage_daily.count + excluded.count"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(items), ROWS_PER_STATEMENT):
            chunk = items[start : start + ROWS_PER_STATEMENT]
            params: list[Any] = []
            for (account, contact, name, day), n in chunk:
                params += (account, contact, name, adapt(day), n)
            cursor.execute(head + ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk)) + tail, params)


def rollup_counts(rows: Iterable[EventRow], fresh: set[str]) -> Counter[RollupKey]:
    """How many new, attributed track events each rollup gains."""
    counts: Counter[RollupKey] = Counter()
    seen: set[str] = set()
    for r in rows:
        key = r.rollup_key
        if key is not None and r.message_id in fresh and r.message_id not in seen:
            counts[key] += 1
            seen.add(r.message_id)
    return counts


def contacts_by_user(user_ids: Iterable[str]) -> dict[str, tuple[int, int | None]]:
    """Contact id and account id by external id (the events' userId)."""
    wanted = sorted(set(user_ids) - {""})
    out: dict[str, tuple[int, int | None]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), ROWS_PER_STATEMENT):
            chunk = wanted[start : start + ROWS_PER_STATEMENT]
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
        for start in range(0, len(message_ids), ROWS_PER_STATEMENT):
            chunk = list(message_ids[start : start + ROWS_PER_STATEMENT])
            cursor.execute(
                "SELECT message_id FROM retain_event WHERE message_id IN ("
                + ", ".join(["%s"] * len(chunk))
                + ")",
                chunk,
            )
            out.update(row[0] for row in cursor.fetchall())
    return out
