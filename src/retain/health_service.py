"""Health: point-in-time measures from the store, the scorecard, the risk model, the backtest,
and daily snapshots written back to the store (`retain score`, `retain backtest`)."""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from typing import Any

import pandas as pd

from retain import engines
from retain.core import scorecard as sc
from retain.core.measures import MEASURES, measures
from retain.core.risk.backtest import BacktestReport, backtest
from retain.core.risk.labels import HORIZON_DAYS, outcomes, snapshot_dates
from retain.core.risk.model import RiskModel

FEATURES = tuple(MEASURES)
HISTORY_STEP_DAYS = 14


def default_config() -> dict[str, Any]:
    """The scorecard shipped with Retain (src/retain/scorecards/default.toml)."""
    text = resources.files("retain.scorecards").joinpath("default.toml").read_text()
    return tomllib.loads(text)


def history_start(engine: engines.Engine) -> dt.date:
    """Where the store's history begins: the first day of usage data (else of subscriptions)."""
    first = engine.execute(engine.tables["usage_daily"].day.min())
    if first is None or pd.isna(first):
        first = engine.execute(engine.tables["subscriptions"].start_date.min())
    if first is None or pd.isna(first):
        raise ValueError("no subscriptions yet: import some (retain import subscriptions FILE)")
    day: dt.date = pd.Timestamp(first).date()
    return day


def scored_rows(engine: engines.Engine, dates: list[dt.date], card: sc.Scorecard) -> pd.DataFrame:
    """Measures of every paying account on each date, with segment and scorecard results."""
    meas = engine.execute(measures(engine.tables, dates))
    accounts = engine.execute(
        engine.tables["accounts"].select("account_id", "external_id", "segment")
    )
    rows = meas.merge(accounts, on="account_id", how="left")
    return pd.concat([rows, sc.score(card, rows)], axis=1)


def history(
    engine: engines.Engine, first: dt.date, as_of: dt.date, card: sc.Scorecard
) -> pd.DataFrame:
    """Snapshots every two weeks whose 90-day outcome is known by `as_of`, labelled."""
    last = as_of - dt.timedelta(days=HORIZON_DAYS)
    if last < first:
        raise ValueError(
            f"history from {first} to {as_of} is shorter than the {HORIZON_DAYS}-day horizon"
        )
    dates = snapshot_dates(first, last, HISTORY_STEP_DAYS)
    rows = scored_rows(engine, dates, card)
    labels = engine.execute(outcomes(engine.tables, dates))
    return rows.merge(labels, on=["account_id", "at"], how="inner")


def run_backtest(
    engine: engines.Engine,
    first: dt.date,
    as_of: dt.date,
    card: sc.Scorecard,
    outcome: str = "churned",
) -> tuple[BacktestReport, pd.DataFrame]:
    """The backtest report and the labelled rows it was computed on."""
    rows = history(engine, first, as_of, card)
    return backtest(rows, FEATURES, outcome, HORIZON_DAYS), rows


def risk_models(rows: pd.DataFrame) -> dict[str, RiskModel]:
    """Churn and expansion models fitted on all labelled history."""
    out = {}
    for outcome in ("churned", "expanded"):
        if rows[outcome].nunique() == 2:
            out[outcome] = RiskModel("gbm", FEATURES).fit(rows[list(FEATURES)], rows[outcome])
    return out


def snapshot_frame(
    engine: engines.Engine, first: dt.date, as_of: dt.date, days: int, card: sc.Scorecard
) -> pd.DataFrame:
    """Scores of every paying account for each of the last `days` days, with risk and expansion
    probabilities from models trained on the labelled history before them."""
    dates = [as_of - dt.timedelta(days=d) for d in range(days - 1, -1, -1)]
    rows = scored_rows(engine, dates, card)
    try:
        models = risk_models(history(engine, first, as_of, card))
    except ValueError:
        models = {}
    for outcome, column in (("churned", "risk_probability"), ("expanded", "expansion_probability")):
        model = models.get(outcome)
        rows[column] = model.predict_proba(rows[list(FEATURES)]) if model else None
    return rows
