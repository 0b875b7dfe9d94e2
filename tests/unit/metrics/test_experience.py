"""Survey metrics: NPS, CSAT (top-2-box and seed 001's 6-10 variant), CES, response rate."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.unit.metrics.conftest import D, Runner, months

MAR = months(D(2026, 3, 1), D(2026, 3, 31))
T = dt.datetime(2026, 3, 10, 12)

SURVEYS = [
    {
        "survey_id": 1,
        "kind": "nps",
        "scale_min": 0,
        "scale_max": 10,
        "direction": "higher_better",
        "aggregation": "nps",
    },
    {
        "survey_id": 2,
        "kind": "csat",
        "scale_min": 1,
        "scale_max": 5,
        "direction": "higher_better",
        "aggregation": "top_box",
        "positive_threshold": 4,
    },
    {
        "survey_id": 3,
        "kind": "csat",
        "scale_min": 1,
        "scale_max": 10,
        "direction": "higher_better",
        "aggregation": "top_box",
        "positive_threshold": 6,
    },
    {
        "survey_id": 4,
        "kind": "ces",
        "scale_min": 1,
        "scale_max": 7,
        "direction": "higher_better",
        "aggregation": "mean",
        "positive_threshold": 5,
    },
    {
        "survey_id": 5,
        "kind": "ces",
        "scale_min": 1,
        "scale_max": 5,
        "direction": "lower_better",
        "aggregation": "mean",
        "positive_threshold": 2,
    },
]


def answers(survey: int, scores: list[int], when: dt.datetime = T) -> list[dict[str, Any]]:
    return [
        {
            "survey_id": survey,
            "account_id": 1,
            "invitation_id": None,
            "score": s,
            "answered_at": when,
        }
        for s in scores
    ]


def test_nps_from_promoters_and_detractors(run: Runner) -> None:
    # 5 promoters, 3 passives, 2 detractors -> 50% - 20% = 30
    rows = answers(1, [10, 9, 9, 10, 9, 8, 7, 7, 6, 0]) + answers(
        1, [0, 0], dt.datetime(2026, 4, 1)
    )
    assert run("nps", MAR, surveys=SURVEYS, survey_responses=rows) == {"2026-03": 30.0}


def test_nps_bounds(run: Runner) -> None:
    assert run("nps", MAR, surveys=SURVEYS, survey_responses=answers(1, [0, 3]))["2026-03"] == -100
    assert run("nps", MAR, surveys=SURVEYS, survey_responses=answers(1, [9, 10]))["2026-03"] == 100


def test_csat_top_two_box_and_ten_point_variant(run: Runner) -> None:
    five = answers(2, [5, 4, 3, 2])  # 2 of 4 positive
    ten = answers(3, [6, 10, 5, 1])  # 2 of 4 positive on the 6-10 rule
    assert run("csat", MAR, surveys=SURVEYS, survey_responses=five)["2026-03"] == 50.0
    both = run("csat", MAR, surveys=SURVEYS, survey_responses=five + ten + answers(3, [7]))
    assert both["2026-03"] == pytest.approx(5 / 9 * 100)


def test_ces_mean_uses_ces2_only_and_share_respects_direction(run: Runner) -> None:
    rows = answers(4, [7, 6, 2]) + answers(5, [1, 4])  # CES 1.0: 1 is easy, 4 is not
    assert run("ces", MAR, surveys=SURVEYS, survey_responses=rows)["2026-03"] == pytest.approx(5.0)
    share = run("ces_easy_share", MAR, surveys=SURVEYS, survey_responses=rows)["2026-03"]
    assert share == pytest.approx(3 / 5 * 100)


def test_response_rate(run: Runner) -> None:
    invitations = [
        {"invitation_id": i, "survey_id": 1, "account_id": 1, "sent_at": T} for i in range(1, 5)
    ]
    rows = answers(1, [9, 3])
    rows[0]["invitation_id"] = 1
    rows[1]["invitation_id"] = 3
    out = run(
        "survey_response_rate",
        MAR,
        surveys=SURVEYS,
        survey_invitations=invitations,
        survey_responses=rows,
    )
    assert out == {"2026-03": 0.5}


def test_response_rate_under_an_account_filter(run: Runner) -> None:
    """Only the SMB accounts' invitations count: account 1 (SMB) had 4 sent, 1 answered;
    account 2 (SMB) 1 sent, 1 answered; account 3 (Enterprise) 3 sent, 3 answered.
    SMB: 2 answered / 5 sent = 0.4 (all accounts: 5 / 8)."""
    accounts = [
        {"account_id": 1, "segment": "SMB", "owner": "maya"},
        {"account_id": 2, "segment": "SMB", "owner": "victor"},
        {"account_id": 3, "segment": "Enterprise", "owner": "maya"},
    ]
    sent = [(1, 1), (2, 1), (3, 1), (4, 1), (5, 2), (6, 3), (7, 3), (8, 3)]
    invitations = [
        {"invitation_id": i, "survey_id": 1, "account_id": a, "sent_at": T} for i, a in sent
    ]
    rows = [
        {"survey_id": 1, "account_id": a, "invitation_id": i, "score": 9, "answered_at": T}
        for i, a in [(2, 1), (5, 2), (6, 3), (7, 3), (8, 3)]
    ]
    tables = {
        "accounts": accounts,
        "surveys": SURVEYS,
        "survey_invitations": invitations,
        "survey_responses": rows,
    }
    assert run("survey_response_rate", MAR, **tables) == {"2026-03": 5 / 8}
    smb = run("survey_response_rate", MAR, segment={"segment": "SMB"}, **tables)
    assert smb == {"2026-03": 0.4}
    # maya owns accounts 1 and 3: 4 answered / 7 sent
    maya = run("survey_response_rate", MAR, segment={"owner": "maya"}, **tables)
    assert maya == {"2026-03": pytest.approx(4 / 7)}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scores=st.lists(st.integers(0, 10), min_size=1, max_size=40))
@example(scores=[0] * 23 + [7] * 17)  # -57.5: float division first gave -57.49999... -> -57
def test_nps_is_a_whole_number_within_bounds(run: Runner, scores: list[int]) -> None:
    value = run("nps", MAR, surveys=SURVEYS, survey_responses=answers(1, scores))["2026-03"]
    assert value is not None
    assert -100 <= value <= 100
    assert value == round(value)
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    exact = Decimal(100 * (promoters - detractors)) / len(scores)
    assert value == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_nps_halves_round_away_from_zero(run: Runner) -> None:
    up = answers(1, [10] + [8] * 7)  # 12.5
    down = answers(1, [0] + [8] * 7)  # -12.5
    assert run("nps", MAR, surveys=SURVEYS, survey_responses=up)["2026-03"] == 13
    assert run("nps", MAR, surveys=SURVEYS, survey_responses=down)["2026-03"] == -13
