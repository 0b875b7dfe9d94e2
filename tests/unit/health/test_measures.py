"""Point-in-time account measures: hand-computed values and no leakage from the future."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from retain.core.health.measures import MEASURES, measures
from retain.core.tables import Tables
from tests.unit.metrics.conftest import D, sub, table

AS_OF = D(2026, 3, 31)


def ts(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour)


def company(extra: bool = False) -> dict[str, list[dict[str, Any]]]:
    """One paying account; `extra` adds rows dated after AS_OF (and late replies)."""
    rows: dict[str, list[dict[str, Any]]] = {
        "accounts": [{"account_id": 1, "plan": "growth", "stage": "renewal"}],
        "stage_changes": [
            {"account_id": 1, "stage": "onboarding", "changed_at": ts(D(2025, 5, 10))},
            {"account_id": 1, "stage": "adoption", "changed_at": ts(D(2025, 8, 1))},
        ],
        "subscriptions": [
            sub(1, 1200.0, D(2025, 5, 10), interval="year", quantity=4),
            sub(1, 50.0, D(2025, 6, 1)),
        ],
        "features": [
            {"event_name": "report", "is_key_feature": True, "is_key_action": True, "plans": ""},
            {"event_name": "share", "is_key_feature": True, "is_key_action": False, "plans": ""},
            {"event_name": "login", "is_key_feature": False, "is_key_action": False, "plans": ""},
        ],
        "usage_daily": [
            {
                "account_id": 1,
                "contact_id": 11,
                "event_name": "report",
                "day": D(2026, 3, 30),
                "count": 3,
            },
            {
                "account_id": 1,
                "contact_id": 12,
                "event_name": "login",
                "day": D(2026, 3, 2),
                "count": 1,
            },
            {
                "account_id": 1,
                "contact_id": 11,
                "event_name": "login",
                "day": D(2026, 2, 20),
                "count": 8,
            },
        ],
        "touchpoints": [
            {
                "account_id": 1,
                "kind": "email",
                "direction": "outbound",
                "occurred_at": ts(D(2026, 3, 1)),
                "replied_at": ts(D(2026, 3, 1), 15),
            },
            {
                "account_id": 1,
                "kind": "email",
                "direction": "outbound",
                "occurred_at": ts(D(2026, 3, 25)),
                "replied_at": None,
            },
            {
                "account_id": 1,
                "kind": "chat",
                "direction": "inbound",
                "occurred_at": ts(D(2026, 3, 10)),
                "sentiment": -0.4,
            },
        ],
        "tickets": [
            {
                "account_id": 1,
                "opened_at": ts(D(2026, 3, 20)),
                "resolved_at": None,
                "priority": "urgent",
            },
            {
                "account_id": 1,
                "opened_at": ts(D(2026, 2, 1)),
                "resolved_at": ts(D(2026, 2, 2)),
                "priority": "normal",
                "satisfaction": 2,
            },
        ],
        "surveys": [
            {
                "survey_id": 1,
                "kind": "nps",
                "scale_min": 0,
                "scale_max": 10,
                "direction": "higher_better",
            }
        ],
        "survey_responses": [
            {"survey_id": 1, "account_id": 1, "score": 9, "answered_at": ts(D(2025, 12, 1))},
            {"survey_id": 1, "account_id": 1, "score": 4, "answered_at": ts(D(2026, 3, 15))},
        ],
        "milestones": [
            {
                "account_id": 1,
                "due_date": D(2025, 6, 1),
                "is_go_live": True,
                "is_first_value": False,
                "completed_at": ts(D(2025, 5, 30)),
            },
            {
                "account_id": 1,
                "due_date": D(2025, 7, 1),
                "is_go_live": False,
                "is_first_value": True,
                "completed_at": None,
            },
        ],
    }
    if extra:
        late = D(2026, 4, 2)
        rows["usage_daily"].append(
            {"account_id": 1, "contact_id": 13, "event_name": "share", "day": late, "count": 50}
        )
        rows["touchpoints"][1]["replied_at"] = ts(late)  # the reply comes after AS_OF
        rows["touchpoints"].append(
            {"account_id": 1, "kind": "call", "direction": "outbound", "occurred_at": ts(late)}
        )
        rows["tickets"][0]["resolved_at"] = ts(late)
        rows["survey_responses"].append(
            {"survey_id": 1, "account_id": 1, "score": 10, "answered_at": ts(late)}
        )
        rows["milestones"][1]["completed_at"] = ts(late)
        rows["subscriptions"].append(sub(1, 500.0, late))
        rows["stage_changes"].append({"account_id": 1, "stage": "renewal", "changed_at": ts(late)})
    return rows


def compute(
    con: Any, rows: dict[str, list[dict[str, Any]]], dates: list[dt.date]
) -> list[dict[str, Any]]:
    tables = Tables({name: table(name, r) for name, r in rows.items()})
    return list(con.execute(measures(tables, dates)).to_dict("records"))


def clean(row: dict[str, Any]) -> dict[str, Any]:
    """NaN -> None, so rows compare with ==."""
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}


def test_measures_by_hand(con: Any) -> None:
    (row,) = compute(con, company(), [AS_OF])
    assert set(MEASURES) <= set(row)
    expected = {
        "mrr": 4 * 1200 / 12 + 50,
        "seats": 5,
        "days_to_renewal": (D(2026, 5, 10) - AS_OF).days,
        "events_30d": 4,
        "active_users_30d": 2,
        "usage_trend_30d": 4 / 8 - 1,
        "seat_utilisation": 2 / 5,
        "key_features_30d": 1,
        "depth_of_usage": 1 / 2,
        "key_action_users_30d": 1 / 2,
        "days_since_active": 1,
        "two_way_touches_90d": 2,
        "unanswered_outreach_90d": 1 / 2,
        "response_hours_90d": 6.0,
        "tone_90d": -0.4,
        "tickets_90d": 2,
        "open_critical_tickets": 1,
        "resolution_hours_90d": 24.0,
        "ticket_satisfaction_90d": 2.0,
        "nps_latest": 4,
        "nps_promoter_share": 1 / 2,
        "onboarding_done_share": 1 / 2,
        "onboarding_overdue": 1,
        "days_in_stage": (AS_OF - D(2025, 8, 1)).days,
        "stage": "adoption",
    }
    assert {k: row[k] for k in expected} == pytest.approx(expected)


def test_no_leakage_from_data_after_the_as_of_date(con: Any) -> None:
    dates = [D(2026, 1, 31), AS_OF]
    before = compute(con, company(), dates)
    after = compute(con, company(extra=True), dates)
    assert [clean(r) for r in after] == [clean(r) for r in before]
    # and the extra data is really there: measured later, it shows
    (later,) = compute(con, company(extra=True), [D(2026, 4, 5)])
    assert later["active_users_30d"] == 2
    assert later["open_critical_tickets"] == 0
    assert (later["stage"], later["days_in_stage"]) == ("renewal", 3)
