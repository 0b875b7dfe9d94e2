"""What happened next: churn and expansion within a horizon after each snapshot date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from retain.core import mrr
from retain.core.tables import Tables

HORIZON_DAYS = 90


def snapshot_dates(first: dt.date, last: dt.date, every_days: int = 14) -> list[dt.date]:
    """Dates from `last` back to `first`, every `every_days` days (oldest first)."""
    if every_days <= 0:
        raise ValueError("every_days must be positive")
    out = []
    day = last
    while day >= first:
        out.append(day)
        day -= dt.timedelta(days=every_days)
    return sorted(out)


def outcomes(tables: Tables, dates: Sequence[dt.date], horizon: int = HORIZON_DAYS) -> ir.Table:
    """(account_id, at, churned, expanded) for accounts paying on each date: churned when not
    paying `horizon` days later, expanded when paying more then."""
    subs = tables["subscriptions"]
    settings = mrr.RevenueSettings()
    later = [d + dt.timedelta(days=horizon) for d in dates]
    now = mrr.mrr_at(subs, dates, settings).filter(lambda t: t.mrr > 0)
    pairs = ibis.memtable(
        {"at": list(dates), "later": later}, schema={"at": "date", "later": "date"}
    )
    now = now.join(pairs, "at").select("account_id", "at", "later", mrr_now="mrr").view()
    then = mrr.mrr_for(subs, now.select("account_id", at=now.later), settings)
    j = now.left_join(then, (now.account_id == then.account_id) & (now.later == then.at))
    after = j.mrr.fill_null(0.0)
    return j.select(
        now.account_id,
        now.at,
        churned=after == 0,
        expanded=after > j.mrr_now * 1.0001,
    )
