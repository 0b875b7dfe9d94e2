"""Experience metrics from surveys: NPS, CSAT, CES and response rate.

Every answer is judged against its own survey's scale and direction, so answers on different
scales are never averaged together: NPS uses 0-10 surveys only, CSAT and the CES share count
positive answers per survey, and the CES mean uses CES 2.0 (1-7, higher is easier) only.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from retain.core.metrics._common import every_period, in_periods, ratio, series
from retain.core.metrics.registry import Context, metric

DEFAULT_THRESHOLD = {"csat": 4, "ces": 5}


def answers(ctx: Context, kind: str) -> ir.Table:
    """Responses to surveys of `kind`, with the period they fall in and whether positive."""
    surveys = ctx.tables["surveys"].filter(lambda s: s.kind == kind)
    resp = ctx.tables["survey_responses"]
    j = resp.join(surveys, resp.survey_id == surveys.survey_id)
    threshold = j.positive_threshold.fill_null(DEFAULT_THRESHOLD.get(kind, 0))
    positive = ibis.ifelse(
        j.direction == "lower_better", j.score <= threshold, j.score >= threshold
    )
    j = j.select(
        "score", "scale_min", "scale_max", "direction", day=j.answered_at.date(), positive=positive
    )
    return in_periods(ctx, j, "day")


@metric("nps", title="Net Promoter Score", family="experience", unit="score")
def nps(ctx: Context) -> ir.Table:
    """% promoters (9-10) - % detractors (0-6) among 0-10 NPS answers in the period, a whole
    number from -100 to +100 (Bain)."""
    a = answers(ctx, "nps")
    a = a.filter((a.scale_min == 0) & (a.scale_max == 10))
    sums = a.group_by("period").aggregate(
        n=a.count(), promoters=(a.score >= 9).sum(), detractors=(a.score <= 6).sum()
    )
    s = every_period(ctx, sums, fill=None)
    raw = ratio((s.promoters - s.detractors) * 100, s.n)  # x100 first: -2300/40 is exactly -57.5
    # halves round away from zero on every engine (engines' own round() disagree on .5)
    return series(s, raw.sign() * (raw.abs() + 0.5).floor())


@metric(
    "csat",
    title="Customer satisfaction (CSAT)",
    family="experience",
    unit="score",
    settings=("scale", "positive_threshold"),
)
def csat(ctx: Context) -> ir.Table:
    """Share of positive CSAT answers x 100; by default a 1-5 scale with 4-5 positive (top-2
    box); each survey may set its own scale and threshold (seed 001's 6-10 of 10)."""
    return _positive_share(ctx, "csat")


@metric("ces", title="Customer effort score (mean)", family="experience", unit="score")
def ces(ctx: Context) -> ir.Table:
    """Mean answer to CES 2.0 surveys (1-7 agreement with "made it easy"; higher is easier)."""
    a = answers(ctx, "ces")
    a = a.filter((a.scale_min == 1) & (a.scale_max == 7) & (a.direction == "higher_better"))
    s = every_period(ctx, a.group_by("period").aggregate(mean=a.score.mean()), fill=None)
    return series(s, s.mean)


@metric("ces_easy_share", title="CES: share finding it easy", family="experience", unit="score")
def ces_easy_share(ctx: Context) -> ir.Table:
    """% of CES answers that are positive: 5-7 on CES 2.0; on CES 1.0 (1-5 effort, low is
    good) at or below the survey's threshold."""
    return _positive_share(ctx, "ces")


def _positive_share(ctx: Context, kind: str) -> ir.Table:
    a = answers(ctx, kind)
    sums = a.group_by("period").aggregate(n=a.count(), pos=a.positive.sum())
    s = every_period(ctx, sums, fill=None)
    return series(s, ratio(s.pos, s.n) * 100)


@metric("survey_response_rate", title="Survey response rate", family="experience", unit="ratio")
def survey_response_rate(ctx: Context) -> ir.Table:
    """Surveys sent in the period that were answered / surveys sent in the period."""
    inv = ctx.tables["survey_invitations"]
    inv = inv.select("invitation_id", day=inv.sent_at.date())
    resp = ctx.tables["survey_responses"]
    answered = resp.filter(resp.invitation_id.notnull()).select("invitation_id").distinct()
    tagged = in_periods(ctx, inv, "day")
    flagged = tagged.left_join(answered, "invitation_id")
    flagged = flagged.mutate(hit=flagged.invitation_id_right.notnull())
    sums = flagged.group_by("period").aggregate(sent=flagged.count(), answered=flagged.hit.sum())
    s = every_period(ctx, sums, fill=None)
    return series(s, ratio(s.answered, s.sent))
