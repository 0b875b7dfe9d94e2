"""Load with everything at once: `retain serve` takes tracking batches from retrying clients
while `retain import events` and `retain import accounts` run in other processes. Nothing
acknowledged is lost or counted twice, and both imports finish (on SQLite they validate before
taking the write lock and wait their turn when the store is busy)."""

from __future__ import annotations

import base64
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from retain.app import models as m
from retain.ingest import sources
from tests.conftest import database_url

from .conftest import Server

pytestmark = pytest.mark.django_db(transaction=True)

LOAD_EVENTS, BATCH, CLIENTS = 20_000, 100, 3
IMPORT_EVENTS, IMPORT_ACCOUNTS, BASE_ACCOUNTS = 40_000, 5_000, 20
# The load's and the import's events come from the 40 people the group calls link to accounts,
# so every one of them counts in the daily rollups.


class _Client(threading.Thread):
    """Posts its batches; retries a batch on a refused connection, a reset or a 5xx."""

    def __init__(self, port: int, key: str, work: list[tuple[list[str], bytes]]) -> None:
        super().__init__()
        self.port, self.work, self.acked, self.retries = port, work, [], 0  # type: ignore[var-annotated]
        auth = base64.b64encode(f"{key}:".encode()).decode()
        self.headers = {"Authorization": f"Basic {auth}", "Content-Type": "application/json"}
        self.statuses: list[int] = []

    def run(self) -> None:
        for ids, body in self.work:
            while True:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                try:
                    conn.request("POST", "/v1/batch", body, self.headers)
                    response = conn.getresponse()
                    response.read()
                    self.statuses.append(response.status)
                    if response.status == 200:
                        self.acked += ids
                        break
                except (OSError, http.client.HTTPException):
                    pass
                finally:
                    conn.close()
                self.retries += 1
                time.sleep(0.1)


def _load() -> list[tuple[list[str], bytes]]:
    out = []
    for start in range(0, LOAD_EVENTS, BATCH):
        msgs = [
            {
                "type": "track",
                "messageId": f"load-{i}",
                "userId": f"lu{i % 40}",
                "event": "report_viewed",
                "timestamp": f"2026-03-{1 + i % 28:02d}T09:00:00Z",
            }
            for i in range(start, start + BATCH)
        ]
        out.append(([x["messageId"] for x in msgs], json.dumps({"batch": msgs}).encode()))
    return out


def _files(folder: Path) -> tuple[Path, Path, Path]:
    base = folder / "base.csv"
    base.write_text(
        "external_id,name\n" + "".join(f"acct-b{i},Base {i}\n" for i in range(BASE_ACCOUNTS))
    )
    accounts = folder / "accounts.csv"
    accounts.write_text(
        "external_id,name,segment\n"
        + "".join(f"acct-n{i},New {i},SMB\n" for i in range(IMPORT_ACCOUNTS))
    )
    events = folder / "events.csv"
    events.write_text(
        "message_id,type,user_id,account_id,name,timestamp\n"
        + "".join(
            f"bulk-{i},track,lu{i % 40},acct-b{i % 40 % 20},login,"
            f"2026-04-{1 + i % 28:02d}T10:00:00Z\n"
            for i in range(IMPORT_EVENTS)
        )
    )
    return base, accounts, events


def _retain(*args: str) -> subprocess.Popen[str]:
    env = os.environ | {"RETAIN_DATABASE_URL": database_url()}
    return subprocess.Popen(
        [sys.executable, "-m", "retain.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_serve_and_two_imports_at_once_lose_nothing(server: Server, tmp_path: Path) -> None:
    base, accounts, events = _files(tmp_path)
    setup = _retain("import", "accounts", str(base))
    assert setup.communicate(timeout=300)[0] is not None
    assert setup.returncode == 0
    key = sources.create("load")[1]
    groups = [
        {"type": "group", "messageId": f"lg{u}", "userId": f"lu{u}", "groupId": f"acct-b{u % 20}"}
        for u in range(40)
    ]
    first = _Client(server.port, key, [([], json.dumps({"batch": groups}).encode())])
    first.run()
    work = _load()
    clients = [_Client(server.port, key, work[i::CLIENTS]) for i in range(CLIENTS)]
    for c in clients:
        c.start()
    while sum(len(c.acked) for c in clients) < LOAD_EVENTS // 10:
        time.sleep(0.05)
    imports = [
        _retain("import", "events", str(events)),
        _retain("import", "accounts", str(accounts)),
    ]
    outputs = [p.communicate(timeout=900)[0] for p in imports]
    for c in clients:
        c.join(timeout=900)
    assert not any(c.is_alive() for c in clients)

    assert [p.returncode for p in imports] == [0, 0], outputs
    assert all("Traceback" not in o for o in outputs)
    acked = [i for c in clients for i in c.acked]
    assert len(acked) == len(set(acked)) == LOAD_EVENTS
    stored = set(
        m.Event.objects.filter(message_id__startswith="load-").values_list("message_id", flat=True)
    )
    assert stored == set(acked)
    assert m.Event.objects.filter(message_id__startswith="bulk-").count() == IMPORT_EVENTS
    assert m.Account.objects.filter(external_id__startswith="acct-n").count() == IMPORT_ACCOUNTS
    # Rollups: every tracked event counted once (retried batches included).
    counted = sum(m.UsageDaily.objects.values_list("count", flat=True))
    assert counted == LOAD_EVENTS + IMPORT_EVENTS
    statuses = [s for c in clients for s in c.statuses]
    assert all(s in (200, 503) for s in statuses), sorted(set(statuses))
