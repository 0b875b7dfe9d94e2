"""Cohort retention matrices and the Kaplan-Meier retention curve (METRICS.md, Customers).

A cohort is the month a customer first paid. Cell (cohort, age k) is the share of the cohort
still paying at the end of month cohort + k (logo), or the cohort's MRR then over its MRR at the
end of its first month (revenue; may exceed 100%).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pandas as pd
from lifelines import KaplanMeierFitter

from retain.core import mrr
from retain.core.periods import periods_between


def cohort_matrix(
    subs: ir.Table, first: dt.date, as_of: dt.date, settings: mrr.RevenueSettings | None = None
) -> ir.Table:
    """Rows (cohort, age, customers, retained, logo_retention, start_mrr, mrr, revenue_retention)
    for cohorts from the month of `first` to the month of `as_of`, measured up to `as_of`."""
    settings = settings or mrr.RevenueSettings()
    months = periods_between(first, as_of, "month")
    ends = [min(p.last_day, as_of) for p in months]
    points = mrr.mrr_at(subs, ends, settings).filter(lambda t: t.mrr > 0)
    label = ibis.memtable(
        {"at": ends, "month": [p.label for p in months], "idx": list(range(len(months)))},
        schema={"at": "date", "month": "string", "idx": "int64"},
    )
    pts = points.join(label, "at").select("account_id", "mrr", "month", "idx").view()
    first_seen = pts.group_by("account_id").aggregate(cohort_idx=pts.idx.min())
    tagged = pts.join(first_seen, "account_id")
    tagged = tagged.mutate(age=tagged.idx - tagged.cohort_idx).view()
    base = tagged.filter(tagged.age == 0)
    base = base.group_by("cohort_idx").aggregate(customers=base.count(), start_mrr=base.mrr.sum())
    cells = tagged.group_by(["cohort_idx", "age"]).aggregate(
        retained=tagged.count(), mrr=tagged.mrr.sum()
    )
    j = cells.join(base, "cohort_idx").join(label, label.idx == cells.cohort_idx)
    return j.select(
        cohort=j.month,
        age=j.age,
        customers=j.customers,
        retained=j.retained,
        logo_retention=j.retained.cast("float64") / j.customers,
        start_mrr=j.start_mrr,
        mrr=j.mrr,
        revenue_retention=j.mrr / j.start_mrr,
    ).order_by(["cohort", "age"])


def lifetimes(
    subs: ir.Table, as_of: dt.date, settings: mrr.RevenueSettings | None = None
) -> ir.Table:
    """Per customer who ever paid: days from first paid day to the last paid day (`observed`
    churn) or to `as_of` (still paying, right-censored)."""
    settings = settings or mrr.RevenueSettings()
    items = mrr.recurring_items(subs, settings)
    paying = items.filter((items.amount * items.quantity > 0) & (items.start_date <= as_of))
    open_end = paying.last_day.isnull() | (paying.last_day >= as_of)
    per = paying.group_by("account_id").aggregate(
        first=paying.start_date.min(),
        last=paying.last_day.max(),
        still=open_end.any(),
    )
    end = ibis.ifelse(per.still, ibis.literal(as_of), per.last)
    return per.select(
        "account_id",
        duration=end.delta(per.first, unit="day") + 1,
        observed=~per.still,
    )


def kaplan_meier(durations: pd.DataFrame) -> pd.DataFrame:
    """Kaplan-Meier survival over tenure (days) from `lifetimes` rows, with 95% bounds."""
    if durations.empty:
        raise ValueError("no paying customers: the retention curve needs at least one")
    km = KaplanMeierFitter().fit(durations["duration"], event_observed=durations["observed"])
    curve = km.survival_function_.join(km.confidence_interval_)
    curve.columns = ["survival", "lower", "upper"]
    return curve.rename_axis("days").reset_index()
