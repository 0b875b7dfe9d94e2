"""One events file, three ways in (the HTTP batch API, `retain import events FILE`, `retain
import all DIR`): the same event rows and the same daily rollups, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from retain.app import models as m
from retain.app.reset import clear_all_data
from retain.cli.main import app
from retain.errors import ImportFailed
from retain.imports import import_dir, import_file
from retain.ingest import sources
from tests.integration.ingest.conftest import post

pytestmark = pytest.mark.django_db

ACCOUNTS = "external_id,name\nacme,Acme\nglobex,Globex\n"
CONTACTS = "external_id,account_id,name\nann,acme,Ann\nbob,acme,Bob\ncat,globex,Cat\n"
HEADER = ["message_id", "type", "user_id", "anonymous_id", "account_id", "name", "timestamp"]
HEADER += ["properties", "context"]
DAYS = ("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04")
PEOPLE = ("ann", "bob", "cat")
ACTIONS = ("login", "report_created", "export")


def event_rows() -> list[list[str]]:
    """36 track events over 4 days, 3 contacts of 2 accounts, and the edges of the rule."""
    rows = []
    for i in range(36):
        person, action = PEOPLE[i % 3], ACTIONS[i // 3 % 3]
        stamp = f"{DAYS[i // 9]}T{8 + i % 9:02d}:{i:02d}:00Z"
        props = json.dumps({"n": i, "tags": ["a", "ü"]}) if i % 4 else ""
        rows.append([f"t{i:02d}", "track", person, "", "", action, stamp, props, ""])
    rows += [
        # the last second of a UTC day counts on that day, the next one on the next day
        ["edge-1", "track", "ann", "", "", "login", "2026-03-01T23:59:59Z", "", ""],
        ["edge-2", "track", "ann", "", "", "login", "2026-03-02T00:00:00Z", "", ""],
        # an offset: 23:30 at -01:00 is 00:30 UTC on the next day
        ["edge-3", "track", "cat", "", "", "export", "2026-03-03T23:30:00-01:00", "", ""],
        # no contact: kept, never counted
        ["stranger", "track", "zed", "", "", "login", "2026-03-01T10:00:00Z", "", ""],
        ["anon", "track", "", "a-1", "", "login", "2026-03-01T10:00:00Z", "", ""],
        ["page", "page", "bob", "", "", "Home", "2026-03-02T10:00:00Z", "", '{"ip": "10.0.0.1"}'],
        ["ident", "identify", "ann", "", "", "", "2026-03-02T11:00:00Z", '{"plan": "pro"}', ""],
        ["grp", "group", "bob", "", "acme", "", "2026-03-02T12:00:00Z", '{"tier": "gold"}', ""],
    ]
    return rows


def message(row: list[str]) -> dict[str, Any]:
    """The row as a Segment message: what a tracking library would send for it."""
    mid, kind, user, anon, account, name, stamp, props, ctx = row
    out: dict[str, Any] = {"type": kind, "messageId": mid, "timestamp": stamp}
    out |= {"userId": user} if user else {"anonymousId": anon}
    if kind == "track":
        out["event"] = name
    elif kind == "page":
        out["name"] = name
    if kind == "group":
        out["groupId"] = account
    body = json.loads(props) if props else {}
    out["traits" if kind in ("identify", "group") else "properties"] = body
    out["context"] = json.loads(ctx) if ctx else {}
    return out


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The parents (accounts, contacts), the events file, and a folder with all three."""
    parents, whole = tmp_path / "parents", tmp_path / "all"
    for folder in (parents, whole):
        folder.mkdir()
        (folder / "accounts.csv").write_text(ACCOUNTS)
        (folder / "contacts.csv").write_text(CONTACTS)
    with (whole / "events.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(event_rows())
    return {"parents": parents, "events": whole / "events.csv", "all": whole}


def cli(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output


def by_http(files: dict[str, Path]) -> None:
    key = sources.create("three-ways")[1]
    batch = [message(r) for r in event_rows()]
    status, answer = post(Client(), "/v1/batch", {"batch": batch}, key)
    assert status == 200, answer


def by_import_events(files: dict[str, Path]) -> None:
    cli("import", "events", str(files["events"]))


def by_import_all(files: dict[str, Path]) -> None:
    cli("import", "all", str(files["all"]))


def stored() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every event column but ids and received_at (accounts and contacts by external id),
    and every rollup."""
    events = [
        (
            e.message_id,
            e.type,
            e.account.external_id if e.account else None,
            e.contact.external_id if e.contact else None,
            e.user_id,
            e.anonymous_id,
            e.name,
            e.timestamp,
            e.properties,
            e.context,
        )
        for e in m.Event.objects.select_related("account", "contact").order_by("message_id")
    ]
    rollups = [
        (u.account.external_id, u.contact.external_id, u.event_name, u.day.isoformat(), u.count)
        for u in m.UsageDaily.objects.select_related("account", "contact").order_by(
            "account__external_id", "contact__external_id", "event_name", "day"
        )
    ]
    return events, rollups


def test_three_ways_in_store_the_same_events_and_rollups(files: dict[str, Path]) -> None:
    outcomes = {}
    for way in (by_http, by_import_events, by_import_all):
        clear_all_data()
        cli("import", "all", str(files["parents"]))
        way(files)
        outcomes[way.__name__] = stored()
    http = outcomes["by_http"]
    assert outcomes["by_import_events"] == http
    assert outcomes["by_import_all"] == http
    events, rollups = http
    assert len(events) == 44
    counted = {(a, c, n, d): k for a, c, n, d, k in rollups}
    assert sum(counted.values()) == 39  # the 36, and the three edges: no stranger, no page
    # t00 and 23:59:59 on the 1st; t09 and 00:00:00 on the 2nd
    assert counted[("acme", "ann", "login", "2026-03-01")] == 2
    assert counted[("acme", "ann", "login", "2026-03-02")] == 2
    # 23:30 at -01:00 on the 3rd counts on the 4th (UTC), with t29
    assert counted[("globex", "cat", "export", "2026-03-03")] == 1
    assert counted[("globex", "cat", "export", "2026-03-04")] == 2
    by_id = {e[0]: e for e in events}
    assert by_id["stranger"][2:4] == (None, None)
    assert by_id["anon"][2:6] == (None, None, "", "a-1")
    assert by_id["grp"][1:4] == ("group", "acme", "bob")
    assert by_id["grp"][8] == {"tier": "gold"}  # a group's traits, as properties
    assert by_id["edge-3"][7] == dt.datetime(2026, 3, 4, 0, 30, tzinfo=dt.UTC)
    assert by_id["t01"][8] == {"n": 1, "tags": ["a", "ü"]}


def test_import_file_and_import_dir_take_the_event_loader(tmp_path: Path, ann: m.Contact) -> None:
    """Only the event loader reads Segment exports and reports short rows: both from Python."""
    export = tmp_path / "events.jsonl"
    line = {"type": "track", "messageId": "s1", "userId": "ann", "event": "login"}
    export.write_text(json.dumps(line | {"timestamp": "2026-03-01T10:00:00Z"}) + "\n")
    result = import_file("events", export)
    assert (result.kind, result.created) == ("events", 1)
    assert m.UsageDaily.objects.get().contact == ann
    (tmp_path / "dir").mkdir()
    short = tmp_path / "dir" / "events.csv"
    short.write_text(",".join(HEADER) + "\ne1,track\n")
    with pytest.raises(ImportFailed) as failed:
        import_dir(tmp_path / "dir")
    assert [str(p) for p in failed.value.problems] == [
        f"{short}:2: fewer cells than header columns"
    ]
