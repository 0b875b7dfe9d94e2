"""Store daily health snapshots with the scorecard config version that produced them."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from django.db import transaction

from retain.app.models import HealthSnapshot, ScorecardConfig
from retain.core.measures import MEASURES


def active_config(default: dict[str, Any]) -> ScorecardConfig:
    """The active scorecard config; the shipped default becomes version 1 when there is none."""
    config = ScorecardConfig.objects.filter(is_active=True).order_by("-version").first()
    if config is None:
        config = ScorecardConfig.objects.create(
            version=int(default.get("version", 1)),
            name=str(default.get("name", "Default")),
            config=default,
            is_active=True,
        )
    return config


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value) if isinstance(value, int | float) else value


@transaction.atomic
def store(rows: pd.DataFrame, config: ScorecardConfig) -> int:
    """Replace the snapshots of these dates for this config with `rows`; returns the count."""
    dates = sorted({d.date() if hasattr(d, "date") else d for d in rows["at"]})
    HealthSnapshot.objects.filter(config=config, date__in=dates).delete()
    contribution_cols = [c for c in rows.columns if c.startswith("c_")]
    objs = []
    for r in rows.to_dict("records"):
        if r["score"] is None or math.isnan(r["score"]):
            continue
        objs.append(
            HealthSnapshot(
                account_id=int(r["account_id"]),
                date=r["at"].date() if hasattr(r["at"], "date") else r["at"],
                score=float(r["score"]),
                band=r["band"],
                confidence=float(r["confidence"]),
                measures={m: _clean(r.get(m)) for m in MEASURES},
                contributions={
                    c[2:]: float(r[c]) for c in contribution_cols if not math.isnan(r[c])
                },
                risk_probability=_clean(r.get("risk_probability")),
                expansion_probability=_clean(r.get("expansion_probability")),
                config=config,
            )
        )
    HealthSnapshot.objects.bulk_create(objs, batch_size=2000)
    return len(objs)
