"""Health: point-in-time measures from the store, the scorecard, the risk model, the backtest,
and daily snapshots written back to the store (`retain score`, `retain backtest`)."""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from typing import Any

import pandas as pd

from retain.analytics import engines
from retain.errors import NotFound
from retain.core.health import attributes as attrs
from retain.core.health import scorecard as sc
from retain.core.health import signals as sg
from retain.core.health.backtest import BacktestReport, backtest
from retain.core.health.labels import HORIZON_DAYS, outcomes, snapshot_dates
from retain.core.health.measures import MEASURES, measures
from retain.core.health.risk_model import RiskModel, default_kind

FEATURES = tuple(MEASURES)
HISTORY_STEP_DAYS = 14
REASONS_KEPT = 8  # the measures that move an account's risk most, stored with each snapshot
STAGES_SEEN = 3  # a stage gets a model feature once this many rows are in it


def default_config_text() -> str:
    """The TOML text of the scorecard shipped with Retain (analytics/default_scorecard.toml)."""
    return resources.files("retain.analytics").joinpath("default_scorecard.toml").read_text()


def default_config() -> dict[str, Any]:
    """The scorecard shipped with Retain, parsed."""
    return tomllib.loads(default_config_text())


def history_start(engine: engines.Engine) -> dt.date:
    """Where the store's history begins: the first day of usage data (else of subscriptions)."""
    first = engine.execute(engine.tables["usage_daily"].day.min())
    if first is None or pd.isna(first):
        first = engine.execute(engine.tables["subscriptions"].start_date.min())
    if first is None or pd.isna(first):
        raise NotFound("no subscriptions yet: import some (retain import subscriptions FILE)")
    day: dt.date = pd.Timestamp(first).date()
    return day


def account_attributes(engine: engines.Engine) -> attrs.Attributes:
    """The custom attributes of every account, as measure columns."""
    acc = engine.execute(engine.tables["accounts"].select("account_id", "custom_attributes"))
    return attrs.extract(acc["account_id"].tolist(), acc["custom_attributes"].tolist())


def features(rows: pd.DataFrame, attributes: attrs.Attributes) -> tuple[str, ...]:
    """Model features: every measure, the custom attributes, and the lifecycle stages seen."""
    stages = [f"stage={s}" for s in _stages(rows)]
    return (*FEATURES, *attributes.features, *stages)


def _stages(rows: pd.DataFrame) -> list[str]:
    if "stage" not in rows:
        return []
    counts = rows["stage"].value_counts()
    return sorted(str(s) for s in counts[counts >= STAGES_SEEN].index)


def scored_rows(
    engine: engines.Engine,
    dates: list[dt.date],
    card: sc.Scorecard,
    attributes: attrs.Attributes | None = None,
) -> pd.DataFrame:
    """Measures and custom attributes of every paying account on each date, with segment,
    stage (also one-hot) and scorecard results."""
    attributes = attributes or account_attributes(engine)
    meas = engine.execute(measures(engine.tables, dates))
    accounts = engine.execute(
        engine.tables["accounts"].select("account_id", "external_id", "segment")
    )
    rows = attrs.encode(meas.merge(accounts, on="account_id", how="left"), attributes)
    rows = attrs.onehot(rows, "stage", _stages(rows))
    return pd.concat([rows, sc.score(card, rows)], axis=1)


def history(
    engine: engines.Engine,
    first: dt.date,
    as_of: dt.date,
    card: sc.Scorecard,
    attributes: attrs.Attributes | None = None,
) -> pd.DataFrame:
    """Snapshots every two weeks whose 90-day outcome is known by `as_of`, labelled."""
    last = as_of - dt.timedelta(days=HORIZON_DAYS)
    if last < first:
        raise ValueError(
            f"history from {first} to {as_of} is shorter than the {HORIZON_DAYS}-day horizon"
        )
    dates = snapshot_dates(first, last, HISTORY_STEP_DAYS)
    rows = scored_rows(engine, dates, card, attributes)
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
    attributes = account_attributes(engine)
    rows = history(engine, first, as_of, card, attributes)
    return backtest(rows, features(rows, attributes), outcome, HORIZON_DAYS), rows


def risk_models(rows: pd.DataFrame, names: tuple[str, ...]) -> dict[str, RiskModel]:
    """Churn and expansion models fitted on all labelled history."""
    out = {}
    for outcome in ("churned", "expanded"):
        if rows[outcome].nunique() == 2:
            kind = default_kind(len(rows))
            out[outcome] = RiskModel(kind, names).fit(rows[list(names)], rows[outcome])
    return out


def snapshot_frame(
    engine: engines.Engine,
    first: dt.date,
    as_of: dt.date,
    days: int,
    card: sc.Scorecard,
    rules: sg.SignalRules | None = None,
) -> pd.DataFrame:
    """Scores of every paying account for each of the last `days` days, with risk and expansion
    probabilities from models trained on the labelled history before them, the measures that
    move each account's risk most, and growth signals with their reasons."""
    attributes = account_attributes(engine)
    dates = [as_of - dt.timedelta(days=d) for d in range(days - 1, -1, -1)]
    rows = scored_rows(engine, dates, card, attributes)
    try:
        past = history(engine, first, as_of, card, attributes)
    except ValueError:
        past = pd.DataFrame()
    names = features(past, attributes) if len(past) else ()
    models = risk_models(past, names) if len(past) else {}
    for outcome, column in (("churned", "risk_probability"), ("expanded", "expansion_probability")):
        model = models.get(outcome)
        rows[column] = model.predict_proba(rows[list(names)]) if model else None
    churn = models.get("churned")
    rows["risk_reasons"] = risk_reasons(churn, rows, past) if churn else [{}] * len(rows)
    base_rate = float(past["expanded"].mean()) if "expanded" in past else None
    found = sg.growth_signals(rows, rules or sg.SignalRules(), base_rate)
    return pd.concat([rows, found], axis=1)


def risk_reasons(
    model: RiskModel, rows: pd.DataFrame, reference: pd.DataFrame
) -> list[dict[str, float]]:
    """Per row, the measures that move its risk most: the change in churn probability if the
    measure were at its typical (median) value in the history, largest first."""
    names = model.features_
    delta = model.contributions(rows[names], reference[names]).round(4)
    out = []
    for values in delta.to_numpy():
        order = sorted(range(len(names)), key=lambda i: -abs(values[i]))[:REASONS_KEPT]
        out.append({names[i]: float(values[i]) for i in order if abs(values[i]) >= 0.005})
    return out
