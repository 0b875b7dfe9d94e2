"""`retain check` judging the settings alone (no Django, no network)."""

from __future__ import annotations

from retain.project.check import Finding, settings_findings

GOOD_KEY = "k" * 40


def _levels(env: dict[str, str]) -> dict[str, str]:
    return {f.topic: f.level for f in settings_findings(env) if f.level != "ok"}


def test_local_defaults_have_no_error_or_warning() -> None:
    assert _levels({}) == {}


def test_a_complete_production_setup_passes() -> None:
    env = {
        "RETAIN_MODE": "production",
        "RETAIN_SECRET_KEY": GOOD_KEY,
        "RETAIN_ALLOWED_HOSTS": "retain.example.com",
        "RETAIN_TRUSTED_PROXY": "127.0.0.1",
    }
    assert _levels(env) == {}


def test_production_mistakes_are_each_named() -> None:
    env = {
        "RETAIN_MODE": "production",
        "RETAIN_SECRET_KEY": "retain-local-insecure-key-do-not-use-in-production",
        "RETAIN_ALLOWED_HOSTS": " , ",
        "RETAIN_DEBUG": "1",
        "RETAIN_HSTS_SECONDS": "0",
        "RETAIN_TIME_ZONE": "Mars/Olympus",
        "RETAIN_LOGIN_FAILURE_LIMIT": "five",
        "RETAIN_CSM_OTHER_ACCOUNTS": "all",
        "RETAIN_DATABASE_URL": "mysql://db/retain",
    }
    assert _levels(env) == {
        "RETAIN_SECRET_KEY": "error",
        "RETAIN_ALLOWED_HOSTS": "error",
        "RETAIN_DEBUG": "warning",
        "RETAIN_HSTS_SECONDS": "warning",
        "RETAIN_TIME_ZONE": "error",
        "RETAIN_LOGIN_FAILURE_LIMIT": "error",
        "RETAIN_CSM_OTHER_ACCOUNTS": "error",
        "RETAIN_DATABASE_URL": "error",
        "RETAIN_TRUSTED_PROXY": "warning",
    }


def test_an_unknown_mode_stops_the_report_at_once() -> None:
    assert settings_findings({"RETAIN_MODE": "staging"}) == [
        Finding(
            "error", "RETAIN_MODE", "RETAIN_MODE must be 'local' or 'production', not 'staging'"
        )
    ]
