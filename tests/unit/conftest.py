"""Fixtures shared by the unit tests of the pure core."""

from __future__ import annotations

from typing import Any

import ibis
import pytest


@pytest.fixture(scope="session")
def con() -> Any:
    """An in-process DuckDB backend for running core expressions."""
    return ibis.duckdb.connect()
