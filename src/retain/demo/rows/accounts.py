"""An account's own rows (the account, its contacts, its stage history), and the order in which
all of its other rows are built."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np

from retain.demo import behaviour, catalog
from retain.demo.clock import at, next_anniversary
from retain.demo.lives import Life
from retain.demo.rows import Rows, conversations, revenue, success, surveys, usage


def external_id(index: int) -> str:
    """The account's external id (`acct-00001` for the first)."""
    return f"acct-{index + 1:05d}"


def account(
    rows: Rows,
    stage_ids: dict[str, int],
    life: Life,
    users: dict[str, int],
    seed: int,
    start: dt.date,
    end: dt.date,
    treated_from: dt.date | None,
) -> None:
    """Every row of one account; its random draws come from its own seeded generator, in a
    fixed order, so one account's rows do not depend on any other's."""
    rng = np.random.default_rng([seed, life.index, 1])
    account_id = life.index + 1
    csm = users[catalog.CSMS[life.index % len(catalog.CSMS)][0]]
    _account_row(rows, stage_ids, life, account_id, csm, end, rng)
    revenue.subscriptions(rows, life, account_id)
    people = _contacts(rows, life, account_id, rng, start, end)
    days = behaviour.live_days(life, start, end)
    rollups = behaviour.usage(life, people, days, rng, treated_from)
    usage.daily(rows, account_id, rollups)
    usage.events(rows, account_id, people, rollups, end, rng)
    tickets = conversations.tickets(rows, life, account_id, people, days, rng, treated_from, end)
    conversations.touchpoints(rows, life, account_id, people, days, rng, end, csm)
    surveys.nps(rows, life, account_id, people, days, rng, end)
    surveys.csat(rows, life, account_id, tickets, rng, end)
    success.milestones(rows, life, account_id, rng, start, end)
    success.work(rows, life, account_id, csm, rng, end)
    revenue.purchases(rows, life, account_id, rng, end)


def _account_row(
    rows: Rows,
    stage_ids: dict[str, int],
    life: Life,
    account_id: int,
    csm: int,
    end: dt.date,
    rng: np.random.Generator,
) -> None:
    """The account itself, after its stage history (which decides its current stage)."""
    region = catalog.REGIONS[int(rng.integers(len(catalog.REGIONS)))]
    name = f"{catalog.NAME_A[life.index % 30]} {catalog.NAME_B[(life.index // 30) % 16]}"
    if life.index >= 480:
        name += f" {life.index // 480 + 1}"
    attrs = {
        "employees": int(life.seats * rng.integers(5, 40)),
        "data_region": catalog.DATA_REGIONS[region],
        "crm": catalog.CRMS[int(rng.integers(len(catalog.CRMS)))],
    }
    created = at(life.contract_start - dt.timedelta(days=int(rng.integers(10, 40))))
    stage = _stage_history(rows, stage_ids, life, account_id, end, rng)
    parent = (life.index // 50) * 50 + 1 if life.index % 50 in (17, 33) else None
    rows.add(
        "retain_account",
        external_id=external_id(life.index),
        name=name,
        segment=life.plan.segment,
        tier=life.plan.key.capitalize(),
        industry=catalog.INDUSTRIES[int(rng.integers(len(catalog.INDUSTRIES)))],
        plan=life.plan.key,
        region=region,
        owner_id=csm,
        stage_id=stage_ids[stage],
        contract_start=life.contract_start,
        renewal_date=_renewal(life, end),
        licensed_seats=life.seats_on(end) or life.seats,
        custom_attributes=json.dumps(attrs, sort_keys=True),
        parent_id=parent,
        created_at=created,
        updated_at=created,
    )


def _renewal(life: Life, end: dt.date) -> dt.date | None:
    """The next renewal of the account's main running subscription, if it has one."""
    running = [i for i in life.items if i.status != "trial" and (i.end is None or i.end >= end)]
    if not running:
        return None
    main = running[0]
    return next_anniversary(main.start, end, 12 if main.interval == "year" else 1)


def _stage_history(
    rows: Rows,
    stage_ids: dict[str, int],
    life: Life,
    account_id: int,
    end: dt.date,
    rng: np.random.Generator,
) -> str:
    """The account's lifecycle stage changes up to `end`; returns the stage it is in."""
    changes = [(life.contract_start, "onboarding")]
    steps = [(60, "adoption"), (150, "value")]
    changes += [(life.contract_start + dt.timedelta(days=d), s) for d, s in steps]
    changes += [(d, "expansion") for d in life.expansions]
    renewal = _renewal(life, end)
    if renewal and (renewal - end).days <= 60 and life.annual:
        changes.append((renewal - dt.timedelta(days=60), "renewal"))
    if life.health_on(end) > 1.0 and (end - life.contract_start).days > 200:
        changes.append((end - dt.timedelta(days=int(rng.integers(5, 60))), "advocacy"))
    changes = sorted(c for c in changes if c[0] <= end)
    previous = None
    for n, (day, stage) in enumerate(changes):
        if stage == previous:
            continue
        rows.add(
            "retain_stage_change",
            external_id=f"stage-{account_id}-{n}",
            account_id=account_id,
            from_stage_id=stage_ids.get(previous) if previous else None,
            to_stage_id=stage_ids[stage],
            changed_at=at(day),
            changed_by_id=None,
            note="",
        )
        previous = stage
    return previous or "onboarding"


def _contacts(
    rows: Rows, life: Life, account_id: int, rng: np.random.Generator, start: dt.date, end: dt.date
) -> list[behaviour.Person]:
    """The account's people: a champion, a second decision maker, and users; some licensed
    seats are shelfware (people who hardly ever log in)."""
    peak = max([life.seats] + [i.quantity for i in life.items if i.plan != catalog.ADDON[0]])
    dormant = min(0.55, max(0.05, 0.3 - 0.15 * life.base_health))  # share of shelfware seats
    people = []
    for n in range(peak + 2):
        first = catalog.FIRST[int(rng.integers(len(catalog.FIRST)))]
        last = catalog.LAST[int(rng.integers(len(catalog.LAST)))]
        ext = f"user-{account_id}-{n + 1}"
        joined = life.contract_start + dt.timedelta(days=int(rng.integers(0, 45)) if n else 0)
        if n >= life.seats:  # people added as the account grows
            joined = max(joined, life.expansions[0] if life.expansions else end)
        champion = n == 0
        domain = f"{external_id(life.index)}.example"
        email = f"{first.lower()}.{last.lower()}{n}@{domain}".replace("ü", "u")
        contact_id = rows.add(
            "retain_contact",
            external_id=ext,
            account_id=account_id,
            name=f"{first} {last}",
            email=email,
            role=catalog.ROLES[int(rng.integers(len(catalog.ROLES)))],
            is_champion=champion,
            is_decision_maker=n in (0, 1),
            traits="{}",
            created_at=at(max(joined, start)),
        )
        propensity = float(rng.beta(2.2, 1.4))
        if not champion and rng.random() < dormant:  # licensed, but hardly ever logs in
            propensity *= 0.03
        people.append(
            behaviour.Person(contact_id, ext, f"{first} {last}", joined, propensity, champion)
        )
    return people
