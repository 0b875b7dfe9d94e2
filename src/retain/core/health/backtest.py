"""Does the score predict what happened? Out-of-time backtests of scorecard, model and a naive
baseline, with AUC, PR-AUC, Brier score, calibration, lift and capture in the riskiest deciles.

Rows are point-in-time snapshots (measures as of D) labelled with the outcome within the
horizon after D. The test set is every snapshot after a cutoff date; the model trains only on
snapshots whose outcome was known by the cutoff. With too little history for that split the
backtest falls back to stratified cross-validation and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from retain.core.health.risk_model import KINDS, RiskModel, default_kind

MIN_TEST_POSITIVES = 5


@dataclass
class Evaluation:
    """How well a risk ranking matched outcomes."""

    auc: float | None
    pr_auc: float | None
    brier: float | None
    lift_top_decile: float | None
    lift_top_20: float | None
    capture_top_decile: float | None
    capture_top_20: float | None
    calibration: list[dict[str, float]] = field(default_factory=list)


def evaluate(y: Sequence[bool] | np.ndarray, risk: np.ndarray, probabilities: bool) -> Evaluation:
    """Metrics of a risk ranking; Brier and calibration only for true probabilities."""
    labels = np.asarray(y, dtype=int)
    if labels.min() == labels.max():
        return Evaluation(None, None, None, None, None, None, None)
    order = np.argsort(-risk, kind="stable")
    base = labels.mean()

    def top(share: float) -> tuple[float, float]:
        k = max(1, round(len(labels) * share))
        hits = labels[order[:k]]
        return float(hits.mean() / base), float(hits.sum() / labels.sum())

    lift10, cap10 = top(0.1)
    lift20, cap20 = top(0.2)
    brier = float(brier_score_loss(labels, risk)) if probabilities else None
    return Evaluation(
        auc=float(roc_auc_score(labels, risk)),
        pr_auc=float(average_precision_score(labels, risk)),
        brier=brier,
        lift_top_decile=lift10,
        lift_top_20=lift20,
        capture_top_decile=cap10,
        capture_top_20=cap20,
        calibration=calibration_table(labels, risk) if probabilities else [],
    )


def calibration_table(labels: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Deciles of predicted probability: mean prediction vs observed rate, and row count."""
    frame = pd.DataFrame({"y": labels, "p": p})
    frame["bin"] = pd.qcut(frame["p"].rank(method="first"), q=min(bins, len(frame)), labels=False)
    rows = frame.groupby("bin").agg(
        predicted=("p", "mean"), observed=("y", "mean"), n=("y", "size")
    )
    return [{k: float(v) for k, v in r.items()} for r in rows.to_dict("records")]


