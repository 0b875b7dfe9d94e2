"""Growth signals: which accounts are ready to expand, and which would advocate or refer.

Each signal is a rule over a scored row (measures, score, band, expansion probability), and
each flagged account carries the reasons that made it, in words a CSM can act on:

- expansion candidate: not red, and either outgrowing the licence (seats nearly full while
  usage grows) or the expansion model well above the average expansion rate;
- advocate: a promoter (latest NPS 9-10), healthy (score at or above `advocate_min_score`),
  engaged (a two-way conversation in the last 90 days) and a customer long enough;
- referral candidate: an advocate with a longer tenure, a higher score and no open critical
  ticket: the accounts to ask for a reference or a referral now.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

KINDS = ("expansion", "advocate", "referral")


@dataclass(frozen=True)
class SignalRules:
    """Thresholds of the growth signals; a scorecard config may set any of them in [signals]."""

    seat_use: float = 0.9
    expansion_lift: float = 2.0  # expansion probability at least this many times the average
    growing_usage: float = 0.1  # usage trend (30 days over the 30 before) that counts as growth
    advocate_nps: float = 9.0
    advocate_min_score: float = 70.0
    advocate_min_tenure_days: int = 180
    advocate_min_two_way: int = 1
    referral_min_score: float = 80.0
    referral_min_tenure_days: int = 365


def rules_from_config(config: Mapping[str, Any]) -> SignalRules:
    """SignalRules from a config's `[signals]` table; unknown keys are an error."""
    raw = dict(config.get("signals", {}))
    known = {f.name for f in fields(SignalRules)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ValueError(f"[signals]: unknown keys {unknown}; known: {sorted(known)}")
    return SignalRules(**{k: type(getattr(SignalRules(), k))(v) for k, v in raw.items()})


def _num(row: Mapping[str, Any], key: str) -> float:
    value = row.get(key)
    if value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def expansion_reasons(
    row: Mapping[str, Any], rules: SignalRules, base_rate: float | None
) -> list[str]:
    """Why this account is an expansion candidate (empty: it is not one)."""
    if row.get("band") == "red":
        return []
    reasons = []
    use, seats = _num(row, "seat_utilisation"), _num(row, "seats")
    trend = _num(row, "usage_trend_30d")
    if use >= rules.seat_use and trend >= rules.growing_usage:
        seats_text = f" of {seats:.0f} seats" if not math.isnan(seats) else ""
        reasons.append(f"seat use {use:.0%}{seats_text} (at or above {rules.seat_use:.0%})")
        reasons.append(f"usage up {trend:.0%} over the last 30 days")
    p = _num(row, "expansion_probability")
    if base_rate and p >= rules.expansion_lift * base_rate:
        reasons.append(
            f"expansion model: {p:.0%} chance within 90 days ({p / base_rate:.1f}x the "
            f"{base_rate:.0%} average)"
        )
    return reasons


def advocate_reasons(row: Mapping[str, Any], rules: SignalRules) -> list[str]:
    """Why this account is an advocate (empty: it is not one)."""
    nps, score = _num(row, "nps_latest"), _num(row, "score")
    tenure, touches = _num(row, "tenure_days"), _num(row, "two_way_touches_90d")
    if not (
        nps >= rules.advocate_nps
        and score >= rules.advocate_min_score
        and tenure >= rules.advocate_min_tenure_days
        and touches >= rules.advocate_min_two_way
    ):
        return []
    return [
        f"promoter: latest NPS {nps:.0f}",
        f"healthy: score {score:.0f}",
        f"engaged: {touches:.0f} two-way conversations in 90 days",
        f"customer for {tenure / 30.44:.0f} months",
    ]


def referral_reasons(row: Mapping[str, Any], rules: SignalRules) -> list[str]:
    """Why this account is ready to be asked for a referral (empty: it is not)."""
    advocate = advocate_reasons(row, rules)
    score, tenure = _num(row, "score"), _num(row, "tenure_days")
    critical = _num(row, "open_critical_tickets")
    if not (
        advocate
        and score >= rules.referral_min_score
        and tenure >= rules.referral_min_tenure_days
        and not critical > 0
    ):
        return []
    return [*advocate, "no open critical ticket"]


def growth_signals(
    rows: pd.DataFrame, rules: SignalRules, expansion_base_rate: float | None = None
) -> pd.DataFrame:
    """Per row: expansion_candidate, advocate, referral_candidate flags and `signals`, a dict
    of kind -> reasons for the signals that fire (indexed like `rows`)."""
    flags: dict[str, list[bool]] = {"expansion": [], "advocate": [], "referral": []}
    signals: list[dict[str, list[str]]] = []
    for row in rows.to_dict("records"):
        found = {
            "expansion": expansion_reasons(row, rules, expansion_base_rate),
            "advocate": advocate_reasons(row, rules),
            "referral": referral_reasons(row, rules),
        }
        for kind in KINDS:
            flags[kind].append(bool(found[kind]))
        signals.append({k: v for k, v in found.items() if v})
    return pd.DataFrame(
        {
            "expansion_candidate": flags["expansion"],
            "advocate": flags["advocate"],
            "referral_candidate": flags["referral"],
            "signals": signals,
        },
        index=rows.index,
    )
