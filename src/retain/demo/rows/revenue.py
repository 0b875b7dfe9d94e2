"""An account's revenue rows: subscription items and one-off purchases."""

from __future__ import annotations

import datetime as dt

import numpy as np

from retain.demo.lives import Item, Life
from retain.demo.rows import Rows


def subscriptions(rows: Rows, life: Life, account_id: int) -> None:
    """The account's subscription items, as its simulated life bought them."""
    for n, item in enumerate(life.items):
        rows.add(
            "retain_subscription_item",
            external_id=f"sub-{account_id}-{n + 1}",
            account_id=account_id,
            plan=item.plan,
            amount=f"{item.price:.2f}",
            currency="USD",
            interval=item.interval,
            quantity=item.quantity,
            discount_percent=f"{item.discount:.2f}",
            discount_end=item.discount_end,
            charge_type="recurring",
            status=_status(item, life),
            start_date=item.start,
            end_date=item.end,
            cancelled_at=item.cancelled,
        )


def _status(item: Item, life: Life) -> str:
    """An active open-ended item of a very unhealthy account is past due."""
    if item.status == "active" and item.end is None and life.health_on(item.start) < -1.8:
        return "past_due"
    return str(item.status)


def purchases(
    rows: Rows, life: Life, account_id: int, rng: np.random.Generator, end: dt.date
) -> None:
    """Data-credit packs, and sometimes an onboarding package or an admin training."""
    _credit_packs(rows, life, account_id, rng, end)
    if rng.random() < 0.2 and life.contract_start <= end:
        amount = float(rng.choice([1500, 2500, 5000]))
        _purchase(
            rows,
            f"ps-{account_id}-1",
            account_id,
            life.contract_start,
            amount,
            "Onboarding package",
        )
    if rng.random() < 0.1:
        day = end - dt.timedelta(days=int(rng.integers(10, 300)))
        if life.alive(day):
            _purchase(rows, f"ps-{account_id}-2", account_id, day, 900.0, "Admin training")


def _credit_packs(
    rows: Rows, life: Life, account_id: int, rng: np.random.Generator, end: dt.date
) -> None:
    """Data-credit packs bought now and then: a purchase process (BG/NBD-like) for `retain clv`:
    each buyer has a weekly rate and, after each purchase, a chance of never buying again."""
    if rng.random() > 0.6:
        return
    rate = rng.gamma(1.2, 1 / 6.0)  # purchases per week
    drop = rng.beta(1.5, 6.0)
    spend = rng.gamma(6.0, 1 / 20.0)
    day = life.contract_start + dt.timedelta(days=int(rng.integers(0, 30)))
    n = 0
    while day <= end:
        n += 1
        amount = round(float(rng.gamma(1.5, 1 / spend)) * 40 + 20, 2)
        _purchase(rows, f"pack-{account_id}-{n}", account_id, day, amount, "Data credit pack")
        if rng.random() < drop:
            return
        day += dt.timedelta(days=max(1, round(7 * rng.exponential(1 / rate))))


def _purchase(
    rows: Rows, ext: str, account_id: int, day: dt.date, amount: float, description: str
) -> None:
    """One purchase in USD."""
    rows.add(
        "retain_purchase",
        external_id=ext,
        account_id=account_id,
        purchased_at=day,
        amount=f"{amount:.2f}",
        currency="USD",
        description=description,
    )
