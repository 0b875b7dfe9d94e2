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
from retain.app.reset import clear_all_data
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
    assert f"Stored {len(snaps):,} snapshots (Default v1)." in result.output
    on_end = snaps.filter(date=END)
    bands = ", ".join(f"{b} {on_end.filter(band=b).count()}" for b in ("green", "yellow", "red"))
    assert f"Latest day ({END}): {bands}." in result.output
    advocates = on_end.filter(advocate=True).count()
    assert f"{advocates} advocates" in result.output
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


def test_health_explains_an_account_and_overrides_apply_to_snapshots(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETAIN_DATABASE_URL", store)
    runner = CliRunner()
    first = runner.invoke(app, ["score", "--as-of", END.isoformat(), "--days", "3"])
    assert first.exit_code == 0, first.output
    snap = m.HealthSnapshot.objects.filter(date=END).select_related("account").first()
    assert snap is not None
    account = snap.account
    made = m.HealthOverride.objects.create(
        account=account, score=88, band="green", reason="Sponsor renewed", expires_at=_at(END, 999)
    )  # then made the day before END, until 10 days after (created_at is set on save)
    m.HealthOverride.objects.filter(pk=made.pk).update(
        created_at=_at(END, -1), expires_at=_at(END, 10)
    )
    result = runner.invoke(app, ["score", "--as-of", END.isoformat(), "--days", "3"])
    assert result.exit_code == 0, result.output
    now = m.HealthSnapshot.objects.get(account=account, date=END)
    assert now.override_id == made.pk
    assert (now.effective_score, now.effective_band) == (88, "green")
    assert sum(now.contributions.values()) == pytest.approx(now.score, abs=1e-9)
    before = m.HealthSnapshot.objects.get(account=account, date=END - dt.timedelta(days=2))
    assert before.override_id is None  # made the day before END: not in force two days before

    shown = runner.invoke(app, ["health", account.external_id, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["date"] == END.isoformat()
    assert data["effective_score"] == 88
    assert data["override"]["reason"] == "Sponsor renewed"
    previous = m.HealthSnapshot.objects.get(account=account, date=END - dt.timedelta(days=1))
    assert data["since_previous"]["change"] == pytest.approx(now.score - previous.score)
    text = runner.invoke(app, ["health", account.external_id])
    assert "overridden by a CSM" in text.output
    assert "since the previous snapshot" in text.output

    missing = runner.invoke(app, ["health", "no-such-account"])
    assert missing.exit_code != 0
    assert "no account with external id 'no-such-account'" in missing.output
    cleared = runner.invoke(app, ["override", account.external_id, "--clear"])
    assert cleared.exit_code == 0, cleared.output
    set_again = runner.invoke(
        app, ["override", account.external_id, "--score", "50", "--reason", "Exec left"]
    )
    assert set_again.exit_code == 0, set_again.output
    latest = m.HealthOverride.objects.filter(account=account).latest("created_at")
    assert (latest.score, latest.band, latest.reason) == (50, "yellow", "Exec left")
    no_reason = runner.invoke(app, ["override", account.external_id, "--score", "50"])
    assert no_reason.exit_code == 1
    assert "needs a reason" in no_reason.output


def _at(day: dt.date, days: int) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=days), dt.time(), tzinfo=dt.UTC)
