"""Browser tests: a real `retain serve` over a small scored demo, driven by Playwright in
Debian's Chromium. The database is a temporary SQLite file, or a scratch PostgreSQL database
when the run uses PostgreSQL (RETAIN_DATABASE_URL). Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "retain-demo"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def database(tmp_path_factory: Any) -> Iterator[str]:
    """A RETAIN_DATABASE_URL of an empty store of the kind this run tests."""
    url = os.environ.get("RETAIN_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('browser') / 'retain.sqlite3'}"
        return
    import psycopg

    name = f"retain_browser_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def server(database: str, tmp_path_factory: Any) -> Iterator[str]:
    """Build a 60-account demo scored for 14 days, serve it, yield the base URL."""
    env = {**os.environ, "RETAIN_DATABASE_URL": database}
    retain = [str(Path(sys.executable).parent / "retain")]
    truth = tmp_path_factory.mktemp("truth") / "truth.json"
    build = [*retain, "demo", "--no-serve", "--accounts", "60", "--months", "12", "--seed", "7"]
    subprocess.run(
        [*build, "--score-days", "14", "--truth", str(truth)],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*retain, "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, proc, log)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _wait(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("retain serve stopped: " + log.read_text())
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("retain serve did not answer within 60 s")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (installed by `make test`). Module-scoped: the
    Playwright loop must be gone before later tests touch the database (Django refuses ORM
    calls while an event loop runs in the thread)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def sign_in(browser: Any, base: str, username: str) -> Any:
    """A new page signed in as `username` (through the login form)."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot to test-artifacts/NAME.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
