"""Operations commands and the admin: init, createuser, serve, one page per entity."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from typer.testing import CliRunner

from retain.app import models as m
from retain.cli.main import app

pytestmark = pytest.mark.django_db


def test_createuser_with_role() -> None:
    result = CliRunner().invoke(
        app,
        ["createuser", "ann", "--role", "manager", "--email", "ann@example.com"],
        env={"RETAIN_PASSWORD": "a-long-enough-password"},
    )
    assert result.exit_code == 0, result.output
    user = m.User.objects.get(username="ann")
    assert (user.role, user.is_staff, user.is_superuser) == ("manager", True, False)
    assert user.check_password("a-long-enough-password")


def test_store_commands_work_in_a_fresh_process(tmp_path: Path) -> None:
    """In a new process Django is not set up yet: every store command must open the store
    itself (`@needs_store`), and a Retain error is one line with exit code 1."""
    env = {**os.environ, "RETAIN_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    env["RETAIN_PASSWORD"] = "a-long-enough-password"

    def retain(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "retain.cli", *args]
        return subprocess.run(
            cmd, check=False, env=env, capture_output=True, text=True, timeout=120
        )

    made = retain("createuser", "zed", "--role", "admin")
    assert made.returncode == 0, made.stdout + made.stderr
    assert "Created zed" in made.stdout
    again = retain("createuser", "zed", "--role", "admin")
    assert again.returncode == 1
    assert "Error: a user named 'zed' already exists" in again.stdout
    assert "Traceback" not in again.stdout + again.stderr
    token = retain("tokens", "create", "--user", "zed")
    assert token.returncode == 0, token.stdout + token.stderr
    assert token.stdout.strip().splitlines()[-1].startswith("rtn_")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bob", "--role", "wizard"], "unknown role"),
        (["bob", "--role", "csm"], "password rejected"),
    ],
)
def test_createuser_refuses_bad_input(args: list[str], message: str) -> None:
    password = "a-long-enough-password" if "wizard" in args else "123"
    result = CliRunner().invoke(app, ["createuser", *args], env={"RETAIN_PASSWORD": password})
    assert result.exit_code == 1
    assert message in result.output
    assert not m.User.objects.filter(username="bob").exists()


def test_admin_lists_every_entity() -> None:
    admin = m.User.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    account = m.Account.objects.create(external_id="a1", name="Acme", custom_attributes={"n": 1})
    m.Contact.objects.create(external_id="u1", account=account, name="Ann")
    client = Client()
    client.force_login(admin)
    for model in apps.get_app_config("retain").get_models():
        url = f"/admin/retain/{model._meta.model_name}/"
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/admin/retain/account/?q=Acme").content.decode()
    assert "Acme" in page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    env = os.environ | {"RETAIN_DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3"}
    cmd = [sys.executable, "-m", "retain.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/healthz", proc)
        assert body == "ok"
        login = _get_when_up(f"http://127.0.0.1:{port}/admin/login/", proc)
        assert "Retain administration" in login
        css = _get_when_up(f"http://127.0.0.1:{port}/static/admin/css/base.css", proc)
        assert "body" in css  # static files are served by Retain itself, no CDN
    finally:
        proc.terminate()
        proc.communicate(timeout=10)  # also closes the output pipe


def _get_when_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                if proc.poll() is None:  # stop it first: reading a live server's output blocks
                    proc.terminate()
                out = proc.communicate(timeout=10)[0].decode()
                raise AssertionError(f"server did not answer {url}: {out}") from None
            time.sleep(0.2)


def test_demo_refuses_to_replace_data_it_did_not_build() -> None:
    m.Account.objects.create(external_id="real-customer", name="Real Customer")
    result = CliRunner().invoke(app, ["demo", "--accounts", "3", "--months", "2", "--no-serve"])
    assert result.exit_code == 1
    assert "did not build" in result.output
    assert m.Account.objects.filter(external_id="real-customer").exists()


def test_demo_rejects_a_bad_end_date() -> None:
    result = CliRunner().invoke(app, ["demo", "--end-date", "2026-13-01", "--no-serve"])
    assert result.exit_code == 2
    assert "--end-date" in result.output


def _proxied(port: int, method: str, path: str, headers: dict[str, str], body: str = "") -> Any:
    """A request as a TLS-terminating proxy on this machine forwards it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.mark.parametrize(("trusted", "status"), [("127.0.0.1", 302), ("", 403)])
