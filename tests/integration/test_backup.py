"""`retain backup` / `retain restore` / `retain password` as users run them: each command in a
fresh process against its own store (temporary SQLite files, or scratch PostgreSQL databases
in the PostgreSQL run), every table compared row by row after the round trip."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password

BASE_URL = os.environ.get("RETAIN_DATABASE_URL", "")
KIND = "postgresql" if BASE_URL.startswith("postgres") else "sqlite"
AS_OF = "2026-11-30"
DEMO_PASSWORD = "retain-demo"
NEW_PASSWORD = "a-brand-new-long-password-42"

on_postgres = pytest.mark.skipif(KIND != "postgresql", reason="needs the PostgreSQL run")


class Stores:
    """Empty stores of the kind this run tests; scratch PostgreSQL databases are dropped after."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.databases: list[str] = []

    def new(self, label: str) -> str:
        """The RETAIN_DATABASE_URL of a new, empty store."""
        tag = f"{label}_{uuid.uuid4().hex[:6]}"
        if KIND == "sqlite":
            return f"sqlite:///{self.folder / f'{tag}.sqlite3'}"
        import psycopg

        name = f"{BASE_URL.rsplit('/', 1)[1]}_bk_{tag}"
        with psycopg.connect(BASE_URL, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return BASE_URL.rsplit("/", 1)[0] + "/" + name

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(BASE_URL, autocommit=True) as con:
            for name in self.databases:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    made = Stores(tmp_path_factory.mktemp("stores"))
    try:
        yield made
    finally:
        if made.databases:
            made.drop()


def retain(
    url: str, *args: str, password: str | None = None, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """Run `retain ARGS` in a fresh process on the store `url`, as a user would."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"RETAIN_DATABASE_URL": url, "COLUMNS": "250"}
    env.pop("RETAIN_PASSWORD", None)
    if password is not None:
        env["RETAIN_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "retain.cli", *args],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The output of a command that must succeed."""
    assert result.returncode == 0, result.stdout + result.stderr
    return " ".join(result.stdout.split())


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """The one-line error of a command that must fail with exit code 1 (no traceback)."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return " ".join(result.stdout.split())


# --- reading a store directly (not through Django, whose connection is the test database) ---


def connect(url: str) -> Any:
    if KIND == "sqlite":
        return sqlite3.connect(url.removeprefix("sqlite:///"))
    import psycopg

    return psycopg.connect(url, autocommit=True)


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    con = connect(url)
    try:
        return [tuple(r) for r in con.execute(sql).fetchall()]
    finally:
        con.close()


def tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, all columns, ordered by primary key (all columns if it has none)."""
    con = connect(url)
    out = {}
    try:
        if KIND == "sqlite":
            names = [
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
        else:
            names = [
                r[0]
                for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ]
        for name in sorted(names):
            order = ", ".join(_primary_key(con, name)) or "1, 2"
            out[name] = [tuple(r) for r in con.execute(f'SELECT * FROM "{name}" ORDER BY {order}')]
    finally:
        con.close()
    return out


def _primary_key(con: Any, table: str) -> list[str]:
    if KIND == "sqlite":
        info = con.execute(f'PRAGMA table_info("{table}")').fetchall()
        return [f'"{r[1]}"' for r in sorted(info, key=lambda r: r[5]) if r[5]]
    rows = con.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary",
        (f'public."{table}"',),
    ).fetchall()
    return [f'"{r[0]}"' for r in rows]


def schema(url: str) -> list[tuple[Any, ...]]:
    """Everything that defines the store besides rows: tables, columns, indexes, constraints,
    triggers and their functions; on PostgreSQL also each sequence's position."""
    if KIND == "sqlite":
        return query(url, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY 1, 2")
    parts = [
        "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity "
        "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1",
        "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace "
        "ORDER BY 1",
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
    ]
    return [
        tuple(_unparsed(v) if isinstance(v, str) else v for v in row)
        for sql in parts
        for row in [("--", sql), *query(url, sql)]
    ]


def _unparsed(definition: str) -> str:
    """A definition without casts, brackets and spaces: PostgreSQL prints a CHECK made by
    `IN (...)` with other casts once pg_dump's text of it has been parsed again."""
    return re.sub(r"::[a-z ]+(\[\])?|[()\s]", "", definition)


def metrics(url: str) -> str:
    out = retain(url, "metrics", "--format", "json", "--as-of", AS_OF)
    assert out.returncode == 0, out.stderr
    return out.stdout


def summary(output: str) -> tuple[int, int]:
    """(tables, rows) from a `retain backup`/`retain restore` summary line."""
    found = re.search(r"(\d+) tables, ([\d,]+) rows", output)
    assert found, output
    return int(found.group(1)), int(found.group(2).replace(",", ""))


# --- a store with data in every table ---------------------------------------------------------

EXTRAS = """
import datetime as dt
import sys
import tomllib
from pathlib import Path

from retain.project import bootstrap

bootstrap.migrate()
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from retain.app.access import tokens, users
from retain.app.health import snapshots
from retain.app.models import Account
from retain.ingest import sources

password, card = sys.argv[1], Path(sys.argv[2]).read_text()
snapshots.activate_config(tomllib.loads(card), source=card)  # scorecard version 2
account = Account.objects.order_by("id").first()
until = dt.date.today() + dt.timedelta(days=30)
snapshots.set_override(account, 35, "Champion left", until)
zoe = users.create_user("zoe", "admin", "zoe@example.com", password)
tokens.issue("zoe", "backup-test")
sources.create("mobile-app")
auditors = Group.objects.create(name="auditors")
auditors.permissions.add(Permission.objects.get(codename="view_account"))
zoe.groups.add(auditors)
zoe.user_permissions.add(Permission.objects.get(codename="change_account"))
LogEntry.objects.create(
    user=zoe, content_type=ContentType.objects.get_for_model(Account), object_id=str(account.pk),
    object_repr=account.name, action_flag=ADDITION, change_message="backup test",
)
# Sign in through the login page (django-axes needs the request): a session row, a last_login
# and an access log; then a wrong password from elsewhere: a failed attempt and its log.
web = Client(SERVER_NAME="localhost")
assert web.post("/login/", {"username": "zoe", "password": password}).status_code == 302
wrong = Client(SERVER_NAME="localhost", REMOTE_ADDR="198.51.100.7")
assert wrong.post("/login/", {"username": "zoe", "password": "not-it"}).status_code == 200
AccessAttemptExpiration.objects.create(
    access_attempt=AccessAttempt.objects.get(username="zoe"),
    expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15),
)
AccessFailureLog.objects.create(  # written by axes only when its failure log is on
    username="zoe", ip_address="198.51.100.7", user_agent="test", http_accept="*/*",
    path_info="/login/", locked_out=False,
)
"""


@pytest.fixture(scope="module")
def source(stores: Stores, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A scored demo store plus what the demo lacks (made through the app's services in one
    process): a second scorecard version, an override, an admin, an API token, a second write
    key, a group with permissions, an admin log entry and a session."""
    url = stores.new("src")
    work = tmp_path_factory.mktemp("source")
    ok(
        retain(
            url,
            *("demo", "--no-serve", "--accounts", "20", "--months", "6", "--seed", "3"),
            *("--score-days", "5", "--end-date", AS_OF, "--truth", str(work / "truth.json")),
        )
    )
    default = Path(__file__).parents[2] / "src/retain/analytics/default_scorecard.toml"
    card = work / "custom.toml"
    card.write_text(default.read_text().replace('name = "Default"', 'name = "Custom"'))
    script = work / "extras.py"
    script.write_text(EXTRAS)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["RETAIN_DATABASE_URL"] = url
    made = subprocess.run(
        [sys.executable, str(script), NEW_PASSWORD, str(card)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    return url


@pytest.fixture(scope="module")
def backup_file(source: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`retain backup` of the source store: the file and the command's output."""
    path = tmp_path_factory.mktemp("backup") / "retain.backup"
    return path, ok(retain(source, "backup", str(path)))


def test_backup_then_restore_gives_identical_tables_and_metrics(
    source: str, backup_file: tuple[Path, str], stores: Stores
) -> None:
    before = tables(source)
    empty = sorted(t for t, rows in before.items() if not rows)
    assert empty == []  # every table holds data, so every table is tested
    assert {"retain_health_snapshot", "retain_api_token", "django_session"} <= set(before)
    assert len(before["retain_scorecard_config"]) == 2
    assert len(before["retain_source"]) == 2
    path, said = backup_file
    rows = sum(len(r) for r in before.values())
    assert summary(said) == (len(before), rows)
    assert path.stat().st_size > 0

    copy = stores.new("copy")
    restored = ok(retain(copy, "restore", str(path)))
    assert summary(restored) == (len(before), rows)
    after = tables(copy)
    assert sorted(after) == sorted(before)
    for name in before:
        assert after[name] == before[name], name
    assert schema(copy) == schema(source)
    figures = metrics(source)
    assert len(json.loads(figures)) > 20
    assert metrics(copy) == figures
    print(  # the acceptance figures, shown with pytest -s
        f"\n{KIND}: {len(before)} tables, {rows:,} rows compared, 0 differences; "
        f"metrics JSON {len(figures):,} bytes identical"
    )

    (admin_hash,) = query(copy, "SELECT password FROM retain_user WHERE username = 'admin'")[0]
    assert check_password(DEMO_PASSWORD, admin_hash)  # the demo admin signs in as before
    (flags,) = query(copy, "SELECT is_staff, is_superuser FROM retain_user WHERE username = 'zoe'")
    assert tuple(bool(f) for f in flags) == (True, True)


def test_restore_refuses_a_store_that_holds_data(
    source: str, backup_file: tuple[Path, str], stores: Stores
) -> None:
    target = stores.new("busy")
    ok(retain(target, "createuser", "other", "--role", "csm", password=NEW_PASSWORD))
    before = tables(target)
    said = refused(retain(target, "restore", str(backup_file[0])))
    assert "already holds data (retain_user: 1 row)" in said
    assert "--force" in said
    assert tables(target) == before

    ok(retain(target, "restore", "--force", str(backup_file[0])))
    assert tables(target) == tables(source)  # everything replaced: `other` is gone
    assert schema(target) == schema(source)


def _sqlite_with(path: Path, *names: str) -> None:
    """A SQLite database with these (empty) tables."""
    con = sqlite3.connect(path)
    for name in names:
        con.execute(f'CREATE TABLE "{name}" (id INTEGER PRIMARY KEY)')
    con.commit()
    con.close()


@pytest.mark.parametrize("case", ["garbage", "empty", "other-kind", "other-sqlite"])
def test_restore_refuses_the_wrong_file_and_changes_nothing(
    case: str, stores: Stores, tmp_path: Path
) -> None:
    target = stores.new("wrong")
    path = tmp_path / "file.backup"
    if case == "garbage":
        path.write_bytes(os.urandom(4096))
        expected = "is not a Retain backup (neither a SQLite database nor a pg_dump"
    elif case == "empty":
        path.write_bytes(b"")
        expected = "is not a Retain backup"
    elif case == "other-kind" and KIND == "sqlite":
        path.write_bytes(b"PGDMP" + os.urandom(100))  # a pg_dump archive's header
        expected = "is a PostgreSQL backup but the store is SQLite"
    elif case == "other-kind":
        _sqlite_with(path, "django_migrations", "retain_account", "retain_user")
        expected = "is a SQLite backup but the store is PostgreSQL"
    else:
        _sqlite_with(path, "notes")
        expected = (
            "is not a backup of a Retain store"
            if KIND == "sqlite"
            else "is a SQLite backup but the store is PostgreSQL"
        )
    before = tables(target)
    said = refused(retain(target, "restore", str(path)))
    assert f"Error: {path} {expected}" in said
    assert tables(target) == before == {}


# --- a backup while the server writes ---------------------------------------------------------

BATCH = 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Writer(threading.Thread):
    """Posts batches of track events (each batch one transaction) until told to stop."""

    def __init__(self, base: str, key: str) -> None:
        super().__init__(daemon=True)
        self.base, self.acked, self.stop, self.error = base, 0, threading.Event(), ""
        self.auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()

    def post(self, messages: list[dict[str, Any]]) -> None:
        request = urllib.request.Request(
            self.base + "/v1/batch",
            json.dumps({"batch": messages}).encode(),
            headers={"Authorization": self.auth, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200

    def run(self) -> None:
        try:
            self.post(
                [
                    {"type": "identify", "messageId": f"i{i}", "userId": f"u{i}", "traits": {}}
                    for i in range(5)
                ]
                + [
                    {"type": "group", "messageId": f"g{i}", "userId": f"u{i}", "groupId": "acme"}
                    for i in range(5)
                ]
            )
            n = 0
            while not self.stop.is_set():
                self.post(
                    [
                        {
                            "type": "track",
                            "messageId": f"m{n}-{i}",
                            "userId": f"u{i % 5}",
                            "event": ("login", "export_run")[i % 2],
                            "timestamp": f"2026-11-{1 + (n + i) % 28:02d}T12:00:00Z",
                        }
                        for i in range(BATCH)
                    ]
                )
                n += 1
                self.acked = n
        except Exception as exc:  # reported by the test
            self.error = repr(exc)


def _wait_until(check: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _counts(url: str) -> tuple[int, int, int]:
    """(track events, events that count in the rollups, the rollups' sum)."""
    (tracks,) = query(url, "SELECT count(*) FROM retain_event WHERE type = 'track'")[0]
    (counted,) = query(
        url,
        "SELECT count(*) FROM retain_event WHERE type = 'track' AND name <> '' "
        "AND account_id IS NOT NULL AND contact_id IS NOT NULL",
    )[0]
    (rolled,) = query(url, "SELECT coalesce(sum(count), 0) FROM retain_usage_daily")[0]
    return int(tracks), int(counted), int(rolled)


def test_a_backup_taken_while_the_server_writes_restores_consistent(
    stores: Stores, tmp_path: Path
) -> None:
    url = stores.new("live")
    key = ok(retain(url, "sources", "create", "live")).split()[-1]
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["RETAIN_DATABASE_URL"] = url
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "retain.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    writer = Writer(f"http://127.0.0.1:{port}", key)
    try:
        _wait_until(lambda: _up(port) or server.poll() is not None, "retain serve")
        writer.start()
        _wait_until(lambda: writer.acked >= 3 or writer.error, "3 acknowledged batches")
        acked_before = writer.acked
        path = tmp_path / "live.backup"
        said = ok(retain(url, "backup", str(path)))
        acked_after = writer.acked
        _wait_until(lambda: writer.acked >= acked_after + 3 or writer.error, "3 more batches")
    finally:
        writer.stop.set()
        writer.join(timeout=60)
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert not writer.error, writer.error + (tmp_path / "serve.log").read_text()
    assert summary(said)[1] > 0

    copy = stores.new("livecopy")
    ok(retain(copy, "restore", str(path)))
    tracks, counted, rolled = _counts(copy)
    final_tracks = _counts(url)[0]
    # taken mid-stream: at least the batches acknowledged before it, not the ones after
    assert acked_before * BATCH <= tracks < final_tracks
    assert tracks % BATCH == 0  # whole batches only
    assert counted == rolled == tracks  # events and rollups from the same instant
    restored = tables(copy)["retain_event"]
    originals = {row[0]: row for row in tables(url)["retain_event"]}
    assert all(originals[row[0]] == row for row in restored)  # every row present is complete


def _up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


# --- retain password --------------------------------------------------------------------------


def _hash(url: str, username: str) -> str:
    return str(query(url, f"SELECT password FROM retain_user WHERE username = '{username}'")[0][0])


def test_password_sets_a_password_in_a_fresh_process(stores: Stores) -> None:
    url = stores.new("pw")
    ok(retain(url, "createuser", "zed", "--role", "admin", password="a-long-enough-password"))
    said = ok(retain(url, "password", "zed", password=NEW_PASSWORD))  # from RETAIN_PASSWORD
    assert "Password set for zed (Admin)" in said
    assert check_password(NEW_PASSWORD, _hash(url, "zed"))
    weak = refused(retain(url, "password", "zed", "--password", "123"))
    assert "Error: password rejected:" in weak
    assert check_password(NEW_PASSWORD, _hash(url, "zed"))


@pytest.mark.django_db
def test_password_asks_twice_and_names_a_missing_user() -> None:
    from typer.testing import CliRunner

    from retain.app.models import User
    from retain.cli.main import app

    User.objects.create_user("amy", password="an-old-long-password", role="csm")
    typo = CliRunner().invoke(app, ["password", "amy"], input=f"{NEW_PASSWORD}\nother\n")
    assert typo.exit_code != 0  # the two entries differ: asked again, input ran out
    assert User.objects.get(username="amy").check_password("an-old-long-password")
    done = CliRunner().invoke(app, ["password", "amy"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert done.exit_code == 0, done.output
    assert User.objects.get(username="amy").check_password(NEW_PASSWORD)
    missing = CliRunner().invoke(app, ["password", "nobody", "--password", NEW_PASSWORD])
    assert missing.exit_code == 1
    assert "Error: no user named 'nobody'" in missing.output


# --- PostgreSQL client programs ---------------------------------------------------------------


def _fake_tool(folder: Path, name: str, version: str) -> None:
    """A pg_dump/pg_restore that reports an old version but otherwise runs the real one."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    real = f"/usr/bin/{name}"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "{name} (PostgreSQL) {version}"; exit 0; fi\n'
        f'exec {real} "$@"\n'
    )
    script.chmod(0o755)


@on_postgres
def test_postgres_client_missing_or_too_old_is_one_clear_line(
    backup_file: tuple[Path, str], stores: Stores, tmp_path: Path
) -> None:
    url = stores.new("tools")
    out = tmp_path / "db.backup"
    missing = refused(retain(url, "backup", str(out), "--pg-bin", str(tmp_path / "nowhere")))
    assert f"Error: pg_dump was not found in {tmp_path / 'nowhere'}" in missing
    _fake_tool(tmp_path / "old", "pg_dump", "9.6.24")
    old = refused(retain(url, "backup", str(out), "--pg-bin", str(tmp_path / "old")))
    assert "is version 9 and cannot dump a PostgreSQL" in old
    assert list(tmp_path.iterdir()) == [tmp_path / "old"]  # no backup, no partial file

    _fake_tool(tmp_path / "old", "pg_restore", "9.6.24")
    too_new = refused(
        retain(url, "restore", str(backup_file[0]), "--pg-bin", str(tmp_path / "old"))
    )
    assert re.search(r"was written by pg_dump \d+; \S+ is version 9", too_new), too_new
    assert tables(url) == {}
