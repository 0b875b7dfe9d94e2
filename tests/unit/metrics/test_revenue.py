"""Revenue metrics on hand-computed tables, including the edge cases METRICS.md names."""

from __future__ import annotations

import pytest

from retain.core import metrics as m
from retain.core.mrr import MOVEMENTS, RevenueSettings
from tests.unit.metrics.conftest import D, Runner, months, sub

JAN_APR = months(D(2026, 1, 1), D(2026, 4, 30))


def test_mrr_normalises_intervals_and_discounts(run: Runner) -> None:
    subs = [
        sub(1, 1200.0, D(2025, 6, 1), interval="year"),  # 100 / month
        sub(2, 300.0, D(2025, 6, 1), interval="quarter"),  # 100 / month
        sub(3, 12.0, D(2025, 6, 1), interval="week", quantity=2),  # 12 x 2 x 52/12 = 104
        sub(4, 200.0, D(2025, 6, 1), discount_percent=25.0),  # 150
        sub(5, 999.0, D(2025, 6, 1), status="trial"),  # excluded
        sub(6, 999.0, D(2025, 6, 1), charge_type="one_time"),  # excluded
        sub(7, 50.0, D(2025, 6, 1), status="past_due"),  # counted
    ]
    out = run("mrr", months(D(2026, 1, 1), D(2026, 1, 31)), subscriptions=subs)
    assert out == {"2026-01": pytest.approx(100 + 100 + 104 + 150 + 50)}


def test_expiring_discount_is_expansion(run: Runner) -> None:
    subs = [sub(1, 100.0, D(2025, 1, 1), discount_percent=50.0, discount_end=D(2026, 1, 15))]
    assert run("expansion_mrr", JAN_APR, subscriptions=subs)["2026-01"] == 50.0
    no_discounts = m.MetricSettings(revenue=RevenueSettings(subtract_discounts=False))
    assert run("mrr", JAN_APR, no_discounts, subscriptions=subs)["2026-01"] == 100.0


def test_cancelling_one_of_two_subscriptions_is_contraction(run: Runner) -> None:
    subs = [sub(1, 100.0, D(2025, 1, 1)), sub(1, 40.0, D(2025, 1, 1), end=D(2026, 1, 31))]
    assert run("contraction_mrr", JAN_APR, subscriptions=subs)["2026-02"] == 40.0
    assert run("churned_mrr", JAN_APR, subscriptions=subs)["2026-02"] == 0.0
    assert run("logo_churn_rate", JAN_APR, subscriptions=subs)["2026-02"] == 0.0


def test_churn_is_recognised_at_the_end_of_the_paid_period(run: Runner) -> None:
    subs = [
        sub(1, 100.0, D(2025, 1, 1), end=D(2026, 2, 28), cancelled_at=D(2026, 1, 10)),
        sub(2, 100.0, D(2025, 1, 1)),
    ]
    default = run("churned_mrr", JAN_APR, subscriptions=subs)
    assert (default["2026-01"], default["2026-02"], default["2026-03"]) == (0.0, 0.0, 100.0)
    at_cancel = m.MetricSettings(revenue=RevenueSettings(churn_at="cancellation"))
    early = run("churned_mrr", JAN_APR, at_cancel, subscriptions=subs)
    assert (early["2026-01"], early["2026-02"]) == (100.0, 0.0)


def test_a_move_to_a_zero_plan_is_churn_by_default(run: Runner) -> None:
    subs = [
        sub(1, 100.0, D(2025, 1, 1), end=D(2026, 1, 31)),
        sub(1, 0.0, D(2026, 2, 1), plan="free"),
    ]
    assert run("churned_mrr", JAN_APR, subscriptions=subs)["2026-02"] == 100.0
    keep = m.MetricSettings(revenue=RevenueSettings(zero_plan_is_churn=False))
    assert run("churned_mrr", JAN_APR, keep, subscriptions=subs)["2026-02"] == 0.0
    assert run("contraction_mrr", JAN_APR, keep, subscriptions=subs)["2026-02"] == 100.0


