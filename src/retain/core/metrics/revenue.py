"""Revenue metrics: MRR, ARR, MRR movements, churn and retention of revenue, ARPA, growth."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from retain.core import mrr
from retain.core.metrics._common import bridge, every_period, ratio, series
from retain.core.metrics.registry import Context, metric
from retain.core.periods import add_months_first


@metric(
    "mrr",
    title="MRR",
    family="revenue",
    unit="currency",
    settings=("subtract_discounts",),
    inputs="end_mrr",
)
def mrr_end(ctx: Context) -> ir.Table:
    """Monthly recurring revenue at the end of the period: monthly-normalised amounts of active
    and past-due paid recurring items, after recurring discounts; trials, one-time and metered
    charges excluded (annual /12, quarterly /3, weekly x52/12, daily x365/12)."""
    b = bridge(ctx)
    return series(b, b.end_mrr)


@metric("arr", title="ARR", family="revenue", unit="currency", inputs="end_mrr")
def arr(ctx: Context) -> ir.Table:
    """Annual recurring revenue: MRR at the end of the period x 12."""
    b = bridge(ctx)
    return series(b, b.end_mrr * 12)


def _movement(name: str, title: str, column: str, text: str) -> None:
    def fn(ctx: Context) -> ir.Table:
        b = bridge(ctx)
        return series(b, b[column])

    fn.__doc__ = text
    metric(
        name, title=title, family="revenue", unit="currency", settings=_MOVE_SETTINGS, inputs=column
    )(fn)


_MOVE_SETTINGS = ("churn_at", "zero_plan_is_churn", "reactivation_window_days")
_movement(
    "new_mrr",
    "New MRR",
    "new",
    "MRR at period end of customers paying for the first time in the period.",
)
_movement(
    "expansion_mrr",
    "Expansion MRR",
    "expansion",
    "Sum of MRR increases of customers paying at both ends of the period (more seats, a "
    "higher plan, a second subscription, an expiring discount).",
)
_movement(
    "contraction_mrr",
    "Contraction MRR",
    "contraction",
    "Sum of MRR decreases of customers still paying at period end; cancelling one of several "
    "subscriptions is contraction, not churn.",
)
_movement(
    "churned_mrr",
    "Churned MRR",
    "churn",
    "MRR at period start of customers whose MRR fell to 0 across all subscriptions (a move to a "
    "$0 plan counts as churn by default); churn is recognised at the end of the paid period.",
)
_movement(
    "reactivation_mrr",
    "Reactivation MRR",
    "reactivation",
    "MRR at period end of customers paying again after paying before (any gap by default).",
)


@metric("net_new_mrr", title="Net new MRR", family="revenue", unit="currency")
def net_new_mrr(ctx: Context) -> ir.Table:
    """new + expansion + reactivation - contraction - churn = end MRR - start MRR."""
    b = bridge(ctx)
    return series(b, b.new + b.expansion + b.reactivation - b.contraction - b.churn)


@metric("net_mrr_churn", title="Net MRR churn", family="revenue", unit="ratio")
def net_mrr_churn(ctx: Context) -> ir.Table:
    """(churn + contraction - expansion - reactivation) / MRR at period start (seed 002);
    negative when expansion outgrows losses ("net negative churn")."""
    b = bridge(ctx)
    return series(b, ratio(b.churn + b.contraction - b.expansion - b.reactivation, b.start_mrr))


@metric("gross_mrr_churn", title="Gross MRR churn", family="revenue", unit="ratio")
def gross_mrr_churn(ctx: Context) -> ir.Table:
    """(churn + contraction) / MRR at period start; never negative."""
    b = bridge(ctx)
    return series(b, ratio(b.churn + b.contraction, b.start_mrr))


@metric("arpa", title="ARPA", family="revenue", unit="currency", inputs="end_mrr")
def arpa(ctx: Context) -> ir.Table:
    """Average revenue per account: MRR at period end / customers paying at period end."""
    b = bridge(ctx)
    return series(b, ratio(b.end_mrr, b.end_customers))


@metric(
    "quick_ratio",
    title="SaaS quick ratio",
    family="revenue",
    unit="ratio",
    settings=("quick_ratio_includes_reactivation",),
)
def quick_ratio(ctx: Context) -> ir.Table:
    """(new + expansion + reactivation) / (churn + contraction); reactivation is included by
    default."""
    b = bridge(ctx)
    gained = b.new + b.expansion
    if ctx.settings.quick_ratio_includes_reactivation:
        gained = gained + b.reactivation
    return series(b, ratio(gained, b.churn + b.contraction))


@metric("revenue_growth", title="Revenue growth", family="revenue", unit="ratio")
def revenue_growth(ctx: Context) -> ir.Table:
    """End MRR / start MRR - 1 for the period."""
    b = bridge(ctx)
    return series(b, ratio(b.end_mrr, b.start_mrr) - 1)


def _window_start(end: dt.date, start: dt.date, months: int | None) -> dt.date:
    """The snapshot day before a window: the period's own start, or `months` before its end."""
    first = start if months is None else add_months_first(end, -months)
    return first - dt.timedelta(days=1)


def window_retention(ctx: Context, months: int | None) -> ir.Table:
    """Per period: start MRR of customers paying at the window's start, their end MRR, and the
    same capped at the start (for GRR). `months=None`: the window is the period itself."""
    subs = ctx.tables["subscriptions"]
    pairs = [(p.label, _window_start(p.end, p.start, months), p.last_day) for p in ctx.periods]
    points = mrr.mrr_at(subs, [d for _, a, b in pairs for d in (a, b)], ctx.settings.revenue)
    w = ibis.memtable(
        {
            "period": [p for p, _, _ in pairs],
            "a": [a for _, a, _ in pairs],
            "b": [b for _, _, b in pairs],
        },
        schema={"period": "string", "a": "date", "b": "date"},
    )
    start = w.join(points, w.a == points.at).select("period", "b", "account_id", s="mrr")
    start = start.filter(start.s > 0)
    end_points = points.view()
    joined = start.left_join(
        end_points, (start.account_id == end_points.account_id) & (start.b == end_points.at)
    )
    e = joined.mrr.fill_null(0.0)
    sums = joined.group_by("period").aggregate(
        start=joined.s.sum(), end=e.sum(), capped=ibis.least(e, joined.s).sum()
    )
    return every_period(ctx, sums, fill=None)


def _retention(name: str, title: str, months: int | None, capped: bool, text: str) -> None:
    def fn(ctx: Context) -> ir.Table:
        w = window_retention(ctx, months)
        return series(w, ratio(w.capped if capped else w.end, w.start))

    fn.__doc__ = text
    metric(name, title=title, family="revenue", unit="ratio", settings=("window",))(fn)


_NRR = (
    "MRR at the end of the window from customers who were paying at its start / their MRR at "
    "the start; new and reactivated customers excluded."
)
_GRR = "As NRR, but each customer's end MRR is capped at its start MRR, so GRR <= 100%."
_retention("nrr", "NRR", None, False, _NRR + " Window: the period.")
_retention("grr", "GRR", None, True, _GRR + " Window: the period.")
_retention("nrr_t12m", "NRR (trailing 12 months)", 12, False, _NRR + " Window: 12 months.")
_retention("grr_t12m", "GRR (trailing 12 months)", 12, True, _GRR + " Window: 12 months.")
