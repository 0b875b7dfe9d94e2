"""Health scorecards: measures -> 0-100 scores by rule, weighted by group, with contributions.

A scorecard has groups (usage, engagement, support, sentiment, commercial) of measures; each
measure maps to 0-100 by a rule (`thresholds`: piecewise-linear through (value, points) pairs;
`percentile`: rank within the account's segment; `categories`: points per value of a text
measure such as a custom attribute). Missing measures give their weight to the others and lower
the confidence. Contributions (effective weight x measure score) sum to the score, so any change
in score splits exactly into per-measure changes. A scorecard may carry variants for a segment
(`[segments.<name>]`) or a lifecycle stage (`[stages.<key>]`); the stage variant wins.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
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
    rule: str = "thresholds"  # or "percentile" or "categories"
    points: tuple[tuple[float, float], ...] = ()
    higher_is_better: bool = True
    categories: tuple[tuple[str, float], ...] = ()
    other: float | None = None  # points for a value not listed in `categories`

    def score(self, values: pd.Series, peers: pd.Series | None = None) -> pd.Series:
        """0-100 points per value (NaN stays NaN: missing data); `peers` labels the rows a
        percentile is ranked among (same date and segment)."""
        if self.rule == "categories":
            table = dict(self.categories)
            other = math.nan if self.other is None else self.other
            mapped = [math.nan if pd.isna(v) else table.get(str(v), other) for v in values.tolist()]
            return pd.Series(mapped, index=values.index, dtype=float)
        values = values.astype(float)
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
    stages: Mapping[str, Scorecard] = field(default_factory=dict)

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

    def group_of(self) -> dict[str, str]:
        """Measure -> the key of its group, over this card and all its variants."""
        out: dict[str, str] = {}
        for card in (*self.overrides.values(), *self.stages.values(), self):
            out.update({m.measure: g.key for g in card.groups for m in g.measures})
        return out

    def measures(self) -> list[str]:
        """Every measure this card or one of its variants reads."""
        return list(self.group_of())


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
    plain = {**config, "segments": {}, "stages": {}}
    subs = {k: _variant(plain, v, f"segments.{k}") for k, v in config.get("segments", {}).items()}
    stages = {k: _variant(plain, v, f"stages.{k}") for k, v in config.get("stages", {}).items()}
    return Scorecard(
        card.name,
        card.version,
        card.groups,
        card.green,
        card.yellow,
        card.segment_column,
        subs,
        stages,
    )


def _variant(base: Mapping[str, Any], raw: Mapping[str, Any], where: str) -> Scorecard:
    """A segment or stage variant: the base config with the variant's keys replaced."""
    try:
        card = from_config({**base, **raw})
    except ScorecardError as exc:
        raise ScorecardError(f"{where}: {exc}") from None
    kind, _, key = where.partition(".")
    label = f"{card.name} ({'segment' if kind == 'segments' else 'stage'} {key})"
    return Scorecard(label, card.version, card.groups, card.green, card.yellow)


def _group(raw: Mapping[str, Any], i: int) -> Group:
    where = f"groups[{i}]"
    measures = tuple(_measure(m, f"{where}.measures[{j}]") for j, m in enumerate(raw["measures"]))
    return Group(str(raw["key"]), float(raw.get("weight", 1.0)), measures)


def _measure(raw: Mapping[str, Any], where: str) -> MeasureRule:
    rule = str(raw.get("rule", "thresholds"))
    if rule == "categories":
        return _categories(raw, where)
    points = tuple((float(x), float(y)) for x, y in raw.get("points", []))
    if rule not in RULES:
        raise ScorecardError(f"{where}: rule must be one of {', '.join(RULES)}, not {rule!r}")
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


RULES = ("thresholds", "percentile", "categories")


def _categories(raw: Mapping[str, Any], where: str) -> MeasureRule:
    """`{ measure = "attr_crm", rule = "categories", points = { HubSpot = 80 }, other = 50 }`."""
    table = raw.get("points", {})
    if not isinstance(table, Mapping) or not table:
        raise ScorecardError(f"{where}: categories need points = {{ value = points, ... }}")
    pairs = tuple((str(k), float(v)) for k, v in table.items())
    other = raw.get("other")
    if any(not 0 <= y <= 100 for _, y in pairs) or (other is not None and not 0 <= other <= 100):
        raise ScorecardError(f"{where}: points must be between 0 and 100")
    return MeasureRule(
        measure=str(raw["measure"]),
        weight=float(raw.get("weight", 1.0)),
        rule="categories",
        categories=pairs,
        other=None if other is None else float(other),
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
    """Per row of `measures`: score, band, confidence, the scorecard used, and one `c_<measure>`
    contribution and `s_<measure>` points column per measure. Rows in a lifecycle stage with its
    own variant use it; else rows of a segment with its own variant; else the card itself."""
    which = pd.Series("", index=measures.index)
    if card.segment_column in measures:
        seg = measures[card.segment_column].astype(str)
        which = which.mask(seg.isin(list(card.overrides)), "segments." + seg)
    if "stage" in measures:
        stage = measures["stage"].astype(str)
        which = which.mask(stage.isin(list(card.stages)), "stages." + stage)
    cards = {
        **{f"segments.{k}": v for k, v in card.overrides.items()},
        **{f"stages.{k}": v for k, v in card.stages.items()},
        "": card,
    }
    parts = [_score_one(cards[key], measures[which == key]) for key in which.unique()]
    if not parts:
        return _score_one(card, measures)
    out = pd.concat(parts).loc[measures.index]
    columns = [f"{p}_{m}" for m in card.measures() for p in ("c", "s")]
    return out.reindex(columns=[c for c in out.columns if c[:2] not in ("c_", "s_")] + columns)


def _score_one(card: Scorecard, measures: pd.DataFrame) -> pd.DataFrame:
    weights = card.weights()
    peers = _peers(measures, card.segment_column)
    points = {}
    for group in card.groups:
        for rule in group.measures:
            values = measures.get(rule.measure, pd.Series(np.nan, index=measures.index))
            points[rule.measure] = rule.score(values, peers)
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


def change_breakdown(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    """Per-measure change between two snapshots' contributions (measure -> points); the parts
    sum to the change in score because each snapshot's contributions sum to its score."""
    keys = sorted(set(before) | set(after))
    return {m: float(after.get(m, 0.0)) - float(before.get(m, 0.0)) for m in keys}


def group_breakdown(parts: Mapping[str, float], group_of: Mapping[str, str]) -> dict[str, float]:
    """Per-measure changes summed by group (measures of no group go to `other`)."""
    out: dict[str, float] = {}
    for measure, delta in parts.items():
        key = group_of.get(measure, "other")
        out[key] = out.get(key, 0.0) + delta
    return out


def describe_change(parts: Mapping[str, float], top: int = 3) -> str:
    """Like "-14: usage -9, support -5": the total, then the largest parts, rounded."""
    total = round(sum(parts.values()))
    ranked = sorted(parts.items(), key=lambda kv: -abs(kv[1]))
    shown = [f"{k} {round(v):+d}" for k, v in ranked[:top] if round(v) != 0]
    return f"{total:+d}" + (": " + ", ".join(shown) if shown else "")
