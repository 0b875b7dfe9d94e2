"""Every role against every operation, as a literal table; then the `hidden` policy for CSMs.

`own` is an object on the CSM's account, `other` one on another CSM's account; `-` needs none.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import override_settings

from retain.app.access.permissions import can_edit_account, can_view_account, visible_accounts
from retain.app.models import Account, ApiToken, HealthSnapshot, ScorecardConfig, User
from tests.integration.api.conftest import ApiClient, World
from tests.integration.api.factories import CHANGES, payload

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "csm", "viewer")

# method, path, target, then the status for admin, manager, csm, viewer
MATRIX: list[tuple[str, str, str, int, int, int, int]] = [
    ("GET", "/api/accounts", "-", 200, 200, 200, 200),
    ("GET", "/api/accounts/{id}", "other", 200, 200, 200, 200),
    ("POST", "/api/accounts", "own", 201, 201, 201, 403),
    ("POST", "/api/accounts", "other", 201, 201, 403, 403),
    ("PATCH", "/api/accounts/{id}", "own", 200, 200, 200, 403),
    ("PATCH", "/api/accounts/{id}", "other", 200, 200, 403, 403),
    ("DELETE", "/api/accounts/{id}", "own", 204, 204, 204, 403),
    ("DELETE", "/api/accounts/{id}", "other", 204, 204, 403, 403),
    ("GET", "/api/contacts", "-", 200, 200, 200, 200),
    ("GET", "/api/contacts/{id}", "other", 200, 200, 200, 200),
    ("POST", "/api/contacts", "own", 201, 201, 201, 403),
    ("POST", "/api/contacts", "other", 201, 201, 403, 403),
    ("PATCH", "/api/contacts/{id}", "own", 200, 200, 200, 403),
    ("PATCH", "/api/contacts/{id}", "other", 200, 200, 403, 403),
    ("DELETE", "/api/contacts/{id}", "own", 204, 204, 204, 403),
    ("DELETE", "/api/contacts/{id}", "other", 204, 204, 403, 403),
    ("GET", "/api/subscriptions", "-", 200, 200, 200, 200),
    ("GET", "/api/subscriptions/{id}", "other", 200, 200, 200, 200),
    ("POST", "/api/subscriptions", "own", 201, 201, 201, 403),
    ("POST", "/api/subscriptions", "other", 201, 201, 403, 403),
    ("PATCH", "/api/subscriptions/{id}", "own", 200, 200, 200, 403),
    ("PATCH", "/api/subscriptions/{id}", "other", 200, 200, 403, 403),
    ("DELETE", "/api/subscriptions/{id}", "own", 204, 204, 204, 403),
    ("DELETE", "/api/subscriptions/{id}", "other", 204, 204, 403, 403),
    ("GET", "/api/tickets", "-", 200, 200, 200, 200),
    ("GET", "/api/tickets/{id}", "other", 200, 200, 200, 200),
    ("POST", "/api/tickets", "own", 201, 201, 201, 403),
    ("POST", "/api/tickets", "other", 201, 201, 403, 403),
    ("PATCH", "/api/tickets/{id}", "own", 200, 200, 200, 403),
    ("PATCH", "/api/tickets/{id}", "other", 200, 200, 403, 403),
    ("DELETE", "/api/tickets/{id}", "own", 204, 204, 204, 403),
    ("DELETE", "/api/tickets/{id}", "other", 204, 204, 403, 403),
    ("GET", "/api/touchpoints", "-", 200, 200, 200, 200),
    ("GET", "/api/touchpoints/{id}", "other", 200, 200, 200, 200),
    ("POST", "/api/touchpoints", "own", 201, 201, 201, 403),
    ("POST", "/api/touchpoints", "other", 201, 201, 403, 403),
    ("PATCH", "/api/touchpoints/{id}", "own", 200, 200, 200, 403),
    ("PATCH", "/api/touchpoints/{id}", "other", 200, 200, 403, 403),
    ("DELETE", "/api/touchpoints/{id}", "own", 204, 204, 204, 403),
    ("DELETE", "/api/touchpoints/{id}", "other", 204, 204, 403, 403),
    ("GET", "/api/surveys", "-", 200, 200, 200, 200),
    ("GET", "/api/surveys/{id}", "-", 200, 200, 200, 200),
    ("POST", "/api/surveys", "-", 201, 201, 403, 403),
    ("PATCH", "/api/surveys/{id}", "-", 200, 200, 403, 403),
    ("DELETE", "/api/surveys/{id}", "-", 204, 204, 403, 403),
    ("GET", "/api/survey-responses", "-", 200, 200, 200, 200),
    ("GET", "/api/survey-responses/{id}", "other", 200, 200, 200, 200),
    ("POST", "/api/survey-responses", "own", 201, 201, 201, 403),
    ("POST", "/api/survey-responses", "other", 201, 201, 403, 403),
    ("PATCH", "/api/survey-responses/{id}", "own", 200, 200, 200, 403),
    ("PATCH", "/api/survey-responses/{id}", "other", 200, 200, 403, 403),
    ("DELETE", "/api/survey-responses/{id}", "own", 204, 204, 204, 403),
    ("DELETE", "/api/survey-responses/{id}", "other", 204, 204, 403, 403),
    ("GET", "/api/tasks", "-", 200, 200, 200, 200),
    ("GET", "/api/tasks/{id}", "other", 200, 200, 200, 200),
    ("POST", "/api/tasks", "own", 201, 201, 201, 403),
    ("POST", "/api/tasks", "other", 201, 201, 403, 403),
    ("PATCH", "/api/tasks/{id}", "own", 200, 200, 200, 403),
    ("PATCH", "/api/tasks/{id}", "other", 200, 200, 403, 403),
    ("DELETE", "/api/tasks/{id}", "own", 204, 204, 204, 403),
    ("DELETE", "/api/tasks/{id}", "other", 204, 204, 403, 403),
    ("GET", "/api/notes", "-", 200, 200, 200, 200),
    ("GET", "/api/notes/{id}", "other", 200, 200, 200, 200),
    ("POST", "/api/notes", "own", 201, 201, 201, 403),
    ("POST", "/api/notes", "other", 201, 201, 403, 403),
    ("PATCH", "/api/notes/{id}", "own", 200, 200, 200, 403),
    ("PATCH", "/api/notes/{id}", "other", 200, 200, 403, 403),
    ("DELETE", "/api/notes/{id}", "own", 204, 204, 204, 403),
    ("DELETE", "/api/notes/{id}", "other", 204, 204, 403, 403),
    ("GET", "/api/accounts/{id}/health", "other", 200, 200, 200, 200),
    ("GET", "/api/health", "-", 200, 200, 200, 200),
    ("GET", "/api/risk", "-", 200, 200, 200, 200),
    ("GET", "/api/metrics", "-", 200, 200, 200, 200),
    ("GET", "/api/me", "-", 200, 200, 200, 200),
    ("GET", "/api/users", "-", 200, 403, 403, 403),
    ("GET", "/api/tokens", "-", 200, 403, 403, 403),
    ("POST", "/api/tokens", "-", 201, 403, 403, 403),
    ("DELETE", "/api/tokens/{id}", "-", 204, 403, 403, 403),
]

# The same operations for a CSM when RETAIN_CSM_OTHER_ACCOUNTS=hidden.
HIDDEN: list[tuple[str, str, str, int]] = [
    ("GET", "/api/accounts/{id}", "other", 404),
    ("GET", "/api/accounts/{id}", "own", 200),
    ("PATCH", "/api/accounts/{id}", "other", 404),
    ("DELETE", "/api/accounts/{id}", "other", 404),
    ("POST", "/api/accounts", "other", 403),
    ("GET", "/api/contacts/{id}", "other", 404),
    ("POST", "/api/contacts", "other", 422),
    ("PATCH", "/api/tasks/{id}", "other", 404),
    ("DELETE", "/api/notes/{id}", "other", 404),
    ("GET", "/api/survey-responses/{id}", "other", 404),
    ("POST", "/api/tickets", "own", 201),
    ("GET", "/api/accounts/{id}/health", "other", 404),
    ("GET", "/api/accounts/{id}/health", "own", 200),
]


def resource_of(path: str) -> str:
    return path.split("/")[2]


def target_id(method: str, path: str, account: Account, world: World, admin: ApiClient) -> int:
    """The object the operation acts on, made fresh by the admin when it may be changed."""
    resource = resource_of(path)
    if resource == "tokens":
        return ApiToken.issue(world.viewer, "victim")[0].pk
    if resource == "accounts" and method == "GET":
        return account.pk
    if resource == "accounts":
        return Account.objects.create(
            name="T", external_id=f"t-{Account.objects.count()}", owner_id=account.owner_id
        ).pk
    created = admin.post(f"/api/{resource}", payload(resource, world, account))
    assert created.status_code == 201, created.json()
    return int(created.json()["id"])


def call(
    client: ApiClient, method: str, path: str, target: str, world: World, admin: ApiClient
) -> int:
    """Make the request of one table row as `client`; its status code."""
    account = world.own if target == "own" else world.other
    resource = resource_of(path)
    if "{id}" in path:
        path = path.replace("{id}", str(target_id(method, path, account, world, admin)))
    if method in ("GET", "DELETE"):
        return int(client.call(method, path).status_code)
    if method == "PATCH":
        return int(client.patch(path, CHANGES[resource]).status_code)
    body = {"username": "vic", "name": "new"} if resource == "tokens" else None
    return int(client.post(path, body or payload(resource, world, account)).status_code)


@pytest.mark.parametrize(("method", "path", "target", *ROLES), MATRIX)
def test_role_matrix(
    world: World,
    admin_api: ApiClient,
    api_as: Callable[[User], ApiClient],
    method: str,
    path: str,
    target: str,
    admin: int,
    manager: int,
    csm: int,
    viewer: int,
) -> None:
    expected = {"admin": admin, "manager": manager, "csm": csm, "viewer": viewer}
    got = {
        role: call(api_as(world.user(role)), method, path, target, world, admin_api)
        for role in ROLES
    }
    assert got == expected


@override_settings(RETAIN_CSM_OTHER_ACCOUNTS="hidden")
@pytest.mark.parametrize(("method", "path", "target", "status"), HIDDEN)
def test_hidden_policy_for_csms(
    world: World,
    admin_api: ApiClient,
    api_as: Callable[[User], ApiClient],
    method: str,
    path: str,
    target: str,
    status: int,
) -> None:
    assert call(api_as(world.csm), method, path, target, world, admin_api) == status


def test_hidden_accounts_are_left_out_of_lists(
    world: World, admin_api: ApiClient, api_as: Callable[[User], ApiClient]
) -> None:
    for account in (world.own, world.other):
        admin_api.post("/api/tasks", payload("tasks", world, account))
    config = ScorecardConfig.objects.create(version=1, name="v1", config={})
    for account in (world.own, world.other):
        HealthSnapshot.objects.create(
            account=account, date="2026-01-01", score=50, band="yellow", config=config
        )
    csm = api_as(world.csm)
    for url in ("/api/accounts", "/api/tasks", "/api/health", "/api/risk"):
        assert csm.get(url).json()["count"] == 2, url
        with override_settings(RETAIN_CSM_OTHER_ACCOUNTS="hidden"):
            assert csm.get(url).json()["count"] == 1, url
    with override_settings(RETAIN_CSM_OTHER_ACCOUNTS="hidden"):
        assert csm.get("/api/me").json()["sees_all_accounts"] is False


def test_permission_functions_agree_with_the_roles(world: World) -> None:
    assert list(visible_accounts(world.viewer)) == [world.own, world.other]
    assert (can_view_account(world.csm, world.other), can_edit_account(world.csm, world.other)) == (
        True,
        False,
    )
    assert can_edit_account(world.csm, world.own)
    assert not can_edit_account(world.viewer, world.own)
    assert can_edit_account(world.manager, None)
    assert not can_edit_account(world.csm, None)
    with override_settings(RETAIN_CSM_OTHER_ACCOUNTS="hidden"):
        assert list(visible_accounts(world.csm)) == [world.own]
        assert not can_view_account(world.csm, world.other)
        assert list(visible_accounts(world.manager)) == [world.own, world.other]
    world.csm.is_active = False
    assert list(visible_accounts(world.csm)) == []


def test_a_misspelt_policy_is_refused_with_the_fix(world: World) -> None:
    from retain.errors import ConfigurationError

    with (
        override_settings(RETAIN_CSM_OTHER_ACCOUNTS="hide"),
        pytest.raises(ConfigurationError, match="must be 'read' or 'hidden'"),
    ):
        visible_accounts(world.csm)
