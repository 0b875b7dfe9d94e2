"""Role x page and role x action: each role sees and may do only what it should."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from retain.app import models as m
from tests.integration.web.conftest import not_owned_by, owned_by

pytestmark = pytest.mark.django_db

# admin, CS manager, CSM (maya), viewer
ROLES = ("admin", "maria", "maya", "victor")
PAGES = {
    "/": (200, 200, 200, 200),
    "/accounts/": (200, 200, 200, 200),
    "/accounts/export.csv": (200, 200, 200, 200),
    "/at-risk/": (200, 200, 200, 200),
    "/expansion/": (200, 200, 200, 200),
    "/advocates/": (200, 200, 200, 200),
    "/tasks/": (200, 200, 200, 200),
    "/cohorts/": (200, 200, 200, 200),
    "/surveys/": (200, 200, 200, 200),
    "/settings/": (200, 200, 200, 200),
    "/settings/tokens/": (200, 200, 200, 200),
    "/settings/scorecard/": (200, 200, 200, 200),
    "/settings/users/": (200, 403, 403, 403),
    "/settings/sources/": (200, 200, 403, 403),
}


@pytest.mark.parametrize("url", list(PAGES))
def test_role_x_page(client_for: Any, url: str) -> None:
    got = tuple(client_for(user).get(url).status_code for user in ROLES)
    assert got == PAGES[url]


def _actions(own: m.Account, task: m.Task) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "note": (f"/accounts/{own.pk}/notes/", {"body": "Called the sponsor"}),
        "override": (
            f"/accounts/{own.pk}/override/",
            {"score": "70", "reason": "Renewal confirmed", "until": "2099-01-01"},
        ),
        "task": (f"/tasks/{task.pk}/complete/", {"outcome": "done"}),
        "scorecard_check": ("/settings/scorecard/check/", {"text": "x = 1"}),
        "token": ("/settings/tokens/new/", {"name": "test"}),
        "user": (
            "/settings/users/new/",
            {"username": "zed", "role": "viewer", "password": "a-long-password-1"},
        ),
    }


# Expected status per action for admin, manager, the account's CSM, another CSM, viewer.
ACTIONS = {
    "note": (302, 302, 302, 403, 403),
    "override": (302, 302, 302, 403, 403),
    "task": (200, 200, 200, 403, 403),
    "scorecard_check": (200, 200, 403, 403, 403),
    "token": (302, 302, 302, 302, 302),
    "user": (302, 403, 403, 403, 403),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_x_action(client_for: Any, action: str) -> None:
    own = owned_by("maya")
    got = []
    for user in ("admin", "maria", "maya", "tom", "victor"):
        task = m.Task.objects.create(
            external_id=f"t-{action}-{user}", account=own, title="Call", created_at=own.created_at
        )
        url, data = _actions(own, task)[action]
        if action == "user":
            data = {**data, "username": f"zed-{user}"}
        got.append(client_for(user).post(url, data).status_code)
    assert tuple(got) == ACTIONS[action]


def test_writes_that_are_refused_change_nothing(client_for: Any) -> None:
    own = owned_by("maya")
    before = m.Note.objects.count(), m.HealthOverride.objects.count()
    for user in ("tom", "victor"):
        c = client_for(user)
        c.post(f"/accounts/{own.pk}/notes/", {"body": "sneaky"})
        c.post(
            f"/accounts/{own.pk}/override/", {"score": "1", "reason": "x", "until": "2099-01-01"}
        )
    assert (m.Note.objects.count(), m.HealthOverride.objects.count()) == before
    assert m.User.objects.filter(username__startswith="zed-").count() == 0


def test_a_csm_sees_other_books_read_only_or_not_at_all(client_for: Any) -> None:
    theirs = not_owned_by("maya")
    assert client_for("maya").get(f"/accounts/{theirs.pk}/").status_code == 200
    with override_settings(RETAIN_CSM_OTHER_ACCOUNTS="hidden"):
        c = client_for("maya")
        assert c.get(f"/accounts/{theirs.pk}/").status_code == 404
        listed = c.get("/accounts/export.csv")
        ids = {
            line.split(b",")[0].decode()
            for line in b"".join(listed.streaming_content).splitlines()[1:]
        }
        assert ids == set(
            m.Account.objects.filter(owner__username="maya").values_list("external_id", flat=True)
        )
        assert theirs.name not in c.get("/at-risk/").content.decode()
    page = client_for("maya").get(f"/accounts/{theirs.pk}/").content.decode()
    assert "Add note" not in page  # read-only: no forms
    assert (
        "Add note" in client_for("maya").get(f"/accounts/{owned_by('maya').pk}/").content.decode()
    )
