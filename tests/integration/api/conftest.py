"""Fixtures for the API tests: one user per role, two books of accounts, a recording client.

Every request made through `ApiClient` is recorded as (method, OpenAPI path, status), so
test_openapi can check that each documented operation succeeded in at least one test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from retain.app.models import Account, ApiToken, Role, User

# (method, OpenAPI path template, status) of every request the API tests made.
EXERCISED: set[tuple[str, str, int]] = set()
# Tests of this run left out by --deselect (or -k): operation coverage is then incomplete.
DESELECTED: list[pytest.Item] = []


def pytest_deselected(items: list[pytest.Item]) -> None:
    DESELECTED.extend(items)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the operation-coverage check after every other test has recorded its requests."""
    last = [i for i in items if i.name == "test_every_documented_operation_succeeds_in_some_test"]
    for item in last:
        items.remove(item)
        items.append(item)


def openapi_path(url: str) -> str | None:
    """`/api/accounts/7?x=1` -> `/api/accounts/{id}` (None when no route matches)."""
    try:
        route = resolve(urlsplit(url).path).route
    except Resolver404:
        return None
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


class ApiClient:
    """Django's test client speaking JSON with a bearer token, recording each operation."""

    def __init__(self, token: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, url: str, body: Any = None, **params: Any) -> Any:
        send = getattr(self.client, method.lower())
        if method in ("GET", "DELETE"):
            response = send(url, params or None, headers=self.headers)
        else:
            data = body if isinstance(body, str) else json.dumps(body)
            response = send(url, data, content_type="application/json", headers=self.headers)
        if (template := openapi_path(url)) is not None:
            EXERCISED.add((method, template, response.status_code))
        return response

    def get(self, url: str, **params: Any) -> Any:
        return self.call("GET", url, **params)

    def post(self, url: str, body: Any) -> Any:
        return self.call("POST", url, body)

    def patch(self, url: str, body: Any) -> Any:
        return self.call("PATCH", url, body)

    def delete(self, url: str) -> Any:
        return self.call("DELETE", url)


@dataclass
class World:
    """One user per role, a second CSM, and an account in each CSM's book."""

    admin: User
    manager: User
    csm: User
    other_csm: User
    viewer: User
    own: Account
    other: Account

    def user(self, role: str) -> User:
        users = {"admin": self.admin, "manager": self.manager, "csm": self.csm}
        return {**users, "viewer": self.viewer}[role]


def make_user(username: str, role: str) -> User:
    """A user without a password (tests sign in with tokens or force_login; hashing is slow)."""
    return User.objects.create(username=username, email=f"{username}@example.com", role=role)


@pytest.fixture
def world(db: None) -> World:
    csm, other_csm = make_user("carla", Role.CSM), make_user("otto", Role.CSM)
    return World(
        admin=make_user("ada", Role.ADMIN),
        manager=make_user("max", Role.MANAGER),
        csm=csm,
        other_csm=other_csm,
        viewer=make_user("vic", Role.VIEWER),
        own=Account.objects.create(external_id="own", name="Carla Co", owner=csm, segment="SMB"),
        other=Account.objects.create(external_id="oth", name="Otto Inc", owner=other_csm),
    )


@pytest.fixture
def api_as(world: World) -> Callable[[User], ApiClient]:
    """A client authenticated with a fresh API token of the given user."""

    def make(user: User) -> ApiClient:
        return ApiClient(ApiToken.issue(user, "tests")[1])

    return make


@pytest.fixture
def admin_api(world: World, api_as: Callable[[User], ApiClient]) -> ApiClient:
    return api_as(world.admin)
