"""`retain check`: what is misconfigured, before users find out. The settings are judged first
from the environment alone (so a production setup that Django would refuse still gets a full
report), then, when they allow it, the store, pending migrations, the mail server and Django's
own deployment checks."""

from __future__ import annotations

import smtplib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from retain import settings as rs
from retain.errors import ConfigurationError

Level = Literal["error", "warning", "ok"]
NON_NEGATIVE_INTEGERS = (
    "RETAIN_SQLITE_TIMEOUT",
    "RETAIN_HSTS_SECONDS",
    "RETAIN_LOGIN_FAILURE_LIMIT",
    "RETAIN_LOGIN_COOLOFF_MINUTES",
)


@dataclass(frozen=True)
class Finding:
    """One line of the report: how bad, about what, and what to do."""

    level: Level
    topic: str
    message: str


def settings_findings(env: Mapping[str, str]) -> list[Finding]:
    """Findings from the settings alone (no Django, no network)."""
    found: list[Finding] = []
    try:
        production = rs.is_production(env)
    except ConfigurationError as exc:
        return [Finding("error", "RETAIN_MODE", str(exc))]
    mode = "production" if production else "local"
    found.append(Finding("ok", "RETAIN_MODE", f"{mode} mode"))
    try:
        rs.secret_key(env)
        if production:
            found.append(Finding("ok", "RETAIN_SECRET_KEY", "set, at least 32 characters"))
        elif not rs.get("RETAIN_SECRET_KEY", env):
            found.append(
                Finding(
                    "ok",
                    "RETAIN_SECRET_KEY",
                    "local mode uses a built-in key: fine on one machine, never for a server "
                    "others reach (set RETAIN_MODE=production there)",
                )
            )
    except ConfigurationError as exc:
        found.append(Finding("error", "RETAIN_SECRET_KEY", str(exc)))
    hosts = [h.strip() for h in rs.get("RETAIN_ALLOWED_HOSTS", env).split(",") if h.strip()]
    if production and not hosts:
        found.append(Finding("error", "RETAIN_ALLOWED_HOSTS", "must name the hosts in production"))
    try:
        rs.database_config(rs.get("RETAIN_DATABASE_URL", env))
    except ConfigurationError as exc:
        found.append(Finding("error", "RETAIN_DATABASE_URL", str(exc)))
    for name in NON_NEGATIVE_INTEGERS:
        value = rs.get(name, env)
        if not value.isdigit():
            found.append(Finding("error", name, f"must be a whole number >= 0, not {value!r}"))
    if rs.get("RETAIN_LOGIN_FAILURE_LIMIT", env) == "0":
        found.append(Finding("error", "RETAIN_LOGIN_FAILURE_LIMIT", "must be at least 1"))
    try:
        zoneinfo.ZoneInfo(rs.get("RETAIN_TIME_ZONE", env))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = rs.get("RETAIN_TIME_ZONE", env)
        found.append(Finding("error", "RETAIN_TIME_ZONE", f"{zone!r} is not a known time zone"))
    policy = rs.get("RETAIN_CSM_OTHER_ACCOUNTS", env).strip().lower()
    if policy not in ("read", "hidden"):
        found.append(
            Finding(
                "error", "RETAIN_CSM_OTHER_ACCOUNTS", f"must be 'read' or 'hidden', not {policy!r}"
            )
        )
    if production:
        found.extend(_production_findings(env))
    return found


def _production_findings(env: Mapping[str, str]) -> list[Finding]:
    found: list[Finding] = []
    if rs.get("RETAIN_DEBUG", env):
        found.append(Finding("warning", "RETAIN_DEBUG", "is ignored in production mode; remove it"))
    if not rs.get("RETAIN_TRUSTED_PROXY", env).strip():
        found.append(
            Finding(
                "warning",
                "RETAIN_TRUSTED_PROXY",
                "not set: behind a TLS-terminating proxy every sign-in is refused (the "
                "browser says https, Retain sees http); name the proxy's address",
            )
        )
    if rs.get("RETAIN_HSTS_SECONDS", env) == "0":
        found.append(
            Finding("warning", "RETAIN_HSTS_SECONDS", "0: browsers are not told to keep to HTTPS")
        )
    if rs.get("RETAIN_DATABASE_URL", env).startswith("sqlite"):
        found.append(
            Finding(
                "ok",
                "RETAIN_DATABASE_URL",
                "SQLite: fine for one server; use PostgreSQL for a team that imports while "
                "others work",
            )
        )
    return found


def mail_finding(url: str, timeout: float = 3.0) -> Finding:
    """Whether the outgoing mail server answers (alerts and surveys go through it)."""
    host, _, port = url.removeprefix("smtp://").partition(":")
    try:
        with smtplib.SMTP(host, int(port or 25), timeout=timeout) as smtp:
            smtp.noop()
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Finding("warning", "RETAIN_EMAIL_URL", f"{url}: no SMTP server answers ({reason})")
    return Finding("ok", "RETAIN_EMAIL_URL", f"{url} answers")


def store_findings() -> list[Finding]:
    """The store answers, its schema is current, and Django's own checks pass."""
    from django.core import checks
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    from retain.project import bootstrap

    bootstrap.setup_django()
    label = bootstrap.database_label()
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and name != ":memory:" and not Path(name).exists():
        return [Finding("warning", "store", f"{label}: no store there yet; run `retain init`")]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except (DatabaseError, OSError) as exc:
        return [Finding("error", "store", f"{label}: cannot be opened ({exc})")]
    found = [Finding("ok", "store", f"{label} answers")]
    if pending:
        found.append(
            Finding(
                "warning",
                "store",
                f"{len(pending)} schema migration(s) not applied yet: run `retain init` "
                "(`retain serve` also applies them)",
            )
        )
    for message in checks.run_checks(include_deployment_checks=rs.is_production()):
        if message.level < checks.WARNING or message.id in _NOT_APPLICABLE:
            continue
        level: Level = "error" if message.level >= checks.ERROR else "warning"
        found.append(Finding(level, f"django {message.id}", str(message.msg)))
    return found


# Django deployment checks that do not apply to how Retain is served: TLS ends at the proxy,
# which redirects http to https (W008, SECURE_SSL_REDIRECT); HSTS has its own finding (W004);
# HSTS for subdomains and preloading commit a whole domain, the owner's call (W005, W021).
_NOT_APPLICABLE = frozenset({"security.W004", "security.W005", "security.W008", "security.W021"})
