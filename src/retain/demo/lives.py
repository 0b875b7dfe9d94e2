"""One demo account's commercial life: plan, latent health, subscriptions, churn and growth.

Health is a latent monthly AR(1) process per account. It drives churn and expansion odds and,
in `signals.py`, everything a CS team can observe (usage, replies, tone, tickets, surveys), so
risk shows up before churn. Some churn has no warning (budget cuts) and some accounts dip and
recover, so detection is possible but not trivial.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from retain.demo import catalog
from retain.demo.clock import add_months, month_start, next_anniversary

SURPRISE_CHURN = 0.0025  # monthly odds of a budget-cut churn, whatever the health


def sigmoid(x: float) -> float:
    """Logistic function."""
    return 1.0 / (1.0 + math.exp(-x))


@dataclass
class Item:
    """A subscription item as simulated (dates inclusive; `end` None while it runs)."""

    plan: str
    price: float  # per unit per interval
    quantity: int
    interval: str
    start: dt.date
    end: dt.date | None = None
    discount: float = 0.0
    discount_end: dt.date | None = None
    status: str = "active"
    cancelled: dt.date | None = None


@dataclass
class Life:
    """Everything decided about one account's commercial history."""

    index: int
    plan: catalog.Plan
    annual: bool
    seats: int
    contract_start: dt.date
    base_health: float
    health: dict[dt.date, float]  # month start -> latent health
    items: list[Item] = field(default_factory=list)
    churns: list[tuple[dt.date, str]] = field(default_factory=list)  # (last paid day, cause)
    decline_windows: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    expansions: list[dt.date] = field(default_factory=list)
    contractions: list[dt.date] = field(default_factory=list)
    reactivations: list[dt.date] = field(default_factory=list)
    trial_days: int = 0

    def alive(self, day: dt.date) -> bool:
        """Paying (or on trial) on `day`."""
        return any(i.start <= day and (i.end is None or i.end >= day) for i in self.items)

    def seats_on(self, day: dt.date) -> int:
        """Seats of the main plan on `day` (0 when not a customer)."""
        return sum(
            i.quantity
            for i in self.items
            if i.plan != catalog.ADDON[0] and i.start <= day and (i.end is None or i.end >= day)
        )

    def health_on(self, day: dt.date) -> float:
        """Latent health on `day`, lowered inside a pre-churn decline window."""
        h = self.health.get(month_start(day), self.base_health)
        for lo, hi in self.decline_windows:
            if lo <= day <= hi:
                h -= 1.4 * min(1.0, (day - lo).days / max(1, (hi - lo).days) + 0.2)
        return h


def simulate(index: int, rng: np.random.Generator, start: dt.date, end: dt.date) -> Life:
    """The commercial life of account `index` between `start` and `end`."""
    plan = catalog.PLANS[rng.choice(len(catalog.PLANS), p=[p.weight for p in catalog.PLANS])]
    existing = rng.random() < 0.35
    if existing:
        contract = start - dt.timedelta(days=int(rng.integers(30, 3 * 365)))
    else:
        span = (end - start).days - 21
        contract = start + dt.timedelta(days=int(span * rng.random() ** 0.85))
    annual = rng.random() < (0.7 if plan.key == "enterprise" else 0.35)
    seats = int(rng.integers(plan.seats[0], plan.seats[1] + 1))
    base = float(rng.normal(0.35, 0.8))
    life = Life(index, plan, annual, seats, contract, base, {})
    _health_path(life, rng, start, end)
    _first_item(life, rng, start)
    _months(life, rng, start, end)
    return life


def _health_path(life: Life, rng: np.random.Generator, start: dt.date, end: dt.date) -> None:
    h = life.base_health + float(rng.normal(0, 0.4))
    month = month_start(min(life.contract_start, start))
    while month <= end:
        h = 0.8 * h + 0.2 * life.base_health + float(rng.normal(0, 0.38))
        if rng.random() < 0.03:  # a rough patch that may or may not pass
            h -= float(rng.uniform(0.8, 1.6))
        life.health[month] = h
        month = month_start(month, 1)


def _price(plan: catalog.Plan, annual: bool) -> tuple[float, str]:
    if annual:
        return round(plan.price * 12 * catalog.ANNUAL_DISCOUNT, 2), "year"
    return plan.price, "month"


def _first_item(life: Life, rng: np.random.Generator, start: dt.date) -> None:
    price, interval = _price(life.plan, life.annual)
    begin = life.contract_start
    if life.contract_start >= start and rng.random() < 0.3:
        life.trial_days = 14
        life.items.append(
            Item(
                life.plan.key,
                price,
                life.seats,
                interval,
                begin,
                begin + dt.timedelta(days=13),
                status="trial",
            )
        )
        begin = begin + dt.timedelta(days=14)
        life.contract_start = begin
    discount = 0.0
    discount_end = None
    if rng.random() < 0.22:
        discount = float(rng.choice([10.0, 15.0, 20.0]))
        if rng.random() < 0.6:
            discount_end = add_months(begin, int(rng.integers(3, 13))) - dt.timedelta(days=1)
    life.items.append(
        Item(
            life.plan.key,
            price,
            life.seats,
            interval,
            begin,
            discount=discount,
            discount_end=discount_end,
        )
    )


