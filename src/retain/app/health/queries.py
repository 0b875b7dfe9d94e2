"""Reading stored health snapshots for pages and the API: the latest day, accounts with their
latest score, band, risk, signals and score change, filtered to what a user may see.

"Latest health" has one definition, used by every list, page and endpoint: an account's
snapshot on the latest scored day, which is the newest day the ACTIVE scorecard version has
snapshots for; until the active version has scored any day (right after an activation, or
when none is active) the newest version that has scored stands in, so pages never go blank,
and every surface says which version it shows (`Day.version`) and that the active one is
pending (`Day.pending_version`).
Scoring stores a snapshot for exactly the accounts paying on each day (MRR > 0 by the core's
MRR definition), so an account without one on that day is not a customer then:
it is "churned" when it paid before (its recurring items all ended; `paid_until` is its last
paid day, it churned the day after) and "unscored" otherwise (never paid, or only trialled).
A churned account is never shown as a live risk. Snapshots of versions older than the one
shown are kept for history but never mixed into the latest health.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from retain.app.models import (
    Account,
    ChargeType,
    HealthSnapshot,
    ScorecardConfig,
    SubscriptionItem,
    SubscriptionStatus,
    Touchpoint,
)

CHANGE_DAYS = 7  # "score change" compares with the snapshot this many days earlier


@dataclass(frozen=True)
class Day:
    """The snapshot day pages show, and the config that produced it."""

    date: dt.date | None
    config_id: int | None
    version: int | None = None  # the scorecard version whose snapshots are shown
    pending_version: int | None = None  # the active version, when it has not scored a day yet

    @property
    def week_before(self) -> dt.date | None:
        return self.date - dt.timedelta(days=CHANGE_DAYS) if self.date else None

    @property
    def reference(self) -> dt.date:
        """The day customers and churn are judged on: the scored day, else today."""
        return self.date or timezone.localdate()


@dataclass(frozen=True)
class Standing:
    """Whether an account is a customer on the latest scored day, or churned (and when)."""

    status: str  # "customer", "churned" or "unscored"
    paid_until: dt.date | None = None

    @property
    def churned(self) -> bool:
        return self.status == "churned"

    @property
    def churned_on(self) -> dt.date | None:
        """The first day not paid for (core/mrr.py: a customer churns the day after)."""
        return self.paid_until + dt.timedelta(days=1) if self.churned and self.paid_until else None


def latest_day() -> Day:
    """The newest snapshot day of the active scorecard config; before that config has scored
    any day (or when none is active), the newest day of the newest version that has (None
    when nothing was scored)."""
    active = ScorecardConfig.objects.filter(is_active=True).order_by("-version").first()
    if active is not None:
        date = HealthSnapshot.objects.filter(config=active).aggregate(d=Max("date"))["d"]
        if date is not None:
            return Day(date, active.pk, active.version)
    others = ScorecardConfig.objects.exclude(pk=active.pk) if active else ScorecardConfig.objects
    scored = (
        others.annotate(last=Max("snapshots__date"))
        .filter(last__isnull=False)
        .order_by("-version")
        .first()
    )
    pending = active.version if active else None
    if scored is None:
        return Day(None, active.pk if active else None, pending)
    return Day(scored.last, scored.pk, scored.version, pending_version=pending)


def _recurring(on: dt.date) -> QuerySet[SubscriptionItem]:
    """An account's paying recurring items (not trials, not free) started by `on`."""
    return SubscriptionItem.objects.filter(
        account=OuterRef("pk"),
        charge_type=ChargeType.RECURRING,
        start_date__lte=on,
        amount__gt=0,
        quantity__gt=0,
    ).exclude(status=SubscriptionStatus.TRIAL)


def paid_until(day: Day) -> Case:
    """An account's last paid day when it paid before `day` and pays no more on it (None for
    a paying account, or one that never paid): an expression to annotate accounts with."""
    on = day.reference
    items = _recurring(on)
    running = items.filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    last = items.filter(end_date__lt=on).order_by("-end_date").values("end_date")[:1]
    return Case(
        When(Exists(running), then=Value(None, output_field=DateField())),
        default=Subquery(last),
        output_field=DateField(),
    )


def standing(account: Account, day: Day) -> Standing:
    """Whether `account` is a customer on the latest scored day, churned, or unscored."""
    if (
        day.date
        and HealthSnapshot.objects.filter(
            account=account, date=day.date, config_id=day.config_id
        ).exists()
    ):
        return Standing("customer")
    until = Account.objects.filter(pk=account.pk).annotate(u=paid_until(day)).values("u")
    last = until.first()
    return Standing("churned", last["u"]) if last and last["u"] else Standing("unscored")


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
        paid_until=paid_until(day),
    )


def snapshots_on(day: Day, accounts: QuerySet[Account]) -> QuerySet[HealthSnapshot]:
    """The day's snapshots of these accounts, with account, owner, stage and config loaded."""
    if day.date is None:
        return HealthSnapshot.objects.none()
    return HealthSnapshot.objects.filter(
        date=day.date, config_id=day.config_id, account__in=accounts
    ).select_related("account", "account__owner", "account__stage", "override", "config")


def latest_snapshots(accounts: QuerySet[Account]) -> QuerySet[HealthSnapshot]:
    """The latest health of these accounts (see the module docstring): their snapshots on the
    latest scored day; churned and unscored accounts have none."""
    return snapshots_on(latest_day(), accounts)


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
