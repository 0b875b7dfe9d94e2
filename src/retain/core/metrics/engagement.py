"""Engagement and adoption metrics (no industry standard: Retain's own, see docs/metrics.md).

Usage comes from the daily rollup (account, contact, event, day -> count); any event counts as
activity. Portfolio figures are computed over all accounts in the segment.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from retain.core import mrr
from retain.core.metrics._common import bridge, every_period, in_periods, ratio, series
from retain.core.metrics.registry import Context, metric

TWO_WAY = ("call", "meeting", "qbr")


def usagein_periods(ctx: Context) -> ir.Table:
    """Rollup rows tagged with the period that contains their day."""
    return ctx.shared("usage_p", lambda: in_periods(ctx, ctx.tables["usage_daily"], "day"))


def trailing(ctx: Context, days: int, shift: int = 0) -> ir.Table:
    """Per period: the `days`-day window ending `shift` days before its last day."""
    return ibis.memtable(
        {
            "period": [p.label for p in ctx.periods],
            "w_from": [p.last_day - dt.timedelta(days=days + shift - 1) for p in ctx.periods],
            "w_to": [p.last_day - dt.timedelta(days=shift) for p in ctx.periods],
        },
        schema={"period": "string", "w_from": "date", "w_to": "date"},
    )


def in_window(t: ir.Table, day: str, w: ir.Table) -> ir.Table:
    """Rows of `t` joined to each window of `w` that contains `t[day]`."""
    return t.join(w, (t[day] >= w.w_from) & (t[day] <= w.w_to))


def active_users(ctx: Context) -> ir.Table:
    """Per period: distinct active users and mean distinct daily users."""
    u = usagein_periods(ctx)
    mau = u.group_by("period").aggregate(mau=u.contact_id.nunique())
    daily = u.group_by(["period", "day"]).aggregate(dau=u.contact_id.nunique())
    pt = mrr.periods_table(ctx.periods)
    days = pt.select("period", ndays=pt.last_day.delta(pt.start, unit="day") + 1)
    dsum = daily.group_by("period").aggregate(dau_sum=daily.dau.sum())
    j = mau.join(dsum, "period").join(days, "period")
    return every_period(ctx, j.select("period", "mau", dau=j.dau_sum / j.ndays))


@metric("active_users", title="Active users", family="engagement", unit="count")
def active_users_metric(ctx: Context) -> ir.Table:
    """Distinct users with at least one event in the period (MAU for monthly periods)."""
    a = active_users(ctx)
    return series(a, a.mau)


@metric("daily_active_users", title="Daily active users", family="engagement", unit="count")
def dau(ctx: Context) -> ir.Table:
    """Mean over the period's days of the distinct users active that day (days without
    activity count as 0)."""
    a = active_users(ctx)
    return series(a, a.dau)


@metric("stickiness", title="Stickiness (DAU/MAU)", family="engagement", unit="ratio")
def stickiness(ctx: Context) -> ir.Table:
    """Mean daily active users / active users of the period."""
    a = active_users(ctx)
    return series(a, ratio(a.dau, a.mau))


def _account_features(ctx: Context) -> ir.Table:
    """Per account: key features available to its plan (all key features when unrestricted)."""
    f = ctx.tables["features"].filter(lambda f: f.is_key_feature)
    acc = ctx.tables["accounts"].select("account_id", "plan")
    j = acc.cross_join(f)
    plans = ibis.literal(",") + j.plans.fill_null("").replace(" ", "") + ","
    ok = (j.plans.fill_null("") == "") | plans.contains("," + j.plan.fill_null("") + ",")
    return j.filter(ok).select("account_id", "event_name")


@metric("depth_of_usage", title="Depth of usage", family="engagement", unit="ratio")
def depth_of_usage(ctx: Context) -> ir.Table:
    """Mean over accounts active in the last 30 days of the period of: distinct key features
    used in those 30 days / key features available to the account's plan."""
    avail = _account_features(ctx)
    n_avail = avail.group_by("account_id").aggregate(n=avail.count())
    u = in_window(ctx.tables["usage_daily"], "day", trailing(ctx, 30))
    active = u.select("period", "account_id").distinct()
    used = u.join(avail, (u.account_id == avail.account_id) & (u.event_name == avail.event_name))
    n_used = used.group_by([used.period, used.account_id]).aggregate(k=used.event_name.nunique())
    per = active.join(n_avail, "account_id").left_join(n_used, ["period", "account_id"])
    per = per.select(per.period, share=per.k.fill_null(0).cast("float64") / per.n)
    return series(
        every_period(ctx, per.group_by("period").aggregate(v=per.share.mean()), fill=None), ibis._.v
    )


