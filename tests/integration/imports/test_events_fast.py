"""`retain import events` on its vectorised path: problems located by row, dry runs, in-file
duplicates, rarer time forms, and `retain bench import` on a small N."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from retain.app import models as m
from retain.cli.main import app
from retain.errors import ImportFailed
from retain.imports.events import import_events

pytestmark = pytest.mark.django_db

HEADER = "message_id,type,user_id,anonymous_id,account_id,name,timestamp,properties,context\n"


def good(i: int) -> str:
    return f'e{i},track,ann,,,login,2026-01-0{i % 9 + 1}T10:00:00Z,"{{""n"": {i}}}",\n'


def write(tmp_path: Path, lines: dict[int, str], count: int = 15) -> Path:
    """A CSV of `count` good rows, some replaced (key: the row number, header is row 1)."""
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "".join(lines.get(i + 2, good(i)) for i in range(count)))
    return path


def problems(path: Path, *, dry_run: bool = False) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        import_events(path, dry_run=dry_run)
    return [str(p) for p in failed.value.problems]


def test_bad_rows_are_located_by_row_number(tmp_path: Path, ann: m.Contact) -> None:
    path = write(
        tmp_path,
        {
            7: "e5,track,ann,,,login,2026-13-01T10:00:00Z,,\n",
            12: "e10,track,,,,login,2026-01-01T10:00:00Z,,\n",
        },
    )
    assert problems(path) == [
        f"{path}:7:timestamp: expected a date-time like 2026-03-31T14:05:00Z, "
        "got '2026-13-01T10:00:00Z'",
        f"{path}:12:user_id: a user_id or an anonymous_id is required",
    ]
    assert not m.Event.objects.exists()


def test_every_kind_of_problem_is_reported(tmp_path: Path, ann: m.Contact) -> None:
    long = "x" * 201
    path = write(
        tmp_path,
        {
            3: ",track,ann,,,login,2026-01-01T10:00:00Z,,\n",
            4: "e2,click,ann,,,login,2026-01-01T10:00:00Z,,\n",
            5: "e3,track,ann,,,login,,,\n",
            6: "e4,track,ann,,,login,2026-02-30T10:00:00Z,,\n",
            8: "e6,track,ann,,,login,2026-01-01T10:00:00Z,{bad,\n",
            9: "e7,track,ann,,,login,2026-01-01T10:00:00Z,,[1] 2\n",
            10: "e8,track,ann,,,login,2026-01-01T10:00:00Z,NaN,\n",
            11: f"e9,track,{long},,,login,2026-01-01T10:00:00Z,,\n",
            13: "e11,track,ann,,ghost,login,2026-01-01T10:00:00Z,,\n",
        },
    )
    found = problems(path)
    assert found[:3] == [
        f"{path}:3:message_id: a value is required",
        f"{path}:4:type: 'click' is not allowed; use one of group, identify, page, screen, track",
        f"{path}:5:timestamp: a value is required",
    ]
    assert found[3].startswith(f"{path}:6:timestamp: expected a date-time")
    assert found[4].startswith(f"{path}:8:properties: invalid JSON")
    assert found[5].startswith(f"{path}:9:context: invalid JSON")
    assert found[6].startswith(f"{path}:10:properties: invalid JSON")
    assert found[7] == f"{path}:11:user_id: at most 200 characters, got 201"
    assert found[8] == f"{path}:13:account_id: unknown account 'ghost'"
    assert len(found) == 9
    assert not m.Event.objects.exists()


def test_duplicate_message_id_in_the_file(tmp_path: Path, ann: m.Contact) -> None:
    path = write(tmp_path, {9: good(3), 14: good(3)})
    assert problems(path) == [
        f"{path}:9:message_id: duplicate of row 5",
        f"{path}:14:message_id: duplicate of row 5",
    ]
    assert not m.Event.objects.exists()


def test_rarer_time_forms_are_parsed_like_python(tmp_path: Path, ann: m.Contact) -> None:
    path = write(
        tmp_path,
        {
            2: "e0,track,ann,,,login,20260102T033000+0300,,\n",  # basic format: Python reads it
            3: "e1,track,ann,,,login,2026-01-02 10:00:00.25,,\n",  # no offset: UTC
            4: "e2,track,ann,,,login, 2026-01-02T23:30:00-01:00 ,,\n",
        },
        count=3,
    )
    result = import_events(path)
    assert result.created == 3
    stamps = dict(m.Event.objects.values_list("message_id", "timestamp"))
    assert stamps["e0"].isoformat() == "2026-01-02T00:30:00+00:00"
    assert stamps["e1"].isoformat() == "2026-01-02T10:00:00.250000+00:00"
    assert stamps["e2"].isoformat() == "2026-01-03T00:30:00+00:00"
    assert m.Event.objects.filter(timestamp=stamps["e1"]).count() == 1  # stored as Django does
    days = sorted(m.UsageDaily.objects.values_list("day", "count"))
    assert [(d.isoformat(), n) for d, n in days] == [("2026-01-02", 2), ("2026-01-03", 1)]


def test_dry_run_writes_nothing_and_counts(tmp_path: Path, ann: m.Contact) -> None:
    path = write(tmp_path, {})
    result = import_events(path, dry_run=True)
    assert (result.rows, result.created) == (15, 15)
    assert not m.Event.objects.exists()
    assert not m.UsageDaily.objects.exists()
    (tmp_path / "first").mkdir()
    import_events(write(tmp_path / "first", {}, count=5))
    result = import_events(path, dry_run=True)
    assert (result.created, result.unchanged) == (10, 5)
    assert m.Event.objects.count() == 5
    assert sum(m.UsageDaily.objects.values_list("count", flat=True)) == 5


def test_known_ids_skipped_rollups_once_and_progress(tmp_path: Path, ann: m.Contact) -> None:
    calls: list[tuple[int, int]] = []
    first = import_events(write(tmp_path, {}, count=6), progress=lambda d, t: calls.append((d, t)))
    assert first.created == 6
    assert calls[0] == (0, 6)
    assert calls[-1] == (6, 6)
    again = import_events(write(tmp_path, {}, count=15))
    assert (again.created, again.unchanged) == (9, 6)
    assert m.Event.objects.count() == 15
    assert sum(m.UsageDaily.objects.values_list("count", flat=True)) == 15
    event = m.Event.objects.get(message_id="e3")
    assert (event.contact_id, event.account_id, event.properties) == (
        ann.pk,
        ann.account_id,
        {"n": 3},
    )


def test_parquet_with_timestamps_objects_and_numbers(tmp_path: Path, ann: m.Contact) -> None:
    path = tmp_path / "events.parquet"
    stamps = pa.array([0, 86_400_000_000], pa.timestamp("us"))  # naive: UTC
    table = pa.table(
        {
            "message_id": pa.array([1, 2]),
            "user_id": ["ann", "ann"],
            "name": ["login", "login"],
            "timestamp": stamps,
            "properties": pa.array([{"a": 1}, None], pa.struct([("a", pa.int64())])),
        }
    )
    pq.write_table(table, path)
    assert import_events(path).created == 2
    one = m.Event.objects.get(message_id="1")
    assert one.timestamp.isoformat() == "1970-01-01T00:00:00+00:00"
    assert one.properties == {"a": 1}
    assert m.Event.objects.get(message_id="2").properties == {}


def test_cell_count_problems_fall_back_to_the_python_reader(tmp_path: Path, ann: m.Contact) -> None:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + good(1) + "e2,track\n" + good(3) + "\n" + good(4))
    assert problems(path) == [
        f"{path}:3: fewer cells than header columns",
        f"{path}:5: fewer cells than header columns",
    ]


def test_quoted_newlines_and_bom(tmp_path: Path, ann: m.Contact) -> None:
    path = tmp_path / "events.csv"
    text = HEADER + 'e1,track,ann,,,login,2026-01-01T10:00:00Z,"{""t"": ""a\\nb""}",\n'
    text += 'e2,track,ann,,,"log\nin",2026-01-01T10:00:00Z,,\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert import_events(path).created == 2
    assert m.Event.objects.get(message_id="e2").name == "log\nin"


def test_bench_import_runs_and_cleans_up(ann: m.Contact) -> None:
    result = CliRunner().invoke(app, ["bench", "import", "--events", "300", "--accounts", "2"])
    assert result.exit_code == 0, result.output
    assert "retain import events" in result.output
    assert "events/s" in result.output
    assert "The import wrote 300 events" in result.output
    assert m.Event.objects.count() == 0
    assert list(m.Contact.objects.values_list("external_id", flat=True)) == ["ann"]


@pytest.mark.parametrize("bad", ['"{""n"": 1"', '"{""n"": NaN}"', "not json"])
def test_json_refused_by_the_database_is_located_here(
    tmp_path: Path, ann: m.Contact, bad: str
) -> None:
    """Only a JSON cell is wrong: the database's own JSON check refuses the fast write, then
    every row is checked in Python and the cell located; nothing is written."""
    path = write(tmp_path, {9: f"e7,track,ann,,,login,2026-01-01T10:00:00Z,{bad},\n"})
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:9:properties: ")
    assert not m.Event.objects.exists()
    assert not m.UsageDaily.objects.exists()
