"""The settings table: database URLs, production refusals, and docs for every setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from retain import settings as rs
from retain.errors import ConfigurationError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_default_is_a_sqlite_file_in_wal_mode(tmp_path: Path) -> None:
    config = rs.database_config(rs.get("RETAIN_DATABASE_URL", {}), tmp_path, timeout=7)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "retain.sqlite3")
    options = config["OPTIONS"]
    assert isinstance(options, dict)
    assert "journal_mode=WAL" in options["init_command"]
    assert "busy_timeout=7000" in options["init_command"]
    assert options["timeout"] == 7


def test_absolute_sqlite_path() -> None:
    assert rs.database_config("sqlite:////var/lib/r.sqlite3")["NAME"] == "/var/lib/r.sqlite3"


def test_postgresql_url_is_parsed() -> None:
    config = rs.database_config("postgresql://ann:s%40cret@db.local:5433/retain?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "ann",
        "s@cret",
        "db.local",
        "5433",
    )
    assert config["NAME"] == "retain"
    assert config["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    "url", ["mysql://x/y", "postgresql://host:5432/", "sqlite://relative.db", "nonsense"]
)
def test_bad_database_urls_are_refused_with_a_hint(url: str) -> None:
    with pytest.raises(ConfigurationError, match="RETAIN_DATABASE_URL"):
        rs.database_config(url)


def test_production_refuses_a_missing_or_weak_secret() -> None:
    with pytest.raises(ConfigurationError, match="RETAIN_SECRET_KEY"):
        rs.secret_key({"RETAIN_MODE": "production"})
    with pytest.raises(ConfigurationError, match="RETAIN_SECRET_KEY"):
        rs.secret_key({"RETAIN_MODE": "production", "RETAIN_SECRET_KEY": rs.LOCAL_SECRET_KEY})
    strong = "x" * 40
    assert rs.secret_key({"RETAIN_MODE": "production", "RETAIN_SECRET_KEY": strong}) == strong
    assert rs.secret_key({}) == rs.LOCAL_SECRET_KEY


def test_unknown_mode_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match="RETAIN_MODE"):
        rs.is_production({"RETAIN_MODE": "staging"})


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text()
    missing = [s.name for s in rs.SETTINGS if f"`{s.name}`" not in text]
    assert missing == []
