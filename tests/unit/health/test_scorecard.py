"""Scorecard rules, weights, missing data, bands, overrides and contributions by hand."""

from __future__ import annotations

import math
import tomllib
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retain.core.health import scorecard as sc

CONFIG = {
    "name": "Test",
    "version": 3,
    "bands": {"green": 70, "yellow": 40},
    "groups": [
        {
            "key": "usage",
            "weight": 3,
            "measures": [
                {"measure": "seats", "weight": 1, "points": [[0.0, 0], [1.0, 100]]},
                {"measure": "trend", "weight": 1, "points": [[-1.0, 0], [0.0, 50], [1.0, 100]]},
            ],
        },
        {
            "key": "sentiment",
            "weight": 1,
            "measures": [{"measure": "nps", "weight": 1, "rule": "percentile"}],
        },
    ],
}


def test_scores_contributions_and_bands_by_hand() -> None:
    card = sc.from_config(CONFIG)
    m = pd.DataFrame(
        {"seats": [0.5, 1.0, np.nan], "trend": [0.0, 2.0, -0.5], "nps": [10, 0, np.nan]},
        index=["a", "b", "c"],
    )
    out = sc.score(card, m)
    # a: seats 50, trend 50, nps rank 2/2 -> 100: weights .375, .375, .25
    assert out.loc["a", "score"] == pytest.approx(0.375 * 50 + 0.375 * 50 + 0.25 * 100)
    assert out.loc["b", "score"] == pytest.approx(0.375 * 100 + 0.375 * 100 + 0.25 * 50)
    # c: only trend known (25 points): all weight moves to it; confidence 0.375
    assert out.loc["c", "score"] == pytest.approx(25.0)
    assert out.loc["c", "confidence"] == pytest.approx(0.375)
    assert list(out["band"]) == ["yellow", "green", "red"]
    contributions = out[[c for c in out if c.startswith("c_")]].sum(axis=1)
    assert list(contributions) == pytest.approx(list(out["score"]))


def test_change_breakdown_sums_to_the_change() -> None:
    card = sc.from_config(CONFIG)
    before = sc.score(card, pd.DataFrame({"seats": [0.9], "trend": [0.2], "nps": [9]})).iloc[0]
    after = sc.score(card, pd.DataFrame({"seats": [0.3], "trend": [np.nan], "nps": [9]})).iloc[0]
    contributions = [
        {k[2:]: v for k, v in row.items() if k.startswith("c_") and not math.isnan(v)}
        for row in (before, after)
    ]
    parts = sc.change_breakdown(*contributions)
    assert sum(parts.values()) == pytest.approx(after["score"] - before["score"])
    assert parts["seats"] < 0
    assert "trend" in parts  # a measure that went missing gives back its whole contribution


def test_change_by_group_and_its_sentence() -> None:
    card = sc.from_config(CONFIG)
    parts = {"seats": -6.4, "trend": -2.9, "nps": 1.6, "legacy": -0.4}
    groups = sc.group_breakdown(parts, card.group_of())
    assert groups == pytest.approx({"usage": -9.3, "sentiment": 1.6, "other": -0.4})
    assert sc.describe_change(groups) == "-8: usage -9, sentiment +2"
    assert sc.describe_change({"usage": 0.2}) == "+0"


def test_categories_rule_scores_text_measures() -> None:
    config = CONFIG | {
        "groups": [
            *CONFIG["groups"],  # type: ignore[misc]
            {
                "key": "fit",
                "weight": 1,
                "measures": [
                    {
                        "measure": "attr_crm",
                        "rule": "categories",
                        "points": {"HubSpot": 90, "None": 10},
                        "other": 50,
                    }
                ],
            },
        ]
    }
    card = sc.from_config(config)
    m = pd.DataFrame(
        {"seats": [1.0] * 4, "trend": [1.0] * 4, "nps": [9] * 4},
    )
    m["attr_crm"] = ["HubSpot", "None", "Salesforce", None]
    out = sc.score(card, m)
    assert list(out["s_attr_crm"].fillna(-1)) == [90, 10, 50, -1]
    assert out["confidence"].iloc[3] == pytest.approx(4 / 5)
    bad = {"key": "g", "measures": [{"measure": "x", "rule": "categories"}]}
    with pytest.raises(sc.ScorecardError, match="categories need points"):
        sc.from_config(CONFIG | {"groups": [bad]})


