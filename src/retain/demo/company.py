"""Assemble the demo company: the company-wide rows, each account's rows, and the ground truth."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retain.demo import catalog, workspace
from retain.demo.clock import add_months, at, month_start
from retain.demo.lives import Life, simulate
from retain.demo.rows import Rows
from retain.demo.rows.accounts import account, external_id

DEMO_PASSWORD = "retain-demo"


@dataclass
class Demo:
    """The built rows and what the generator knows that the app must not read."""

    rows: Rows
    truth: dict[str, Any]
    stage_ids: dict[str, int] = field(default_factory=dict)


def build(accounts: int, months: int, seed: int, end: dt.date, stage_ids: dict[str, int]) -> Demo:
    """Every row of a demo company of `accounts` customers over `months` months up to `end`."""
    start = month_start(end, -months)
    rows = Rows()
    users = _users(rows, seed, start)
    _catalogue(rows)
    launch = month_start(end, -min(9, months // 2))
    initiative = _initiative(rows, launch)
    master = np.random.default_rng(seed)
    lives = [simulate(i, np.random.default_rng([seed, i]), start, end) for i in range(accounts)]
    alive_at_launch = [life.index for life in lives if life.alive(launch)]
    treated = set(master.permutation(alive_at_launch)[: len(alive_at_launch) // 2].tolist())
    truth: dict[str, Any] = {
        "seed": seed,
        "end_date": end.isoformat(),
        "start_date": start.isoformat(),
        "accounts": {},
    }
    demo = Demo(rows, truth, stage_ids)
    for life in lives:
        treated_from = launch if life.index in treated else None
        account(rows, stage_ids, life, users, seed, start, end, treated_from)
        truth["accounts"][external_id(life.index)] = _truth(life, end, treated_from)
    _initiative_members(rows, initiative, lives, treated, launch)
    _costs(rows, start, end, launch)
    _playbooks(rows)
    workspace.source(rows, seed, end)
    workspace.saved_views(rows, users, end)
    truth["initiative"] = {
        "key": "support-chatbot",
        "launch": launch.isoformat(),
        "monthly_cost": 500,
        "metric": "tickets",
        "true_effect": -0.2,
        "treated": sorted(external_id(i) for i in treated),
        "control": sorted(external_id(i) for i in alive_at_launch if i not in treated),
    }
    _metadata(rows, seed, end, accounts)
    return demo


def password_hash(username: str, seed: int) -> str:
    """A Django password hash with a salt derived from the seed, so builds are identical."""
    from django.contrib.auth.hashers import make_password

    salt = hashlib.sha256(f"{seed}:{username}".encode()).hexdigest()[:22]
    return make_password(DEMO_PASSWORD, salt=salt)


def _users(rows: Rows, seed: int, start: dt.date) -> dict[str, int]:
    """The team: an admin, a CS manager, the CSMs and a viewer; username -> id."""
    joined = at(start - dt.timedelta(days=400))
    people = [
        ("admin", "Alex", "Admin", "admin", True),
        ("maria", "Maria", "Costa", "manager", True),
    ]
    people += [(u, f, lname, "csm", False) for u, f, lname in catalog.CSMS]
    people += [("victor", "Victor", "Viewer", "viewer", False)]
    ids = {}
    for username, first, last, role, staff in people:
        ids[username] = rows.add(
            "retain_user",
            password=password_hash(username, seed),
            last_login=None,
            is_superuser=role == "admin",
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@northwind.example",
            is_staff=staff,
            is_active=True,
            date_joined=joined,
            role=role,
        )
    return ids


def _catalogue(rows: Rows) -> None:
    """The product's features, the onboarding milestones and the three surveys."""
    for event, name, is_key, action, plans, _ in catalog.FEATURES:
        rows.add(
            "retain_feature",
            event_name=event,
            name=name,
            is_key_feature=is_key,
            is_key_action=action,
            plans=plans,
        )
    for pos, (key, title, days, live, value) in enumerate(catalog.MILESTONES):
        rows.add(
            "retain_milestone_template",
            key=key,
            name=title,
            position=pos,
            target_days=days,
            is_go_live=live,
            is_first_value=value,
        )
    rows.add(
        "retain_survey",
        external_id="nps-relationship",
        kind="nps",
        name="Relationship NPS",
        question="How likely are you to recommend Northwind Analytics to a friend or colleague?",
        scale_min=0,
        scale_max=10,
        direction="higher_better",
        aggregation="nps",
        positive_threshold=None,
    )
    rows.add(
        "retain_survey",
        external_id="csat-support",
        kind="csat",
        name="Support CSAT",
        question="How satisfied are you with the support you received?",
        scale_min=1,
        scale_max=5,
        direction="higher_better",
        aggregation="top_box",
        positive_threshold=4,
    )
    rows.add(
        "retain_survey",
        external_id="ces-onboarding",
        kind="ces",
        name="Onboarding effort (CES 2.0)",
        question="Northwind made it easy for us to get set up.",
        scale_min=1,
        scale_max=7,
        direction="higher_better",
        aggregation="mean",
        positive_threshold=5,
    )