def test_reactivation_after_a_gap(run: Runner) -> None:
    subs = [sub(1, 100.0, D(2025, 6, 1), end=D(2026, 1, 31)), sub(1, 120.0, D(2026, 4, 1))]
    out = run("reactivation_mrr", JAN_APR, subscriptions=subs)
    assert out == {"2026-01": 0.0, "2026-02": 0.0, "2026-03": 0.0, "2026-04": 120.0}
    assert run("new_mrr", JAN_APR, subscriptions=subs)["2026-04"] == 0.0
    window = m.MetricSettings(revenue=RevenueSettings(reactivation_window_days=30))
    assert run("new_mrr", JAN_APR, window, subscriptions=subs)["2026-04"] == 120.0


def test_bridge_and_rates_on_a_small_book(run: Runner) -> None:
    subs = [
        sub(1, 100.0, D(2025, 1, 1)),
        sub(1, 50.0, D(2025, 1, 1), end=D(2026, 2, 28)),  # contraction in March
        sub(2, 1200.0, D(2026, 2, 15), interval="year"),  # new in Feb: 100
        sub(3, 100.0, D(2025, 1, 1), end=D(2026, 1, 31)),  # churn in Feb
        sub(3, 100.0, D(2026, 4, 1)),  # reactivation in April
        sub(4, 100.0, D(2025, 1, 1), end=D(2026, 1, 31)),
        sub(4, 180.0, D(2026, 2, 1)),  # expansion in Feb: +80
    ]
    values = {
        n: run(n, JAN_APR, subscriptions=subs)["2026-02"]
        for n in (
            "mrr",
            "new_mrr",
            "expansion_mrr",
            "churned_mrr",
            "net_mrr_churn",
            "gross_mrr_churn",
            "nrr",
            "grr",
            "quick_ratio",
            "arpa",
            "logo_churn_rate",
            "revenue_growth",
        )
    }
    # Feb: start 150 + 100 + 100 = 350; new 100, expansion 80, churn 100; end 430.
    assert values["mrr"] == 430.0
    assert values["net_mrr_churn"] == pytest.approx((100 - 80) / 350)
    assert values["gross_mrr_churn"] == pytest.approx(100 / 350)
    assert values["nrr"] == pytest.approx((150 + 0 + 180) / 350)
    assert values["grr"] == pytest.approx((150 + 0 + 100) / 350)
    assert values["quick_ratio"] == pytest.approx((100 + 80) / 100)
    assert values["arpa"] == pytest.approx(430 / 3)
    assert values["logo_churn_rate"] == pytest.approx(1 / 3)
    assert values["revenue_growth"] == pytest.approx(430 / 350 - 1)


def test_nrr_excludes_new_and_reactivated_customers(run: Runner) -> None:
    subs = [sub(1, 100.0, D(2025, 1, 1)), sub(2, 500.0, D(2026, 3, 5))]
    assert run("nrr", JAN_APR, subscriptions=subs)["2026-03"] == 1.0


def test_trailing_twelve_month_nrr_and_grr(run: Runner) -> None:
    subs = [
        sub(1, 100.0, D(2024, 1, 1), end=D(2025, 12, 31)),
        sub(1, 150.0, D(2026, 1, 1)),  # +50 over the year
        sub(2, 100.0, D(2024, 1, 1), end=D(2025, 9, 30)),  # lost during the year
        sub(3, 100.0, D(2025, 6, 1)),  # joined during the year: excluded
    ]
    periods = months(D(2026, 3, 1), D(2026, 3, 31))
    assert run("nrr_t12m", periods, subscriptions=subs)["2026-03"] == pytest.approx(150 / 200)
    assert run("grr_t12m", periods, subscriptions=subs)["2026-03"] == pytest.approx(100 / 200)


def test_empty_periods_report_nothing_rather_than_zero_rates(run: Runner) -> None:
    subs = [sub(1, 100.0, D(2026, 3, 10))]
    out = run("logo_churn_rate", JAN_APR, subscriptions=subs)
    assert out["2026-01"] is None  # no paying customers at the start: not 0%
    assert out["2026-04"] == 0.0


def test_metrics_that_list_their_customers_name_a_movement_column() -> None:
    with_inputs = {x.name: x.inputs for x in m.all_metrics() if x.inputs}
    assert with_inputs["churned_mrr"] == "churn"
    assert with_inputs["new_customers"] == "new"
    assert with_inputs["arpa"] == "end_mrr"
    assert set(with_inputs.values()) <= {"end_mrr", *MOVEMENTS}
