"""Health scorecards: measures -> 0-100 scores by rule, weighted by group, with contributions.

A scorecard has groups (usage, engagement, support, sentiment, commercial) of measures; each
measure maps to 0-100 by a rule (`thresholds`: piecewise-linear through (value, points) pairs;
`percentile`: rank within the account's segment). Missing measures give their weight to the
others and lower the confidence. Contributions (effective weight x measure score) sum to the
score, so any change in score splits exactly into per-measure changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

BANDS = ("green", "yellow", "red")


class ScorecardError(ValueError):
    """A scorecard config is invalid; the message names the place and the fix."""


@dataclass(frozen=True)
class MeasureRule:
    """How one measure becomes 0-100 points, and its weight inside its group."""

    measure: str
    weight: float
    rule: str = "thresholds"  # or "percentile"
    points: tuple[tuple[float, float], ...] = ()
    higher_is_better: bool = True

    def score(self, values: pd.Series, peers: pd.Series | None = None) -> pd.Series:
        """0-100 points per value (NaN stays NaN: missing data); `peers` labels the rows a
        percentile is ranked among (same date and segment)."""
        if self.rule == "percentile":
            return _percentile(values, peers, self.higher_is_better)
        xs = np.array([p[0] for p in self.points], dtype=float)
        ys = np.array([p[1] for p in self.points], dtype=float)
        out = np.interp(values.to_numpy(dtype=float), xs, ys)
        return pd.Series(np.where(values.isna(), np.nan, out), index=values.index)


def _percentile(values: pd.Series, peers: pd.Series | None, higher: bool) -> pd.Series:
    groups = peers if peers is not None else pd.Series("all", index=values.index)
    ranks = values.groupby(groups).rank(pct=True, ascending=higher)
    return ranks * 100


def _peers(measures: pd.DataFrame, segment_column: str) -> pd.Series:
    """Rows compete for percentiles within the same as-of date and segment."""
    parts = [measures[c].astype(str) for c in ("at", segment_column) if c in measures]
    if not parts:
        return pd.Series("all", index=measures.index)
    label = parts[0]
    for part in parts[1:]:
        label = label + "|" + part
    return label


@dataclass(frozen=True)
class Group:
    """A weighted group of measures (e.g. usage)."""

    key: str
    weight: float
    measures: tuple[MeasureRule, ...]


@dataclass(frozen=True)
class Scorecard:
    """A versioned scorecard: groups and band thresholds."""

    name: str
    version: int
    groups: tuple[Group, ...]
    green: float = 70.0
    yellow: float = 40.0
    segment_column: str = "segment"
    overrides: Mapping[str, Scorecard] = field(default_factory=dict)

    def weights(self) -> dict[str, float]:
        """Each measure's nominal weight in the total (group weight x measure weight)."""
        total = sum(g.weight for g in self.groups)
        out: dict[str, float] = {}
        for g in self.groups:
            inner = sum(m.weight for m in g.measures)
            for m in g.measures:
                out[m.measure] = (g.weight / total) * (m.weight / inner)
        return out

    def band(self, score: float) -> str:
        """green at or above `green`, yellow at or above `yellow`, else red."""
        return "green" if score >= self.green else "yellow" if score >= self.yellow else "red"


def from_config(config: Mapping[str, Any]) -> Scorecard:
    """A Scorecard from a parsed config (TOML/JSON); errors name the place to fix."""
    try:
        groups = tuple(_group(g, i) for i, g in enumerate(config["groups"]))
        bands = config.get("bands", {})
        card = Scorecard(
            name=str(config.get("name", "Scorecard")),
            version=int(config.get("version", 1)),
            groups=groups,
            green=float(bands.get("green", 70)),
            yellow=float(bands.get("yellow", 40)),
            segment_column=str(config.get("segment_column", "segment")),
        )
    except KeyError as exc:
        raise ScorecardError(f"missing key {exc.args[0]!r} in the scorecard config") from None
    _check(card)
    subs = {
        k: from_config({**config, **v, "segments": {}})
        for k, v in config.get("segments", {}).items()
    }
    return Scorecard(
        card.name, card.version, card.groups, card.green, card.yellow, card.segment_column, subs
    )


