"""Cohort retention matrices and the Kaplan-Meier curve on hand-computed histories."""

from __future__ import annotations

from typing import Any

import pytest

from retain.core import cohorts
from tests.unit.metrics.conftest import D, sub, table

SUBS = [
    sub(1, 100.0, D(2026, 1, 5)),  # January cohort, stays
    sub(2, 100.0, D(2026, 1, 10), end=D(2026, 2, 20)),  # January cohort, gone by end of March
    sub(2, 0.0, D(2026, 3, 1)),
    sub(3, 100.0, D(2026, 1, 20)),
    sub(3, 100.0, D(2026, 3, 1)),  # January cohort, doubles in March
    sub(4, 50.0, D(2026, 2, 1)),  # February cohort
]


def test_cohort_matrix_logo_and_revenue(con: Any) -> None:
    df = con.execute(
        cohorts.cohort_matrix(table("subscriptions", SUBS), D(2026, 1, 1), D(2026, 3, 31))
    )
    cells = {(r.cohort, r.age): (r.logo_retention, r.revenue_retention) for r in df.itertuples()}
    assert cells[("2026-01", 0)] == (1.0, 1.0)
    assert cells[("2026-01", 1)] == pytest.approx((2 / 3, 200 / 300))  # 2 stopped on Feb 20
    assert cells[("2026-01", 2)] == pytest.approx((2 / 3, 300 / 300))  # 2 left, one doubled
    assert cells[("2026-02", 1)] == (1.0, 1.0)
    assert ("2026-02", 2) not in cells  # not yet observed


def test_kaplan_meier_censors_customers_still_paying(con: Any) -> None:
    rows = [
        sub(1, 100.0, D(2026, 1, 1), end=D(2026, 1, 10)),  # 10 days, churned
        sub(2, 100.0, D(2026, 1, 1), end=D(2026, 1, 20)),  # 20 days, churned
        sub(3, 100.0, D(2026, 1, 1)),  # still paying at as-of: censored at 31 days
        sub(4, 100.0, D(2026, 1, 1)),
    ]
    life = con.execute(cohorts.lifetimes(table("subscriptions", rows), D(2026, 1, 31)))
    assert sorted(zip(life.duration, life.observed, strict=True)) == [
        (10, True),
        (20, True),
        (31, False),
        (31, False),
    ]
    curve = cohorts.kaplan_meier(life)
    at = dict(zip(curve.days, curve.survival, strict=True))
    assert at[10] == pytest.approx(3 / 4)
    assert at[20] == pytest.approx(3 / 4 * 2 / 3)
    assert at[31] == pytest.approx(0.5)  # censoring does not lower the curve
