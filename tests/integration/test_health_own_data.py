"""A company's own data, imported through the normal import, with custom attributes and churn:
scored with a scorecard that reads those attributes and backtested, with no code change. Its
history holds a single labelled snapshot, so the backtest falls back to stratified CV."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from retain.app import models as m
from retain.app.reset import clear_all_data
from retain.cli.main import app
from tests.conftest import database_url

START = dt.date(2026, 3, 25)  # every account starts paying within a week of this
AS_OF = dt.date(2026, 6, 30)
ACCOUNTS = 60
pytestmark = pytest.mark.django_db

SCORECARD = """
name = "Acme health"
segment_column = "segment"

[bands]
green = 65
yellow = 40

[[groups]]
key = "usage"
weight = 60
measures = [
  { measure = "active_days_30d", weight = 2, points = [[2, 0], [10, 50], [20, 100]] },
  { measure = "usage_trend_30d", weight = 1, points = [[-0.5, 0], [0.0, 60], [0.3, 100]] },
]

[[groups]]
key = "fit"
weight = 40
measures = [
  { measure = "attr_contract", rule = "categories", points = { pilot = 10, standard = 80 }, other = 50 },
  { measure = "attr_employees", weight = 1, points = [[10, 20], [500, 100]] },
]

[signals]
advocate_min_tenure_days = 30
"""


def write(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(rows)


def company(folder: Path) -> set[str]:
    """Acme's export: pilots mostly churn in June, their usage fading first; returns the
    external ids of the accounts that churn."""
    rng = random.Random(5)
    accounts, contacts, subs, usage = [], [], [], []
    churned = set()
    for i in range(ACCOUNTS):
        ext = f"acme-{i:03d}"
        pilot = i % 3 == 0
        churns = (pilot and rng.random() < 0.8) or (not pilot and rng.random() < 0.1)
        start = START + dt.timedelta(days=rng.randrange(7))
        end = AS_OF - dt.timedelta(days=rng.randrange(5, 40)) if churns else None
        if churns:
            churned.add(ext)
        employees = rng.randrange(10, 60) if pilot else rng.randrange(100, 900)
        accounts.append(
            [
                ext,
                f"Acme customer {i}",
                "SMB" if i % 2 else "Mid-Market",
                start,
                "pilot" if pilot else "standard",
                employees,
            ]
        )
        subs.append(
            [f"{ext}-s", ext, "team", 99 + 10 * (i % 7), "month", 1, "active", start, end or ""]
        )
        for c in range(2):
            contacts.append([f"{ext}-u{c}", ext])
            day = start
            while day <= (end or AS_OF):
                fading = churns and (end - day).days < 45 if end else False
                if rng.random() < (0.25 if fading else 0.8):
                    usage.append([ext, f"{ext}-u{c}", "report_run", day, rng.randrange(1, 6)])
                day += dt.timedelta(days=2)
    write(
        folder / "accounts.csv",
        ["external_id", "name", "segment", "contract_start", "attr_contract", "attr_employees"],
        accounts,
    )
    write(folder / "contacts.csv", ["external_id", "account_id"], contacts)
    write(
        folder / "subscriptions.csv",
        [
            "external_id",
            "account_id",
            "plan",
            "amount",
            "interval",
            "quantity",
            "status",
            "start_date",
            "end_date",
        ],
        subs,
    )
    write(folder / "usage.csv", ["account_id", "contact_id", "event_name", "day", "count"], usage)
    return churned


@pytest.fixture(scope="module")
def imported(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[Path, set[str]]]:
    folder = tmp_path_factory.mktemp("acme")
    churned = company(folder)
    (folder / "scorecard.toml").write_text(SCORECARD)
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        clear_all_data()  # committed, so the analytics engine's own connection sees it
        run(["import", "all", str(folder)], patch)
        run(["scorecard", "activate", str(folder / "scorecard.toml")], patch)
        yield folder, churned
        clear_all_data()


def run(args: list[str], patch: pytest.MonkeyPatch) -> str:
    patch.setenv("RETAIN_DATABASE_URL", database_url())
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_own_data_is_scored_and_backtested_with_no_code_change(
    imported: tuple[Path, set[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, churned = imported
    assert m.Account.objects.get(external_id="acme-000").custom_attributes["contract"] == "pilot"

    run(["score", "--as-of", AS_OF.isoformat(), "--days", "7"], monkeypatch)
    snaps = m.HealthSnapshot.objects.filter(date=AS_OF).select_related("account", "config")
    paying = {s.account.external_id for s in snaps}
    assert paying
    assert paying.isdisjoint(churned)
    for snap in snaps:
        assert snap.config.name == "Acme health"
        assert snap.measures["attr_contract"] in ("pilot", "standard")
        assert sum(snap.contributions.values()) == pytest.approx(snap.score, abs=1e-9)
        assert {"attr_contract", "attr_employees"} <= set(snap.contributions)
        assert snap.risk_probability is not None
    pilots = [s.score for s in snaps if s.measures["attr_contract"] == "pilot"]
    standard = [s.score for s in snaps if s.measures["attr_contract"] == "standard"]
    assert max(pilots) < min(standard) + 40  # the attribute really moves the score
    assert sum(pilots) / len(pilots) < sum(standard) / len(standard)

    report = json.loads(
        run(["backtest", "--as-of", AS_OF.isoformat(), "--format", "json"], monkeypatch)
    )
    assert report["method"] == "stratified_cv"
    assert "cross-validation" in report["note"]
    assert report["train_rows"] == report["test_rows"] == ACCOUNTS  # one snapshot date
    assert report["auc"] > 0.75  # the contract type and fading usage give churn away
    bands = report["per_band_churn"]
    assert bands["red"] > bands.get("yellow", 0) >= bands.get("green", 0)


def test_scorecard_files_are_checked_and_shown(
    imported: tuple[Path, set[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = imported
    good = run(["scorecard", "check", str(folder / "scorecard.toml")], monkeypatch)
    assert "valid" in good
    assert "attr_contract" in good
    bad = tmp_path / "bad.toml"
    bad.write_text(SCORECARD.replace("weight = 60", "weight = 0"))
    monkeypatch.setenv("RETAIN_DATABASE_URL", database_url())
    refused = CliRunner().invoke(app, ["scorecard", "check", str(bad)])
    assert refused.exit_code == 1
    assert "positive weight" in refused.output
    shown = json.loads(run(["scorecard", "show", "--format", "json"], monkeypatch))
    assert shown["name"] == "Acme health"
    assert "[signals]" in shown["_source"]
