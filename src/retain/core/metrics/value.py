"""Value metrics: customer lifetime value (two forms), CAC and payback, CRC."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from retain.core import mrr
from retain.core.metrics._common import bridge, every_period, ratio, series
from retain.core.metrics.customers import churn_counts
from retain.core.metrics.registry import Context, metric
from retain.core.periods import add_months_first, period_of, periods_between

ACQUISITION = ("sales", "marketing")
RETENTION = ("support", "customer_success", "professional_services", "tooling", "initiative")


def trailing_monthly_churn(ctx: Context) -> ir.Table:
    """Per period: mean monthly logo churn over the N months ending with it (N: setting
    clv_churn_months, default 6)."""
    n = ctx.settings.clv_churn_months
    first = add_months_first(period_of(ctx.periods[0].start, "month").start, -(n - 1))
    months = periods_between(first, ctx.periods[-1].last_day, "month")
    monthly = Context(ctx.tables, months, ctx.as_of, ctx.settings)
    rates = churn_counts(monthly)
    rates = rates.select("period", rate=ratio(rates.churned, rates.base))
    pairs = [
        (p.label, m.label)
        for p in ctx.periods
        for m in months
        if add_months_first(period_of(p.last_day, "month").start, -n) < m.start <= p.last_day
    ]
    link = ibis.memtable(
        {"period": [a for a, _ in pairs], "month": [b for _, b in pairs]},
        schema={"period": "string", "month": "string"},
    )
    j = link.join(rates, link.month == rates.period)
    avg = j.group_by(j.period).aggregate(churn_rate=j.rate.mean())
    return every_period(ctx, avg, fill=None)


@metric(
    "clv",
    title="Customer lifetime value (subscription)",
    family="value",
    unit="currency",
    settings=("gross_margin", "clv_churn_months"),
)
def clv(ctx: Context) -> ir.Table:
    """ARPA x gross margin / monthly customer churn rate, churn averaged over the trailing 6
    months; not reported (not infinite) when that churn is 0."""
    b = bridge(ctx)
    c = trailing_monthly_churn(ctx)
    j = b.join(c, "period")
    arpa = ratio(j.end_mrr, j.end_customers)
    value = ibis.ifelse(
        j.churn_rate > 0, arpa * ctx.settings.gross_margin / j.churn_rate, ibis.null()
    )
    return series(j, value)


def _trailing_purchases(ctx: Context) -> ir.Table:
    """Per period: purchases, their total and distinct buyers in the 12 months ending with it."""
    buys = ctx.tables["purchases"]
    w = ibis.memtable(
        {
            "period": [p.label for p in ctx.periods],
            "from_day": [add_months_first(p.end, -12) for p in ctx.periods],
            "to_day": [p.last_day for p in ctx.periods],
        },
        schema={"period": "string", "from_day": "date", "to_day": "date"},
    )
    j = w.join(buys, (buys.purchased_at >= w.from_day) & (buys.purchased_at <= w.to_day))
    sums = j.group_by(j.period).aggregate(
        n=j.count(), total=j.amount.sum(), buyers=j.account_id.nunique()
    )
    return every_period(ctx, sums, fill=None)


@metric(
    "clv_purchase",
    title="Customer lifetime value (seed 001 form)",
    family="value",
    unit="currency",
    settings=("clv_churn_months",),
)
def clv_purchase(ctx: Context) -> ir.Table:
    """Average purchase value x purchase frequency x customer lifespan: purchases of the
    trailing 12 months (value per purchase, purchases per buyer per year), lifespan in years =
    1 / (12 x the trailing mean monthly churn). Not reported without purchases or churn."""
    t = _trailing_purchases(ctx)
    c = trailing_monthly_churn(ctx)
    j = t.join(c, "period")
    apv = ratio(j.total, j.n)
    freq = ratio(j.n, j.buyers)
    lifespan = ibis.ifelse(j.churn_rate > 0, 1 / (12 * j.churn_rate), ibis.null())
    return series(j, apv * freq * lifespan)


def spend(ctx: Context, categories: tuple[str, ...]) -> ir.Table:
    """Per period: spend of `categories`, each cost spread evenly over the days it covers."""
    costs = ctx.tables["costs"].filter(lambda c: c.category.isin(categories))
    pt = mrr.periods_table(ctx.periods)
    j = costs.join(pt, (costs.period_start <= pt.last_day) & (costs.period_end >= pt.start))
    days = j.period_end.delta(j.period_start, unit="day") + 1
    lo = ibis.greatest(j.period_start, j.start)
    hi = ibis.least(j.period_end, j.last_day)
    share = (hi.delta(lo, unit="day") + 1).cast("float64") / days
    sums = j.group_by(j.period).aggregate(spend=(j.amount * share).sum())
    return every_period(ctx, sums)


@metric("cac", title="Customer acquisition cost", family="value", unit="currency")
def cac(ctx: Context) -> ir.Table:
    """Sales + marketing spend in the period / new customers in the period."""
    b = bridge(ctx)
    j = b.join(spend(ctx, ACQUISITION), "period")
    return series(j, ratio(j.spend, j.new_customers))


@metric(
    "cac_payback_months",
    title="CAC payback",
    family="value",
    unit="months",
    settings=("gross_margin",),
)
def cac_payback(ctx: Context) -> ir.Table:
    """CAC / (new MRR per new customer x gross margin), in months."""
    b = bridge(ctx)
    j = b.join(spend(ctx, ACQUISITION), "period")
    cac_value = ratio(j.spend, j.new_customers)
    monthly = ratio(j.new, j.new_customers) * ctx.settings.gross_margin
    return series(j, ratio(cac_value, monthly))


@metric("crc", title="Customer retention cost", family="value", unit="currency")
def crc(ctx: Context) -> ir.Table:
    """Retention spend in the period (support, CS, professional services, CS tooling,
    initiatives) / paying customers at period end (seed 001)."""
    b = bridge(ctx)
    j = b.join(spend(ctx, RETENTION), "period")
    return series(j, ratio(j.spend, j.end_customers))