def test_production_sign_in_behind_a_tls_proxy(tmp_path: Path, trusted: str, status: int) -> None:
    """Production mode behind a proxy that terminates TLS: with the proxy trusted, sign-in
    passes the CSRF origin check; without it, Django sees plain HTTP and refuses the POST."""
    host = "retain.example.com"
    env = os.environ | {
        "RETAIN_DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
        "RETAIN_MODE": "production",
        "RETAIN_SECRET_KEY": "s" * 20 + "-a-long-test-secret-key",
        "RETAIN_ALLOWED_HOSTS": f"{host},127.0.0.1",
        "RETAIN_TRUSTED_PROXY": trusted,
        "RETAIN_PASSWORD": "a-long-enough-password",
    }
    made = subprocess.run(
        [sys.executable, "-m", "retain.cli", "createuser", "pat", "--role", "admin"],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    port = _free_port()
    cmd = [sys.executable, "-m", "retain.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _get_when_up(f"http://127.0.0.1:{port}/healthz", proc)
        forwarded = {"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        form = _proxied(port, "GET", "/login/", forwarded)
        assert form.status == 200
        cookie = form.getheader("Set-Cookie") or ""
        token = cookie.split("csrftoken=")[1].split(";")[0]
        assert "Secure" in cookie
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "pat", "password": "a-long-enough-password"}
        )
        posted = _proxied(
            port,
            "POST",
            "/login/",
            forwarded
            | {
                "Cookie": f"csrftoken={token}",
                "Origin": f"https://{host}",
                "Referer": f"https://{host}/login/",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            body,
        )
        assert posted.status == status
        if status == 302:
            assert "sessionid=" in (posted.getheader("Set-Cookie") or "")
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_a_refused_setting_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    env = os.environ | {
        "RETAIN_DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3",
        "RETAIN_MODE": "production",
        "RETAIN_SECRET_KEY": "too-short",
        "RETAIN_ALLOWED_HOSTS": "retain.example.com",
    }
    cmd = [sys.executable, "-m", "retain.cli", "serve", "--port", str(_free_port())]
    ran = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert ran.returncode == 1
    assert "Traceback" not in ran.stdout + ran.stderr
    assert ran.stderr.startswith("Error: RETAIN_SECRET_KEY must be set")


def test_check_reports_misconfiguration(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/c.sqlite3"
    base = os.environ | {"RETAIN_DATABASE_URL": store, "COLUMNS": "200"}
    check = [sys.executable, "-m", "retain.cli", "check", "--no-mail"]

    def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            check, env=env, capture_output=True, text=True, timeout=120, check=False
        )

    fresh = run(base)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "no store there yet; run `retain init`" in fresh.stdout
    subprocess.run([sys.executable, "-m", "retain.cli", "init"], env=base, check=True, timeout=120)
    ready = run(base)
    assert ready.returncode == 0
    assert "0 error(s), 0 warning(s)." in ready.stdout
    cmd = [sys.executable, "-m", "retain.cli", "score", "--days", "3"]
    empty = subprocess.run(cmd, env=base, capture_output=True, text=True, timeout=120, check=False)
    assert empty.returncode == 1
    assert empty.stderr.startswith("Error: no subscriptions yet")
    assert "Traceback" not in empty.stdout + empty.stderr
    wrong = run(base | {"RETAIN_MODE": "production", "RETAIN_SECRET_KEY": "short"})
    assert wrong.returncode == 1
    assert "RETAIN_SECRET_KEY" in wrong.stdout
    assert "RETAIN_ALLOWED_HOSTS" not in wrong.stdout  # default hosts are set
    assert "RETAIN_TRUSTED_PROXY" in wrong.stdout
    assert "1 error(s), 1 warning(s)." in wrong.stdout


def test_import_and_export_round_trip_in_fresh_processes(tmp_path: Path) -> None:
    """As a user runs them: init, import all, export, import that export into a second store,
    export again: the two exports are byte-identical (SQLite files: the commands, not the store, are under test here)."""
    root = Path(__file__).resolve().parents[2]

    def retain(store: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = os.environ | {"RETAIN_DATABASE_URL": store}
        cmd = [sys.executable, "-m", "retain.cli", *args]
        ran = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        return ran

    first, second = (f"sqlite:///{tmp_path}/{n}.sqlite3" for n in ("first", "second"))
    retain(first, "init")
    loaded = retain(first, "import", "all", str(root / "examples" / "import"))
    assert "accounts" in loaded.stdout
    retain(first, "export", str(tmp_path / "out1"))
    retain(second, "import", "all", str(tmp_path / "out1"))
    retain(second, "export", str(tmp_path / "out2"))
    files = sorted(p.name for p in (tmp_path / "out1").iterdir())
    assert len(files) >= 20
    assert "accounts.csv" in files
    for name in files:
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()
