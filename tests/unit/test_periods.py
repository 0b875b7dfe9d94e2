"""Default periods of `retain metrics`: complete periods up to the as-of date."""

from __future__ import annotations

import datetime as dt

from retain.core.periods import metric_periods

D = dt.date


def test_default_is_the_last_twelve_complete_months() -> None:
    periods = metric_periods(D(2026, 11, 22), "month")
    assert (periods[0].label, periods[-1].label) == ("2025-11", "2026-10")
    assert len(periods) == 12


def test_a_month_ending_on_the_as_of_date_is_complete() -> None:
    assert metric_periods(D(2026, 10, 31), "month")[-1].label == "2026-10"


def test_an_explicit_end_includes_the_running_period_cut_at_as_of() -> None:
    last = metric_periods(D(2026, 11, 22), "month", D(2026, 11, 1), D(2026, 12, 31))[-1]
    assert (last.label, last.last_day) == ("2026-11", D(2026, 11, 22))


def test_quarters_and_weeks() -> None:
    quarters = metric_periods(D(2026, 11, 22), "quarter")
    assert (len(quarters), quarters[-1].label) == (8, "2026-Q3")
    weeks = metric_periods(D(2026, 11, 22), "week")  # a Sunday: its week is complete
    assert (len(weeks), weeks[-1].last_day) == (13, D(2026, 11, 22))
