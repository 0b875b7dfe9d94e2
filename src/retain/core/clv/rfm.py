"""Recency-frequency-monetary summaries of purchases, the input of BG/NBD and Gamma-Gamma.

Per customer, in weeks: `frequency` = repeat purchase days (purchases on distinct days, minus
the first), `recency` = weeks from the first to the last purchase, `T` = weeks from the first
purchase to the as-of date, `monetary` = mean value of the repeat purchases (0 when none).
Only purchases on or before the as-of date are used.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

DAYS_PER_WEEK = 7.0


def rfm_summary(purchases: ir.Table, as_of: dt.date) -> ir.Table:
    """Columns account_id, frequency, recency, T, monetary (weeks; see module docstring)."""
    known = purchases.filter(purchases.purchased_at <= as_of)
    days = known.group_by(["account_id", "purchased_at"]).aggregate(value=known.amount.sum())
    first = days.group_by("account_id").aggregate(
        first=days.purchased_at.min(), last=days.purchased_at.max(), n=days.count()
    )
    repeat = days.join(first, "account_id")
    repeat = repeat.filter(repeat.purchased_at > repeat.first)
    spend = repeat.group_by("account_id").aggregate(monetary=repeat.value.mean())
    j = first.left_join(spend, "account_id")
    weeks = DAYS_PER_WEEK
    return j.select(
        account_id=j.account_id,
        frequency=(j.n - 1).cast("float64"),
        recency=j.last.delta(j.first, unit="day").cast("float64") / weeks,
        T=ibis.literal(as_of).delta(j.first, unit="day").cast("float64") / weeks,
        monetary=j.monetary.fill_null(0.0),
    ).order_by("account_id")
