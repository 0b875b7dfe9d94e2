"""Per-account measures as of any date, using only data known then (point in time).

For each as-of date D and each account paying on D, every measure looks at rows dated on or
before D only: usage in the 30 days ending D, touchpoints and tickets in the 90 days ending D,
replies and resolutions counted only if they happened by D, the latest survey answer by D.
Adding data dated after D never changes the measures as of D (a test holds this).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import ibis
import ibis.expr.types as ir

from retain.core import mrr
from retain.core.tables import Tables

USAGE_DAYS = 30
CONVERSATION_DAYS = 90
SURVEY_DAYS = 365
QUIET_CAP_DAYS = 180

MEASURES: dict[str, str] = {
    "mrr": "MRR on the as-of date",
    "mrr_trend_90d": "MRR now / MRR 90 days before - 1",
    "tenure_days": "days since the account first paid",
    "seats": "units of active recurring items (licensed seats)",
    "days_to_renewal": "days to the next anniversary of an annual item (empty for monthly)",
    "events_30d": "product events in the last 30 days",
    "usage_trend_30d": "events in the last 30 days / the 30 days before - 1",
    "active_users_30d": "distinct active users in the last 30 days",
    "active_users_trend_30d": "active users in the last 30 days / the 30 days before - 1",
    "seat_utilisation": "active users in the last 30 days / seats",
    "active_days_30d": "days with any activity in the last 30 days",
    "key_features_30d": "distinct key features used in the last 30 days",
    "depth_of_usage": "key features used in the last 30 days / key features of the plan",
    "key_action_users_30d": "users who did the key action in the last 30 days / active users",
    "days_since_active": "days since the last activity (capped at 180)",
    "two_way_touches_90d": "calls, meetings, QBRs, replied emails, inbound messages, 90 days",
    "unanswered_outreach_90d": "share of our emails in the last 90 days not answered by then",
    "response_hours_90d": "median hours to the customer's reply, last 90 days",
    "days_since_two_way": "days since the last two-way touchpoint (capped at 180)",
    "tone_90d": "mean sentiment of the customer's messages in the last 90 days (-1..1)",
    "tickets_90d": "tickets opened in the last 90 days",
    "tickets_per_user_90d": "tickets in the last 90 days per active user",
    "open_critical_tickets": "urgent tickets open on the as-of date",
    "resolution_hours_90d": "median hours to resolve tickets resolved in the last 90 days",
    "ticket_satisfaction_90d": "mean ticket satisfaction (1-5), last 90 days",
    "nps_latest": "the latest NPS answer (0-10) in the last 365 days",
    "nps_promoter_share": "share of NPS answers that are 9-10, last 365 days",
    "csat_positive_share": "share of positive CSAT answers, last 365 days",
    "onboarding_done_share": "milestones completed by the as-of date / milestones due by then",
    "onboarding_overdue": "milestones due and not completed by the as-of date",
    "days_in_stage": "days since the account entered its lifecycle stage (by the as-of date)",
}

# Columns beside the measures that label a row rather than measure it.
LABELS: dict[str, str] = {
    "stage": "lifecycle stage on the as-of date (the latest stage change by then; the "
    "account's current stage when it has no stage history)",
}


def base(tables: Tables, dates: Sequence[dt.date]) -> ir.Table:
    """(account_id, at, mrr, seats) for every account paying on each date."""
    settings = mrr.RevenueSettings()
    points = mrr.mrr_at(tables["subscriptions"], dates, settings)
    items = mrr.recurring_items(tables["subscriptions"], settings)
    at = mrr.dates_table(dates)
    active = items.cross_join(at).filter(
        (items.start_date <= at.at) & (items.last_day.isnull() | (items.last_day >= at.at))
    )
    seats = active.group_by(["account_id", "at"]).aggregate(seats=active.quantity.sum())
    paying = points.filter(points.mrr > 0).select("account_id", "at", "mrr")
    return paying.left_join(seats, ["account_id", "at"]).select(
        paying.account_id, paying.at, paying.mrr, seats=seats.seats
    )


def window(t: ir.Table, when: ir.Value, keys: ir.Table, days: int, shift: int = 0) -> ir.Table:
    """Rows of `t` whose `when` lies in the `days` days ending `shift` days before each key's
    `at` (inclusive), matched on account_id."""
    lo = keys.at - ibis.interval(days=days + shift - 1)
    hi = keys.at - ibis.interval(days=shift)
    cond = (t.account_id == keys.account_id) & (when >= lo) & (when <= hi)
    return keys.join(t, cond)


def _ratio(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse(den != 0, num.cast("float64") / den, ibis.null("float64"))


def commercial(tables: Tables, keys: ir.Table) -> ir.Table:
    """MRR trend, tenure and days to renewal."""
    subs = tables["subscriptions"]
    settings = mrr.RevenueSettings()
    then = keys.select("account_id", "at", back=keys.at - ibis.interval(days=90))
    past = mrr.mrr_for(subs, then.select("account_id", at=then.back), settings)
    trend = then.left_join(past, (then.account_id == past.account_id) & (then.back == past.at))
    trend = trend.select(then.account_id, then.at, mrr_90=past.mrr)
    first = mrr.first_paid(subs, settings)
    items = mrr.recurring_items(subs, settings)
    annual = items.filter(items.interval == "year")
    j = keys.join(annual, (keys.account_id == annual.account_id) & (annual.start_date <= keys.at))
    j = j.filter(j.last_day.isnull() | (j.last_day > j.at))
    years = (j.at.delta(j.start_date, unit="day") / 365.25).floor().cast("int64") + 1
    renew = j.select("account_id", "at", nxt=(j.start_date + years.as_interval("Y")).cast("date"))
    renew = renew.group_by(["account_id", "at"]).aggregate(nxt=renew.nxt.min())
    out = keys.left_join(trend, ["account_id", "at"]).drop("account_id_right", "at_right")
    out = out.left_join(first, "account_id").drop("account_id_right")
    out = out.left_join(renew, ["account_id", "at"]).drop("account_id_right", "at_right")
    return out.select(
        "account_id",
        "at",
        mrr_trend_90d=_ratio(out.mrr, out.mrr_90) - 1,
        tenure_days=out.at.delta(out.first_paid, unit="day"),
        days_to_renewal=out.nxt.delta(out.at, unit="day"),
    )


def usage(tables: Tables, keys: ir.Table) -> ir.Table:
    """Events, active users, seat use, depth and key action over the last 30 days."""
    ud = tables["usage_daily"]
    feats = tables["features"]
    now = window(ud, ud.day, keys, USAGE_DAYS)
    key_names = feats.filter(feats.is_key_feature).select(key_event="event_name")
    action_names = feats.filter(feats.is_key_action).select(action_event="event_name")
    now = now.left_join(key_names, now.event_name == key_names.key_event)
    now = now.left_join(action_names, now.event_name == action_names.action_event)
    cur = now.group_by([now.account_id, now.at]).aggregate(
        events_30d=now["count"].sum(),
        active_users_30d=now.contact_id.nunique(),
        active_days_30d=now.day.nunique(),
        key_features_30d=now.key_event.nunique(),
        key_action_users=ibis.ifelse(
            now.action_event.notnull(), now.contact_id, ibis.null()
        ).nunique(),
    )
    prev = window(ud, ud.day, keys, USAGE_DAYS, shift=USAGE_DAYS)
    before = prev.group_by([prev.account_id, prev.at]).aggregate(
        events_prev=prev["count"].sum(), users_prev=prev.contact_id.nunique()
    )
    quiet = window(ud, ud.day, keys, QUIET_CAP_DAYS)
    last = quiet.group_by([quiet.account_id, quiet.at]).aggregate(last_day=quiet.day.max())
    n_keys = _plan_key_features(tables)
    j = keys.left_join(cur, ["account_id", "at"]).drop("account_id_right", "at_right")
    j = j.left_join(before, ["account_id", "at"]).drop("account_id_right", "at_right")
    j = j.left_join(last, ["account_id", "at"]).drop("account_id_right", "at_right")
    j = j.left_join(n_keys, "account_id").drop("account_id_right")
    users = j.active_users_30d.fill_null(0)
    return j.select(
        "account_id",
        "at",
        events_30d=j.events_30d.fill_null(0),
        usage_trend_30d=_ratio(j.events_30d.fill_null(0), j.events_prev) - 1,
        active_users_30d=users,
        active_users_trend_30d=_ratio(users, j.users_prev) - 1,
        seat_utilisation=_ratio(users, j.seats),
        active_days_30d=j.active_days_30d.fill_null(0),
        key_features_30d=j.key_features_30d.fill_null(0),
        depth_of_usage=_ratio(j.key_features_30d.fill_null(0), j.n_keys),
        key_action_users_30d=_ratio(j.key_action_users.fill_null(0), users),
        days_since_active=ibis.least(
            j.at.delta(j.last_day, unit="day").fill_null(QUIET_CAP_DAYS), QUIET_CAP_DAYS
        ),
    )


def _plan_key_features(tables: Tables) -> ir.Table:
    """Per account: how many key features its plan includes."""
    feats = tables["features"].filter(lambda f: f.is_key_feature)
    acc = tables["accounts"].select("account_id", "plan")
    j = acc.cross_join(feats)
    plans = ibis.literal(",") + j.plans.fill_null("").replace(" ", "") + ","
    ok = (j.plans.fill_null("") == "") | plans.contains("," + j.plan.fill_null("") + ",")
    return j.filter(ok).group_by("account_id").aggregate(n_keys=ibis._.count())


def conversations(tables: Tables, keys: ir.Table) -> ir.Table:
    """Two-way touches, unanswered outreach, reply time and tone over the last 90 days."""
    tp = tables["touchpoints"]
    tp = tp.mutate(day=tp.occurred_at.date(), reply_day=tp.replied_at.date())
    w = window(tp, tp.day, keys, CONVERSATION_DAYS)
    replied = w.replied_at.notnull() & (w.reply_day <= w.at)  # a later reply is not known yet
    two_way = w.kind.isin(("call", "meeting", "qbr")) | replied | (w.direction == "inbound")
    ours = (w.direction == "outbound") & (w.kind == "email")
    hours = ibis.ifelse(
        ours & replied,
        w.replied_at.delta(w.occurred_at, unit="millisecond") / 3_600_000,
        ibis.null(),
    )
    tone = ibis.ifelse(w.direction == "inbound", w.sentiment, ibis.null())
    agg = w.group_by([w.account_id, w.at]).aggregate(
        two_way_touches_90d=two_way.sum(),
        outreach=ours.sum(),
        unanswered=(ours & ~replied).sum(),
        response_hours_90d=hours.median(),
        tone_90d=tone.mean(),
        last_two_way=ibis.ifelse(two_way, w.day, ibis.null()).max(),
    )
    j = keys.left_join(agg, ["account_id", "at"]).drop("account_id_right", "at_right")
    quiet = j.at.delta(j.last_two_way, unit="day").fill_null(QUIET_CAP_DAYS)
    return j.select(
        "account_id",
        "at",
        two_way_touches_90d=j.two_way_touches_90d.fill_null(0),
        unanswered_outreach_90d=_ratio(j.unanswered, j.outreach),
        response_hours_90d=j.response_hours_90d,
        days_since_two_way=ibis.least(quiet, QUIET_CAP_DAYS),
        tone_90d=j.tone_90d,
    )


def support(tables: Tables, keys: ir.Table) -> ir.Table:
    """Ticket load, open critical tickets, resolution time and satisfaction."""
    tk = tables["tickets"]
    tk = tk.mutate(day=tk.opened_at.date(), done=tk.resolved_at.date())
    w = window(tk, tk.day, keys, CONVERSATION_DAYS)
    resolved = w.resolved_at.notnull() & (w.done <= w.at)
    hours = w.resolved_at.delta(w.opened_at, unit="millisecond") / 3_600_000
    agg = w.group_by([w.account_id, w.at]).aggregate(
        tickets_90d=w.count(),
        resolution_hours_90d=ibis.ifelse(resolved, hours, ibis.null()).median(),
        ticket_satisfaction_90d=ibis.ifelse(resolved, w.satisfaction, ibis.null()).mean(),
    )
    urgent = tk.filter(tk.priority == "urgent")
    o = keys.join(urgent, (urgent.account_id == keys.account_id) & (urgent.day <= keys.at))
    o = o.filter(o.resolved_at.isnull() | (o.done > o.at))
    open_now = o.group_by([o.account_id, o.at]).aggregate(open_critical_tickets=o.count())
    j = keys.left_join(agg, ["account_id", "at"]).drop("account_id_right", "at_right")
    j = j.left_join(open_now, ["account_id", "at"]).drop("account_id_right", "at_right")
    return j.select(
        "account_id",
        "at",
        tickets_90d=j.tickets_90d.fill_null(0),
        resolution_hours_90d=j.resolution_hours_90d,
        ticket_satisfaction_90d=j.ticket_satisfaction_90d,
        open_critical_tickets=j.open_critical_tickets.fill_null(0),
    )


def surveys(tables: Tables, keys: ir.Table) -> ir.Table:
    """Latest NPS answer, promoter share and positive CSAT share over the last 365 days."""
    sv = tables["surveys"]
    rs = tables["survey_responses"]
    r = rs.join(sv, rs.survey_id == sv.survey_id)
    threshold = r.positive_threshold.fill_null(4)
    r = r.select(
        "account_id",
        "kind",
        "score",
        "answered_at",
        day=r.answered_at.date(),
        positive=ibis.ifelse(
            r.direction == "lower_better", r.score <= threshold, r.score >= threshold
        ),
    )
    w = window(r, r.day, keys, SURVEY_DAYS)
    is_nps = w.kind == "nps"
    agg = w.group_by([w.account_id, w.at]).aggregate(
        nps_answers=is_nps.sum(),
        promoters=(is_nps & (w.score >= 9)).sum(),
        csat_answers=(w.kind == "csat").sum(),
        csat_positive=((w.kind == "csat") & w.positive).sum(),
    )
    nps = w.filter(is_nps)
    ranked = nps.mutate(
        rank=ibis.row_number().over(
            group_by=[nps.account_id, nps.at], order_by=[ibis.desc(nps.answered_at)]
        )
    )
    latest = ranked.filter(ranked["rank"] == 0).select("account_id", "at", nps_latest="score")
    j = keys.left_join(agg, ["account_id", "at"]).drop("account_id_right", "at_right")
    j = j.left_join(latest, ["account_id", "at"]).drop("account_id_right", "at_right")
    return j.select(
        "account_id",
        "at",
        nps_latest=j.nps_latest,
        nps_promoter_share=_ratio(j.promoters, j.nps_answers),
        csat_positive_share=_ratio(j.csat_positive, j.csat_answers),
    )


def onboarding(tables: Tables, keys: ir.Table) -> ir.Table:
    """Milestones completed by the as-of date among those due by then."""
    ms = tables["milestones"].filter(lambda m: m.due_date.notnull())
    j = keys.join(ms, (ms.account_id == keys.account_id) & (ms.due_date <= keys.at))
    done = j.completed_at.notnull() & (j.completed_at.date() <= j.at)
    agg = j.group_by([j.account_id, j.at]).aggregate(due=j.count(), done=done.sum())
    out = keys.left_join(agg, ["account_id", "at"]).drop("account_id_right", "at_right")
    return out.select(
        "account_id",
        "at",
        onboarding_done_share=_ratio(out.done, out.due),
        onboarding_overdue=(out.due - out.done).fill_null(0),
    )


def lifecycle(tables: Tables, keys: ir.Table) -> ir.Table:
    """The lifecycle stage on each as-of date and the days spent in it so far."""
    ch = tables["stage_changes"]
    ch = ch.mutate(day=ch.changed_at.date())
    j = keys.join(ch, (ch.account_id == keys.account_id) & (ch.day <= keys.at))
    ranked = j.mutate(
        rank=ibis.row_number().over(
            group_by=[j.account_id, j.at], order_by=[ibis.desc(j.changed_at)]
        )
    )
    latest = ranked.filter(ranked["rank"] == 0).select("account_id", "at", "stage", since="day")
    now = tables["accounts"].select("account_id", current="stage")
    out = keys.left_join(latest, ["account_id", "at"]).drop("account_id_right", "at_right")
    out = out.left_join(now, "account_id").drop("account_id_right")
    return out.select(
        "account_id",
        "at",
        stage=out.stage.fill_null(out.current),
        days_in_stage=out.at.delta(out.since, unit="day"),
    )


GROUPS: tuple[Callable[[Tables, ir.Table], ir.Table], ...] = (
    lifecycle,
    commercial,
    usage,
    conversations,
    support,
    surveys,
    onboarding,
)


def measures(tables: Tables, dates: Sequence[dt.date]) -> ir.Table:
    """One row per account paying on each date, with every measure of MEASURES and LABELS."""
    keys = base(tables, dates).view()
    out = keys
    for group in GROUPS:
        part = group(tables, keys).view()
        out = out.left_join(part, ["account_id", "at"]).drop("account_id_right", "at_right")
    tickets_per_user = _ratio(out.tickets_90d, out.active_users_30d)
    return out.mutate(tickets_per_user_90d=tickets_per_user).order_by(["at", "account_id"])
