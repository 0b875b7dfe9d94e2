"""Every KPI on the demo company for each of the last 12 months, on the configured store, and
the same answers from DuckDB and from PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from typer.testing import CliRunner

from retain import analytics, demo
from retain.analytics import engines
from retain.app.reset import clear_all_data
from retain.cli.main import app
from retain.core import metrics as m
from tests.conftest import database_url

END = dt.date(2026, 6, 30)
pytestmark = pytest.mark.django_db  # the module fixture needs the test database set up


@pytest.fixture(scope="module")
def store(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[str]:
    """A committed 150-account demo that engines read over their own connections."""
    with django_db_blocker.unblock():
        demo.run(150, 24, seed=5, end_date=END, truth_path=tmp_path_factory.mktemp("t") / "t.json")
        yield database_url()
        clear_all_data()


def test_every_kpi_for_each_of_the_last_12_months(store: str) -> None:
    with engines.connect(store, "duckdb") as engine:
        values = analytics.compute(analytics.Query(as_of=END), engine=engine)
    assert set(values) == {metric.name for metric in m.all_metrics()}
    months = [f"2025-{n:02d}" for n in range(7, 13)] + [f"2026-{n:02d}" for n in range(1, 7)]
    missing = {name: [p for p, v in series.items() if v is None] for name, series in values.items()}
    assert all(list(series) == months for series in values.values())
    # on a small company a month can lack renewals, CES answers or any MRR loss
    sparse = {
        "ces",
        "ces_easy_share",
        "renewal_rate",
        "dollar_renewal_rate",
        "quick_ratio",
        "time_to_first_value",
        "time_to_initial_launch",
    }
    assert {k: v for k, v in missing.items() if v and k not in sparse} == {}
    assert all(len(missing[k]) <= 4 for k in sparse), missing
    assert 0.005 < sum(values["logo_churn_rate"].values()) / 12 < 0.05


def test_duckdb_and_postgres_engines_agree_on_every_kpi(store: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass: the postgres engine computes inside PostgreSQL")
    query = analytics.Query(as_of=END)
    with engines.connect(store, "duckdb") as duck, engines.connect(store, "postgres") as pg:
        a = analytics.compute(query, engine=duck)
        b = analytics.compute(query, engine=pg)
    differing = {
        name: (a[name], b[name])
        for name in a
        if any(_differ(a[name][p], b[name][p]) for p in a[name])
    }
    assert differing == {}


def _differ(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return x is not y
    return abs(x - y) > 1e-6 * max(1.0, abs(x))


def test_cli_json_has_metric_names_and_periods(
    store: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RETAIN_DATABASE_URL", store)
    result = CliRunner().invoke(
        app,
        [
            "metrics",
            "--as-of",
            END.isoformat(),
            "--format",
            "json",
            "--metric",
            "mrr",
            "--metric",
            "nps",
            "--segment",
            "segment=SMB",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"mrr", "nps"}
    assert len(data["mrr"]) == 12
    assert all(v > 0 for v in data["mrr"].values())
    explained = CliRunner().invoke(
        app, ["metrics", "--as-of", END.isoformat(), "--explain", "churned_mrr"]
    )
    assert explained.exit_code == 0, explained.output
    assert "churn" in explained.output
    assert "acct-" in explained.output  # the churned customers are listed


def test_clv_command_fits_the_demo_purchases(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETAIN_DATABASE_URL", store)
    result = CliRunner().invoke(
        app, ["clv", "--as-of", END.isoformat(), "--format", "json", "--top", "5"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["bgnbd"]) == {"r", "alpha", "a", "b"}
    values = [a["expected_value"] for a in data["accounts"]]
    assert values == sorted(values, reverse=True)
    assert all(0 <= a["p_alive"] <= 1 for a in data["accounts"])
    cohorts = CliRunner().invoke(
        app, ["clv", "--as-of", END.isoformat(), "--cohorts", "--format", "json"]
    )
    assert cohorts.exit_code == 0, cohorts.output
    assert all(0 < c["retention_12m"] <= 1 for c in json.loads(cohorts.output))