def test_stage_variant_wins_over_segment_variant() -> None:
    onboarding = {
        "groups": [
            {
                "key": "usage",
                "weight": 1,
                "measures": [{"measure": "seats", "points": [[0, 0], [1, 100]]}],
            }
        ]
    }
    config = CONFIG | {
        "segments": {"Enterprise": {"bands": {"green": 95, "yellow": 90}}},
        "stages": {"onboarding": onboarding},
    }
    card = sc.from_config(config)
    m = pd.DataFrame(
        {
            "seats": [0.8, 0.8, 0.8],
            "trend": [-1.0, -1.0, -1.0],
            "nps": [9, 9, 9],
            "segment": ["Enterprise", "Enterprise", "SMB"],
            "stage": ["onboarding", "adoption", None],
        }
    )
    out = sc.score(card, m)
    assert out["score"].iloc[0] == pytest.approx(80.0)  # only seats counts in onboarding
    assert list(out["scorecard"]) == [
        "Test (stage onboarding)",
        "Test (segment Enterprise)",
        "Test",
    ]
    assert math.isnan(out["c_trend"].iloc[0])
    assert out["score"].iloc[1] == pytest.approx(out["score"].iloc[2])
    assert list(out["band"]) == ["green", "red", "yellow"]
    with pytest.raises(sc.ScorecardError, match=r"stages\.onboarding: .*at least one group"):
        sc.from_config(config | {"stages": {"onboarding": {"groups": []}}})


def test_segment_scorecards_override_the_default() -> None:
    config = CONFIG | {"segments": {"Enterprise": {"bands": {"green": 95, "yellow": 90}}}}
    card = sc.from_config(config)
    m = pd.DataFrame(
        {"seats": [0.8, 0.8], "trend": [0.6, 0.6], "nps": [9, 9], "segment": ["SMB", "Enterprise"]}
    )
    out = sc.score(card, m)
    assert out["score"].iloc[0] == pytest.approx(out["score"].iloc[1])
    assert list(out["band"]) == ["green", "red"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"groups": []}, "at least one group"),
        ({"bands": {"green": 30, "yellow": 60}}, "yellow <= green"),
        (
            {"groups": [{"key": "g", "measures": [{"measure": "x", "rule": "vibes"}]}]},
            "rule must be",
        ),
        (
            {"groups": [{"key": "g", "measures": [{"measure": "x", "points": [[1, 0]]}]}]},
            r"2\+ points",
        ),
        (
            {
                "groups": [
                    {"key": "g", "measures": [{"measure": "x", "points": [[0, 0], [1, 150]]}]}
                ]
            },
            "between 0 and 100",
        ),
    ],
)
def test_bad_configs_say_what_to_fix(change: dict[str, object], message: str) -> None:
    with pytest.raises(sc.ScorecardError, match=message):
        sc.from_config(CONFIG | change)


def test_the_shipped_default_scorecard_loads() -> None:
    text = resources.files("retain.analytics").joinpath("default_scorecard.toml").read_text()
    card = sc.from_config(tomllib.loads(text))
    assert sum(card.weights().values()) == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(-5, 5)),
            st.one_of(st.none(), st.floats(-5, 5)),
            st.one_of(st.none(), st.integers(0, 10)),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_score_is_within_0_100_and_contributions_sum(rows: list[tuple[float | None, ...]]) -> None:
    m = pd.DataFrame(rows, columns=["seats", "trend", "nps"], dtype=float)
    out = sc.score(sc.from_config(CONFIG), m)
    for _, r in out.iterrows():
        if math.isnan(r["score"]):
            assert r["confidence"] == 0
            continue
        assert 0 <= r["score"] <= 100
        assert sum(r[c] for c in out if c.startswith("c_")) == pytest.approx(r["score"])
