"""Bearer tokens (hashed, revocable, expiring) and session auth with CSRF; 401 in one shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from retain.app.access import tokens
from retain.app.models import ApiToken
from tests.integration.api.conftest import ApiClient, World

pytestmark = pytest.mark.django_db


def assert_401(response: object) -> None:
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response.json() == {  # type: ignore[attr-defined]
        "code": "unauthenticated",
        "message": "authentication required: send `Authorization: Bearer rtn_...` or sign in",
        "errors": [],
    }
    assert response["WWW-Authenticate"].startswith("Bearer")  # type: ignore[index]


def test_a_valid_token_authenticates_and_records_its_use(world: World) -> None:
    token, raw = tokens.issue("max", "ci")
    assert token.key_hash != raw
    assert raw not in token.key_hash
    assert token.last_used_at is None
    response = ApiClient(raw).get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == "max"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_no_credentials_is_401(world: World) -> None:
    assert_401(ApiClient().get("/api/accounts"))
    assert_401(ApiClient().post("/api/accounts", {"name": "X"}))


@pytest.mark.parametrize("raw", ["rtn_not-a-real-token", "something-else", ""])
def test_an_unknown_token_is_401(world: World, raw: str) -> None:
    client = ApiClient()
    client.headers = {"Authorization": f"Bearer {raw}"}
    assert_401(client.get("/api/accounts"))


def test_a_revoked_token_is_401(world: World) -> None:
    token, raw = tokens.issue("max", "ci")
    assert ApiClient(raw).get("/api/me").status_code == 200
    assert tokens.revoke(token.prefix) == token
    assert_401(ApiClient(raw).get("/api/me"))


def test_an_expired_token_is_401(world: World) -> None:
    token, raw = tokens.issue("max", "ci", timezone.now() + dt.timedelta(hours=1))
    assert ApiClient(raw).get("/api/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert_401(ApiClient(raw).get("/api/me"))


def test_a_deactivated_users_token_is_401(world: World) -> None:
    _, raw = tokens.issue("max", "ci")
    world.manager.is_active = False
    world.manager.save()
    assert_401(ApiClient(raw).get("/api/me"))


def test_session_reads_without_csrf_and_writes_only_with_it(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.manager)
    api = ApiClient(client=browser)
    assert api.get("/api/accounts").json()["count"] == 2
    refused = api.post("/api/accounts", {"name": "No CSRF"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert "CSRF" in refused.json()["message"]
    browser.get("/admin/login/")  # sets the CSRF cookie, as any page of the web app does
    api.headers = {"X-CSRFToken": browser.cookies["csrftoken"].value}
    created = api.post("/api/accounts", {"name": "With CSRF"})
    assert created.status_code == 201, created.json()


def test_a_bearer_token_needs_no_csrf(world: World, admin_api: ApiClient) -> None:
    admin_api.client = Client(enforce_csrf_checks=True)
    assert admin_api.post("/api/accounts", {"name": "Token write"}).status_code == 201
