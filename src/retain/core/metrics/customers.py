"""Customer metrics: logo churn and retention, renewal rates, cohort retention, survival."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from retain.core import mrr
from retain.core.metrics._common import bridge, every_period, movements, ratio, series
from retain.core.metrics.registry import Context, metric

RENEWAL_YEARS = 30  # anniversaries looked at per annual item


def churn_counts(ctx: Context) -> ir.Table:
    """Per period: customers churned and customers paying at the start, after the
    same-period new-and-churned setting (exclude by default: they are in neither count)."""
    b = bridge(ctx)
    counts = b.select("period", churned=b.churned_customers, base=b.start_customers)
    if ctx.settings.same_period_new_churned == "exclude":
        return counts
    flash = _new_and_churned(ctx)
    joined = counts.left_join(flash, "period").drop("period_right")
    extra = joined.flash.fill_null(0)
    return joined.select("period", churned=joined.churned + extra, base=joined.base + extra)


def _new_and_churned(ctx: Context) -> ir.Table:
    """Per period: customers who started paying and stopped inside it (0 at both ends)."""
    items = mrr.recurring_items(ctx.tables["subscriptions"], ctx.settings.revenue)
    paying = items.filter(items.amount * items.quantity > 0)
    pt = mrr.periods_table(ctx.periods)
    inside = paying.join(
        pt, (paying.start_date >= pt.start) & (paying.start_date <= pt.last_day)
    ).select("period", "account_id")
    mv = movements(ctx)
    seen = mv.filter((mv.start_mrr > 0) | (mv.end_mrr > 0)).select("period", "account_id")
    flash = inside.distinct().anti_join(seen, ["period", "account_id"])
    return flash.group_by("period").aggregate(flash=flash.count())


@metric(
    "logo_churn_rate",
    title="Customer (logo) churn rate",
    family="customers",
    unit="ratio",
    settings=("same_period_new_churned", "churn_at", "zero_plan_is_churn"),
    inputs="churn",
)
def logo_churn_rate(ctx: Context) -> ir.Table:
    """Customers who churned in the period / paying customers at its start (seeds 001-003:
    16,000 at the start and 800 lost is 5%). A customer who started and churned inside the
    period is excluded from both by default."""
    c = churn_counts(ctx)
    return series(c, ratio(c.churned, c.base))


@metric(
    "retention_rate",
    title="Customer retention rate",
    family="customers",
    unit="ratio",
    inputs="churn",
)
def retention_rate(ctx: Context) -> ir.Table:
    """1 - customer (logo) churn rate for the same period."""
    c = churn_counts(ctx)
    return series(c, 1 - ratio(c.churned, c.base))


@metric(
    "paying_customers",
    title="Paying customers",
    family="customers",
    unit="count",
    inputs="end_mrr",
)
def paying_customers(ctx: Context) -> ir.Table:
    """Customers with MRR > 0 at the end of the period."""
    b = bridge(ctx)
    return series(b, b.end_customers)


@metric("new_customers", title="New customers", family="customers", unit="count", inputs="new")
def new_customers(ctx: Context) -> ir.Table:
    """Customers paying for the first time in the period."""
    b = bridge(ctx)
    return series(b, b.new_customers)


@metric(
    "churned_customers",
    title="Churned customers",
    family="customers",
    unit="count",
    inputs="churn",
)
def churned_customers(ctx: Context) -> ir.Table:
    """Customers paying at the period's start whose MRR fell to 0 by its end."""
    b = bridge(ctx)
    return series(b, b.churned_customers)


def renewals(ctx: Context) -> ir.Table:
    """Per period and customer up for renewal: MRR the day before the first anniversary of an
    annual item that falls in the period (`pre`), and MRR on the anniversary (`post`)."""
    items = mrr.recurring_items(ctx.tables["subscriptions"], ctx.settings.revenue)
    annual = items.filter((items.interval == "year") & (items.amount * items.quantity > 0))
    years = ibis.memtable({"k": list(range(1, RENEWAL_YEARS + 1))}, schema={"k": "int64"})
    ann = annual.cross_join(years)
    ann = ann.select(
        "account_id", "last_day", day=(ann.start_date + ann.k.as_interval("Y")).cast("date")
    ).view()  # a projection of a join must be a view before it joins again (ibis 12)
    pt = mrr.periods_table(ctx.periods)
    due = ann.join(pt, (ann.day >= pt.start) & (ann.day <= pt.last_day))
    due = due.filter(due.last_day.isnull() | (due.last_day >= due.day - ibis.interval(days=1)))
    due = due.group_by(["period", "account_id"]).aggregate(day=due.day.min())
    subs = ctx.tables["subscriptions"]
    settings = ctx.settings.revenue
    pre = mrr.mrr_for(subs, due.select("account_id", at=due.day - ibis.interval(days=1)), settings)
    post = mrr.mrr_for(subs, due.select("account_id", at=due.day), settings)
    with_pre = (
        due.join(
            pre, (due.account_id == pre.account_id) & (pre.at == due.day - ibis.interval(days=1))
        )
        .select(due.period, due.account_id, due.day, pre=pre.mrr)
        .view()
    )
    joined = with_pre.join(
        post, (with_pre.account_id == post.account_id) & (post.at == with_pre.day)
    )
    return joined.select(joined.period, joined.account_id, joined.pre, post=joined.mrr)


def _renewal_sums(ctx: Context) -> ir.Table:
    r = renewals(ctx)
    sums = r.group_by("period").aggregate(
        due=r.count(),
        renewed=(r.post > 0).sum(),
        pre=r.pre.sum(),
        kept=ibis.least(r.post, r.pre).sum(),
    )
    return every_period(ctx, sums, fill=None)


@metric("renewal_rate", title="Renewal rate (logo)", family="customers", unit="ratio")
def renewal_rate(ctx: Context) -> ir.Table:
    """Customers who renewed / customers up for renewal in the period (an annual term ending
    in it); renewed means still paying on the first day of the new term."""
    s = _renewal_sums(ctx)
    return series(s, ratio(s.renewed, s.due))


@metric("dollar_renewal_rate", title="Renewal rate (dollar)", family="customers", unit="ratio")
def dollar_renewal_rate(ctx: Context) -> ir.Table:
    """Renewed MRR / MRR up for renewal, on pre-renewal value: each customer's post-renewal MRR
    is capped at its pre-renewal MRR, so downgrades reduce the rate and upsells do not count."""
    s = _renewal_sums(ctx)
    return series(s, ratio(s.kept, s.pre))