def _group(raw: Mapping[str, Any], i: int) -> Group:
    where = f"groups[{i}]"
    measures = tuple(_measure(m, f"{where}.measures[{j}]") for j, m in enumerate(raw["measures"]))
    return Group(str(raw["key"]), float(raw.get("weight", 1.0)), measures)


def _measure(raw: Mapping[str, Any], where: str) -> MeasureRule:
    rule = str(raw.get("rule", "thresholds"))
    points = tuple((float(x), float(y)) for x, y in raw.get("points", []))
    if rule not in ("thresholds", "percentile"):
        raise ScorecardError(f"{where}: rule must be 'thresholds' or 'percentile', not {rule!r}")
    if rule == "thresholds" and (
        len(points) < 2 or [p[0] for p in points] != sorted(p[0] for p in points)
    ):
        raise ScorecardError(f"{where}: thresholds need 2+ points [[value, points], ...] by value")
    if any(not 0 <= y <= 100 for _, y in points):
        raise ScorecardError(f"{where}: points must be between 0 and 100")
    return MeasureRule(
        measure=str(raw["measure"]),
        weight=float(raw.get("weight", 1.0)),
        rule=rule,
        points=points,
        higher_is_better=bool(raw.get("higher_is_better", True)),
    )


def _check(card: Scorecard) -> None:
    if not card.groups:
        raise ScorecardError("a scorecard needs at least one group")
    if any(g.weight <= 0 or not g.measures for g in card.groups):
        raise ScorecardError("every group needs a positive weight and at least one measure")
    if any(m.weight <= 0 for g in card.groups for m in g.measures):
        raise ScorecardError("every measure needs a positive weight")
    if not 0 <= card.yellow <= card.green <= 100:
        raise ScorecardError("bands need 0 <= yellow <= green <= 100")


def score(card: Scorecard, measures: pd.DataFrame) -> pd.DataFrame:
    """Per row of `measures`: score, band, confidence, and one `c_<measure>` contribution and
    `s_<measure>` points column per measure. Rows of a segment with its own scorecard use it."""
    if not card.overrides or card.segment_column not in measures:
        return _score_one(card, measures)
    parts = []
    seg = measures[card.segment_column]
    for key, sub in card.overrides.items():
        parts.append(_score_one(sub, measures[seg == key]))
    parts.append(_score_one(card, measures[~seg.isin(list(card.overrides))]))
    return pd.concat(parts).loc[measures.index]


def _score_one(card: Scorecard, measures: pd.DataFrame) -> pd.DataFrame:
    weights = card.weights()
    peers = _peers(measures, card.segment_column)
    points = {}
    for group in card.groups:
        for rule in group.measures:
            values = measures.get(rule.measure, pd.Series(np.nan, index=measures.index))
            points[rule.measure] = rule.score(values.astype(float), peers)
    pts = pd.DataFrame(points, index=measures.index)
    w = pd.Series(weights)
    present = pts.notna().mul(w, axis=1)
    available = present.sum(axis=1)
    eff = present.div(available.where(available > 0), axis=0)
    contrib = eff.mul(pts.fillna(0.0))
    out = pd.DataFrame(index=measures.index)
    out["score"] = contrib.sum(axis=1).clip(0.0, 100.0).where(available > 0)  # float dust
    out["confidence"] = available / w.sum()
    out["band"] = [
        card.band(s) if not math.isnan(s) else "red" for s in out["score"].fillna(math.nan)
    ]
    for m in weights:
        out[f"c_{m}"] = contrib[m]
        out[f"s_{m}"] = pts[m]
    out["scorecard"] = card.name
    out["version"] = card.version
    return out


def change_breakdown(
    before: pd.Series, after: pd.Series, measures: Sequence[str]
) -> dict[str, float]:
    """Per-measure change in contribution between two scored rows; sums to the score change."""
    return {m: float(after.get(f"c_{m}", 0.0) - before.get(f"c_{m}", 0.0)) for m in measures}
