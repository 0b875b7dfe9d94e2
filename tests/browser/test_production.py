"""Production mode as deployed: Chromium signs in over HTTPS through a TLS-terminating reverse
proxy in front of `retain serve` (RETAIN_MODE=production, RETAIN_TRUSTED_PROXY), and the
security headers hold: HSTS, a Content-Security-Policy no page breaks, secure cookies."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import ARGS, CHROMIUM, _free_port, _wait, shot
from tests.browser.tls_proxy import TlsProxy, self_signed

HOST = "retain.example.com"
PASSWORD = "a-long-enough-password-42"


@pytest.fixture(scope="module")
def deployed(database: str, tmp_path_factory: Any) -> Iterator[tuple[str, TlsProxy]]:
    """`retain serve` in production mode on the browser run's store, behind the TLS proxy."""
    folder = tmp_path_factory.mktemp("production")
    env = os.environ | {
        "RETAIN_DATABASE_URL": database,
        "RETAIN_MODE": "production",
        "RETAIN_SECRET_KEY": "p" * 30 + "-production-test-secret-key",
        "RETAIN_ALLOWED_HOSTS": f"{HOST},127.0.0.1",  # the second for the readiness probe
        "RETAIN_TRUSTED_PROXY": "127.0.0.1",
        "RETAIN_PASSWORD": PASSWORD,
    }
    retain = [sys.executable, "-m", "retain.cli"]
    made = subprocess.run(
        [*retain, "createuser", "ops-admin", "--role", "admin"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    port, proxy_port = _free_port(), _free_port()
    log = folder / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*retain, "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait(f"http://127.0.0.1:{port}", proc, log)
        cert, key = self_signed(folder, HOST)
        with TlsProxy(proxy_port, port, cert, key) as proxy:
            yield f"https://{HOST}:{proxy_port}", proxy
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Chromium that resolves the production host name to this machine."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[*ARGS, f"--host-resolver-rules=MAP {HOST} 127.0.0.1"],
        )
        yield b
        b.close()


def test_sign_in_over_https_through_the_proxy(
    chromium: Any, deployed: tuple[str, TlsProxy]
) -> None:
    base, proxy = deployed
    context = chromium.new_context(
        ignore_https_errors=True, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    login = page.goto(base + "/login/")
    assert login is not None
    assert login.status == 200
    page.fill("#id_username", "ops-admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    assert page.locator("header .who").inner_text().startswith("ops-admin")
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["sessionid"]["secure"]
    assert cookies["sessionid"]["httpOnly"]
    assert cookies["csrftoken"]["secure"]
    home = page.goto(base + "/")
    assert home is not None
    headers = home.headers
    assert headers["strict-transport-security"] == "max-age=31536000"
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "camera=()" in headers["permissions-policy"]
    # Every kind of page, the API's Swagger UI included, works under the policy.
    pages = ("/accounts/", "/at-risk/", "/cohorts/", "/surveys/", "/settings/", "/admin/")
    for path in (*pages, "/admin/retain/account/", "/admin/retain/user/1/change/", "/api/docs"):
        answer = page.goto(base + path)
        assert answer is not None
        assert answer.status == 200, path
        page.wait_for_load_state("networkidle")
    assert page.locator("#swagger-ui .opblock").count() > 10  # Swagger UI rendered its script
    shot(page, "production-api-docs-over-https")
    # A form post (a session write) passes the CSRF origin check over HTTPS too.
    page.goto(base + "/settings/tokens/")
    page.fill("input[name=name]", "warehouse sync")
    page.click("form[action='/settings/tokens/new/'] button[type=submit]")
    assert page.locator("text=warehouse sync").count() >= 1
    assert violations == []
    assert proxy.forwarded > 10
    context.close()


def test_repeated_wrong_passwords_lock_the_sign_in(
    chromium: Any, deployed: tuple[str, TlsProxy], database: str
) -> None:
    base, _ = deployed
    context = chromium.new_context(ignore_https_errors=True)
    page = context.new_page()
    statuses = []
    for _ in range(5):
        page.goto(base + "/login/")
        page.fill("#id_username", "ops-admin")
        page.fill("#id_password", "wrong-password")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.click("button[type=submit]")
        statuses.append(answer.value.status)
    assert statuses == [200, 200, 200, 200, 429]
    assert "Too many failed sign-ins" in page.content()
    # The right password is refused too while the lockout lasts.
    page.goto(base + "/login/")
    page.fill("#id_username", "ops-admin")
    page.fill("#id_password", PASSWORD)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("button[type=submit]")
    assert answer.value.status == 429
    shot(page, "production-locked-out")
    unlocked = subprocess.run(
        [sys.executable, "-m", "retain.cli", "unlock", "ops-admin"],
        env=os.environ | {"RETAIN_DATABASE_URL": database},
        capture_output=True,
        text=True,
        check=False,
    )
    assert unlocked.returncode == 0, unlocked.stdout + unlocked.stderr
    assert "Cleared 1 lockout record(s) for 'ops-admin'" in unlocked.stdout
    page = context.new_page()
    page.goto(base + "/login/")
    page.fill("#id_username", "ops-admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    context.close()
