"""An account's health, explained, as one typed read model: the score and band (computed and
shown), contributions by group with their measures, what changed since the previous snapshot
and over a week, the ranked risk reasons, growth signals, the override and whether the
account is still a customer. The account page, `retain health` (text and JSON) and
`GET /api/accounts/{id}/health/latest` show this object, so they cannot drift."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from retain.app.health import queries as hq
from retain.app.models import Account, HealthOverride, HealthSnapshot
from retain.core.health import scorecard as sc
from retain.core.health.measures import MEASURES
from retain.errors import RetainError

REASONS_SHOWN = 6


@dataclass(frozen=True)
class Measure:
    """One measure's part of the score: its value, its points and their change over a week."""

    name: str
    label: str
    value: Any
    points: float
    change: float | None


@dataclass(frozen=True)
class Group:
    """A scorecard group's points (the sum of its measures'), its measures largest first."""

    key: str
    total: float
    measures: list[Measure]


@dataclass(frozen=True)
class Reason:
    """A measure that moves churn risk: the change in probability if it were typical."""

    name: str
    delta: float
    label: str

    @property
    def raises(self) -> bool:
        return self.delta > 0


@dataclass(frozen=True)
class Change:
    """What changed since an earlier snapshot: by group, by measure, and as a sentence."""

    since: dt.date
    change: float
    text: str
    groups: dict[str, float]
    measures: dict[str, float]


@dataclass(frozen=True)
class Override:
    """A CSM override of the score, in force on the snapshot's day."""

    score: float
    band: str
    reason: str
    by: str | None
    until: dt.datetime


@dataclass(frozen=True)
class HealthView:
    """One account's health on a snapshot day, with everything that explains it."""

    account: str
    name: str
    date: dt.date
    score: float
    band: str
    effective_score: float
    effective_band: str
    confidence: float
    scorecard: str
    config_version: int
    contributions: dict[str, float]
    measures: dict[str, Any]
    groups: list[Group]
    since_previous: Change | None
    since_week: Change | None
    risk_probability: float | None
    reasons: list[Reason]
    expansion_probability: float | None
    signals: dict[str, list[str]]
    override: Override | None
    standing: hq.Standing

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for JSON), with `churned` and `churned_on` spelled out."""
        out = dataclasses.asdict(self)
        out["standing"] = {
            "status": self.standing.status,
            "paid_until": self.standing.paid_until,
            "churned_on": self.standing.churned_on,
        }
        return out


def explain(account: Account, day: dt.date | None = None) -> HealthView:
    """The account's latest health (queries.py's definition), or its snapshot of `day` in the
    active scorecard version. A churned account has no latest health: that is an error that
    says when it churned."""
    latest = hq.latest_day()
    standing = hq.standing(account, latest)
    snaps = HealthSnapshot.objects.filter(account=account, config_id=latest.config_id)
    when = day or latest.date
    snap = snaps.filter(date=when).select_related("config", "override").first() if when else None
    if snap is None:
        raise RetainError(_missing(account, day, standing))
    group_of = sc.from_config(snap.config.config).group_of()
    previous = snaps.filter(date__lt=snap.date).first()
    week = snaps.filter(date__lte=snap.date - dt.timedelta(days=hq.CHANGE_DAYS)).first()
    since_week = _change(week, snap, group_of)
    return HealthView(
        account=account.external_id,
        name=account.name,
        date=snap.date,
        score=snap.score,
        band=snap.band,
        effective_score=snap.effective_score,
        effective_band=snap.effective_band,
        confidence=snap.confidence,
        scorecard=snap.scorecard,
        config_version=snap.config.version,
        contributions=snap.contributions,
        measures=snap.measures,
        groups=groups(snap, group_of, since_week),
        since_previous=_change(previous, snap, group_of),
        since_week=since_week,
        risk_probability=snap.risk_probability,
        reasons=reasons(snap.risk_reasons),
        expansion_probability=snap.expansion_probability,
        signals=snap.signals,
        override=_override(snap.override),
        standing=standing,
    )


def _missing(account: Account, day: dt.date | None, standing: hq.Standing) -> str:
    if day:
        return f"no health snapshot for {account} on {day} with the active scorecard"
    if standing.churned:
        return (
            f"{account} churned on {standing.churned_on} (paid until {standing.paid_until}): "
            "it has no live health"
        )
    return f"no health snapshot for {account}: run `retain score` first"


def groups(
    snap: HealthSnapshot, group_of: dict[str, str], week: Change | None = None
) -> list[Group]:
    """Contributions by group, largest first, each with its measures (value, points, change
    over the week)."""
    moved = week.measures if week else {}
    found: dict[str, list[Measure]] = {}
    for name, points in sorted(snap.contributions.items(), key=lambda kv: -kv[1]):
        label = MEASURES.get(name, "a custom attribute")
        measure = Measure(name, label, snap.measures.get(name), points, moved.get(name))
        found.setdefault(group_of.get(name, "other"), []).append(measure)
    made = [Group(k, sum(m.points for m in ms), ms) for k, ms in found.items()]
    return sorted(made, key=lambda g: -g.total)


def reasons(risk_reasons: dict[str, float]) -> list[Reason]:
    """The measures that move churn risk most, largest effect first, signed (+ raises it)."""
    ranked = sorted(risk_reasons.items(), key=lambda kv: -abs(kv[1]))[:REASONS_SHOWN]
    return [
        Reason(name, delta, MEASURES.get(name.split("=")[0], "a custom attribute"))
        for name, delta in ranked
    ]


def _change(
    before: HealthSnapshot | None, after: HealthSnapshot, group_of: dict[str, str]
) -> Change | None:
    if before is None:
        return None
    parts = sc.change_breakdown(before.contributions, after.contributions)
    by_group = sc.group_breakdown(parts, group_of)
    return Change(
        before.date, after.score - before.score, sc.describe_change(by_group), by_group, parts
    )


def _override(o: HealthOverride | None) -> Override | None:
    if o is None:
        return None
    by = o.created_by.username if o.created_by else None
    return Override(o.score, o.band, o.reason, by, o.expires_at)
