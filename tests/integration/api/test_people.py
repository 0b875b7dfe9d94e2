"""The caller, users and API tokens over the API, and `retain tokens` on the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from retain.app.models import ApiToken, User
from retain.app.models.users import hash_token
from retain.cli.main import app
from tests.integration.api.conftest import ApiClient, World

pytestmark = pytest.mark.django_db


def test_me_tells_the_role_and_what_it_grants(
    world: World, api_as: Callable[[User], ApiClient]
) -> None:
    body = api_as(world.csm).get("/api/me").json()
    assert body == {
        "id": world.csm.pk,
        "username": "carla",
        "role": "csm",
        "permissions": ["edit", "view"],
        "sees_all_accounts": True,
    }


def test_admin_lists_users(world: World, admin_api: ApiClient) -> None:
    page = admin_api.get("/api/users", limit=2).json()
    assert page["count"] == 5
    assert [u["username"] for u in page["items"]] == ["ada", "carla"]
    assert page["items"][0]["role"] == "admin"


def test_admin_issues_lists_and_revokes_tokens(world: World, admin_api: ApiClient) -> None:
    created = admin_api.post("/api/tokens", {"username": "vic", "name": "dashboard"})
    assert created.status_code == 201
    body = created.json()
    raw = body.pop("token")
    assert raw.startswith("rtn_")
    assert body["prefix"] == raw[:12]
    assert (body["username"], body["name"], body["status"]) == ("vic", "dashboard", "active")
    assert ApiToken.objects.get(pk=body["id"]).key_hash == hash_token(raw)
    assert ApiClient(raw).get("/api/me").json()["username"] == "vic"
    listed = admin_api.get("/api/tokens").json()["items"]
    assert "token" not in listed[0]
    assert {t["id"] for t in listed} == set(ApiToken.objects.values_list("id", flat=True))
    assert admin_api.delete(f"/api/tokens/{body['id']}").status_code == 204
    assert ApiClient(raw).get("/api/me").status_code == 401
    revoked = next(t for t in admin_api.get("/api/tokens").json()["items"] if t["id"] == body["id"])
    assert revoked["status"] == "revoked"
    assert admin_api.delete("/api/tokens/999999").status_code == 404


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({"username": "nobody", "name": "x"}, ["body", "username"]),
        (
            {"username": "vic", "name": "x", "expires_at": "2000-01-01T00:00:00Z"},
            ["body", "expires_at"],
        ),
        ({"username": "vic", "name": ""}, ["body", "name"]),
    ],
)
def test_bad_token_requests_are_422(
    world: World, admin_api: ApiClient, payload: dict[str, str], loc: list[str]
) -> None:
    response = admin_api.post("/api/tokens", payload)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [loc]


def test_cli_creates_lists_and_revokes_tokens(world: World) -> None:
    runner = CliRunner()
    created = runner.invoke(
        app, ["tokens", "create", "--user", "max", "--name", "etl", "--expires-in-days", "30"]
    )
    assert created.exit_code == 0, created.output
    raw = created.output.strip().splitlines()[-1]
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert (token.user, token.name) == (world.manager, "etl")
    assert token.expires_at is not None
    assert token.expires_at - timezone.now() > dt.timedelta(days=29)
    listed = runner.invoke(app, ["tokens", "list"])
    assert listed.exit_code == 0
    assert token.prefix in listed.output
    assert "active" in listed.output
    assert raw not in listed.output
    revoked = runner.invoke(app, ["tokens", "revoke", token.prefix])
    assert revoked.exit_code == 0, revoked.output
    token.refresh_from_db()
    assert token.revoked
    assert ApiClient(raw).get("/api/me").status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--user", "nobody"], "no user named 'nobody'"),
        (["revoke", "rtn_doesnotexist"], "no token starts with"),
        (["revoke", "rtn_"], "matches several tokens"),
    ],
)
def test_cli_errors_say_what_to_do(world: World, args: list[str], message: str) -> None:
    ApiToken.issue(world.viewer, "a")
    ApiToken.issue(world.viewer, "b")
    result = CliRunner().invoke(app, ["tokens", *args])
    assert result.exit_code == 1
    assert message in result.output
