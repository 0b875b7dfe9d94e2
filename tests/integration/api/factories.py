"""Payloads for each resource, aimed at a given account, shared by the role tests."""

from __future__ import annotations

import itertools
from typing import Any

from retain.app.models import Account, Survey
from tests.integration.api.conftest import World

_serial = itertools.count()


def survey_id() -> int:
    n = next(_serial)
    return Survey.objects.create(
        external_id=f"nps-{n}",
        kind="nps",
        name=f"NPS {n}",
        question="Recommend us?",
        scale_min=0,
        scale_max=10,
        aggregation="nps",
    ).pk


def payload(resource: str, world: World, account: Account) -> dict[str, Any]:
    """A valid create payload for `resource` on `account` (accounts: owned like `account`)."""
    on = {"account_id": account.pk}
    return {
        "accounts": lambda: {"name": "New", "owner_id": account.owner_id},
        "contacts": lambda: {**on, "name": "Ann"},
        "subscriptions": lambda: {**on, "plan": "Pro", "amount": "10", "start_date": "2026-01-01"},
        "tickets": lambda: {**on, "subject": "Help", "opened_at": "2026-01-01T00:00:00Z"},
        "touchpoints": lambda: {
            **on,
            "kind": "call",
            "direction": "outbound",
            "occurred_at": "2026-01-01T00:00:00Z",
        },
        "surveys": lambda: {
            "kind": "ces",
            "name": "CES",
            "question": "Easy?",
            "scale_min": 1,
            "scale_max": 7,
            "aggregation": "mean",
        },
        "survey-responses": lambda: {
            **on,
            "survey_id": survey_id(),
            "score": 7,
            "answered_at": "2026-01-01T00:00:00Z",
        },
        "tasks": lambda: {**on, "title": "Call"},
        "notes": lambda: {**on, "body": "Met the team"},
    }[resource]()


CHANGES: dict[str, dict[str, Any]] = {
    "accounts": {"tier": "Gold"},
    "contacts": {"role": "CFO"},
    "subscriptions": {"quantity": 2},
    "tickets": {"status": "pending"},
    "touchpoints": {"subject": "Follow-up"},
    "surveys": {"name": "CES 2"},
    "survey-responses": {"comment": "Thanks"},
    "tasks": {"status": "cancelled"},
    "notes": {"body": "Met the whole team"},
}
