"""Cohort retention and survey results for the Cohorts and Surveys pages (cached)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from retain import analytics
from retain.app import portfolio as pf
from retain.app.models import Account, SurveyResponse
from retain.core import cohorts, segments

COHORT_MONTHS = 12


def cohort_tables(filters: Mapping[str, str], as_of: dt.date) -> dict[str, Any]:
    """Logo and revenue retention by monthly cohort (last 12 cohorts, ages 0-11) and the
    Kaplan-Meier survival at 3, 6, 12 and 24 months of tenure."""
    segment = {k: v for k, v in filters.items() if v}
    key = pf.cache_key("cohorts", as_of, segment)
    found = cache.get(key)
    if found is not None:
        return dict(found)
    first = (as_of.replace(day=1) - dt.timedelta(days=31 * (COHORT_MONTHS - 1))).replace(day=1)
    with analytics.open_engine(analytics.Query(as_of=as_of)) as engine:
        tables = segments.restrict(engine.tables, segment)
        frame = engine.execute(cohorts.cohort_matrix(tables["subscriptions"], first, as_of))
        life = engine.execute(cohorts.lifetimes(tables["subscriptions"], as_of))
    labels = sorted(frame["cohort"].unique())[-COHORT_MONTHS:]
    out: dict[str, Any] = {"cohorts": labels, "ages": [str(a) for a in range(COHORT_MONTHS)]}
    for kind in ("logo_retention", "revenue_retention"):
        cells = {(r.cohort, int(r.age)): float(r[kind]) for _, r in frame.iterrows()}
        out[kind] = [[cells.get((c, a)) for a in range(COHORT_MONTHS)] for c in labels]
    sizes = frame[frame["age"] == 0].set_index("cohort")["customers"].to_dict()
    out["sizes"] = [int(sizes.get(c, 0)) for c in labels]
    out["survival"] = _survival(life)
    cache.set(key, out, pf.CACHE_SECONDS)
    return out


def _survival(life: Any) -> list[tuple[str, float | None]]:
    if life.empty:
        return []
    curve = cohorts.kaplan_meier(life).set_index("days")["survival"]
    points = []
    for months in (3, 6, 12, 24):
        day = months * 30.44
        known = curve[curve.index <= day]
        points.append((f"{months} months", float(known.iloc[-1]) if len(known) else None))
    return points


def survey_trends(filters: Mapping[str, str], as_of: dt.date) -> dict[str, Any]:
    """NPS, CSAT, CES and response rate for the last 12 complete months (cached)."""
    segment = {k: v for k, v in filters.items() if v}
    key = pf.cache_key("surveys", as_of, segment)
    found = cache.get(key)
    if found is not None:
        return dict(found)
    names = ["nps", "csat", "ces", "ces_easy_share", "survey_response_rate"]
    values = analytics.compute(analytics.Query(as_of=as_of, segment=segment), names)
    labels = list(values["nps"])
    out = {"labels": labels, "values": {k: [v.get(p) for p in labels] for k, v in values.items()}}
    cache.set(key, out, pf.CACHE_SECONDS)
    return out


def verbatims(
    accounts: QuerySet[Account], kind: str = "", low: bool = False, limit: int = 50
) -> list[SurveyResponse]:
    """The latest answers with a comment; `low` keeps detractors and negative answers."""
    rows = SurveyResponse.objects.filter(account__in=accounts).exclude(comment="")
    if kind:
        rows = rows.filter(survey__kind=kind)
    rows = rows.select_related("survey", "account", "contact").order_by("-answered_at")
    if low:
        return [r for r in rows[: limit * 5] if not _positive(r)][:limit]
    return list(rows[:limit])


def _positive(r: SurveyResponse) -> bool:
    s = r.survey
    if s.kind == "nps":
        return r.score >= 9
    threshold = s.positive_threshold if s.positive_threshold is not None else s.scale_max
    return r.score <= threshold if s.direction == "lower_better" else r.score >= threshold
