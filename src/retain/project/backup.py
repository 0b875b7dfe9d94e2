"""Backup and restore of the whole store, copied by the database itself so nothing is left out.

SQLite: the online backup API reads one consistent snapshot (WAL content included) into a
plain one-file database, and writes it back the same way. PostgreSQL: `pg_dump --format=custom`
from an exported snapshot (the row counts reported are that snapshot's), and `pg_restore` in one
transaction. A restore checks the file's kind and the target before touching anything, and goes
into an empty store only, unless forced.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retain.errors import RetainError
from retain.project import bootstrap

Status = Callable[[str], None]
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
KIND_LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Tables `retain init` fills by itself: rows there do not make a store "hold data".
SEEDED_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "retain_lifecycle_stage",
        "sqlite_sequence",
    }
)
# Every Retain store has these; a file without them is not a backup of one.
REQUIRED_TABLES = frozenset({"django_migrations", "retain_account", "retain_user"})
# Django's own connection OPTIONS that are not libpq parameters.
_DJANGO_ONLY_OPTIONS = frozenset({"isolation_level", "assume_role", "server_side_binding", "pool"})


class BackupFailed(RetainError):
    """A backup or restore was refused or failed; the store is unchanged."""


@dataclass(frozen=True)
class Summary:
    """What a backup file or a restored store holds: rows per table."""

    file: Path
    kind: str
    size: int
    rows: dict[str, int]

    @property
    def tables(self) -> int:
        """Number of tables."""
        return len(self.rows)

    @property
    def total_rows(self) -> int:
        """Rows over all tables."""
        return sum(self.rows.values())

    def line(self) -> str:
        """One line for the terminal: file, kind, size, tables, rows."""
        return (
            f"{self.file} ({KIND_LABEL[self.kind]}, {_size(self.size)}): "
            f"{self.tables} tables, {self.total_rows:,} rows"
        )


def _size(n: int) -> str:
    """A byte count for people: 812 bytes, 4.1 MB."""
    if n < 1024:
        return f"{n:,} bytes"
    value, unit = n / 1024, "KB"
    for bigger in ("MB", "GB", "TB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:,.1f} {unit}"


def _quiet(_: str) -> None:
    """The default status callback: say nothing."""


def _store() -> tuple[str, dict[str, Any]]:
    """The configured store: vendor ('sqlite' or 'postgresql') and Django's settings for it."""
    bootstrap.setup_django()
    from django.db import connection

    return connection.vendor, connection.settings_dict


def file_kind(path: Path) -> str:
    """'sqlite' or 'postgresql' by the file's first bytes; a clear error for anything else."""
    if not path.is_file():
        raise BackupFailed(f"{path}: no such file")
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupFailed(
        f"{path} is not a Retain backup (neither a SQLite database nor a pg_dump custom-format "
        "archive, the two kinds `retain backup` writes)"
    )


def held_data(rows: dict[str, int]) -> dict[str, int]:
    """The tables with rows beyond what `retain init` puts in an empty store."""
    return {t: n for t, n in rows.items() if n and t.rsplit(".", 1)[-1] not in SEEDED_TABLES}


def _refuse_non_empty(rows: dict[str, int], where: str) -> None:
    held = held_data(rows)
    if held:
        some = ", ".join(
            f"{t}: {n:,} row{'s' if n != 1 else ''}" for t, n in sorted(held.items())[:3]
        )
        more = f", and {len(held) - 3} more tables" if len(held) > 3 else ""
        raise BackupFailed(
            f"the store {where} already holds data ({some}{more}): restore into an empty "
            "store, or add --force to replace everything in it"
        )


def _partial(target: Path) -> Path:
    """A temporary name next to `target`: a backup appears under its name only when complete."""
    if not target.parent.is_dir():
        raise BackupFailed(f"{target}: the folder {target.parent} does not exist")
    return target.with_name(f".{target.name}.partial-{os.getpid()}")


# --- backup ---------------------------------------------------------------------------------


def backup(target: Path, pg_bin: Path | None = None, status: Status = _quiet) -> Summary:
    """Write a complete, consistent backup of the configured store to `target` (replaced
    atomically if it exists); safe while the server writes."""
    vendor, db = _store()
    if vendor == "sqlite":
        return _sqlite_backup(_sqlite_path(db), target, int(db["OPTIONS"]["timeout"]), status)
    return _pg_backup(db, target, pg_bin, status)


