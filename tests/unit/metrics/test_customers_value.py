"""Customer and value metrics on hand-computed tables (seeds 001-003 examples included)."""

from __future__ import annotations

import pytest

from retain.core import metrics as m
from tests.unit.metrics.conftest import D, Runner, months, sub

MAR = months(D(2026, 3, 1), D(2026, 3, 31))
JAN_APR = months(D(2026, 1, 1), D(2026, 4, 30))


def test_seed_churn_example_16000_customers_800_lost_is_5_percent(run: Runner) -> None:
    subs = [
        sub(i, 10.0, D(2025, 1, 1), end=D(2026, 2, 28) if i < 800 else None) for i in range(16_000)
    ]
    assert run("logo_churn_rate", MAR, subscriptions=subs) == {"2026-03": 0.05}
    assert run("retention_rate", MAR, subscriptions=subs) == {"2026-03": 0.95}


def test_same_period_new_and_churned_excluded_by_default(run: Runner) -> None:
    subs = [
        sub(1, 100.0, D(2025, 1, 1), end=D(2026, 2, 28)),  # churns in March
        sub(2, 100.0, D(2025, 1, 1)),
        sub(3, 100.0, D(2026, 3, 3), end=D(2026, 3, 20)),  # new and churned inside March
    ]
    assert run("logo_churn_rate", MAR, subscriptions=subs)["2026-03"] == pytest.approx(1 / 2)
    include = m.MetricSettings(same_period_new_churned="include")
    assert run("logo_churn_rate", MAR, include, subscriptions=subs)["2026-03"] == pytest.approx(
        2 / 3
    )


def test_renewal_rates_use_the_cohort_up_for_renewal(run: Runner) -> None:
    subs = [
        sub(1, 1200.0, D(2025, 3, 10), interval="year"),  # renews on 2026-03-10 at 100
        sub(2, 2400.0, D(2025, 3, 20), end=D(2026, 3, 19), interval="year"),  # does not renew
        sub(3, 1200.0, D(2025, 3, 5), end=D(2026, 3, 4), interval="year"),  # renews lower:
        sub(3, 600.0, D(2026, 3, 5), interval="year"),  # 100 -> 50
        sub(4, 1200.0, D(2025, 3, 1), end=D(2026, 2, 28), interval="year"),  # renews higher:
        sub(4, 2400.0, D(2026, 3, 1), interval="year"),  # 100 -> 200 (capped at 100)
        sub(5, 100.0, D(2025, 3, 15)),  # monthly: never "up for renewal"
    ]
    assert run("renewal_rate", MAR, subscriptions=subs)["2026-03"] == pytest.approx(3 / 4)
    dollar = run("dollar_renewal_rate", MAR, subscriptions=subs)["2026-03"]
    assert dollar == pytest.approx((100 + 0 + 50 + 100) / (100 + 200 + 100 + 100))


def test_subscription_clv_uses_trailing_six_month_churn(run: Runner) -> None:
    # 10 customers at 100; one churns in March (10%), none in the other months.
    subs = [sub(i, 100.0, D(2025, 1, 1), end=D(2026, 2, 28) if i == 0 else None) for i in range(10)]
    out = run("clv", MAR, subscriptions=subs)["2026-03"]
    churn = 0.1 / 6  # mean of Oct..Mar monthly churn
    assert out == pytest.approx(100 / churn)
    half_margin = m.MetricSettings(gross_margin=0.5)
    assert run("clv", MAR, half_margin, subscriptions=subs)["2026-03"] == pytest.approx(50 / churn)


def test_clv_is_not_reported_without_churn(run: Runner) -> None:
    subs = [sub(1, 100.0, D(2025, 1, 1))]
    assert run("clv", MAR, subscriptions=subs) == {"2026-03": None}


def test_seed_001_clv_form(run: Runner) -> None:
    subs = [sub(i, 100.0, D(2025, 1, 1), end=D(2026, 2, 28) if i == 0 else None) for i in range(10)]
    buys = [
        {"account_id": 1, "purchased_at": D(2025, 6, 1), "amount": 50.0},
        {"account_id": 1, "purchased_at": D(2026, 1, 1), "amount": 150.0},
        {"account_id": 2, "purchased_at": D(2026, 3, 1), "amount": 100.0},
        {"account_id": 2, "purchased_at": D(2024, 1, 1), "amount": 999.0},  # outside 12 months
    ]
    value = run("clv_purchase", MAR, subscriptions=subs, purchases=buys)["2026-03"]
    lifespan_years = 1 / (12 * 0.1 / 6)
    assert value == pytest.approx(100 * 1.5 * lifespan_years)


def test_cac_payback_and_crc(run: Runner) -> None:
    subs = [
        sub(1, 100.0, D(2025, 1, 1)),
        sub(2, 200.0, D(2026, 3, 2)),
        sub(3, 400.0, D(2026, 3, 9)),
    ]
    costs = [
        {
            "category": "sales",
            "period_start": D(2026, 3, 1),
            "period_end": D(2026, 3, 31),
            "amount": 3000.0,
        },
        {
            "category": "marketing",
            "period_start": D(2026, 1, 1),
            "period_end": D(2026, 6, 30),
            "amount": 1810.0,
        },
        {
            "category": "support",
            "period_start": D(2026, 3, 1),
            "period_end": D(2026, 3, 31),
            "amount": 900.0,
        },
    ]
    marketing_march = 1810.0 * 31 / 181
    cac = (3000 + marketing_march) / 2
    assert run("cac", MAR, subscriptions=subs, costs=costs)["2026-03"] == pytest.approx(cac)
    payback = run("cac_payback_months", MAR, subscriptions=subs, costs=costs)["2026-03"]
    assert payback == pytest.approx(cac / 300)
    assert run("crc", MAR, subscriptions=subs, costs=costs)["2026-03"] == pytest.approx(900 / 3)
