"""Probabilistic CLV over the store's purchases: RFM summary, BG/NBD and Gamma-Gamma fits,
per-account predictions; and the sBG projection of the newest cohorts' retention."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retain.analytics import engines
from retain.core import cohorts
from retain.core.clv import BGNBD, GammaGamma, ShiftedBetaGeometric, customer_lifetime_value
from retain.core.clv.rfm import rfm_summary

MIN_REPEAT_BUYERS = 20


@dataclass
class ClvReport:
    """Fitted parameters and per-account predictions."""

    bgnbd: dict[str, float]
    gamma_gamma: dict[str, float] | None
    accounts: pd.DataFrame


def purchase_clv(
    engine: engines.Engine, as_of: dt.date, horizon_weeks: int, discount_rate: float
) -> ClvReport:
    """Fit BG/NBD (and Gamma-Gamma when there are repeat buyers) on purchases up to `as_of`."""
    rfm = engine.execute(rfm_summary(engine.tables["purchases"], as_of))
    repeat = rfm[rfm.frequency > 0]
    if len(repeat) < MIN_REPEAT_BUYERS:
        raise ValueError(
            f"only {len(repeat)} customers bought more than once by {as_of}: BG/NBD needs at "
            f"least {MIN_REPEAT_BUYERS} repeat buyers; import more (retain import purchases FILE)"
        )
    model = BGNBD().fit(rfm.frequency, rfm.recency, rfm["T"])
    out = rfm.copy()
    out["p_alive"] = model.probability_alive(rfm.frequency, rfm.recency, rfm["T"])
    out["expected_purchases"] = model.expected_purchases(
        horizon_weeks, rfm.frequency, rfm.recency, rfm["T"]
    )
    spend = GammaGamma().fit(repeat.frequency, repeat.monetary)
    mean_value = np.where(rfm.frequency > 0, rfm.monetary, 0.0)
    out["expected_value"] = customer_lifetime_value(
        model, spend, rfm.frequency, rfm.recency, rfm["T"], mean_value, horizon_weeks, discount_rate
    )
    names = engine.execute(engine.tables["accounts"].select("account_id", "external_id", "name"))
    out = out.merge(names, on="account_id", how="left").sort_values(
        "expected_value", ascending=False
    )
    return ClvReport(model.params_, spend.params_, out)


def cohort_projection(
    engine: engines.Engine, as_of: dt.date, cohorts_back: int = 12, horizon: int = 24
) -> pd.DataFrame:
    """sBG fitted on each of the last monthly cohorts with 3+ observed months, projected."""
    first = (as_of.replace(day=1) - dt.timedelta(days=31 * (cohorts_back + 12))).replace(day=1)
    matrix = engine.execute(cohorts.cohort_matrix(engine.tables["subscriptions"], first, as_of))
    rows = []
    for cohort, cells in matrix.groupby("cohort"):
        alive = cells.sort_values("age")["retained"].to_numpy(dtype=float)
        alive = np.minimum.accumulate(alive)
        if len(alive) < 4 or alive[0] < 5 or alive[-1] == alive[0]:
            continue
        fit = ShiftedBetaGeometric().fit(alive)
        projected = fit.project(alive[0], horizon)
        rows.append(
            {
                "cohort": cohort,
                "customers": int(alive[0]),
                "observed_months": len(alive) - 1,
                "alpha": fit.params_["alpha"],
                "beta": fit.params_["beta"],
                "retention_12m": projected[12] / alive[0],
                f"retention_{horizon}m": projected[horizon] / alive[0],
            }
        )
    return pd.DataFrame(rows).tail(cohorts_back)
