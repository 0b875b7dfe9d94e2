"""Invariants of the MRR bridge and rates for any generated subscription history."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retain.core import metrics as m
from retain.core.mrr import RevenueSettings
from retain.core.tables import Tables
from tests.unit.metrics.conftest import D, months, table

PERIODS = months(D(2025, 1, 1), D(2025, 12, 31))
INTERVALS = ("day", "week", "month", "quarter", "year")


@st.composite
def items(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(1, 12))):
        start = D(2024, 10, 1) + dt.timedelta(days=draw(st.integers(0, 450)))
        length = draw(st.one_of(st.none(), st.integers(0, 400)))
        out.append(
            {
                "account_id": draw(st.integers(1, 5)),
                "external_id": f"s{i}",
                "plan": "p",
                "amount": float(draw(st.integers(0, 500))),
                "quantity": draw(st.integers(0, 3)),
                "interval": draw(st.sampled_from(INTERVALS)),
                "discount_percent": float(draw(st.sampled_from([0, 10, 100]))),
                "discount_end": draw(st.one_of(st.none(), st.just(D(2025, 6, 15)))),
                "charge_type": draw(st.sampled_from(["recurring", "recurring", "one_time"])),
                "status": draw(st.sampled_from(["active", "past_due", "cancelled", "trial"])),
                "start_date": start,
                "end_date": None if length is None else start + dt.timedelta(days=length),
                "cancelled_at": None,
            }
        )
    return out


def _series(con: Any, ctx: m.Context, name: str) -> dict[str, float]:
    df = con.execute(m.get(name)(ctx))
    return {
        p: float(v) for p, v in zip(df["period"], df["value"], strict=True) if not math.isnan(v)
    }


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(subs=items(), zero_churn=st.booleans(), window=st.sampled_from([None, 45]))
def test_bridge_closes_and_rates_stay_in_range(
    con: Any, subs: list[dict[str, Any]], zero_churn: bool, window: int | None
) -> None:
    revenue = RevenueSettings(zero_plan_is_churn=zero_churn, reactivation_window_days=window)
    ctx = m.Context(
        Tables({"subscriptions": table("subscriptions", subs)}),
        PERIODS,
        PERIODS[-1].last_day,
        m.MetricSettings(revenue=revenue),
    )
    from retain.core.metrics._common import bridge

    b = con.execute(bridge(ctx))
    for row in b.itertuples():
        moved = row.new + row.expansion + row.reactivation - row.contraction - row.churn
        assert row.start_mrr + moved == pytest.approx(row.end_mrr, abs=1e-6)
    ends = list(b.sort_values("period").end_mrr)
    starts = list(b.sort_values("period").start_mrr)
    assert starts[1:] == pytest.approx(
        ends[:-1], abs=1e-6
    )  # each period starts where the last ended
    for name in ("logo_churn_rate", "gross_mrr_churn", "retention_rate"):
        assert all(0 <= v <= 1 for v in _series(con, ctx, name).values()), name
    assert all(v <= 1 + 1e-9 for v in _series(con, ctx, "grr").values())
    assert all(v <= 1 + 1e-9 for v in _series(con, ctx, "grr_t12m").values())
