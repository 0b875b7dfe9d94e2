"""Integration tests run against the configured database; check it is the one asked for."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _required_database(django_db_setup: None) -> None:
    """Under `make pytest-postgres` fail loudly if the run silently fell back to SQLite."""
    from django.db import connection

    required = os.environ.get("RETAIN_REQUIRE_DB")
    if required and connection.vendor != required:
        pytest.fail(f"expected the {required} database but got {connection.vendor}")
