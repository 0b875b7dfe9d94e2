"""Reading stored health snapshots for pages and the API: the latest day, accounts with their
latest score, band, risk, signals and score change, filtered to what a user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, FilteredRelation, Max, OuterRef, Q, QuerySet, Subquery, Sum

from retain.app.models import Account, HealthSnapshot, ScorecardConfig, Touchpoint

CHANGE_DAYS = 7  # "score change" compares with the snapshot this many days earlier


@dataclass(frozen=True)
class Day:
    """The snapshot day pages show, and the config that produced it."""

    date: dt.date | None
    config_id: int | None

    @property
    def week_before(self) -> dt.date | None:
        return self.date - dt.timedelta(days=CHANGE_DAYS) if self.date else None


def latest_day() -> Day:
    """The newest snapshot day of the active scorecard config (None when never scored)."""
    config = ScorecardConfig.objects.filter(is_active=True).order_by("-version").first()
    if config is None:
        return Day(None, None)
    date = HealthSnapshot.objects.filter(config=config).aggregate(d=Max("date"))["d"]
    return Day(date, config.pk)


def with_health(accounts: QuerySet[Account], day: Day) -> QuerySet[Any]:
    """Accounts annotated with the day's score, band, risk, MRR, signals and 7-day change."""
    now = Q(health_snapshots__date=day.date, health_snapshots__config_id=day.config_id)
    before = Q(health_snapshots__date=day.week_before, health_snapshots__config_id=day.config_id)
    last_touch = Touchpoint.objects.filter(account=OuterRef("pk")).order_by("-occurred_at")
    return accounts.annotate(
        snap=FilteredRelation("health_snapshots", condition=now),
        prev=FilteredRelation("health_snapshots", condition=before),
    ).annotate(
        score=F("snap__score"),
        band=F("snap__band"),
        risk=F("snap__risk_probability"),
        mrr=F("snap__mrr"),
        expansion=F("snap__expansion_candidate"),
        advocate=F("snap__advocate"),
        override_id=F("snap__override_id"),
        change=F("snap__score") - F("prev__score"),
        last_touch=Subquery(last_touch.values("occurred_at")[:1]),
    )


def snapshots_on(day: Day, accounts: QuerySet[Account]) -> QuerySet[HealthSnapshot]:
    """The day's snapshots of these accounts, with account, owner and stage loaded."""
    if day.date is None:
        return HealthSnapshot.objects.none()
    return HealthSnapshot.objects.filter(
        date=day.date, config_id=day.config_id, account__in=accounts
    ).select_related("account", "account__owner", "account__stage", "override")


def band_summary(day: Day, accounts: QuerySet[Account]) -> dict[str, dict[str, float]]:
    """Per band: accounts and ARR (MRR x 12) on the day; bands without accounts show zero."""
    rows = (
        snapshots_on(day, accounts)
        .values("band")
        .annotate(n=Count("id"), mrr=Sum("mrr"))
        .order_by()
    )
    out = {b: {"accounts": 0.0, "arr": 0.0} for b in ("green", "yellow", "red")}
    for r in rows:
        out[r["band"]] = {"accounts": float(r["n"]), "arr": float(r["mrr"] or 0) * 12}
    return out


def expected_arr_loss(day: Day, accounts: QuerySet[Account]) -> float:
    """Sum over accounts of ARR x churn probability within 90 days."""
    snaps = snapshots_on(day, accounts).exclude(risk_probability=None)
    loss = snaps.aggregate(x=Sum(F("mrr") * F("risk_probability")))["x"]
    return float(loss or 0) * 12


def score_history(account: Account, days: int = 90) -> list[dict[str, Any]]:
    """The account's daily score, band and risk over the last `days` snapshot days."""
    day = latest_day()
    if day.date is None:
        return []
    start = day.date - dt.timedelta(days=days - 1)
    rows = HealthSnapshot.objects.filter(
        account=account, config_id=day.config_id, date__gte=start
    ).order_by("date")
    return [
        dict(r) for r in rows.values("date", "score", "band", "risk_probability", "override_id")
    ]