@metric("seat_utilisation", title="Seat utilisation", family="engagement", unit="ratio")
def seat_utilisation(ctx: Context) -> ir.Table:
    """Active users in the last 30 days of the period / licensed seats, over accounts with
    licensed seats (sum over sum)."""
    acc = ctx.tables["accounts"].filter(lambda a: a.licensed_seats > 0)
    u = in_window(ctx.tables["usage_daily"], "day", trailing(ctx, 30))
    users = u.group_by([u.period, u.account_id]).aggregate(users=u.contact_id.nunique())
    pt = mrr.periods_table(ctx.periods).select("period")
    seats = pt.cross_join(acc.select("account_id", "licensed_seats"))
    j = seats.left_join(users, ["period", "account_id"])
    active = j.filter(j.users.notnull())  # accounts with no use in the window are not paying users
    sums = active.group_by(active.period).aggregate(
        users=active.users.sum(), seats=active.licensed_seats.sum()
    )
    s = every_period(ctx, sums, fill=None)
    return series(s, ratio(s.users, s.seats))


@metric("usage_trend", title="Usage trend", family="engagement", unit="ratio")
def usage_trend(ctx: Context) -> ir.Table:
    """Events in the last 30 days of the period / events in the 30 days before - 1."""
    ud = ctx.tables["usage_daily"]
    now = in_window(ud, "day", trailing(ctx, 30))
    before = in_window(ud, "day", trailing(ctx, 30, shift=30))
    a = now.group_by(now.period).aggregate(now=now["count"].sum())
    b = before.group_by(before.period).aggregate(prev=before["count"].sum())
    s = every_period(ctx, a.join(b, "period").select("period", "now", "prev"), fill=None)
    return series(s, ratio(s.now, s.prev) - 1)


@metric("product_adoption_rate", title="Product adoption rate", family="engagement", unit="ratio")
def product_adoption_rate(ctx: Context) -> ir.Table:
    """New users who were active in their sign-up period / new sign-ups in the period."""
    c = ctx.tables["contacts"]
    c = c.select("contact_id", day=c.created_at.date())
    new = in_periods(ctx, c.filter(c.day.notnull()), "day").select("period", "contact_id")
    act = usagein_periods(ctx).select("period", "contact_id").distinct()
    j = new.left_join(act, ["period", "contact_id"])
    j = j.mutate(hit=j.contact_id_right.notnull())
    sums = j.group_by(j.period).aggregate(new=j.count(), active=j.hit.sum())
    s = every_period(ctx, sums, fill=None)
    return series(s, ratio(s.active, s.new))


def feature_adoption(ctx: Context) -> ir.Table:
    """Per period and feature: users of the feature / active users."""
    u = usagein_periods(ctx)
    per = u.group_by(["period", "event_name"]).aggregate(users=u.contact_id.nunique())
    a = active_users(ctx)
    j = per.join(a, "period")
    return j.select("period", "event_name", adoption=ratio(j.users, j.mau))


@metric("key_feature_adoption", title="Key feature adoption", family="engagement", unit="ratio")
def key_feature_adoption(ctx: Context) -> ir.Table:
    """Mean over key features of (users of the feature in the period / active users)."""
    fa = feature_adoption(ctx)
    keys = ctx.tables["features"].filter(lambda f: f.is_key_feature).select("event_name")
    j = fa.join(keys, "event_name")
    s = every_period(ctx, j.group_by(j.period).aggregate(v=j.adoption.mean()), fill=None)
    return series(s, s.v)


def _key_action_firsts(ctx: Context) -> ir.Table:
    """Per user: the first day they did the key action."""
    ud = ctx.tables["usage_daily"]
    keys = ctx.tables["features"].filter(lambda f: f.is_key_action).select("event_name")
    k = ud.join(keys, "event_name")
    return k.group_by("contact_id").aggregate(first=k.day.min())


