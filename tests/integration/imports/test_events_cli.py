"""`retain import events FILE`: CSV, Parquet and Segment JSON lines; all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from retain.app import models as m
from retain.cli.main import app

pytestmark = pytest.mark.django_db

HEADER = "message_id,type,user_id,anonymous_id,account_id,name,timestamp,properties\n"


def run(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["import", "events", str(path)])
    return result.exit_code, result.output


def test_csv_import_dedupes_and_rolls_up(tmp_path: Path, ann: m.Contact) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        HEADER
        + 'e1,track,ann,,,login,2026-01-01T23:00:00-02:00,"{""n"": 1}"\n'
        + "e2,track,ann,,,login,2026-01-02T00:30:00Z,\n"
        + "e3,page,,anon-1,,Home,2026-01-02T00:30:00Z,\n"
    )
    assert run(path)[0] == 0
    assert m.Event.objects.get(message_id="e1").properties == {"n": 1}
    assert m.Event.objects.get(message_id="e1").account == ann.account
    assert list(m.UsageDaily.objects.values_list("day", "count")) == [
        (m.UsageDaily._meta.get_field("day").to_python("2026-01-02"), 2)
    ]
    assert run(path)[0] == 0
    assert m.Event.objects.count() == 3
    assert m.UsageDaily.objects.get().count == 2


def test_problems_are_located_and_nothing_is_written(tmp_path: Path, ann: m.Contact) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        HEADER
        + "e1,track,ann,,,login,2026-01-01T10:00:00Z,\n"
        + "e2,track,,,,login,2026-01-01T10:00:00Z,\n"
        + "e3,track,ann,,,login,last week,\n"
        + "e1,track,ann,,nope,login,2026-01-01T10:00:00Z,{bad\n"
    )
    code, output = run(path)
    assert code == 1
    assert f"{path}:3:user_id: a user_id or an anonymous_id is required" in output
    assert f"{path}:4:timestamp: expected a date-time" in output
    assert f"{path}:5:properties: invalid JSON" in output
    assert not m.Event.objects.exists()


def test_parquet_and_unknown_account(tmp_path: Path, ann: m.Contact) -> None:
    path = tmp_path / "events.parquet"
    table = pa.table(
        {
            "message_id": ["p1", "p2"],
            "user_id": ["ann", "ann"],
            "account_id": [None, "ghost"],
            "name": ["login", "login"],
            "timestamp": ["2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"],
        }
    )
    pq.write_table(table, path)
    code, output = run(path)
    assert code == 1
    assert f"{path}:3:account_id: unknown account 'ghost'" in output
    pq.write_table(table.slice(0, 1), path)
    assert run(path)[0] == 0
    assert m.Event.objects.get().message_id == "p1"


def test_segment_jsonl_export(tmp_path: Path, ann: m.Contact) -> None:
    path = tmp_path / "export.jsonl"
    lines = [
        {
            "type": "track",
            "messageId": "s1",
            "userId": "ann",
            "event": "login",
            "timestamp": "2026-01-01T10:00:00Z",
            "sentAt": "2026-01-01T12:00:00Z",
            "receivedAt": "2026-01-01T12:00:01Z",
        },
        {"type": "identify", "messageId": "s2", "userId": "ann", "traits": {"plan": "pro"}},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    assert run(path)[0] == 0
    event = m.Event.objects.get(message_id="s1")
    assert event.timestamp.isoformat() == "2026-01-01T10:00:00+00:00"  # already corrected
    assert m.UsageDaily.objects.get().count == 1
    path.write_text(json.dumps({"type": "track", "userId": "ann"}) + "\n{oops\n")
    code, output = run(path)
    assert code == 1
    assert f"{path}:2: invalid JSON" in output
