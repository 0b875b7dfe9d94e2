"""MRR at a date and the per-customer MRR movements of each period (METRICS.md, Revenue).

MRR of an item = amount x quantity x (1 - discount, while the discount runs) x the interval's
monthly factor, for recurring, non-trial items active that day (start_date <= day <= the last
paid day). A customer's movement in a period compares its MRR at the end of the previous period
(its last day) with its MRR on the period's last day: a subscription starting on March 1 is new
in March; one paid through March 31 churns in April, the first month it is not paid for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from retain.core.periods import Period

MONTHLY_FACTOR: dict[str, float] = {
    "day": 365 / 12,
    "week": 52 / 12,
    "month": 1.0,
    "quarter": 1 / 3,
    "year": 1 / 12,
}
MOVEMENTS = ("new", "expansion", "contraction", "churn", "reactivation")


@dataclass(frozen=True)
class RevenueSettings:
    """The MRR conventions of METRICS.md; the defaults are Retain's."""

    subtract_discounts: bool = True
    churn_at: str = "period_end"  # or "cancellation"
    zero_plan_is_churn: bool = True
    reactivation_window_days: int | None = None  # None: a return after any gap is reactivation

    def __post_init__(self) -> None:
        if self.churn_at not in ("period_end", "cancellation"):
            raise ValueError("churn_at must be 'period_end' or 'cancellation'")
        if self.reactivation_window_days is not None and self.reactivation_window_days < 0:
            raise ValueError("reactivation_window_days must be positive or None")


def recurring_items(subs: ir.Table, settings: RevenueSettings) -> ir.Table:
    """Items that count towards MRR, with their effective last paid day `last_day`."""
    items = subs.filter((subs.charge_type == "recurring") & (subs.status != "trial"))
    last_day = items.end_date
    if settings.churn_at == "cancellation":
        cancel_end = items.cancelled_at - ibis.interval(days=1)
        last_day = ibis.ifelse(
            items.cancelled_at.notnull(),
            ibis.least(items.end_date.fill_null(cancel_end), cancel_end),
            items.end_date,
        )
    return items.mutate(last_day=last_day, factor=_factor(items.interval))


def _factor(interval: ir.StringColumn) -> ir.FloatingColumn:
    cases = [(interval == k, ibis.literal(v)) for k, v in MONTHLY_FACTOR.items()]
    return ibis.cases(*cases, else_=ibis.null("float64")).cast("float64")


def dates_table(dates: Sequence[dt.date]) -> ir.Table:
    """A one-column table `at` of the given dates."""
    return ibis.memtable({"at": sorted(set(dates))}, schema={"at": "date"})


def mrr_at(subs: ir.Table, dates: Sequence[dt.date], settings: RevenueSettings) -> ir.Table:
    """Per customer and date: `mrr` and `items` (active recurring items, incl. $0 ones)."""
    items = recurring_items(subs, settings)
    at = dates_table(dates)
    active = items.cross_join(at).filter(_active(items, at.at))
    return active.group_by(["account_id", "at"]).aggregate(
        mrr=_value(active, settings).sum().round(6), items=active.count()
    )


def mrr_for(subs: ir.Table, points: ir.Table, settings: RevenueSettings) -> ir.Table:
    """MRR of given (account_id, at) pairs; pairs with no paying item get 0."""
    items = recurring_items(subs, settings).view()
    pts = points.select("account_id", "at").distinct()
    hit = pts.join(items, (pts.account_id == items.account_id) & _active(items, pts.at))
    sums = hit.group_by(["account_id", "at"]).aggregate(mrr=_value(hit, settings).sum().round(6))
    return pts.left_join(sums, ["account_id", "at"]).select(
        pts.account_id, pts.at, mrr=sums.mrr.fill_null(0.0)
    )


def _active(items: ir.Table, at: ir.DateValue) -> ir.BooleanValue:
    """An item is active on a day from its start to its last paid day, both included."""
    return (items.start_date <= at) & (items.last_day.isnull() | (items.last_day >= at))


def _value(t: ir.Table, settings: RevenueSettings) -> ir.FloatingValue:
    """Monthly value of active item rows (which carry the day `at`)."""
    discount: ir.FloatingValue = ibis.literal(0.0)
    if settings.subtract_discounts:
        running = t.discount_end.isnull() | (t.discount_end >= t.at)
        discount = ibis.ifelse(running, t.discount_percent.fill_null(0) / 100, 0.0)
    return t.amount * t.quantity * (1 - discount) * t.factor