@dataclass
class BacktestReport:
    """The backtest's figures, for `retain backtest` and its HTML report."""

    outcome: str
    method: str
    note: str
    cutoff: str | None
    train_rows: int
    test_rows: int
    test_rate: float
    chosen_model: str
    evaluations: dict[str, Evaluation]
    per_band: dict[str, dict[str, float]]
    suggested_weights: dict[str, float]
    top_features: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready), with the headline figures of the chosen model on top."""
        chosen = self.evaluations["model"]
        return {
            "auc": chosen.auc,
            "pr_auc": chosen.pr_auc,
            "brier": chosen.brier,
            "lift_top_decile": chosen.lift_top_decile,
            "per_band_churn": {b: v["rate"] for b, v in self.per_band.items()},
            **{k: v for k, v in asdict(self).items() if k != "evaluations"},
            "evaluations": {k: asdict(v) for k, v in self.evaluations.items()},
        }


def split_by_time(
    rows: pd.DataFrame, horizon_days: int, test_share: float = 0.3
) -> tuple[pd.DataFrame, pd.DataFrame, dt.date] | None:
    """Train on snapshots whose outcome was known by the cutoff, test on those after it."""
    dates = sorted(rows["at"].unique())
    if len(dates) < 3:
        return None
    cutoff = dates[int(len(dates) * (1 - test_share))]
    known = pd.Timestamp(cutoff) - pd.Timedelta(days=horizon_days)
    train = rows[pd.to_datetime(rows["at"]) <= known]
    test = rows[pd.to_datetime(rows["at"]) > pd.Timestamp(cutoff)]
    return train, test, pd.Timestamp(cutoff).date()


def backtest(
    rows: pd.DataFrame,
    features: Sequence[str],
    outcome: str = "churned",
    horizon_days: int = 90,
    random_state: int = 0,
) -> BacktestReport:
    """Backtest scorecard (`score`), model and naive baseline (`usage_trend_30d`) on `rows`."""
    split = split_by_time(rows, horizon_days)
    if split is not None and _usable(split[0], split[1], outcome):
        train, test, cutoff = split
        return _out_of_time(rows, train, test, cutoff, features, outcome, random_state)
    return _cross_validated(rows, features, outcome, random_state)


def _usable(train: pd.DataFrame, test: pd.DataFrame, outcome: str) -> bool:
    """Both sides hold enough of each outcome to fit and to measure."""
    return bool(
        train[outcome].nunique() == 2
        and train[outcome].sum() >= MIN_TEST_POSITIVES
        and test[outcome].sum() >= MIN_TEST_POSITIVES
        and (~test[outcome]).sum() >= MIN_TEST_POSITIVES
    )


def _choose(train: pd.DataFrame, features: Sequence[str], outcome: str, seed: int) -> str:
    """Pick the model kind by an inner time split of the training rows (never the test)."""
    inner = split_by_time(train, 0, test_share=0.3)
    if inner is None or not _usable(inner[0], inner[1], outcome):
        return default_kind(len(train))
    fit, val, _ = inner
    scores = {}
    for kind in KINDS:
        model = RiskModel(kind, features, seed).fit(fit[list(features)], fit[outcome])
        scores[kind] = roc_auc_score(val[outcome], model.predict_proba(val[list(features)]))
    return max(scores, key=lambda k: scores[k])


def _out_of_time(
    rows: pd.DataFrame,
    train: pd.DataFrame,
    test: pd.DataFrame,
    cutoff: dt.date,
    features: Sequence[str],
    outcome: str,
    seed: int,
) -> BacktestReport:
    kind = _choose(train, features, outcome, seed)
    model = RiskModel(kind, features, seed).fit(train[list(features)], train[outcome])
    p = model.predict_proba(test[list(features)])
    evaluations = _evaluations(test, p, outcome)
    top = model.importances(test[list(features)], test[outcome]).head(10)
    return BacktestReport(
        outcome=outcome,
        method="out_of_time",
        note=f"trained on snapshots with outcomes known by {cutoff}, tested on later snapshots",
        cutoff=str(cutoff),
        train_rows=len(train),
        test_rows=len(test),
        test_rate=float(test[outcome].mean()),
        chosen_model=kind,
        evaluations=evaluations,
        per_band=per_band(test, outcome),
        suggested_weights=suggest_weights(train, outcome),
        top_features={k: float(v) for k, v in top.items()},
    )


def _cross_validated(
    rows: pd.DataFrame, features: Sequence[str], outcome: str, seed: int
) -> BacktestReport:
    labels = rows[outcome].astype(int)
    if labels.sum() < 2 or (1 - labels).sum() < 2:
        raise ValueError(f"too few '{outcome}' outcomes ({int(labels.sum())}) to backtest")
    folds = StratifiedKFold(
        n_splits=int(min(5, labels.sum(), (1 - labels).sum())), shuffle=True, random_state=seed
    )
    p = np.zeros(len(rows))
    kind = default_kind(len(rows))
    for fit_idx, test_idx in folds.split(rows, labels):
        fit = rows.iloc[fit_idx]
        model = RiskModel(kind, features, seed).fit(fit[list(features)], fit[outcome])
        p[test_idx] = model.predict_proba(rows.iloc[test_idx][list(features)])
    return BacktestReport(
        outcome=outcome,
        method="stratified_cv",
        note="history too short for an out-of-time split: stratified cross-validation instead "
        f"(optimistic; rerun when more history exists); {kind} model, chosen by data size",
        cutoff=None,
        train_rows=len(rows),
        test_rows=len(rows),
        test_rate=float(labels.mean()),
        chosen_model=kind,
        evaluations=_evaluations(rows, p, outcome),
        per_band=per_band(rows, outcome),
        suggested_weights=suggest_weights(rows, outcome),
        top_features={},
    )


def _evaluations(test: pd.DataFrame, p: np.ndarray, outcome: str) -> dict[str, Evaluation]:
    y = test[outcome].to_numpy()
    out = {"model": evaluate(y, p, probabilities=True)}
    if "score" in test:
        out["scorecard"] = evaluate(y, 100 - test["score"].fillna(50).to_numpy(), False)
    if "usage_trend_30d" in test:
        out["baseline_usage_trend"] = evaluate(
            y, -test["usage_trend_30d"].fillna(0).to_numpy(), False
        )
    return out


def per_band(rows: pd.DataFrame, outcome: str) -> dict[str, dict[str, float]]:
    """Outcome rate per scorecard band (green, yellow, red)."""
    if "band" not in rows:
        return {}
    grouped = rows.groupby("band")[outcome].agg(["size", "sum", "mean"])
    return {
        str(b): {"rows": float(r["size"]), "events": float(r["sum"]), "rate": float(r["mean"])}
        for b, r in grouped.iterrows()
    }


def suggest_weights(rows: pd.DataFrame, outcome: str) -> dict[str, float]:
    """Scorecard weights suggested by outcomes: how strongly each measure's points (`s_*`)
    separate the outcome in a logistic regression; measures that do not help get 0."""
    cols = [c for c in rows if c.startswith("s_") and rows[c].notna().any()]
    if not cols or rows[outcome].nunique() < 2:
        return {}
    X = rows[cols].fillna(rows[cols].median()).fillna(50.0)
    scale = X.std().replace(0, 1)
    lr = LogisticRegression(max_iter=2000, C=0.5).fit((X - X.mean()) / scale, rows[outcome])
    strength = np.maximum(0.0, -lr.coef_[0])  # higher points should mean less churn
    total = strength.sum()
    if total == 0:
        return {}
    return {c[2:]: round(float(s / total), 4) for c, s in zip(cols, strength, strict=True)}
