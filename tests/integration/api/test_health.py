"""Health history, the latest snapshot per account, and risk ranking (read-only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import override_settings
from django.utils import timezone

from retain.analytics.health import default_config
from retain.app.models import Account, HealthOverride, HealthSnapshot, ScorecardConfig, User
from tests.integration.api.conftest import ApiClient, World

pytestmark = pytest.mark.django_db


def snap(account: Account, day: str, score: float, risk: float | None, **extra: object) -> None:
    config = ScorecardConfig.objects.get_or_create(
        version=1, defaults={"name": "v1", "config": {}, "is_active": True}
    )
    HealthSnapshot.objects.create(
        account=account,
        date=day,
        score=score,
        band="green" if score >= 70 else "red",
        risk_probability=risk,
        config=config[0],
        **extra,
    )


@pytest.fixture
def snapshots(world: World) -> Account:
    third = Account.objects.create(external_id="t", name="Third")
    snap(world.own, "2026-01-01", 80, 0.1)
    snap(
        world.own,
        "2026-02-01",
        40,
        0.7,
        risk_reasons={"logins": 0.3},
        mrr=250.0,
        measures={"logins": 2},
        contributions={"logins": -20.0},
    )
    snap(world.other, "2026-02-01", 90, 0.05)
    snap(third, "2026-02-01", 60, None)
    return third


def test_history_is_newest_first_within_a_range(
    world: World, snapshots: Account, admin_api: ApiClient
) -> None:
    url = f"/api/accounts/{world.own.pk}/health"
    page = admin_api.get(url).json()
    assert [(s["date"], s["score"]) for s in page["items"]] == [
        ("2026-02-01", 40.0),
        ("2026-01-01", 80.0),
    ]
    latest = page["items"][0]
    assert (latest["band"], latest["risk_probability"], latest["config_version"]) == ("red", 0.7, 1)
    assert (latest["measures"], latest["contributions"]) == ({"logins": 2}, {"logins": -20.0})
    assert latest["risk_reasons"] == {"logins": 0.3}
    assert (latest["mrr"], page["items"][1]["mrr"]) == (250.0, None)
    ranged = admin_api.get(url, start="2026-01-01", end="2026-01-31").json()
    assert [s["date"] for s in ranged["items"]] == ["2026-01-01"]


def test_history_of_a_missing_account_is_404(world: World, admin_api: ApiClient) -> None:
    response = admin_api.get("/api/accounts/999999/health")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "no account with id 999999",
        "errors": [],
    }


def test_latest_snapshot_per_account(
    world: World, snapshots: Account, admin_api: ApiClient
) -> None:
    page = admin_api.get("/api/health").json()
    assert [(s["account_id"], s["date"], s["score"]) for s in page["items"]] == [
        (world.own.pk, "2026-02-01", 40.0),
        (world.other.pk, "2026-02-01", 90.0),
        (snapshots.pk, "2026-02-01", 60.0),
    ]
    red = admin_api.get("/api/health", band="red", order_by="-score").json()
    assert [s["score"] for s in red["items"]] == [60.0, 40.0]


def test_an_override_in_force_shows_in_the_effective_score(
    world: World, admin_api: ApiClient
) -> None:
    override = HealthOverride.objects.create(
        account=world.own,
        score=75,
        band="green",
        reason="Exec sponsor re-engaged",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    snap(world.own, "2026-02-01", 40, 0.7, override=override)
    item = admin_api.get("/api/health").json()["items"][0]
    assert (item["score"], item["effective_score"], item["effective_band"]) == (40.0, 75.0, "green")
    assert item["override_id"] == override.pk


def test_risk_ranks_highest_first_with_reasons(
    world: World, snapshots: Account, admin_api: ApiClient
) -> None:
    page = admin_api.get("/api/risk").json()
    assert [(r["account_name"], r["risk_probability"]) for r in page["items"]] == [
        ("Carla Co", 0.7),
        ("Otto Inc", 0.05),
        ("Third", None),
    ]
    assert page["items"][0]["risk_reasons"] == {"logins": 0.3}
    risky = admin_api.get("/api/risk", min_risk=0.5).json()
    assert [r["account_id"] for r in risky["items"]] == [world.own.pk]
    assert admin_api.get("/api/risk", min_risk=2).status_code == 422


def test_an_accounts_latest_health_explained_is_the_pages_read_model(
    world: World, snapshots: Account, admin_api: ApiClient, api_as: Callable[[User], ApiClient]
) -> None:
    ScorecardConfig.objects.filter(version=1).update(config=default_config())
    got = admin_api.get(f"/api/accounts/{world.own.pk}/health/latest")
    assert got.status_code == 200, got.content
    body = got.json()
    assert (body["date"], body["score"], body["band"]) == ("2026-02-01", 40.0, "red")
    assert body["config_version"] == 1
    assert body["reasons"] == [{"name": "logins", "delta": 0.3, "label": "a custom attribute"}]
    assert body["since_previous"]["change"] == -40.0  # from 80 on 2026-01-01
    assert body["standing"]["status"] == "customer"
    assert [(g["key"], g["total"]) for g in body["groups"]] == [("other", -20.0)]

    gone = Account.objects.create(external_id="g", name="Gone")
    missing = admin_api.get(f"/api/accounts/{gone.pk}/health/latest")
    assert missing.status_code == 404
    assert "run `retain score` first" in missing.json()["message"]
    with override_settings(RETAIN_CSM_OTHER_ACCOUNTS="hidden"):
        hidden = api_as(world.csm).get(f"/api/accounts/{world.other.pk}/health/latest")
    assert hidden.status_code == 404


def test_latest_is_the_active_versions_latest_day(
    world: World, snapshots: Account, admin_api: ApiClient
) -> None:
    gone = Account.objects.create(external_id="g", name="Gone")
    snap(gone, "2026-01-01", 10, 0.99)  # not scored on the latest day: no longer a customer
    listed = {s["account_id"] for s in admin_api.get("/api/health").json()["items"]}
    assert listed == {world.own.pk, world.other.pk, snapshots.pk}
    assert gone.pk not in {r["account_id"] for r in admin_api.get("/api/risk").json()["items"]}

    ScorecardConfig.objects.update(is_active=False)
    v2 = ScorecardConfig.objects.create(version=2, name="v2", config={}, is_active=True)
    # v2 has scored nothing yet: v1's latest day stands in (labelled with its version)
    stand_in = admin_api.get("/api/health").json()["items"]
    assert {s["account_id"] for s in stand_in} == listed
    assert {s["config_version"] for s in stand_in} == {1}
    HealthSnapshot.objects.create(
        account=world.other, date="2026-01-15", score=30, band="red", config=v2
    )
    page = admin_api.get("/api/risk").json()
    assert [(r["account_id"], r["band"]) for r in page["items"]] == [(world.other.pk, "red")]
