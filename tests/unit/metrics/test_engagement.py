"""Engagement and adoption metrics on a small hand-made usage table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.unit.metrics.conftest import D, Runner, months, sub

MAR = months(D(2026, 3, 1), D(2026, 3, 31))
FEATURES = [
    {"event_name": "report_created", "is_key_feature": True, "is_key_action": True, "plans": ""},
    {"event_name": "dashboard_viewed", "is_key_feature": True, "is_key_action": False, "plans": ""},
    {
        "event_name": "api_call",
        "is_key_feature": True,
        "is_key_action": False,
        "plans": "enterprise",
    },
    {"event_name": "login", "is_key_feature": False, "is_key_action": False, "plans": ""},
]
ACCOUNTS = [
    {"account_id": 1, "plan": "growth", "licensed_seats": 10, "contract_start": D(2026, 1, 1)},
    {"account_id": 2, "plan": "enterprise", "licensed_seats": 4, "contract_start": D(2026, 2, 1)},
]


def use(account: int, contact: int, event: str, day: dt.date, count: int = 1) -> dict[str, Any]:
    return {
        "account_id": account,
        "contact_id": contact,
        "event_name": event,
        "day": day,
        "count": count,
    }


USAGE = [
    use(1, 11, "login", D(2026, 3, 2), 3),
    use(1, 11, "report_created", D(2026, 3, 2)),
    use(1, 12, "dashboard_viewed", D(2026, 3, 2)),
    use(1, 12, "login", D(2026, 3, 20)),
    use(2, 21, "api_call", D(2026, 3, 5), 10),
    use(2, 21, "report_created", D(2026, 1, 5)),  # key action done before March
    use(2, 22, "login", D(2026, 2, 10), 6),  # February only
]


def test_active_users_dau_and_stickiness(run: Runner) -> None:
    assert run("active_users", MAR, usage_daily=USAGE) == {"2026-03": 3.0}
    # user-days: Mar 2 (11, 12), Mar 20 (12), Mar 5 (21) = 4 over 31 days
    assert run("daily_active_users", MAR, usage_daily=USAGE)["2026-03"] == pytest.approx(4 / 31)
    assert run("stickiness", MAR, usage_daily=USAGE)["2026-03"] == pytest.approx(4 / 31 / 3)


def test_depth_and_seat_utilisation(run: Runner) -> None:
    tables = {"usage_daily": USAGE, "features": FEATURES, "accounts": ACCOUNTS}
    # account 1: 2 of 2 key features (api_call is enterprise-only); account 2: 1 of 3
    assert run("depth_of_usage", MAR, **tables)["2026-03"] == pytest.approx((1 + 1 / 3) / 2)
    # last 30 days (Mar 2 - Mar 31): account 1 has 2 users of 10 seats, account 2 one of 4
    assert run("seat_utilisation", MAR, **tables)["2026-03"] == pytest.approx(3 / 14)


def test_usage_trend(run: Runner) -> None:
    rows = [use(1, 11, "login", D(2026, 3, 20), 30), use(1, 11, "login", D(2026, 2, 20), 20)]
    assert run("usage_trend", MAR, usage_daily=rows)["2026-03"] == pytest.approx(0.5)


def test_feature_adoption_and_key_action(run: Runner) -> None:
    tables = {"usage_daily": USAGE, "features": FEATURES}
    # key features in March: report 1/3, dashboard 1/3, api 1/3
    assert run("key_feature_adoption", MAR, **tables)["2026-03"] == pytest.approx(1 / 3)
    # users seen by Mar 31: 11, 12, 21, 22; did the key action: 11, 21
    assert run("key_action_activation", MAR, **tables)["2026-03"] == 0.5
    # first time in March: 11 only, over 3 active users
    assert run("key_action_first_time", MAR, **tables)["2026-03"] == pytest.approx(1 / 3)


def test_product_adoption_rate(run: Runner) -> None:
    contacts = [
        {"contact_id": 11, "account_id": 1, "created_at": dt.datetime(2026, 3, 1)},
        {"contact_id": 13, "account_id": 1, "created_at": dt.datetime(2026, 3, 3)},
        {"contact_id": 21, "account_id": 2, "created_at": dt.datetime(2026, 1, 3)},
    ]
    assert run("product_adoption_rate", MAR, usage_daily=USAGE, contacts=contacts)["2026-03"] == 0.5


def test_time_to_first_value_and_launch(run: Runner) -> None:
    ms = [
        {
            "account_id": 1,
            "is_go_live": True,
            "is_first_value": False,
            "completed_at": dt.datetime(2026, 3, 1, 9),
        },
        {
            "account_id": 2,
            "is_go_live": True,
            "is_first_value": True,
            "completed_at": dt.datetime(2026, 3, 13, 9),
        },
        {"account_id": 1, "is_go_live": False, "is_first_value": True, "completed_at": None},
    ]
    tables = {"milestones": ms, "accounts": ACCOUNTS}
    assert run("time_to_initial_launch", MAR, **tables)["2026-03"] == pytest.approx((59 + 40) / 2)
    assert run("time_to_first_value", MAR, **tables)["2026-03"] == 40.0


def tp(
    kind: str,
    direction: str,
    day: int,
    replied_h: float | None = None,
    sentiment: float | None = None,
) -> dict[str, Any]:
    at = dt.datetime(2026, 3, day, 9)
    return {
        "account_id": 1,
        "kind": kind,
        "direction": direction,
        "occurred_at": at,
        "replied_at": None if replied_h is None else at + dt.timedelta(hours=replied_h),
        "sentiment": sentiment,
    }


TOUCH = [
    tp("email", "outbound", 2, replied_h=4),
    tp("email", "outbound", 3, replied_h=10),
    tp("email", "outbound", 4),
    tp("email", "outbound", 5),
    tp("meeting", "outbound", 6),
    tp("email", "inbound", 7, sentiment=-0.5),
    tp("chat", "inbound", 8, sentiment=0.3),
]


def test_engagement_and_responsiveness(run: Runner) -> None:
    subs = [sub(1, 100.0, D(2025, 1, 1)), sub(2, 100.0, D(2025, 1, 1))]
    tables = {"touchpoints": TOUCH, "subscriptions": subs, "survey_responses": []}
    # two-way: 2 replied emails, meeting, 2 inbound = 5, over 2 accounts in 31 days
    assert run("engagement_rate", MAR, **tables)["2026-03"] == pytest.approx(5 / (2 * 31 / 30.4375))
    assert run("engaged_accounts_share", MAR, **tables)["2026-03"] == 0.5
    assert run("response_time_hours", MAR, touchpoints=TOUCH)["2026-03"] == pytest.approx(7.0)
    assert run("unanswered_outreach", MAR, touchpoints=TOUCH)["2026-03"] == 0.5
    assert run("tone", MAR, touchpoints=TOUCH)["2026-03"] == pytest.approx(-0.1)


def test_support_load(run: Runner) -> None:
    def ticket(day: int, priority: str, resolved_h: float | None) -> dict[str, Any]:
        at = dt.datetime(2026, 3, day, 8)
        done = None if resolved_h is None else at + dt.timedelta(hours=resolved_h)
        return {
            "account_id": 1,
            "opened_at": at,
            "resolved_at": done,
            "priority": priority,
            "status": "open",
        }

    tickets = [
        ticket(2, "urgent", None),
        ticket(3, "urgent", 5),
        ticket(4, "normal", 15),
        ticket(30, "urgent", 48),
    ]
    assert run("tickets_per_100_users", MAR, tickets=tickets, usage_daily=USAGE)[
        "2026-03"
    ] == pytest.approx(400 / 3)
    # open at Mar 31: the unresolved one and the one resolved on Apr 1
    assert run("open_critical_tickets", MAR, tickets=tickets)["2026-03"] == 2.0
    assert run("time_to_resolution_hours", MAR, tickets=tickets)["2026-03"] == pytest.approx(10.0)
