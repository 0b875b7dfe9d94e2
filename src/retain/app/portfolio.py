"""Portfolio figures for CS leaders: health by band, ARR at risk, renewals coming up, and the
KPI trends (MRR bridge, churn, NRR, GRR, NPS) computed by the metrics engine and cached."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet, Sum

from retain import analytics
from retain.app.health import queries as hq
from retain.app.models import Account, HealthSnapshot, SubscriptionItem, SurveyResponse

TREND_METRICS = (
    "mrr",
    "new_mrr",
    "expansion_mrr",
    "reactivation_mrr",
    "contraction_mrr",
    "churned_mrr",
    "logo_churn_rate",
    "nrr",
    "grr",
    "nps",
    "csat",
    "ces",
)
CACHE_SECONDS = 600
RENEWAL_DAYS = 90
AT_RISK = 0.3  # churn probability from which an account counts as at risk


def filtered(accounts: QuerySet[Account], filters: Mapping[str, str]) -> QuerySet[Account]:
    """Accounts of the chosen segment, owner (username) and stage (key)."""
    lookups = {"segment": "segment", "owner": "owner__username", "stage": "stage__key"}
    for key, lookup in lookups.items():
        if filters.get(key):
            accounts = accounts.filter(**{lookup: filters[key]})
    return accounts


def summary(accounts: QuerySet[Account], day: hq.Day) -> dict[str, Any]:
    """Band counts and ARR, ARR at risk (red band, and expected loss), score histogram."""
    bands = hq.band_summary(day, accounts)
    snaps = hq.snapshots_on(day, accounts)
    total = sum(b["arr"] for b in bands.values())
    risky = snaps.filter(risk_probability__gte=AT_RISK)
    at_risk_arr = float(risky.aggregate(m=Sum("mrr"))["m"] or 0) * 12
    hist = [0] * 10
    for score in snaps.values_list("score", flat=True):
        hist[min(int(score // 10), 9)] += 1
    return {
        "bands": bands,
        "accounts": int(sum(b["accounts"] for b in bands.values())),
        "arr": total,
        "red_arr": bands["red"]["arr"],
        "at_risk_arr": at_risk_arr,
        "at_risk_accounts": risky.count(),
        "expected_loss": hq.expected_arr_loss(day, accounts),
        "histogram": hist,
    }


def renewals(accounts: QuerySet[Account], day: hq.Day, today: dt.date) -> list[Any]:
    """Accounts renewing in the next 90 days, riskiest first."""
    soon = accounts.filter(
        renewal_date__gte=today, renewal_date__lte=today + dt.timedelta(days=RENEWAL_DAYS)
    )
    rows = hq.with_health(soon.select_related("owner"), day)
    return list(rows.order_by("-risk", "renewal_date")[:25])


def _fingerprint() -> str:
    """Changes whenever subscriptions, survey answers or snapshots change (cache key part)."""
    parts = [
        SubscriptionItem.objects.aggregate(n=Count("id"), m=Max("id")),
        SurveyResponse.objects.aggregate(n=Count("id"), m=Max("id")),
        HealthSnapshot.objects.aggregate(m=Max("id")),
    ]
    return hashlib.sha1(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def cache_key(kind: str, as_of: dt.date, segment: Mapping[str, str]) -> str:
    """A cache key for computed figures: changes with the filters, the date and the data."""
    raw = json.dumps([kind, str(as_of), sorted(segment.items()), _fingerprint()])
    return "retain:" + hashlib.sha1(raw.encode()).hexdigest()


def trends(filters: Mapping[str, str], as_of: dt.date, url: str | None = None) -> dict[str, Any]:
    """The last 12 complete months of TREND_METRICS for the filtered accounts (cached)."""
    segment = {k: v for k, v in filters.items() if v}
    key = cache_key("trends", as_of, segment)
    found = cache.get(key)
    if found is not None:
        return dict(found)
    query = analytics.Query(as_of=as_of, segment=segment, url=url)
    values = analytics.compute(query, list(TREND_METRICS))
    labels = list(values["mrr"])
    out = {"labels": labels, "values": {k: [v.get(p) for p in labels] for k, v in values.items()}}
    cache.set(key, out, CACHE_SECONDS)
    return out
