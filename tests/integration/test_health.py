"""`retain score` stores explained snapshots; `retain backtest` reports against outcomes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from retain import demo
from retain.app import models as m
from retain.app.services import clear_all_data
from retain.cli.main import app
from tests.conftest import database_url

END = dt.date(2026, 6, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def store(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        demo.run(150, 24, seed=11, end_date=END, truth_path=tmp_path_factory.mktemp("h") / "t.json")
        yield database_url()
        clear_all_data()


def test_score_stores_explained_snapshots(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETAIN_DATABASE_URL", store)
    result = CliRunner().invoke(app, ["score", "--as-of", END.isoformat(), "--days", "14"])
    assert result.exit_code == 0, result.output
    snaps = m.HealthSnapshot.objects.all()
    assert {s.date for s in snaps} == {END - dt.timedelta(days=d) for d in range(14)}
    paying_on_end = snaps.filter(date=END).count()
    assert paying_on_end > 100
    for snap in snaps.filter(date=END)[:50]:
        assert sum(snap.contributions.values()) == pytest.approx(snap.score, abs=1e-9)
        assert 0 <= snap.risk_probability <= 1
        assert snap.band in ("green", "yellow", "red")
        assert snap.config.version == 1
    first = snaps.filter(date=END - dt.timedelta(days=13)).first()
    assert first is not None
    last = snaps.get(account=first.account, date=END)
    change = {
        k: last.contributions.get(k, 0) - first.contributions.get(k, 0)
        for k in set(first.contributions) | set(last.contributions)
    }
    assert sum(change.values()) == pytest.approx(last.score - first.score, abs=1e-9)


def test_backtest_reports_against_outcomes(
    store: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RETAIN_DATABASE_URL", store)
    page = tmp_path / "backtest.html"
    result = CliRunner().invoke(
        app, ["backtest", "--as-of", END.isoformat(), "--format", "json", "--html", str(page)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"auc", "pr_auc", "brier", "lift_top_decile", "per_band_churn"} <= set(report)
    assert report["auc"] > 0.7
    assert (
        report["evaluations"]["model"]["auc"]
        >= report["evaluations"]["baseline_usage_trend"]["auc"] - 0.05
    )
    assert page.read_text().count("<svg") == 3
