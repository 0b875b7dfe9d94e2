"""The daily scoring workflow: the active scorecard, and scoring a span of days into stored
snapshots. The CLI (`retain score`, `retain demo`), the settings page and the benchmarks call
this one place; it prints nothing (a caller may pass a progress callback)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from retain import settings as rs
from retain.analytics import engines
from retain.analytics import health as health_service
from retain.app.health import snapshots
from retain.app.models import ScorecardConfig
from retain.core.health import scorecard as sc
from retain.core.health import signals

BANDS = ("green", "yellow", "red")
GROWTH = ("expansion_candidate", "advocate", "referral_candidate")

Progress = Callable[[str], None]


class ActiveScorecard(NamedTuple):
    """The active scorecard config (as stored) and its parsed scorecard."""

    config: ScorecardConfig
    card: sc.Scorecard


@dataclass(frozen=True)
class ScoringSummary:
    """What a scoring run stored: the count, the config, the latest day's bands and signals."""

    stored: int
    config_name: str
    config_version: int
    latest_day: dt.date | None
    bands: dict[str, int] = field(default_factory=dict)
    growth: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The summary as sentences, as `retain score` and `retain demo` print it."""
        day = f"Latest day ({self.latest_day})" if self.latest_day else "Latest day"
        g = self.growth
        return [
            f"Stored {self.stored:,} snapshots ({self.config_name} v{self.config_version}).",
            f"{day}: " + ", ".join(f"{b} {self.bands.get(b, 0)}" for b in BANDS) + ".",
            f"Growth signals: {g.get('expansion_candidate', 0)} expansion candidates, "
            f"{g.get('advocate', 0)} advocates, "
            f"{g.get('referral_candidate', 0)} referral candidates.",
        ]


def active_scorecard() -> ActiveScorecard:
    """The active scorecard; the shipped default becomes version 1 when there is none."""
    config = ScorecardConfig.objects.filter(is_active=True).order_by("-version").first()
    if config is None:
        default = health_service.default_config()
        config = ScorecardConfig.objects.create(
            version=int(default.get("version", 1)),
            name=str(default.get("name", "Default")),
            config=default,
            is_active=True,
        )
    return ActiveScorecard(config, sc.from_config(config.config))


def connect() -> engines.Engine:
    """The analytics engine on the store the app uses."""
    return engines.connect(rs.get("RETAIN_DATABASE_URL"))


def score(day: dt.date, days: int, progress: Progress | None = None) -> ScoringSummary:
    """Score the `days` days ending `day` with the active scorecard and store the snapshots
    (replacing that config's snapshots of those days); `progress` hears each step."""
    tell = progress or (lambda _: None)
    active = active_scorecard()
    rules = signals.rules_from_config(active.config.config)
    engine = connect()
    with engine:
        tell(f"Scoring {days} days up to {day}…")
        first = health_service.history_start(engine)
        rows = health_service.snapshot_frame(engine, first, day, days, active.card, rules)
    tell("Storing snapshots…")
    stored = snapshots.store(rows, active.config)
    latest = rows[rows["at"] == rows["at"].max()] if len(rows) else rows
    bands = latest["band"].value_counts().to_dict() if len(latest) else {}
    return ScoringSummary(
        stored=stored,
        config_name=active.config.name,
        config_version=active.config.version,
        latest_day=_day(latest["at"].max()) if len(latest) else None,
        bands={b: int(bands.get(b, 0)) for b in BANDS},
        growth={g: int(latest[g].sum()) if len(latest) else 0 for g in GROWTH},
    )


def _day(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[return-value]