def _months(life: Life, rng: np.random.Generator, start: dt.date, end: dt.date) -> None:
    month = month_start(max(start, life.contract_start), 1)
    churned_on: dt.date | None = None
    while month <= end:
        day = month + dt.timedelta(days=int(rng.integers(0, 27)))
        if day > end:
            break
        h = life.health.get(month, life.base_health)
        if life.alive(day):
            if _maybe_churn(life, rng, day, h, end):
                churned_on = life.churns[-1][0]
            elif life.alive(day):
                _maybe_resize(life, rng, day, h)
        elif churned_on and 45 < (day - churned_on).days < 330 and rng.random() < 0.035:
            _reactivate(life, rng, day)
            churned_on = None
        month = month_start(month, 1)


def _renewal_due(life: Life, day: dt.date) -> bool:
    """For annual contracts, churn can only happen at the renewal in the next 60 days."""
    main = _current(life, day)
    if main is None or main.interval != "year":
        return True
    nxt = next_anniversary(main.start, day, 12)
    return (nxt - day).days <= 60


def _maybe_churn(
    life: Life, rng: np.random.Generator, day: dt.date, h: float, end: dt.date
) -> bool:
    main = _current(life, day)
    if main is None:
        return False
    annual = main.interval == "year"
    odds = sigmoid(-2.6 - 1.7 * h) if annual else sigmoid(-4.2 - 1.7 * h)
    surprise = rng.random() < SURPRISE_CHURN * (12 if annual else 1)
    if not (_renewal_due(life, day) and (rng.random() < odds or surprise)):
        return False
    months = 12 if annual else 1
    last_paid = next_anniversary(main.start, day, months) - dt.timedelta(days=1)
    if last_paid > end:
        # decided but not yet effective: cancelled, still paying until the period ends
        pass
    cause = "budget_cut" if surprise else "decline"
    for item in life.items:
        if item.end is None or item.end > last_paid:
            item.end = last_paid if item.start <= last_paid else item.start
            item.cancelled = day
            item.status = "cancelled"
    life.churns.append((last_paid, cause))
    if cause == "decline":
        lead = int(rng.integers(60, 130))  # warning signs start two to four months before
        life.decline_windows.append((last_paid - dt.timedelta(days=lead), last_paid))
    return True


def _current(life: Life, day: dt.date) -> Item | None:
    for item in life.items:
        if (
            item.plan != catalog.ADDON[0]
            and item.status != "trial"
            and item.start <= day
            and (item.end is None or item.end >= day)
        ):
            return item
    return None


def _maybe_resize(life: Life, rng: np.random.Generator, day: dt.date, h: float) -> None:
    main = _current(life, day)
    if main is None or (day - main.start).days < 60:
        return
    if rng.random() < sigmoid(-3.9 + 1.3 * h):
        life.expansions.append(day)
        if rng.random() < 0.3 and not any(i.plan == catalog.ADDON[0] for i in life.items):
            life.items.append(Item(catalog.ADDON[0], catalog.ADDON[1], 1, "month", day))
            return
        _replace(
            main, life, day, max(main.quantity + 1, round(main.quantity * rng.uniform(1.2, 1.5)))
        )
    elif rng.random() < sigmoid(-4.6 - 1.0 * h) and main.quantity > 2:
        life.contractions.append(day)
        addon = [i for i in life.items if i.plan == catalog.ADDON[0] and i.end is None]
        if addon and rng.random() < 0.4:
            addon[0].end = day - dt.timedelta(days=1)
            addon[0].status = "cancelled"
            addon[0].cancelled = day - dt.timedelta(days=1)
            return
        _replace(main, life, day, max(1, round(main.quantity * rng.uniform(0.65, 0.85))))


def _replace(main: Item, life: Life, day: dt.date, quantity: int) -> None:
    main.end = day - dt.timedelta(days=1)
    discount_running = main.discount_end is None or main.discount_end >= day
    life.items.append(
        Item(
            main.plan,
            main.price,
            quantity,
            main.interval,
            day,
            discount=main.discount if discount_running else 0.0,
            discount_end=main.discount_end if discount_running else None,
        )
    )


def _reactivate(life: Life, rng: np.random.Generator, day: dt.date) -> None:
    price, interval = _price(life.plan, rng.random() < 0.3)
    seats = max(1, round(life.seats * rng.uniform(0.6, 1.0)))
    life.items.append(Item(life.plan.key, price, seats, interval, day))
    life.reactivations.append(day)
    life.health = {m: v + 0.8 for m, v in life.health.items() if m >= month_start(day)} | {
        m: v for m, v in life.health.items() if m < month_start(day)
    }