@metric("key_action_activation", title="Key-action activation", family="engagement", unit="ratio")
def key_action_activation(ctx: Context) -> ir.Table:
    """Users who have done the key action at least once by the period's end / users who had
    been active by then."""
    firsts = _key_action_firsts(ctx)
    ud = ctx.tables["usage_daily"]
    seen = ud.group_by("contact_id").aggregate(first=ud.day.min())
    pt = mrr.periods_table(ctx.periods)
    done = (
        firsts.join(pt, firsts.first <= pt.last_day).group_by("period").aggregate(k=ibis._.count())
    )
    users = seen.join(pt, seen.first <= pt.last_day).group_by("period").aggregate(n=ibis._.count())
    s = every_period(ctx, users.left_join(done, "period").select("period", "n", "k"), fill=None)
    return series(s, ratio(s.k.fill_null(0), s.n))


@metric(
    "key_action_first_time",
    title="Key action done for the first time",
    family="engagement",
    unit="ratio",
)
def key_action_first_time(ctx: Context) -> ir.Table:
    """Users doing the key action for the first time in the period / active users (seed 004)."""
    firsts = in_periods(ctx, _key_action_firsts(ctx), "first")
    n = firsts.group_by("period").aggregate(k=firsts.count())
    a = active_users(ctx)
    j = a.left_join(n, "period")
    return series(j, ratio(j.k.fill_null(0), j.mau))


def _milestone_days(ctx: Context, flag: str) -> ir.Table:
    """Per account reaching the flagged milestone: days from contract start, in its period."""
    ms = ctx.tables["milestones"].filter(lambda m: m[flag] & m.completed_at.notnull())
    acc = ctx.tables["accounts"].filter(lambda a: a.contract_start.notnull())
    j = ms.join(acc, "account_id")
    j = j.select(
        day=j.completed_at.date(), days=j.completed_at.date().delta(j.contract_start, unit="day")
    )
    return in_periods(ctx, j, "day")


def _median_days(ctx: Context, flag: str) -> ir.Table:
    d = _milestone_days(ctx, flag)
    s = every_period(ctx, d.group_by("period").aggregate(v=d.days.median()), fill=None)
    return series(s, s.v)


@metric("time_to_first_value", title="Time to first value", family="engagement", unit="days")
def time_to_first_value(ctx: Context) -> ir.Table:
    """Median days from contract start to the first-value milestone, over accounts that reached
    it in the period."""
    return _median_days(ctx, "is_first_value")


@metric("time_to_initial_launch", title="Time to initial launch", family="engagement", unit="days")
def time_to_initial_launch(ctx: Context) -> ir.Table:
    """Median days from contract start to the go-live milestone, over accounts that went live
    in the period."""
    return _median_days(ctx, "is_go_live")


def _touchpoints(ctx: Context) -> ir.Table:
    t = ctx.tables["touchpoints"]
    return in_periods(ctx, t.mutate(day=t.occurred_at.date()), "day")


@metric("engagement_rate", title="Customer engagement rate", family="engagement", unit="per_month")
def engagement_rate(ctx: Context) -> ir.Table:
    """Two-way touchpoints (calls, meetings, QBRs, replied emails, customer-started messages,
    survey answers) per paying account per month of the period (seed 001)."""
    s = _two_way(ctx)
    pt = mrr.periods_table(ctx.periods)
    months = pt.select("period", months=(pt.last_day.delta(pt.start, unit="day") + 1) / 30.4375)
    j = s.join(months, "period")
    return series(j, ratio(j.touches, j.accounts * j.months))


@metric("engaged_accounts_share", title="Engaged accounts", family="engagement", unit="ratio")
def engaged_accounts_share(ctx: Context) -> ir.Table:
    """Share of paying accounts with at least one two-way touchpoint in the period."""
    s = _two_way(ctx)
    return series(s, ratio(s.engaged, s.accounts))


