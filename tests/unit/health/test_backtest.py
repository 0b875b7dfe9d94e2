"""Risk model and backtest on synthetic snapshots whose churn depends on known measures."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from retain.core.health.backtest import backtest, calibration_table, evaluate
from retain.core.health.labels import snapshot_dates
from retain.core.health.risk_model import RiskModel


def synthetic(n_accounts: int = 300, n_dates: int = 20, seed: int = 3) -> pd.DataFrame:
    """Snapshots where churn risk rises with falling usage and unanswered outreach."""
    rng = np.random.default_rng(seed)
    rows = []
    dates = [dt.date(2025, 1, 1) + dt.timedelta(days=14 * i) for i in range(n_dates)]
    for d in dates:
        trend = rng.normal(0, 0.3, n_accounts)
        unanswered = rng.uniform(0, 1, n_accounts)
        noise = rng.normal(0, 1, n_accounts)
        logit = -3.2 - 4 * trend + 2 * unanswered
        churned = rng.uniform(size=n_accounts) < 1 / (1 + np.exp(-logit))
        score = np.clip(60 + 60 * trend - 20 * unanswered + 5 * rng.normal(size=n_accounts), 0, 100)
        for i in range(n_accounts):
            band = "green" if score[i] >= 70 else "yellow" if score[i] >= 45 else "red"
            rows.append(
                {
                    "account_id": i,
                    "at": d,
                    "usage_trend_30d": trend[i],
                    "unanswered": unanswered[i],
                    "noise": noise[i],
                    "churned": bool(churned[i]),
                    "score": score[i],
                    "band": band,
                    "s_usage_trend_30d": 50 + 100 * trend[i],
                    "s_unanswered": 100 * (1 - unanswered[i]),
                    "s_noise": 50 + 10 * noise[i],
                }
            )
    return pd.DataFrame(rows)


def test_out_of_time_backtest_ranks_churners_and_reports_everything() -> None:
    rows = synthetic()
    report = backtest(rows, ["usage_trend_30d", "unanswered", "noise"]).as_dict()
    assert report["method"] == "out_of_time"
    assert report["auc"] > 0.75
    assert report["lift_top_decile"] > 2
    rate = report["test_rate"]
    assert 0 < report["brier"] < rate * (1 - rate)  # better than always predicting the base rate
    assert set(report["evaluations"]) == {"model", "scorecard", "baseline_usage_trend"}
    rates = report["per_band_churn"]
    assert rates["green"] < rates["yellow"] < rates["red"]
    weights = report["suggested_weights"]
    assert weights["noise"] < weights["unanswered"]
    assert weights["noise"] < weights["usage_trend_30d"]


def test_short_history_falls_back_to_cross_validation() -> None:
    rows = synthetic(n_accounts=600, n_dates=1)
    report = backtest(rows, ["usage_trend_30d", "unanswered"])
    assert report.method == "stratified_cv"
    assert "cross-validation" in report.note
    assert report.evaluations["model"].auc is not None
    assert report.evaluations["model"].auc > 0.7


def test_evaluate_by_hand() -> None:
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    risk = np.array([0.9, 0.1, 0.2, 0.1, 0.3, 0.2, 0.1, 0.2, 0.1, 0.8])
    ev = evaluate(y, risk, probabilities=True)
    assert ev.auc == 1.0
    assert ev.lift_top_decile == pytest.approx(1 / 0.2)  # the top row churned; base rate 20%
    assert ev.capture_top_20 == 1.0
    table = calibration_table(y, risk, bins=2)
    assert [row["n"] for row in table] == [5, 5]


def test_model_contract_and_contributions() -> None:
    rows = synthetic(n_dates=3)
    X, y = rows[["usage_trend_30d", "unanswered"]], rows["churned"]
    model = RiskModel("logistic", random_state=1)
    assert model.fit(X, y) is model
    assert model.features_ == ["usage_trend_30d", "unanswered"]
    contrib = model.contributions(X.head(50), X)
    falling = X.head(50)["usage_trend_30d"] < -0.3
    assert (contrib.loc[falling, "usage_trend_30d"] > 0).all()  # falling usage raises risk
    with pytest.raises(ValueError, match="never"):
        RiskModel().fit(X, [False] * len(X))


def test_snapshot_dates_step_back_from_the_last() -> None:
    dates = snapshot_dates(dt.date(2026, 1, 1), dt.date(2026, 1, 31), every_days=14)
    assert dates == [dt.date(2026, 1, 3), dt.date(2026, 1, 17), dt.date(2026, 1, 31)]