def _sqlite_path(db: dict[str, Any]) -> Path:
    name = str(db["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupFailed(f"the store {name} is in memory: there is no file to back up")
    return Path(name)


def _sqlite_backup(store: Path, target: Path, timeout: int, status: Status) -> Summary:
    if not store.is_file():
        raise BackupFailed(f"there is no SQLite store at {store}: nothing to back up")
    if target.exists() and target.resolve() == store.resolve():
        raise BackupFailed(f"{target} is the store itself: give another file name")
    partial = _partial(target)
    status(f"Copying SQLite {store} ({_size(store.stat().st_size)})…")
    source = sqlite3.connect(store, timeout=timeout)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)  # one step: one read transaction, so one consistent snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
        rows = _sqlite_rows(copy)
        copy.close()
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupFailed(f"backup of {store} failed: {exc}") from exc
    finally:
        source.close()
        copy.close()
        partial.unlink(missing_ok=True)
    return Summary(target, "sqlite", target.stat().st_size, rows)


def _sqlite_rows(con: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    ]
    return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}


def _pg_backup(db: dict[str, Any], target: Path, pg_bin: Path | None, status: Status) -> Summary:
    import psycopg

    pg_dump, dump_major = _tool("pg_dump", pg_bin)
    conninfo, env = _pg_conninfo(db)
    partial = _partial(target)
    try:
        with psycopg.connect(conninfo, password=db["PASSWORD"] or None) as con:
            con.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            con.read_only = True
            server = _server_major(con)
            if dump_major < server:
                raise BackupFailed(
                    f"{pg_dump} is version {dump_major} and cannot dump a PostgreSQL {server} "
                    f"server: install the PostgreSQL {server} client "
                    f"(postgresql-client-{server}) and give --pg-bin its folder"
                )
            row = con.execute("SELECT pg_export_snapshot()").fetchone()
            assert row is not None
            status("Counting rows…")
            rows = _pg_rows(con)
            cmd = [pg_dump, "--format=custom", f"--snapshot={row[0]}", "--verbose"]
            _run(
                [*cmd, f"--file={partial}", f"--dbname={conninfo}"],
                env,
                status,
                r'dumping contents of table "(.+)"',
                "pg_dump",
            )
            con.rollback()
        os.replace(partial, target)
    except psycopg.Error as exc:
        raise BackupFailed(f"backup of PostgreSQL {db['NAME']} failed: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return Summary(target, "postgresql", target.stat().st_size, rows)


def _tool(name: str, pg_bin: Path | None) -> tuple[str, int]:
    """The path and major version of a PostgreSQL client program."""
    found = str(pg_bin / name) if pg_bin else shutil.which(name)
    if not found or not os.access(found, os.X_OK):
        where = f"in {pg_bin}" if pg_bin else "on PATH"
        raise BackupFailed(
            f"{name} was not found {where}: install the PostgreSQL client of your server's "
            "version (e.g. apt-get install postgresql-client-15), or give --pg-bin its folder"
        )
    out = subprocess.run(
        [found, "--version"], check=False, capture_output=True, text=True, timeout=30
    )
    match = re.search(r"\)\s*(\d+)", out.stdout)
    if out.returncode or not match:
        raise BackupFailed(f"{found} --version did not answer a version: {out.stdout.strip()!r}")
    return found, int(match.group(1))


def _server_major(con: Any) -> int:
    row = con.execute("SELECT current_setting('server_version_num')::int / 10000").fetchone()
    return int(row[0])


def _pg_conninfo(db: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the store (no password: that goes in PGPASSWORD)."""
    from psycopg.conninfo import make_conninfo

    params = {"dbname": db["NAME"], "host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    params |= {k: v for k, v in db["OPTIONS"].items() if k not in _DJANGO_ONLY_OPTIONS}
    env = dict(os.environ)
    if db["PASSWORD"]:
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return make_conninfo(**{k: str(v) for k, v in params.items() if v}), env


def _pg_rows(con: Any) -> dict[str, int]:
    """Rows per table of every schema but PostgreSQL's own ('public.' left off)."""
    tables = con.execute(
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
    ).fetchall()
    out = {}
    for schema, table in tables:
        name = table if schema == "public" else f"{schema}.{table}"
        out[name] = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
    return out


def _run(cmd: list[str], env: dict[str, str], status: Status, table_re: str, name: str) -> None:
    """Run a pg_dump/pg_restore with --verbose, showing each table as it goes; on failure the
    first error line it printed."""
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:
        lines.append(line.rstrip())
        match = re.search(table_re, line)
        if match:
            status(f"{name}: {match.group(1).removeprefix('public.')}")
    if proc.wait():
        errors = [x for x in lines if "error" in x.lower()] or lines or ["(no output)"]
        raise BackupFailed(f"{name} failed: {errors[0]}")


# --- restore --------------------------------------------------------------------------------


def restore(
    source: Path, force: bool = False, pg_bin: Path | None = None, status: Status = _quiet
) -> Summary:
    """Restore a `retain backup` file into the configured store, which must be empty unless
    `force` (then everything in it is replaced); then migrate it to this Retain's schema."""
    kind = file_kind(source)
    vendor, db = _store()
    if kind != vendor:
        raise BackupFailed(
            f"{source} is a {KIND_LABEL[kind]} backup but the store is {KIND_LABEL[vendor]}: "
            f"restore it into a {KIND_LABEL[kind]} store (RETAIN_DATABASE_URL), or move the "
            "data across with `retain export` and `retain import all`"
        )
    if vendor == "sqlite":
        target = _sqlite_path(db)
        _sqlite_restore(source, target, force, int(db["OPTIONS"]["timeout"]), status)
    else:
        _pg_restore(source, db, force, pg_bin, status)
    from django.db import connection

    connection.close()
    status("Migrating to this version's schema…")
    bootstrap.migrate()
    connection.ensure_connection()
    raw = connection.connection
    rows = _sqlite_rows(raw) if vendor == "sqlite" else _pg_rows(raw)
    return Summary(source, kind, source.stat().st_size, rows)


def _check_retain_tables(source: Path, tables: Iterable[str]) -> None:
    missing = REQUIRED_TABLES - set(tables)
    if missing:
        raise BackupFailed(
            f"{source} is not a backup of a Retain store (no {', '.join(sorted(missing))} table)"
        )


def _sqlite_restore(source: Path, target: Path, force: bool, timeout: int, status: Status) -> None:
    if target.exists() and target.resolve() == source.resolve():
        raise BackupFailed(f"{source} is the store itself")
    status(f"Checking {source}…")
    uri = f"file:{urllib.parse.quote(str(source.resolve()))}?mode=ro"
    try:
        backup_db = sqlite3.connect(uri, uri=True)
        check = backup_db.execute("PRAGMA quick_check").fetchone()[0]
        names = [r[0] for r in backup_db.execute("SELECT name FROM sqlite_master").fetchall()]
    except sqlite3.Error as exc:
        raise BackupFailed(f"{source} cannot be read as a SQLite database: {exc}") from exc
    try:
        if check != "ok":
            raise BackupFailed(f"{source} is damaged (SQLite quick_check: {check})")
        _check_retain_tables(source, names)
        if not target.parent.is_dir():
            raise BackupFailed(f"the store's folder {target.parent} does not exist")
        store = sqlite3.connect(target, timeout=timeout)
        try:
            if not force:
                _refuse_non_empty(_sqlite_rows(store), f"SQLite {target}")
            status(f"Restoring into SQLite {target}…")
            backup_db.backup(store)  # one step, in one write transaction on the store
        except sqlite3.DatabaseError as exc:
            raise BackupFailed(f"restore into {target} failed: {exc}") from exc
        finally:
            store.close()
    finally:
        backup_db.close()


def _pg_restore(
    source: Path, db: dict[str, Any], force: bool, pg_bin: Path | None, status: Status
) -> None:
    from django.db import connection

    pg_restore, restore_major = _tool("pg_restore", pg_bin)
    conninfo, env = _pg_conninfo(db)
    status(f"Checking {source}…")
    listing = subprocess.run(
        [pg_restore, "--list", str(source)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if listing.returncode:
        first = (listing.stderr.strip().splitlines() or ["(no output)"])[0]
        raise BackupFailed(f"{source} cannot be read by {pg_restore}: {first}")
    dumped = re.search(r"Dumped by pg_dump version: (\d+)", listing.stdout)
    if dumped and int(dumped.group(1)) > restore_major:
        raise BackupFailed(
            f"{source} was written by pg_dump {dumped.group(1)}; {pg_restore} is version "
            f"{restore_major}: give --pg-bin the folder of a pg_restore {dumped.group(1)} or later"
        )
    archived = {
        t if s == "public" else f"{s}.{t}"
        for s, t in re.findall(r"TABLE DATA (\S+) (\S+) ", listing.stdout)
    }
    _check_retain_tables(source, archived)
    connection.ensure_connection()
    present = _pg_rows(connection.connection)
    if not force:
        _refuse_non_empty(present, bootstrap.database_label())
    extra = set(present) - archived
    if extra:
        raise BackupFailed(
            f"the store has tables the backup does not ({', '.join(sorted(extra)[:4])}): the "
            "backup is from an older Retain; restore it into a new, empty database"
        )
    connection.close()
    status(f"Restoring into {bootstrap.database_label()}…")
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--verbose",
            f"--dbname={conninfo}",
            str(source),
        ],
        env,
        status,
        r'processing data for table "(.+)"',
        "pg_restore",
    )