def _two_way(ctx: Context) -> ir.Table:
    """Per period: two-way touches, engaged accounts, and paying accounts at the period end."""
    t = _touchpoints(ctx)
    two = t.filter(t.kind.isin(TWO_WAY) | t.replied_at.notnull() | (t.direction == "inbound"))
    two = two.select("period", "account_id")
    r = ctx.tables["survey_responses"]
    answers = in_periods(ctx, r.select("account_id", day=r.answered_at.date()), "day")
    touches = two.union(answers.select("period", "account_id"), distinct=False)
    sums = touches.group_by("period").aggregate(
        touches=touches.count(), engaged=touches.account_id.nunique()
    )
    b = bridge(ctx).select("period", accounts="end_customers")
    return every_period(ctx, b.left_join(sums, "period").drop("period_right"), fill=None)


@metric("response_time_hours", title="Responsiveness", family="engagement", unit="hours")
def response_time_hours(ctx: Context) -> ir.Table:
    """Median hours from our outbound message (sent in the period) to the customer's reply."""
    t = _touchpoints(ctx)
    out = t.filter((t.direction == "outbound") & t.replied_at.notnull())
    hours = out.replied_at.delta(out.occurred_at, unit="millisecond") / 3_600_000
    s = every_period(ctx, out.group_by("period").aggregate(v=hours.median()), fill=None)
    return series(s, s.v)


@metric("unanswered_outreach", title="Unanswered outreach", family="engagement", unit="ratio")
def unanswered_outreach(ctx: Context) -> ir.Table:
    """Share of our outbound emails sent in the period that the customer never answered."""
    t = _touchpoints(ctx)
    out = t.filter((t.direction == "outbound") & (t.kind == "email"))
    sums = out.group_by("period").aggregate(n=out.count(), none=out.replied_at.isnull().sum())
    s = every_period(ctx, sums, fill=None)
    return series(s, ratio(s.none, s.n))


def _tickets(ctx: Context) -> ir.Table:
    t = ctx.tables["tickets"]
    return in_periods(ctx, t.mutate(day=t.opened_at.date()), "day")


@metric("tickets_per_100_users", title="Support load", family="engagement", unit="ratio")
def tickets_per_100_users(ctx: Context) -> ir.Table:
    """Tickets opened in the period per 100 active users."""
    t = _tickets(ctx)
    n = t.group_by("period").aggregate(n=t.count())
    a = active_users(ctx)
    j = a.left_join(n, "period")
    return series(j, ratio(j.n.fill_null(0) * 100, j.mau))


@metric("open_critical_tickets", title="Open critical tickets", family="engagement", unit="count")
def open_critical_tickets(ctx: Context) -> ir.Table:
    """Urgent tickets opened by the end of the period and not resolved by then."""
    t = ctx.tables["tickets"].filter(lambda t: t.priority == "urgent")
    pt = mrr.periods_table(ctx.periods)
    j = t.join(pt, t.opened_at.date() <= pt.last_day)
    j = j.filter(j.resolved_at.isnull() | (j.resolved_at.date() > j.last_day))
    s = every_period(ctx, j.group_by("period").aggregate(n=j.count()))
    return series(s, s.n)


@metric("time_to_resolution_hours", title="Time to resolution", family="engagement", unit="hours")
def time_to_resolution_hours(ctx: Context) -> ir.Table:
    """Median hours from opening to resolution of tickets resolved in the period."""
    t = ctx.tables["tickets"].filter(lambda t: t.resolved_at.notnull())
    t = in_periods(ctx, t.mutate(day=t.resolved_at.date()), "day")
    hours = t.resolved_at.delta(t.opened_at, unit="millisecond") / 3_600_000
    s = every_period(ctx, t.group_by("period").aggregate(v=hours.median()), fill=None)
    return series(s, s.v)


@metric("tone", title="Tone", family="engagement", unit="score")
def tone(ctx: Context) -> ir.Table:
    """Mean sentiment (-1..1) of the customer's messages in the 90 days ending with the period
    (touchpoints they started; sentiment is computed from the text)."""
    t = ctx.tables["touchpoints"].filter(
        lambda t: (t.direction == "inbound") & t.sentiment.notnull()
    )
    t = in_window(t.mutate(day=t.occurred_at.date()), "day", trailing(ctx, 90))
    s = every_period(ctx, t.group_by(t.period).aggregate(v=t.sentiment.mean()), fill=None)
    return series(s, s.v)
