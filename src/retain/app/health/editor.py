"""The scorecard editor: the active config's TOML text, validation with the place of each
error, and a preview of what a new config would do to the latest day's scores."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from retain.analytics import health
from retain.app.health import queries as hq
from retain.app.models import HealthSnapshot, ScorecardConfig
from retain.core.health import scorecard as sc
from retain.core.health import signals


def source_of(config: ScorecardConfig) -> str:
    """The TOML text of a config: as activated, or the shipped default's for version 1."""
    stored = config.config.get("_source")
    if stored:
        return str(stored)
    default = health.default_config_text()
    if tomllib.loads(default) == {k: v for k, v in config.config.items() if k != "_source"}:
        return default
    import json

    return "# stored as JSON; rewrite as TOML to edit\n# " + json.dumps(config.config)


@dataclass
class Checked:
    """A parsed config, or the error that stops it (with the place to fix)."""

    raw: dict[str, Any] | None = None
    error: str = ""
    preview: dict[str, Any] = field(default_factory=dict)


def check(text: str) -> Checked:
    """Parse and validate TOML text as a scorecard."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Checked(error=f"TOML syntax: {exc}")
    try:
        sc.from_config(raw)
        signals.rules_from_config(raw)
    except ValueError as exc:
        return Checked(error=str(exc))
    return Checked(raw=raw)


def preview(raw: dict[str, Any]) -> dict[str, Any]:
    """Rescore the latest day's stored measures with `raw`: band counts now and then, and the
    accounts whose band would change (up to 20)."""
    day = hq.latest_day()
    if day.date is None:
        return {}
    snaps = HealthSnapshot.objects.filter(date=day.date, config_id=day.config_id).select_related(
        "account"
    )
    rows = [
        {
            **s.measures,
            "segment": s.account.segment,
            "account": s.account,
            "band": s.band,
            "score": s.score,
        }
        for s in snaps
    ]
    if not rows:
        return {}
    frame = pd.DataFrame(rows)
    new = sc.score(sc.from_config(raw), frame.drop(columns=["band", "score"]))
    changed = [
        {"account": a, "before": b, "after": n, "old": o, "new": x}
        for a, b, n, o, x in zip(
            frame["account"], frame["band"], new["band"], frame["score"], new["score"], strict=True
        )
        if b != n
    ]
    return {
        "date": day.date,
        "before": frame["band"].value_counts().to_dict(),
        "after": new["band"].value_counts().to_dict(),
        "changed": changed[:20],
        "changed_count": len(changed),
        "mean_before": float(frame["score"].mean()),
        "mean_after": float(new["score"].mean()),
    }
