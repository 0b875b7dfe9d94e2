"""Store daily health snapshots with the scorecard config version that produced them, activate
scorecard versions and apply CSM overrides (reading an account's health back: view.py)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from retain.app.models import Account, HealthOverride, HealthSnapshot, ScorecardConfig, User
from retain.core.health import scorecard as sc
from retain.core.health.measures import MEASURES
from retain.errors import RetainError


@transaction.atomic
def activate_config(
    raw: dict[str, Any], user: User | None = None, source: str = ""
) -> ScorecardConfig:
    """Validate `raw` and store it as the next version, made active (older ones are kept);
    `source` keeps the TOML text it was parsed from, comments included, for the editor."""
    from retain.core.health import signals

    sc.from_config(raw)  # raises ScorecardError naming the place to fix
    signals.rules_from_config(raw)
    last = ScorecardConfig.objects.order_by("-version").first()
    version = (last.version if last else 0) + 1
    ScorecardConfig.objects.filter(is_active=True).update(is_active=False)
    return ScorecardConfig.objects.create(
        version=version,
        name=str(raw.get("name", "Scorecard")),
        config={**raw, "version": version, **({"_source": source} if source else {})},
        created_by=user,
        is_active=True,
    )


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value) if isinstance(value, int | float) else value


def _day(value: Any) -> dt.date:
    return value.date() if hasattr(value, "date") else value  # type: ignore[no-any-return]


def overrides_in_force(
    account_ids: set[int], days: list[dt.date]
) -> dict[tuple[int, dt.date], int]:
    """(account, day) -> the id of the newest override in force on that day."""
    if not days:
        return {}
    first = timezone.make_aware(dt.datetime.combine(min(days), dt.time()))
    found = HealthOverride.objects.filter(
        account_id__in=account_ids, expires_at__gt=first
    ).order_by("created_at")
    out: dict[tuple[int, dt.date], int] = {}
    for o in found:
        start, end = timezone.localdate(o.created_at), timezone.localdate(o.expires_at)
        for day in days:
            if start <= day < end:
                out[(o.account_id, day)] = o.pk  # newer overrides replace older ones
    return out


@transaction.atomic
def store(rows: pd.DataFrame, config: ScorecardConfig) -> int:
    """Replace the snapshots of these dates for this config with `rows`; returns the count."""
    dates = sorted({_day(d) for d in rows["at"]})
    HealthSnapshot.objects.filter(config=config, date__in=dates).delete()
    contribution_cols = [c for c in rows.columns if c.startswith("c_")]
    forced = overrides_in_force({int(a) for a in rows["account_id"]}, dates)
    objs = []
    for r in rows.to_dict("records"):
        if r["score"] is None or math.isnan(r["score"]):
            continue
        day = _day(r["at"])
        objs.append(
            HealthSnapshot(
                account_id=int(r["account_id"]),
                date=day,
                score=float(r["score"]),
                band=r["band"],
                confidence=float(r["confidence"]),
                mrr=_clean(r.get("mrr")),
                measures={m: _clean(r.get(m)) for m in _measure_columns(rows)},
                contributions={
                    c[2:]: float(r[c]) for c in contribution_cols if not math.isnan(r[c])
                },
                risk_probability=_clean(r.get("risk_probability")),
                expansion_probability=_clean(r.get("expansion_probability")),
                risk_reasons=r.get("risk_reasons") or {},
                expansion_candidate=bool(r.get("expansion_candidate", False)),
                advocate=bool(r.get("advocate", False)),
                referral_candidate=bool(r.get("referral_candidate", False)),
                signals=r.get("signals") or {},
                scorecard=str(r.get("scorecard") or config.name),
                override_id=forced.get((int(r["account_id"]), day)),
                config=config,
            )
        )
    HealthSnapshot.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def _measure_columns(rows: pd.DataFrame) -> list[str]:
    """Measures, custom attributes and the stage: what a snapshot records as its inputs."""
    extra = [c for c in rows.columns if c.startswith("attr_") and "=" not in c]
    return [*MEASURES, *extra, *(["stage"] if "stage" in rows else [])]


@transaction.atomic
def set_override(
    account: Account,
    score: float,
    reason: str,
    until: dt.date,
    user: User | None = None,
    band: str | None = None,
) -> HealthOverride:
    """Override an account's score from today until `until` (exclusive); snapshots already
    stored for those days show it at once. The band follows the active scorecard's bands
    unless given."""
    if not reason.strip():
        raise RetainError("an override needs a reason")
    if not 0 <= score <= 100:
        raise RetainError("an override's score must be between 0 and 100")
    today = timezone.localdate()
    if until <= today:
        raise RetainError(f"an override must end after today ({today}), not on {until}")
    if band is None:
        config = ScorecardConfig.objects.filter(is_active=True).order_by("-version").first()
        band = sc.from_config(config.config).band(score) if config else _band(score)
    expires = timezone.make_aware(dt.datetime.combine(until, dt.time()))
    override = HealthOverride.objects.create(
        account=account, score=score, band=band, reason=reason, created_by=user, expires_at=expires
    )
    HealthSnapshot.objects.filter(account=account, date__gte=today, date__lt=until).update(
        override=override
    )
    return override


def _band(score: float) -> str:
    return sc.Scorecard("default", 1, ()).band(score)


@transaction.atomic
def end_override(account: Account) -> int:
    """End the account's overrides in force now; later snapshots show the computed score."""
    now = timezone.now()
    live = HealthOverride.objects.filter(account=account, expires_at__gt=now)
    HealthSnapshot.objects.filter(
        account=account, override__in=live, date__gte=timezone.localdate()
    ).update(override=None)
    return live.update(expires_at=now + dt.timedelta(microseconds=1))
