"""Shared fixtures. The database under test is chosen by RETAIN_DATABASE_URL (SQLite if unset)."""

from __future__ import annotations

import os

import pytest


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database this run uses, so a log shows both runs."""
    url = os.environ.get("RETAIN_DATABASE_URL") or "sqlite (default)"
    return f"retain database: {url}"


def database_url() -> str:
    """A RETAIN_DATABASE_URL for the test database Django is using right now."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgresql://{auth + '@' if auth else ''}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
