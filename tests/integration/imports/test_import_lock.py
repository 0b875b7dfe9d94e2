"""SQLite imports read, parse and validate before taking the write lock, and a store whose
lock another process keeps past RETAIN_SQLITE_TIMEOUT is one line with exit 1 (issue 11, D9)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from retain.app import events as event_store
from retain.app import models as m
from retain.imports import event_checks, import_dir, import_file, loader


def retain(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "retain.cli", *args]
    return subprocess.run(cmd, check=False, env=env, capture_output=True, text=True, timeout=120)


def test_a_busy_store_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "busy.sqlite3"
    env = {**os.environ, "RETAIN_DATABASE_URL": f"sqlite:///{store}", "RETAIN_SQLITE_TIMEOUT": "1"}
    made = retain(env, "init")
    assert made.returncode == 0, made.stdout + made.stderr
    path = tmp_path / "accounts.csv"
    path.write_text("external_id,name\na-1,Acme\na-2,Globex\n")
    holder = sqlite3.connect(store, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer, holding the lock throughout
        busy = retain(env, "import", "accounts", str(path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert busy.returncode == 1, busy.stdout + busy.stderr
    assert busy.stderr.strip().splitlines() == [
        "Error: the store is busy: another process held its write lock for over 1 s "
        "(RETAIN_SQLITE_TIMEOUT); nothing was written, retry when it is done"
    ]
    assert "Traceback" not in busy.stdout + busy.stderr
    with sqlite3.connect(store) as check:
        assert check.execute("SELECT COUNT(*) FROM retain_account").fetchone() == (0,)


def lock_free() -> bool:
    """Whether another connection can take SQLite's write lock right now (no waiting)."""
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    refusal = ""
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        refusal = str(exc)
    finally:
        probe.close()  # rolls back
    assert refusal in ("", "database is locked"), refusal
    return not refusal


def probing(seen: list[tuple[str, bool]], phase: str, call: Callable[..., Any]) -> Any:
    """`call`, recording in `seen` whether the write lock was free when it ran."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        seen.append((phase, lock_free()))
        return call(*args, **kwargs)

    return wrapper


@pytest.mark.django_db(transaction=True)  # no test transaction: it would hold the lock itself
def test_validation_runs_without_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the write lock is SQLite's")
    seen: list[tuple[str, bool]] = []
    monkeypatch.setattr(loader, "parse_rows", probing(seen, "validate", loader.parse_rows))
    monkeypatch.setattr(loader, "_insert_sql", probing(seen, "plan", loader._insert_sql))
    monkeypatch.setattr(loader, "_apply", probing(seen, "write", loader._apply))
    monkeypatch.setattr(
        event_checks, "from_table", probing(seen, "validate", event_checks.from_table)
    )
    monkeypatch.setattr(event_store, "write_table", probing(seen, "write", event_store.write_table))
    (tmp_path / "accounts.csv").write_text("external_id,name\nacme,Acme\n")
    (tmp_path / "contacts.csv").write_text("external_id,account_id\nann,acme\n")
    (tmp_path / "events.csv").write_text(
        "message_id,user_id,name,timestamp\ne1,ann,login,2026-01-01T10:00:00Z\n"
    )
    import_dir(tmp_path)
    assert seen == [
        ("validate", True),  # accounts
        ("plan", True),  # accounts: their INSERTs compiled before the lock
        ("validate", True),  # contacts
        ("validate", True),  # events
        ("write", False),  # accounts
        ("plan", False),  # contacts name an account of this import: planned under the lock
        ("write", False),  # contacts
        ("write", False),  # events
    ]
    event = m.Event.objects.get()
    assert (event.account.external_id, event.contact.external_id) == ("acme", "ann")
    seen.clear()
    import_file("events", tmp_path / "events.csv")
    assert seen == [("validate", True), ("write", False)]
    seen.clear()
    (tmp_path / "accounts.csv").write_text("external_id,name\nacme,Acme Inc\nglobex,Globex\n")
    result = import_file("accounts", tmp_path / "accounts.csv")
    assert seen == [("validate", True), ("plan", True), ("write", False)]
    assert (result.created, result.updated) == (1, 1)
    assert sorted(m.Account.objects.values_list("name", flat=True)) == ["Acme Inc", "Globex"]
