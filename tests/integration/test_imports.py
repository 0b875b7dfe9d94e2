"""Imports: example files, bad files rejected whole with located problems, re-imports and the
export round trip, on SQLite and PostgreSQL."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retain.app import models as m
from retain.app.reset import clear_all_data
from retain.cli.main import app
from retain.errors import ImportFailed
from retain.imports import export_all, import_dir, import_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"
pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            m.Account,
            m.Contact,
            m.SubscriptionItem,
            m.Event,
            m.UsageDaily,
            m.Ticket,
            m.SurveyResponse,
        )
    }


def write(path: Path, text: str) -> Path:
    path.write_text(text.lstrip())
    return path


def test_every_example_file_imports() -> None:
    results = import_dir(EXAMPLES)
    assert {r.kind for r in results} == {p.stem for p in EXAMPLES.glob("*.csv")}
    assert all(r.created + r.unchanged == r.rows for r in results)
    assert m.Account.objects.count() == 4
    assert m.SurveyResponse.objects.exists()


def test_reimport_changes_nothing(tmp_path: Path) -> None:
    import_dir(EXAMPLES)
    export_all(tmp_path / "before")
    again = import_dir(EXAMPLES)
    assert all(r.created == 0 and r.updated == 0 for r in again)
    export_all(tmp_path / "after")
    assert_same_files(tmp_path / "before", tmp_path / "after")


def test_header_problems_are_reported_before_rows(tmp_path: Path) -> None:
    bad = write(tmp_path / "accounts.csv", "external_id,nmae\na1,Acme\n")
    with pytest.raises(ImportFailed) as info:
        import_file("accounts", bad)
    assert [str(p) for p in info.value.problems] == [
        f"{bad}:1:name: required column is missing",
        f"{bad}:1:nmae: unknown column; accounts columns are: "
        "external_id, name, segment, tier, industry, plan, region, owner, stage, contract_start, "
        "renewal_date, licensed_seats, parent_id, custom_attributes",
    ]
    assert m.Account.objects.count() == 0


def test_row_problems_name_row_and_column(tmp_path: Path) -> None:
    import_dir(EXAMPLES)
    before = counts()
    bad = write(
        tmp_path / "subscriptions.csv",
        """
external_id,account_id,plan,amount,start_date,end_date,interval
s-new-1,acct-00001,growth,120.00,2026-01-01,,month
s-new-2,acct-99999,growth,120.00,2026-01-01,,month
s-new-3,acct-00001,growth,-5.00,2026-13-01,,month
s-new-4,acct-00001,growth,50.00,2026-02-01,2026-01-01,fortnight
s-new-1,acct-00001,growth,1.00,2026-01-01,,month
""",
    )
    with pytest.raises(ImportFailed) as info:
        import_file("subscriptions", bad)
    assert [str(p) for p in info.value.problems] == [
        f"{bad}:3:account_id: unknown account 'acct-99999'",
        f"{bad}:4:amount: -5.00 is below the minimum 0 (amounts cannot be negative)",
        f"{bad}:4:start_date: expected a date like 2026-03-31, got '2026-13-01'",
        f"{bad}:5:end_date: subscription: end_date (2026-01-01) is before start_date (2026-02-01)",
        f"{bad}:5:interval: 'fortnight' is not allowed; use one of day, week, month, quarter, year",
        f"{bad}:6:external_id: duplicate of row 2 (s-new-1)",
    ]
    assert counts() == before  # the good row 2 was not written either


def test_dry_run_writes_nothing() -> None:
    results = import_dir(EXAMPLES, dry_run=True)
    assert sum(r.created for r in results) > 0
    assert m.Account.objects.count() == 0


def test_score_outside_the_survey_scale_is_reported(tmp_path: Path) -> None:
    import_dir(EXAMPLES)
    bad = write(
        tmp_path / "survey_responses.csv",
        """
external_id,survey_id,account_id,score,answered_at
r-x,csat-support,acct-00001,7,2026-10-01T10:00:00Z
""",
    )
    with pytest.raises(ImportFailed) as info:
        import_file("survey_responses", bad)
    assert [str(p) for p in info.value.problems] == [
        f"{bad}:2:score: 7 is outside survey 'csat-support''s scale 1-5"
    ]


def test_events_dedupe_and_update_rollups(tmp_path: Path) -> None:
    import_dir(EXAMPLES)
    clear_usage = m.UsageDaily.objects.filter(event_name="report_created", day="2026-10-30")
    clear_usage.delete()
    events = write(
        tmp_path / "events.csv",
        """
message_id,type,user_id,name,timestamp,properties
m-1,track,user-1-1,report_created,2026-10-30T10:00:00Z,"{""plan"": ""pro""}"
m-2,track,user-1-1,report_created,2026-10-30T23:59:00+00:00,
m-3,identify,user-1-1,,2026-10-30T10:00:00Z,
""",
    )
    first = import_file("events", events)
    assert (first.created, first.unchanged) == (3, 0)
    rollup = m.UsageDaily.objects.get(
        event_name="report_created", day="2026-10-30", contact__external_id="user-1-1"
    )
    assert rollup.count == 2
    assert rollup.account.external_id == "acct-00001"  # taken from the contact
    again = import_file("events", events)
    assert (again.created, again.unchanged) == (0, 3)
    rollup.refresh_from_db()
    assert rollup.count == 2  # a retried file is not counted twice


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_clear_import_export_round_trip(tmp_path: Path, fmt: str) -> None:
    import_dir(EXAMPLES)
    m.Account.objects.filter(external_id="acct-00002").update(
        custom_attributes={"employees": 12, "tier_note": "ü"}
    )
    export_all(tmp_path / "one", fmt)
    clear_all_data()
    assert m.Account.objects.count() == 0
    import_dir(tmp_path / "one")
    export_all(tmp_path / "two", fmt)
    assert_same_files(tmp_path / "one", tmp_path / "two")


def test_attr_columns_become_custom_attributes(tmp_path: Path) -> None:
    path = write(
        tmp_path / "accounts.csv", "external_id,name,attr_employees,attr_crm\na1,Acme,250,hubspot\n"
    )
    import_file("accounts", path)
    assert m.Account.objects.get().custom_attributes == {"employees": 250, "crm": "hubspot"}


def test_cli_prints_problems_and_exits_1(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "costs.csv",
        "external_id,category,period_start,period_end,amount\nc1,sales,2026-01-01,2026-01-31,-3\n",
    )
    result = CliRunner().invoke(app, ["import", "costs", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2:amount: -3.00 is below the minimum 0" in result.output
    ok = CliRunner().invoke(app, ["import", "all", str(EXAMPLES)])
    assert ok.exit_code == 0, ok.output
    assert m.Cost.objects.count() == 12


def assert_same_files(one: Path, two: Path) -> None:
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    for name in names:
        assert filecmp.cmp(one / name, two / name, shallow=False), name
    shutil.rmtree(two)
