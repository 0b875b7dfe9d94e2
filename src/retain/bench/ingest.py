"""`retain bench ingest`: drive `retain serve` over loopback and compare with a direct insert.

The workload: `accounts` accounts with 10 users each (identified and grouped first, untimed),
then N track events in batches of B, posted by C concurrent keep-alive clients. Bodies are
encoded before the clock starts, so the figure is the server's. The baseline writes the same
events (other message ids) straight into the store in one process, the same run, the same
database. Everything the benchmark wrote is deleted afterwards.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from typing import IO, Any
from urllib.parse import urlsplit

from django.db import transaction

from retain.app.models import Account, Contact, Event, Source, UsageDaily
from retain.bench.timing import Clock, Timing
from retain.core.tracking import validate_batch
from retain.ingest import service, sources

NAMES = ("report_created", "dashboard_viewed", "export_run", "invite_sent", "login")
USERS_PER_ACCOUNT = 10


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    port: int, threads: int, env: dict[str, str] | None = None, log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """`retain serve` in a subprocess (its output to `log`), returned once /healthz answers."""
    cmd = [sys.executable, "-m", "retain.cli", "serve", "--port", str(port)]
    cmd += ["--threads", str(threads)]
    out = log if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, env=env or dict(os.environ), stdout=out, stderr=out)
    wait_until_up(f"http://127.0.0.1:{port}", proc, log)
    return proc


def wait_until_up(
    url: str, proc: subprocess.Popen[bytes], log: IO[bytes] | None = None, timeout: float = 60
) -> None:
    """Poll `url`/healthz until it answers; fail with the server's output if it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = ""
            if log is not None:
                log.seek(0)
                output = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"retain serve exited with {proc.returncode}: {output}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"retain serve did not answer on {url} within {timeout:.0f} s")


def track_messages(run: str, events: int, accounts: int, prefix: str = "") -> list[dict[str, Any]]:
    """`events` track messages spread over the run's users, names and the last 30 days."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    users = accounts * USERS_PER_ACCOUNT
    return [
        {
            "type": "track",
            "messageId": f"{run}-{prefix}{i}",
            "userId": f"{run}-u{i % users}",
            "event": NAMES[i % len(NAMES)],
            "timestamp": (start + dt.timedelta(seconds=i * 37 % 2_592_000)).isoformat(),
            "properties": {"plan": "pro", "seats": i % 50, "source": "bench"},
            "context": {"library": {"name": "retain-bench", "version": "1"}},
        }
        for i in range(events)
    ]


def setup_messages(run: str, accounts: int) -> list[dict[str, Any]]:
    """identify and group calls that put each user of the run in an account."""
    out: list[dict[str, Any]] = []
    for u in range(accounts * USERS_PER_ACCOUNT):
        user, group = f"{run}-u{u}", f"{run}-a{u // USERS_PER_ACCOUNT}"
        out.append({"type": "identify", "messageId": f"{user}-i", "userId": user, "traits": {}})
        out.append({"type": "group", "messageId": f"{user}-g", "userId": user, "groupId": group})
    return out


def bodies(messages: list[dict[str, Any]], batch: int) -> list[bytes]:
    """Batch request bodies, encoded ahead of time."""
    sent_at = dt.datetime.now(dt.UTC).isoformat()
    return [
        json.dumps({"batch": messages[i : i + batch], "sentAt": sent_at}).encode()
        for i in range(0, len(messages), batch)
    ]


def post_all(url: str, key: str, payloads: list[bytes], clients: int) -> list[float]:
    """POST every body to /v1/batch from `clients` keep-alive connections; request latencies."""
    parts = urlsplit(url)
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    headers = {"Content-Type": "application/json", "Authorization": auth}
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    work = iter(payloads)

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
        while True:
            with lock:
                body = next(work, None)
            if body is None or errors:
                break
            began = time.perf_counter()
            conn.request("POST", "/v1/batch", body, headers)
            response = conn.getresponse()
            answer = response.read()
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(f"{response.status}: {answer[:300]!r}")
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"the server refused a batch: {errors[0]}")
    return latencies


def baseline(messages: list[dict[str, Any]], batch: int) -> Timing:
    """The same events written in-process: validation and the store's bulk insert, no HTTP."""
    now = dt.datetime.now(dt.UTC)
    clock = Clock()
    chunk = max(batch, 5_000)
    for i in range(0, len(messages), chunk):
        validated = validate_batch({"batch": messages[i : i + chunk]}, now)
        with transaction.atomic():
            service.store_messages(validated.accepted, now)
    return clock.timing("direct bulk insert (baseline)", len(messages))


def over_http(
    run: str, url: str | None, messages: list[dict[str, Any]], clients: int, batch: int
) -> Timing:
    """Post the events to a running server at `url`, or to one started for the run."""
    source, key = sources.create(f"bench-{run}")
    label = f"HTTP, {clients} clients, batches of {batch}"
    proc = None
    try:
        if url is None:
            port = free_port()
            proc = start_server(port, max(4, clients))
            url = f"http://127.0.0.1:{port}"
        payloads = bodies(messages, batch)
        clock = Clock()
        latencies = post_all(url, key, payloads, clients)
        figures = clock.timing(label, len(messages), latencies)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        source.delete()
    return figures


def cleanup(run: str) -> None:
    """Delete everything the run wrote."""
    Event.objects.filter(user_id__startswith=f"{run}-").delete()
    UsageDaily.objects.filter(contact__external_id__startswith=f"{run}-").delete()
    Contact.objects.filter(external_id__startswith=f"{run}-").delete()
    Account.objects.filter(external_id__startswith=f"{run}-").delete()
    Source.objects.filter(name=f"bench-{run}").delete()


def run_bench(events: int, clients: int, batch: int, url: str | None = None) -> list[Timing]:
    """Benchmark HTTP ingestion against the same-run baseline; cleans up after itself."""
    run = "bench" + secrets.token_hex(4)
    accounts = max(1, min(200, events // 1_000))
    try:
        now = dt.datetime.now(dt.UTC)
        with transaction.atomic():
            service.store_messages(
                validate_batch({"batch": setup_messages(run, accounts)}, now).accepted, now
            )
        tracks = track_messages(run, events, accounts)
        http_figures = over_http(run, url, tracks, clients, batch)
        base = baseline(track_messages(run, events, accounts, prefix="base-"), batch)
    finally:
        cleanup(run)
    return [http_figures, base]