def _initiative(rows: Rows, launch: dt.date) -> int:
    """The support chatbot, launched for half the accounts paying then; returns its id."""
    return rows.add(
        "retain_initiative",
        key="support-chatbot",
        name="Support chatbot",
        description="An in-app chatbot answers how-to questions before they become tickets.",
        start_date=launch,
        end_date=None,
        monthly_cost=500,
        target_segment="",
        metric="tickets",
        expected_effect=-0.2,
    )


def _initiative_members(
    rows: Rows, initiative: int, lives: list[Life], treated: set[int], launch: dt.date
) -> None:
    """Every account alive at launch joins the initiative, as treatment or control."""
    for life in lives:
        if life.alive(launch):
            rows.add(
                "retain_initiative_account",
                initiative_id=initiative,
                account_id=life.index + 1,
                group="treatment" if life.index in treated else "control",
                joined_at=launch,
            )


def _costs(rows: Rows, start: dt.date, end: dt.date, launch: dt.date) -> None:
    """Monthly costs by category, growing 1% a month, plus the chatbot's from its launch."""
    budget = {
        "sales": 42000,
        "marketing": 26000,
        "support": 15000,
        "customer_success": 21000,
        "tooling": 2400,
    }
    month = start
    n = 0
    while month <= end:
        last = month_start(month, 1) - dt.timedelta(days=1)
        growth = 1 + 0.01 * ((month.year - start.year) * 12 + month.month - start.month)
        for category, amount in budget.items():
            n += 1
            label = f"{category.replace('_', ' ')} {month:%Y-%m}"
            _cost(rows, n, category, month, last, f"{amount * growth:.2f}", label)
        if month >= launch:
            n += 1
            _cost(rows, n, "initiative", month, last, "500.00", "Support chatbot")
        month = add_months(month, 1)


def _cost(
    rows: Rows, n: int, category: str, first: dt.date, last: dt.date, amount: str, label: str
) -> None:
    """One month's cost of one category, in USD."""
    rows.add(
        "retain_cost",
        external_id=f"cost-{n}",
        category=category,
        period_start=first,
        period_end=last,
        amount=amount,
        currency="USD",
        description=label,
    )


def _playbooks(rows: Rows) -> None:
    """Three playbooks that open a task when a measure crosses a line."""
    books = [
        (
            "usage-drop",
            "Usage drop",
            {"measure": "usage_trend_30d", "below": -0.3},
            [{"task": "Call the champion about falling usage", "due_days": 3}],
        ),
        (
            "detractor",
            "Detractor follow-up",
            {"measure": "nps_latest", "below": 7},
            [{"task": "Close the loop with the detractor", "due_days": 2}],
        ),
        (
            "renewal-prep",
            "Renewal preparation",
            {"measure": "days_to_renewal", "below": 90},
            [{"task": "Prepare the renewal", "due_days": 14}],
        ),
    ]
    for key, name, trigger, actions in books:
        rows.add(
            "retain_playbook",
            key=key,
            name=name,
            description="",
            trigger=json.dumps(trigger),
            actions=json.dumps(actions),
            cooldown_days=30,
            enabled=True,
        )


def _metadata(rows: Rows, seed: int, end: dt.date, accounts: int) -> None:
    """What the demo was built with, so the CLI can tell a demo database from real data."""
    for key, value in (
        ("demo_seed", str(seed)),
        ("demo_end_date", end.isoformat()),
        ("demo_accounts", str(accounts)),
    ):
        rows.add("retain_metadata", key=key, value=value)


def _truth(life: Life, end: dt.date, treated_from: dt.date | None) -> dict[str, Any]:
    """What the generator knows about an account that Retain has to find out."""
    recent = [life.health_on(end - dt.timedelta(days=d)) for d in range(0, 90, 7)]
    h = float(np.mean(recent))
    return {
        "base_health": round(life.base_health, 4),
        "mean_health_last_90d": round(h, 4),
        "latent_risk": round(1 / (1 + float(np.exp(2.6 + 1.7 * h))), 4),
        "churns": [{"last_paid_day": d.isoformat(), "cause": c} for d, c in life.churns],
        "expansions": [d.isoformat() for d in life.expansions],
        "contractions": [d.isoformat() for d in life.contractions],
        "reactivations": [d.isoformat() for d in life.reactivations],
        "chatbot": treated_from is not None,
    }
