"""Every metric of the registry under an account filter: it computes, and gives what the same
metric gives on tables that hold only that segment's rows (`retain metrics --segment`)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from retain.core import metrics as m
from retain.core import segments
from retain.core.tables import SCHEMAS, Tables
from tests.unit.metrics.conftest import D, months, sub, table

PERIODS = months(D(2026, 1, 1), D(2026, 3, 31))
T = dt.datetime


def rows() -> dict[str, list[dict[str, Any]]]:
    """Two accounts (1 SMB, 2 Enterprise) with rows in every account table."""
    return {
        "accounts": [
            {"account_id": 1, "segment": "SMB", "owner": "maya", "stage": "adoption"},
            {"account_id": 2, "segment": "Enterprise", "owner": "tom", "stage": "renewal"},
        ],
        "stage_changes": [
            {"account_id": 1, "stage": "adoption", "changed_at": T(2026, 1, 5)},
            {"account_id": 2, "stage": "renewal", "changed_at": T(2026, 2, 5)},
        ],
        "subscriptions": [
            sub(1, 100.0, D(2025, 12, 1)),
            sub(1, 40.0, D(2026, 2, 1), plan="addon"),
            sub(2, 300.0, D(2025, 11, 1), D(2026, 2, 28)),
        ],
        "purchases": [
            {"account_id": 1, "purchased_at": D(2026, 1, 15), "amount": 20.0},
            {"account_id": 2, "purchased_at": D(2026, 2, 10), "amount": 45.0},
        ],
        "costs": [
            {
                "category": "sales",
                "period_start": D(2026, 1, 1),
                "period_end": D(2026, 3, 31),
                "amount": 900.0,
            },
            {
                "category": "success",
                "period_start": D(2026, 1, 1),
                "period_end": D(2026, 3, 31),
                "amount": 300.0,
            },
        ],
        "contacts": [
            {"contact_id": 10, "account_id": 1, "created_at": T(2025, 12, 1)},
            {"contact_id": 11, "account_id": 1, "created_at": T(2026, 2, 3)},
            {"contact_id": 20, "account_id": 2, "created_at": T(2026, 1, 4)},
        ],
        "features": [
            {"event_name": "login", "is_key_feature": False, "is_key_action": False},
            {"event_name": "report", "is_key_feature": True, "is_key_action": True},
        ],
        "usage_daily": [
            {"account_id": a, "contact_id": c, "event_name": e, "day": d, "count": n}
            for a, c, e, d, n in [
                (1, 10, "login", D(2026, 1, 6), 3),
                (1, 11, "report", D(2026, 2, 7), 2),
                (1, 10, "report", D(2026, 3, 2), 1),
                (2, 20, "login", D(2026, 1, 9), 5),
                (2, 20, "report", D(2026, 2, 11), 4),
            ]
        ],
        "tickets": [
            {
                "account_id": 1,
                "opened_at": T(2026, 1, 3),
                "first_response_at": T(2026, 1, 3, 5),
                "resolved_at": T(2026, 1, 4),
                "priority": "normal",
                "status": "solved",
                "satisfaction": 5,
            },
            {
                "account_id": 2,
                "opened_at": T(2026, 2, 3),
                "first_response_at": T(2026, 2, 4),
                "resolved_at": T(2026, 2, 9),
                "priority": "high",
                "status": "solved",
                "satisfaction": 2,
            },
        ],
        "touchpoints": [
            {
                "account_id": 1,
                "contact_id": 10,
                "kind": "email",
                "direction": "inbound",
                "occurred_at": T(2026, 1, 8),
                "replied_at": T(2026, 1, 8, 3),
                "sentiment": 0.5,
            },
            {
                "account_id": 2,
                "contact_id": 20,
                "kind": "call",
                "direction": "outbound",
                "occurred_at": T(2026, 3, 8),
                "replied_at": None,
                "sentiment": -0.2,
            },
        ],
        "surveys": [
            {
                "survey_id": 1,
                "kind": "nps",
                "scale_min": 0,
                "scale_max": 10,
                "direction": "higher_better",
                "aggregation": "nps",
            },
            {
                "survey_id": 2,
                "kind": "csat",
                "scale_min": 1,
                "scale_max": 5,
                "direction": "higher_better",
                "aggregation": "top_box",
                "positive_threshold": 4,
            },
            {
                "survey_id": 3,
                "kind": "ces",
                "scale_min": 1,
                "scale_max": 7,
                "direction": "higher_better",
                "aggregation": "mean",
                "positive_threshold": 5,
            },
        ],
        "survey_invitations": [
            {"invitation_id": i, "survey_id": s, "account_id": a, "sent_at": T(2026, 2, 1)}
            for i, s, a in [(1, 1, 1), (2, 1, 1), (3, 1, 2), (4, 2, 2)]
        ],
        "survey_responses": [
            {
                "survey_id": s,
                "account_id": a,
                "invitation_id": i,
                "score": v,
                "answered_at": T(2026, 2, 2),
            }
            for s, a, i, v in [
                (1, 1, 1, 10),
                (1, 2, 3, 3),
                (2, 2, 4, 4),
                (3, 1, None, 6),
                (2, 1, None, 2),
            ]
        ],
        "milestones": [
            {
                "account_id": 1,
                "due_date": D(2026, 1, 20),
                "is_go_live": True,
                "is_first_value": False,
                "completed_at": T(2026, 1, 18),
            },
            {
                "account_id": 2,
                "due_date": D(2026, 2, 20),
                "is_go_live": False,
                "is_first_value": True,
                "completed_at": T(2026, 2, 25),
            },
        ],
    }


def only(data: dict[str, list[dict[str, Any]]], accounts: set[int]) -> dict[str, Any]:
    """The rows of `accounts` only, in every table with an account_id (as a store with just
    those customers would hold)."""
    return {
        name: [r for r in rs if "account_id" not in SCHEMAS[name] or r["account_id"] in accounts]
        for name, rs in data.items()
    }


def compute(con: Any, name: str, data: dict[str, Any], segment: dict[str, str]) -> list[Any]:
    tables = segments.restrict(Tables({k: table(k, v) for k, v in data.items()}), segment)
    ctx = m.Context(tables, PERIODS, PERIODS[-1].last_day)
    df = con.execute(m.get(name)(ctx))
    return [None if v is None or math.isnan(v) else round(v, 9) for v in df["value"]]


@pytest.mark.parametrize("name", [metric.name for metric in m.all_metrics()])
def test_every_metric_under_an_account_filter(con: Any, name: str) -> None:
    data = rows()
    smb = compute(con, name, data, {"segment": "SMB"})
    assert len(smb) == len(PERIODS)
    assert smb == compute(con, name, only(data, {1}), {})
