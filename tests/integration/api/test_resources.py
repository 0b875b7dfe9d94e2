"""Subscriptions, tickets, touchpoints, surveys, survey responses and tasks: CRUD and rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from retain.app.models import Survey, SurveyResponse, Task, Touchpoint
from tests.integration.api.conftest import ApiClient, World

pytestmark = pytest.mark.django_db


def nps(external_id: str = "nps") -> Survey:
    return Survey.objects.create(
        external_id=external_id,
        kind="nps",
        name="NPS",
        question="Recommend us?",
        scale_min=0,
        scale_max=10,
        aggregation="nps",
    )


# resource -> (payload for an account, a field to change with its new value, a list filter)
Case = tuple[Callable[[World], dict[str, Any]], dict[str, Any], dict[str, Any]]
CASES: dict[str, Case] = {
    "subscriptions": (
        lambda w: {
            "account_id": w.own.pk,
            "plan": "Pro",
            "amount": "1200.50",
            "start_date": "2026-01-01",
            "interval": "year",
            "quantity": 3,
        },
        {"status": "past_due"},
        {"status": "active", "interval": "year"},
    ),
    "tickets": (
        lambda w: {
            "account_id": w.own.pk,
            "subject": "Export broken",
            "opened_at": "2026-02-01T09:00:00Z",
            "priority": "high",
        },
        {"status": "solved", "resolved_at": "2026-02-02T09:00:00Z"},
        {"priority": "high", "opened_from": "2026-01-31T00:00:00Z"},
    ),
    "touchpoints": (
        lambda w: {
            "account_id": w.own.pk,
            "kind": "qbr",
            "direction": "outbound",
            "occurred_at": "2026-03-01T15:00:00Z",
            "subject": "Q1 review",
        },
        {"replied_at": "2026-03-02T08:00:00Z"},
        {"kind": "qbr", "direction": "outbound"},
    ),
    "surveys": (
        lambda w: {
            "kind": "csat",
            "name": "Support CSAT",
            "question": "Happy?",
            "scale_min": 1,
            "scale_max": 5,
            "aggregation": "top_box",
            "positive_threshold": 4,
        },
        {"name": "Support CSAT v2"},
        {"kind": "csat", "q": "support"},
    ),
    "survey-responses": (
        lambda w: {
            "survey_id": nps().pk,
            "account_id": w.own.pk,
            "score": 9,
            "answered_at": "2026-04-01T10:00:00Z",
            "comment": "Great",
        },
        {"score": 10},
        {"score_min": 9, "kind": "nps"},
    ),
    "tasks": (
        lambda w: {
            "account_id": w.own.pk,
            "title": "Plan renewal",
            "owner_id": w.csm.pk,
            "due_date": "2026-05-01",
        },
        {"title": "Plan the renewal", "due_date": "2026-05-15"},
        {"status": "open", "owner_id": None},
    ),
}


@pytest.mark.parametrize("resource", list(CASES))
def test_crud(world: World, admin_api: ApiClient, resource: str) -> None:
    make_payload, change, filters = CASES[resource]
    payload = make_payload(world)
    created = admin_api.post(f"/api/{resource}", payload)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {k: body[k] for k in payload} == payload
    url = f"/api/{resource}/{body['id']}"
    assert admin_api.get(url).json() == body
    params = {k: (world.csm.pk if v is None else v) for k, v in filters.items()}
    assert [r["id"] for r in admin_api.get(f"/api/{resource}", **params).json()["items"]] == [
        body["id"]
    ]
    changed = admin_api.patch(url, change)
    assert changed.status_code == 200, changed.json()
    assert {k: changed.json()[k] for k in change} == change
    assert admin_api.delete(url).status_code == 204
    assert admin_api.get(url).status_code == 404


@pytest.mark.parametrize("resource", [r for r in CASES if r != "surveys"])
def test_list_filters_by_account(world: World, admin_api: ApiClient, resource: str) -> None:
    payload = CASES[resource][0](world)
    admin_api.post(f"/api/{resource}", payload)
    other = {**payload, "account_id": world.other.pk}
    if "survey_id" in other:
        other["survey_id"] = nps("nps-2").pk
    admin_api.post(f"/api/{resource}", other)
    mine = admin_api.get(f"/api/{resource}", account_id=world.own.pk).json()
    assert mine["count"] == 1
    assert mine["items"][0]["account_id"] == world.own.pk
    assert admin_api.get(f"/api/{resource}").json()["count"] == 2


def test_subscription_end_before_start_is_422(world: World, admin_api: ApiClient) -> None:
    payload = {**CASES["subscriptions"][0](world), "end_date": "2025-12-31"}
    response = admin_api.post("/api/subscriptions", payload)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "constraint_violation"
    assert "subscription_end_after_start" in body["message"]
    assert sorted(e["loc"][1] for e in body["errors"]) == ["end_date", "start_date"]


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"interval": "fortnight"}, "interval"),
        ({"currency": "EURO"}, "currency"),
        ({"discount_percent": 101}, "discount_percent"),
    ],
)
def test_subscription_values_are_checked(
    world: World, admin_api: ApiClient, change: dict[str, Any], loc: str
) -> None:
    response = admin_api.post("/api/subscriptions", {**CASES["subscriptions"][0](world), **change})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["body", loc]]


def test_response_outside_the_survey_scale_is_422(world: World, admin_api: ApiClient) -> None:
    payload = {**CASES["survey-responses"][0](world), "score": 11}
    response = admin_api.post("/api/survey-responses", payload)
    assert response.status_code == 422
    assert response.json()["code"] == "constraint_violation"
    assert "response_score_in_survey_scale" in response.json()["message"]
    assert not SurveyResponse.objects.exists()


def test_nps_survey_must_use_0_to_10(admin_api: ApiClient) -> None:
    payload = {
        "kind": "nps",
        "name": "NPS",
        "question": "?",
        "scale_min": 1,
        "scale_max": 5,
        "aggregation": "nps",
    }
    response = admin_api.post("/api/surveys", payload)
    assert response.status_code == 422
    assert "survey_nps_scale_0_10" in response.json()["message"]


def test_deleting_a_survey_with_responses_is_409(world: World, admin_api: ApiClient) -> None:
    response = admin_api.post("/api/survey-responses", CASES["survey-responses"][0](world))
    survey_id = response.json()["survey_id"]
    refused = admin_api.delete(f"/api/surveys/{survey_id}")
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "in_use",
        "message": "cannot delete: survey responses still refer to it",
        "errors": [],
    }
    assert Survey.objects.filter(pk=survey_id).exists()


def test_ticket_resolved_before_opened_is_422(world: World, admin_api: ApiClient) -> None:
    payload = {**CASES["tickets"][0](world), "resolved_at": "2026-01-01T00:00:00Z"}
    response = admin_api.post("/api/tickets", payload)
    assert response.status_code == 422
    assert {tuple(e["loc"]) for e in response.json()["errors"]} == {
        ("body", "opened_at"),
        ("body", "resolved_at"),
    }


def test_inbound_touchpoint_gets_the_tone_of_its_text(world: World, admin_api: ApiClient) -> None:
    payload = {
        "account_id": world.own.pk,
        "kind": "email",
        "direction": "inbound",
        "occurred_at": "2026-03-01T15:00:00Z",
        "text": "This is terrible, we are angry.",
    }
    body = admin_api.post("/api/touchpoints", payload).json()
    assert body["sentiment"] < -0.5
    assert body["user_id"] == world.admin.pk
    assert Touchpoint.objects.get().sentiment == body["sentiment"]


def test_a_task_marked_done_records_when(world: World, admin_api: ApiClient) -> None:
    task = admin_api.post("/api/tasks", CASES["tasks"][0](world)).json()
    assert task["completed_at"] is None
    assert task["created_at"]
    done = admin_api.patch(f"/api/tasks/{task['id']}", {"status": "done", "outcome": "Renewed"})
    assert done.status_code == 200
    assert done.json()["completed_at"] is not None
    assert Task.objects.get().outcome == "Renewed"
