"""The demo's workspace around the data: an event source with a few rejected messages waiting
in quarantine, and saved views on the accounts list."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from retain.demo.rows import Rows


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def source(rows: Rows, seed: int, end: dt.date) -> None:
    """The product's Segment-style source and three messages it sent that were rejected."""
    raw = "wk_demo_" + hashlib.sha256(f"demo-source-{seed}".encode()).hexdigest()[:32]
    source_id = rows.add(
        "retain_source",
        "Product (web app)",
        raw[:12],
        hashlib.sha256(raw.encode()).hexdigest(),
        _at(end - dt.timedelta(days=400), 9),
        False,
    )
    rejected = [
        (
            {
                "type": "track",
                "userId": "user-1-1",
                "event": "report_exported",
                "timestamp": "yesterday",
            },
            [{"loc": ["batch", 0, "timestamp"], "msg": "not an ISO 8601 date-time: 'yesterday'"}],
        ),
        (
            {"type": "track", "event": "dashboard_viewed", "timestamp": f"{end}T10:00:00Z"},
            [{"loc": ["batch", 1], "msg": "a message needs a userId or an anonymousId"}],
        ),
        (
            {
                "type": "track",
                "userId": "user-2-1",
                "event": "alert_configured",
                "properties": "on",
            },
            [{"loc": ["batch", 2, "properties"], "msg": "properties must be a JSON object"}],
        ),
    ]
    for index, (payload, reasons) in enumerate(rejected):
        rows.add(
            "retain_quarantined_message",
            source_id,
            _at(end, 11),
            "batch",
            index,
            f"{end}T11:00:00Z",
            json.dumps(payload),
            json.dumps(reasons),
            "pending",
            None,
        )


def saved_views(rows: Rows, users: dict[str, int], end: dt.date) -> None:
    """A CS manager's shared views and a CSM's own."""
    made = _at(end - dt.timedelta(days=30), 9)
    views = [
        ("maria", "Renewals at risk (90 days)", "signal=at_risk&renewal_days=90", True),
        ("maria", "Enterprise by MRR", "segment=Enterprise&sort=-mrr", True),
        ("maya", "My red accounts", "owner=maya&band=red", False),
    ]
    for username, name, query, shared in views:
        rows.add("retain_saved_view", users[username], "accounts", name, query, shared, made)
