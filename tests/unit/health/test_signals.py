"""Growth signals by hand: expansion candidates, advocates and referral candidates."""

from __future__ import annotations

import pandas as pd
import pytest

from retain.core.health import signals as sg

HEALTHY = {
    "band": "green",
    "score": 85.0,
    "seat_utilisation": 0.95,
    "seats": 20,
    "usage_trend_30d": 0.25,
    "expansion_probability": 0.05,
    "nps_latest": 10,
    "tenure_days": 400,
    "two_way_touches_90d": 3,
    "open_critical_tickets": 0,
}


def flags(row: dict[str, object], base_rate: float | None = 0.1) -> pd.Series:
    return sg.growth_signals(pd.DataFrame([row]), sg.SignalRules(), base_rate).iloc[0]


def test_a_healthy_growing_promoter_fires_every_signal_with_reasons() -> None:
    out = flags(HEALTHY)
    assert (out["expansion_candidate"], out["advocate"], out["referral_candidate"]) == (
        True,
        True,
        True,
    )
    assert out["signals"]["expansion"] == [
        "seat use 95% of 20 seats (at or above 90%)",
        "usage up 25% over the last 30 days",
    ]
    assert out["signals"]["advocate"][0] == "promoter: latest NPS 10"
    assert out["signals"]["referral"][-1] == "no open critical ticket"


@pytest.mark.parametrize(
    ("change", "expansion"),
    [
        ({"band": "red"}, False),  # never push an upsell on a red account
        ({"usage_trend_30d": 0.0}, False),  # full seats but flat usage is not outgrowing
        ({"seat_utilisation": 0.5}, False),
        ({"seat_utilisation": 0.5, "expansion_probability": 0.2}, True),  # the model alone: 2x
        ({"seat_utilisation": 0.5, "expansion_probability": 0.19}, False),
    ],
)
def test_expansion_rules(change: dict[str, object], expansion: bool) -> None:
    assert bool(flags(HEALTHY | change)["expansion_candidate"]) is expansion


def test_the_model_reason_names_the_lift_over_the_average() -> None:
    out = flags(HEALTHY | {"seat_utilisation": 0.2, "expansion_probability": 0.3})
    assert out["signals"]["expansion"] == [
        "expansion model: 30% chance within 90 days (3.0x the 10% average)"
    ]
    no_model = flags(HEALTHY | {"seat_utilisation": 0.2, "expansion_probability": 0.3}, None)
    assert not no_model["expansion_candidate"]  # no model, no model reason


@pytest.mark.parametrize(
    ("change", "advocate", "referral"),
    [
        ({"nps_latest": 8}, False, False),  # a passive is no advocate
        ({"nps_latest": None}, False, False),  # nor is an account that never answered
        ({"score": 69}, False, False),
        ({"tenure_days": 179}, False, False),
        ({"two_way_touches_90d": 0}, False, False),
        ({"tenure_days": 200}, True, False),  # an advocate, too new to ask for referrals
        ({"score": 75}, True, False),
        ({"open_critical_tickets": 1}, True, False),
    ],
)
def test_advocate_and_referral_rules(
    change: dict[str, object], advocate: bool, referral: bool
) -> None:
    out = flags(HEALTHY | change)
    assert (out["advocate"], out["referral_candidate"]) == (advocate, referral)


def test_rules_come_from_the_config_and_unknown_keys_are_refused() -> None:
    rules = sg.rules_from_config({"signals": {"seat_use": 0.8, "advocate_min_tenure_days": 90}})
    assert (rules.seat_use, rules.advocate_min_tenure_days) == (0.8, 90)
    assert sg.rules_from_config({}) == sg.SignalRules()
    with pytest.raises(ValueError, match="unknown keys \\['seat_usage'\\]"):
        sg.rules_from_config({"signals": {"seat_usage": 0.8}})
