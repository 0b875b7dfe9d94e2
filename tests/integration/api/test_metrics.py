"""KPIs over the API: the registry, and values per period from the CLI's own service."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import override_settings
from typer.testing import CliRunner

from retain import analytics
from retain.api.metrics import store_url
from retain.app.models import SubscriptionItem, Survey, SurveyInvitation, SurveyResponse, User
from retain.cli.main import app
from retain.core import metrics as m
from tests.integration.api.conftest import ApiClient, World

# The engines read the store over their own connection, so the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

WINDOW = {"start": "2026-01-01", "end": "2026-03-31", "as_of": "2026-06-30"}


@pytest.fixture
def revenue(world: World) -> World:
    for account, amount in ((world.own, 100), (world.other, 50)):
        SubscriptionItem.objects.create(
            external_id=f"s-{account.pk}",
            account=account,
            plan="Pro",
            amount=amount,
            start_date=dt.date(2025, 12, 1),
        )
    return world


def test_the_registry_with_definitions(world: World, admin_api: ApiClient) -> None:
    listed = admin_api.get("/api/metrics").json()
    assert [x["name"] for x in listed] == [x.name for x in m.all_metrics()]
    mrr = next(x for x in listed if x["name"] == "mrr")
    assert mrr == {
        "name": "mrr",
        "title": m.get("mrr").title,
        "family": "revenue",
        "unit": "currency",
        "definition": m.get("mrr").definition,
        "settings": list(m.get("mrr").settings),
    }


def test_values_per_period(revenue: World, admin_api: ApiClient) -> None:
    response = admin_api.get("/api/metrics/mrr", **WINDOW)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["period"], body["as_of"], body["segment"]) == (
        "mrr",
        "month",
        "2026-06-30",
        {},
    )
    assert body["values"] == [
        {"period": "2026-01", "value": 150.0},
        {"period": "2026-02", "value": 150.0},
        {"period": "2026-03", "value": 150.0},
    ]
    query = analytics.Query(
        as_of=dt.date(2026, 6, 30),
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 31),
        url=store_url(),
    )
    cli = analytics.compute(query, ["mrr"])["mrr"]  # what `retain metrics` computes
    assert {v["period"]: v["value"] for v in body["values"]} == cli


def test_a_segment_and_a_quarter(revenue: World, admin_api: ApiClient) -> None:
    body = admin_api.get(
        "/api/metrics/mrr", period="quarter", segment="owner=carla", **WINDOW
    ).json()
    assert body["values"] == [{"period": "2026-Q1", "value": 100.0}]
    assert body["segment"] == {"owner": "carla"}


def test_a_csm_who_cannot_see_other_books_gets_their_own_figures(
    revenue: World, api_as: Callable[[User], ApiClient]
) -> None:
    csm = api_as(revenue.csm)
    assert csm.get("/api/metrics/mrr", **WINDOW).json()["values"][0]["value"] == 150.0
    with override_settings(RETAIN_CSM_OTHER_ACCOUNTS="hidden"):
        body = csm.get("/api/metrics/mrr", **WINDOW).json()
    assert body["values"][0]["value"] == 100.0
    assert body["segment"] == {"owner": "carla"}


@pytest.mark.parametrize(
    ("name", "params", "status", "loc"),
    [
        ("nope", {}, 404, None),
        ("mrr", {"period": "year"}, 422, ["query", "period"]),
        ("mrr", {"start": "2026-05-01", "end": "2026-04-01"}, 422, ["query", "start"]),
        ("mrr", {"segment": "colour=red"}, 422, ["query", "segment"]),
        ("mrr", {"as_of": "yesterday"}, 422, ["query", "as_of"]),
    ],
)
def test_bad_requests(
    world: World,
    admin_api: ApiClient,
    name: str,
    params: dict[str, str],
    status: int,
    loc: list[str] | None,
) -> None:
    response = admin_api.get(f"/api/metrics/{name}", **params)
    assert response.status_code == status
    body = response.json()
    if loc is None:
        assert body["code"] == "not_found"
        assert "known metrics" in body["message"]
        assert "mrr" in body["message"]
    else:
        assert [e["loc"] for e in body["errors"]] == [loc]


@pytest.fixture
def surveyed(revenue: World) -> World:
    """Carla's SMB account: 4 invitations in March, 1 answered; Otto's account (no segment):
    2 sent, 2 answered. Response rate in March: SMB (and carla) 1/4, everyone 3/6."""
    survey = Survey.objects.create(
        external_id="nps",
        kind="nps",
        name="NPS",
        question="q",
        scale_min=0,
        scale_max=10,
        aggregation="nps",
    )
    sent = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    plan = [(revenue.own, 4, 1), (revenue.other, 2, 2)]
    for account, invited, answered in plan:
        for n in range(invited):
            invitation = SurveyInvitation.objects.create(
                external_id=f"i-{account.pk}-{n}", survey=survey, account=account, sent_at=sent
            )
            if n < answered:
                SurveyResponse.objects.create(
                    external_id=f"r-{account.pk}-{n}",
                    survey=survey,
                    account=account,
                    invitation=invitation,
                    score=9,
                    answered_at=sent,
                )
    return revenue


MARCH_ONLY = [
    {"period": "2026-01", "value": None},
    {"period": "2026-02", "value": None},
]


@pytest.mark.parametrize(
    ("segment", "march"), [(None, 0.5), ("segment=SMB", 0.25), ("owner=carla", 0.25)]
)
def test_survey_response_rate_under_an_account_filter(
    surveyed: World, admin_api: ApiClient, segment: str | None, march: float
) -> None:
    """It crashed (500, ibis "belong to another relation") under any account filter."""
    params = {"segment": segment} if segment else {}
    response = admin_api.get("/api/metrics/survey_response_rate", **params, **WINDOW)
    assert response.status_code == 200, response.json()
    assert response.json()["values"] == [*MARCH_ONLY, {"period": "2026-03", "value": march}]


def test_survey_response_rate_for_a_csm_who_cannot_see_other_books(
    surveyed: World, api_as: Callable[[User], ApiClient]
) -> None:
    with override_settings(RETAIN_CSM_OTHER_ACCOUNTS="hidden"):
        response = api_as(surveyed.csm).get("/api/metrics/survey_response_rate", **WINDOW)
    assert response.status_code == 200, response.json()
    assert response.json()["values"][-1] == {"period": "2026-03", "value": 0.25}


def test_retain_metrics_with_a_segment_computes_every_metric(
    surveyed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`retain metrics --segment` computes every KPI at once: one crash failed them all."""
    monkeypatch.setenv("RETAIN_DATABASE_URL", store_url())
    args = ["metrics", "--segment", "segment=SMB", "--format", "json", "--as-of", "2026-06-30"]
    result = CliRunner().invoke(app, [*args, "--from", "2026-01-01", "--to", "2026-03-31"])
    assert result.exit_code == 0, result.output
    values = json.loads(result.output)
    assert set(values) == {metric.name for metric in m.all_metrics()}
    assert values["survey_response_rate"] == {"2026-01": None, "2026-02": None, "2026-03": 0.25}
    assert values["mrr"] == {"2026-01": 100.0, "2026-02": 100.0, "2026-03": 100.0}
