"""An account's usage rows: the daily rollup for its whole history, raw events for recent days."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np

from retain.demo.behaviour import Person
from retain.demo.clock import at
from retain.demo.rows import Rows

EVENT_DAYS = 14  # raw events are kept for the most recent days only


def daily(rows: Rows, account_id: int, rollups: list[tuple[int, str, dt.date, int]]) -> None:
    """The daily (contact, event, day, count) rollup rows."""
    for contact_id, event, day, count in rollups:
        rows.add(
            "retain_usage_daily",
            account_id=account_id,
            contact_id=contact_id,
            event_name=event,
            day=day,
            count=count,
        )


def events(
    rows: Rows,
    account_id: int,
    people: list[Person],
    rollups: list[tuple[int, str, dt.date, int]],
    end: dt.date,
    rng: np.random.Generator,
) -> None:
    """Raw events for the most recent days, one per counted use, consistent with the rollup."""
    ext = {p.contact_id: p.external_id for p in people}
    recent = end - dt.timedelta(days=EVENT_DAYS - 1)
    properties = json.dumps({"source": "web"})
    context = json.dumps({"library": {"name": "demo"}})
    for contact_id, event, day, count in rollups:
        if day < recent:
            continue
        for k in range(count):
            stamp = at(day, float(rng.uniform(7, 20)))
            rows.add(
                "retain_event",
                message_id=f"demo-{account_id}-{contact_id}-{event}-{day.isoformat()}-{k}",
                type="track",
                account_id=account_id,
                contact_id=contact_id,
                user_id=ext[contact_id],
                anonymous_id="",
                name=event,
                timestamp=stamp,
                received_at=stamp + dt.timedelta(seconds=2),
                properties=properties,
                context=context,
            )
