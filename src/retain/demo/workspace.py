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
        name="Product (web app)",
        key_prefix=raw[:12],
        key_hash=hashlib.sha256(raw.encode()).hexdigest(),
        created_at=_at(end - dt.timedelta(days=400), 9),
        revoked=False,
        allowed_calls="",
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
            source_id=source_id,
            received_at=_at(end, 11),
            call="batch",
            index=index,
            batch_sent_at=f"{end}T11:00:00Z",
            payload=json.dumps(payload),
            reasons=json.dumps(reasons),
            status="pending",
            replayed_at=None,
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
        rows.add(
            "retain_saved_view",
            user_id=users[username],
            page="accounts",
            name=name,
            query=query,
            shared=shared,
            created_at=made,
        )
