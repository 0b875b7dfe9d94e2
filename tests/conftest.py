"""Shared fixtures. The database under test is chosen by RETAIN_DATABASE_URL (SQLite if unset)."""

from __future__ import annotations

import os

import pytest


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database this run uses, so a log shows both runs."""
    url = os.environ.get("RETAIN_DATABASE_URL") or "sqlite (default)"
    return f"retain database: {url}"


@pytest.fixture(scope="session")
def db_vendor(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> str:
    """`sqlite` or `postgresql`."""
    from django.db import connection

    return connection.vendor
