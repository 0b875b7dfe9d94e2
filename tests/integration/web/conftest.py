"""A small scored demo company shared by the web page tests (built once per module)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from retain import demo
from retain.app import models as m
from retain.app.reset import clear_all_data
from tests.conftest import database_url

END = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def company(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[None]:
    """60 accounts, 14 months, scored for the last 14 days (committed: the engine reads it)."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setenv("RETAIN_DATABASE_URL", database_url())
        demo.run(60, 14, seed=5, end_date=END, truth_path=tmp_path_factory.mktemp("w") / "t.json")
        from retain.app.health import scoring

        scoring.score(END, 14)
        yield
        clear_all_data()


@pytest.fixture
def client_for(company: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """client_for(username) -> a Client signed in as that demo user."""
    monkeypatch.setenv("RETAIN_DATABASE_URL", database_url())

    def make(username: str) -> Client:
        client = Client()
        client.force_login(m.User.objects.get(username=username))
        return client

    return make


def owned_by(username: str) -> m.Account:
    """An account in this user's book that has a health snapshot."""
    return (
        m.Account.objects.filter(owner__username=username, health_snapshots__isnull=False)
        .distinct()
        .first()
    )  # type: ignore[return-value]


def not_owned_by(username: str) -> m.Account:
    """A scored account in someone else's book."""
    return (
        m.Account.objects.exclude(owner__username=username)
        .filter(health_snapshots__isnull=False, owner__isnull=False)
        .distinct()
        .first()
    )  # type: ignore[return-value]
