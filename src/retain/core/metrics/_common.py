"""Helpers shared by the metric families: safe ratios and period-indexed series."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from retain.core import mrr
from retain.core.metrics.registry import Context


def ratio(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    """num / den, or null when den is 0 (a rate over nobody is not reported)."""
    return ibis.ifelse(den != 0, num.cast("float64") / den, ibis.null("float64"))


def movements(ctx: Context) -> ir.Table:
    """The per-customer MRR movements of the context's periods, built once."""
    subs = ctx.tables["subscriptions"]
    return ctx.shared("movements", lambda: mrr.movements(subs, ctx.periods, ctx.settings.revenue))


def bridge(ctx: Context) -> ir.Table:
    """Per period: start and end MRR, each movement, paying customers at start and end."""

    def build() -> ir.Table:
        mv = movements(ctx)
        sums = mv.group_by("period").aggregate(
            start_mrr=mv.start_mrr.sum(),
            end_mrr=mv.end_mrr.sum(),
            new=mv.new.sum(),
            expansion=mv.expansion.sum(),
            contraction=mv.contraction.sum(),
            churn=mv.churn.sum(),
            reactivation=mv.reactivation.sum(),
            start_customers=(mv.start_mrr > 0).sum(),
            end_customers=(mv.end_mrr > 0).sum(),
            churned_customers=((mv.start_mrr > 0) & (mv.churn > 0)).sum(),
            new_customers=(mv.new > 0).sum(),
            reactivated_customers=(mv.reactivation > 0).sum(),
        )
        return every_period(ctx, sums)

    return ctx.shared("bridge", build)


def every_period(ctx: Context, table: ir.Table, fill: float | None = 0.0) -> ir.Table:
    """`table` (keyed by `period`) with a row for every period of the context, gaps filled."""
    pt = mrr.periods_table(ctx.periods).select("period")
    joined = pt.left_join(table, "period").drop("period_right")
    if fill is None:
        return joined
    cols = [c for c in joined.columns if c != "period"]
    return joined.mutate(**{c: joined[c].fill_null(fill) for c in cols})


def series(table: ir.Table, value: ir.Value) -> ir.Table:
    """The (period, value) shape every series metric returns, ordered by period."""
    return table.select("period", value=value.cast("float64")).order_by("period")


def in_periods(ctx: Context, t: ir.Table, day_col: str) -> ir.Table:
    """Rows of `t` tagged with the context period that contains `t[day_col]`.

    `t` is first made a relation of its own (`view`): a table that is still an open join (e.g.
    a selection from a segment-restricted table, which is a semi-join) would otherwise take
    the periods into that join, and the condition would refer to the wrong relation.
    """
    pt = mrr.periods_table(ctx.periods)
    t = t.view()
    j = t.join(pt, (t[day_col] >= pt.start) & (t[day_col] <= pt.last_day))
    return j.drop("before", "start", "last_day")
