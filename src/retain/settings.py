"""One table of Retain's settings: name, default, help.

The table feeds the Django settings, the CLI (`retain settings`) and the docs; a test checks
that every setting is documented in docs/configuration.md.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from retain.errors import ConfigurationError

__all__ = ["SETTINGS", "Setting", "database_config", "get", "is_production"]


@dataclass(frozen=True)
class Setting:
    """A setting read from the environment variable of the same name."""

    name: str
    default: str
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "RETAIN_DATABASE_URL",
        "sqlite:///retain.sqlite3",
        "The store: `sqlite:///relative/path.sqlite3`, `sqlite:////absolute/path.sqlite3` or "
        "`postgresql://user:password@host:5432/dbname`.",
    ),
    Setting(
        "RETAIN_MODE",
        "local",
        "`local` (safe defaults for one machine) or `production` (refuses insecure defaults).",
    ),
    Setting(
        "RETAIN_SECRET_KEY",
        "",
        "Django secret key. Required in production; a fixed local key is used otherwise.",
        secret=True,
    ),
    Setting(
        "RETAIN_ALLOWED_HOSTS",
        "127.0.0.1,localhost",
        "Comma-separated host names the web app answers to. Required in production.",
    ),
    Setting(
        "RETAIN_TRUSTED_PROXY",
        "",
        "Address of the TLS-terminating reverse proxy in front of `retain serve` (e.g. "
        "`127.0.0.1`): its X-Forwarded-Proto/-Host/-For headers are trusted, so sign-in and "
        "forms work over HTTPS; the same headers from anyone else are dropped.",
    ),
    Setting("RETAIN_DEBUG", "", "Set to 1 for Django debug pages (never in production)."),
    Setting(
        "RETAIN_HSTS_SECONDS",
        "31536000",
        "Production only: how long browsers must use HTTPS for this host "
        "(Strict-Transport-Security max-age, sent on HTTPS answers); 0 turns it off.",
    ),
    Setting(
        "RETAIN_LOGIN_FAILURE_LIMIT",
        "5",
        "Failed sign-ins in a row (same user name from the same address) before that pair is "
        "locked out; the web login and the Django admin login count together.",
    ),
    Setting(
        "RETAIN_LOGIN_COOLOFF_MINUTES",
        "15",
        "Minutes a locked-out user name and address must wait before trying again.",
    ),
    Setting(
        "RETAIN_SQLITE_TIMEOUT",
        "20",
        "Seconds a SQLite writer waits for a lock before failing (busy timeout).",
    ),
    Setting("RETAIN_TIME_ZONE", "UTC", "Time zone used to show dates and bucket days."),
    Setting(
        "RETAIN_EMAIL_URL",
        "smtp://127.0.0.1:25",
        "Outgoing mail server as `smtp://host:port` (alerts, surveys).",
    ),
    Setting("RETAIN_DEFAULT_FROM_EMAIL", "retain@localhost", "Sender address of Retain's mail."),
    Setting(
        "RETAIN_CSM_OTHER_ACCOUNTS",
        "read",
        "What a CSM sees of accounts outside their book: `read` (read-only) or `hidden`.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}
LOCAL_SECRET_KEY = "retain-local-insecure-key-do-not-use-in-production"


def get(name: str, env: Mapping[str, str] | None = None) -> str:
    """The value of setting `name` from `env` (default: the process environment)."""
    env = os.environ if env is None else env
    value = env.get(name, "")
    return value if value != "" else _BY_NAME[name].default


def is_production(env: Mapping[str, str] | None = None) -> bool:
    """True when RETAIN_MODE is `production`; any other value but `local` is an error."""
    mode = get("RETAIN_MODE", env).strip().lower()
    if mode not in ("local", "production"):
        raise ConfigurationError(f"RETAIN_MODE must be 'local' or 'production', not {mode!r}")
    return mode == "production"


def secret_key(env: Mapping[str, str] | None = None) -> str:
    """The secret key; production without one (or with the local key) is refused."""
    key = get("RETAIN_SECRET_KEY", env)
    if is_production(env) and (not key or key == LOCAL_SECRET_KEY or len(key) < 32):
        raise ConfigurationError(
            "RETAIN_SECRET_KEY must be set to a random string of at least 32 characters in "
            "production, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return key or LOCAL_SECRET_KEY


def database_config(url: str, base_dir: Path | None = None, timeout: int = 20) -> dict[str, Any]:
    """Django DATABASES['default'] for a `sqlite:///` or `postgresql://` URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        return _sqlite_config(url, base_dir or Path.cwd(), timeout)
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return _postgres_config(url)
    raise ConfigurationError(
        f"RETAIN_DATABASE_URL {url!r} is not supported: use sqlite:///file.sqlite3 "
        "or postgresql://user@host:5432/dbname"
    )


def _sqlite_config(url: str, base_dir: Path, timeout: int) -> dict[str, Any]:
    path = url[len("sqlite://") :]
    if not path.startswith("/") or path == "/":
        raise ConfigurationError(f"RETAIN_DATABASE_URL {url!r}: expected sqlite:///file.sqlite3")
    path = path[1:]  # sqlite:///rel -> rel, sqlite:////abs -> /abs
    name = path if path == ":memory:" else str((base_dir / path).resolve())
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        # synchronous=FULL: in WAL mode each commit is synced to disk, so an acknowledged write
        # survives a power cut, not only a killed process (NORMAL may lose the last commits).
        "OPTIONS": {
            "timeout": timeout,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                f" PRAGMA busy_timeout={timeout * 1000};"
            ),
        },
        # Tests that read the store from another connection (engines) need a file.
        "TEST": {"NAME": os.path.join(tempfile.gettempdir(), f"retain-test-{os.getpid()}.sqlite3")},
    }


def _postgres_config(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ConfigurationError(f"RETAIN_DATABASE_URL {url!r}: the database name is missing")
    options = dict(parse_qsl(parts.query))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": 60,
    }
