"""The RFM summary that feeds the probabilistic CLV models."""

from __future__ import annotations

from typing import Any

import pytest

from retain.core.clv.rfm import rfm_summary
from tests.unit.metrics.conftest import D, table


def test_rfm_summary_by_hand(con: Any) -> None:
    buys = [
        {"account_id": 1, "purchased_at": D(2026, 1, 1), "amount": 10.0},
        {"account_id": 1, "purchased_at": D(2026, 1, 15), "amount": 20.0},
        {"account_id": 1, "purchased_at": D(2026, 1, 15), "amount": 5.0},  # same day: one purchase
        {"account_id": 1, "purchased_at": D(2026, 1, 29), "amount": 40.0},
        {"account_id": 2, "purchased_at": D(2026, 1, 22), "amount": 99.0},  # one-time buyer
        {"account_id": 2, "purchased_at": D(2026, 3, 1), "amount": 1.0},  # after as-of: ignored
    ]
    df = con.execute(rfm_summary(table("purchases", buys), D(2026, 2, 12)))
    one, two = df.to_dict("records")
    assert one == pytest.approx(
        {"account_id": 1, "frequency": 2, "recency": 4, "T": 6, "monetary": 32.5}
    )
    assert two == pytest.approx(
        {"account_id": 2, "frequency": 0, "recency": 0, "T": 3, "monetary": 0}
    )