def first_paid(subs: ir.Table, settings: RevenueSettings) -> ir.Table:
    """Per customer: the first day a paying recurring item started (`first_paid`)."""
    items = recurring_items(subs, settings)
    paying = items.filter(items.amount * items.quantity > 0)
    return paying.group_by("account_id").aggregate(first_paid=paying.start_date.min())


def periods_table(periods: Sequence[Period]) -> ir.Table:
    """Periods: `period` (label), `before` (the day before it), `start`, `last_day`."""
    return ibis.memtable(
        {
            "period": [p.label for p in periods],
            "before": [p.start - dt.timedelta(days=1) for p in periods],
            "start": [p.start for p in periods],
            "last_day": [p.last_day for p in periods],
        },
        schema={"period": "string", "before": "date", "start": "date", "last_day": "date"},
    )


def movements(
    subs: ir.Table, periods: Sequence[Period], settings: RevenueSettings | None = None
) -> ir.Table:
    """Per period and customer: start and end MRR and the one movement that links them."""
    settings = settings or RevenueSettings()
    dates = [p.start - dt.timedelta(days=1) for p in periods] + [p.last_day for p in periods]
    points = mrr_at(subs, dates, settings)
    pt = periods_table(periods)
    zero = ibis.literal(0.0)
    start = pt.join(points, pt.before == points.at).select(
        "period",
        "start",
        "account_id",
        start_mrr="mrr",
        end_mrr=zero,
        end_items=ibis.literal(0, "int64"),
    )
    end = pt.join(points, pt.last_day == points.at).select(
        "period", "start", "account_id", start_mrr=zero, end_mrr="mrr", end_items="items"
    )
    stacked = start.union(end)
    both = stacked.group_by(["period", "start", "account_id"]).aggregate(
        start_mrr=stacked.start_mrr.sum(),
        end_mrr=stacked.end_mrr.sum(),
        end_items=stacked.end_items.sum(),
    )
    both = both.left_join(first_paid(subs, settings).view(), "account_id").drop("account_id_right")
    if settings.reactivation_window_days is not None:
        last = _last_paid_before(subs, pt, settings).view()
        both = both.left_join(last, ["period", "account_id"])
        both = both.drop("period_right", "account_id_right")
    return _classify(both, settings)


def _last_paid_before(subs: ir.Table, pt: ir.Table, settings: RevenueSettings) -> ir.Table:
    """Per period and customer: the last paid day of items that ended before the period."""
    items = recurring_items(subs, settings)
    ended = items.filter(items.last_day.notnull() & (items.amount * items.quantity > 0))
    pairs = ended.join(pt, ended.last_day < pt.start)
    return pairs.group_by(["period", "account_id"]).aggregate(last_paid=pairs.last_day.max())


def _classify(t: ir.Table, settings: RevenueSettings) -> ir.Table:
    s, e = t.start_mrr, t.end_mrr
    returning = _is_return(t, settings)
    kept_on_zero = (e == 0) & (t.end_items > 0) & (not settings.zero_plan_is_churn)
    churned = (s > 0) & (e == 0) & ~kept_on_zero
    zero = ibis.literal(0.0)
    return t.select(
        "period",
        "account_id",
        "start_mrr",
        "end_mrr",
        new=ibis.ifelse((s == 0) & (e > 0) & ~returning, e, zero),
        reactivation=ibis.ifelse((s == 0) & (e > 0) & returning, e, zero),
        expansion=ibis.ifelse((s > 0) & (e > s), e - s, zero),
        contraction=ibis.ifelse((s > 0) & (e < s) & ~churned, s - e, zero),
        churn=ibis.ifelse(churned, s, zero),
    )


def _is_return(t: ir.Table, settings: RevenueSettings) -> ir.BooleanColumn:
    """True where a customer who starts paying in the period had paid before it started."""
    paid_before = t.first_paid.notnull() & (t.first_paid < t.start)
    window = settings.reactivation_window_days
    if window is None:
        return paid_before
    # A return after a longer gap than the window counts as new business.
    gap = t.start.delta(t.last_paid, unit="day")
    return paid_before & t.last_paid.notnull() & (gap <= window)
