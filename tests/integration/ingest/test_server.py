"""`retain serve` on loopback, driven by the official Segment client and by a crash."""

from __future__ import annotations

import base64
import http.client
import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from segment.analytics import Client
from segment.analytics import request as segment_request

from retain.app import models as m
from retain.ingest import sources

from .conftest import Server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def segment_session() -> Iterator[None]:
    """The Segment client keeps one module-wide HTTP session: close its sockets after use."""
    yield
    segment_request._session.close()


@pytest.mark.usefixtures("segment_session")
def test_segment_client_messages_arrive_once(server: Server) -> None:
    key = sources.create("segment-python")[1]
    errors: list[Exception] = []
    client = Client(key, host=server.url, sync_mode=True, on_error=lambda e, _: errors.append(e))
    client.track("early", "report_created", {"n": 0}, message_id="e0")
    client.identify("early", {"name": "Eve", "email": "eve@example.com"}, message_id="i0")
    client.group("early", "acme", {"name": "Acme", "employees": 120}, message_id="g0")
    for n in range(1, 6):
        client.track("early", "report_created", {"n": n}, message_id=f"t{n}")
    gzipped = Client(key, host=server.url, sync_mode=True, gzip=True)
    gzipped.page("early", name="Pricing", message_id="p0")
    gzipped.screen("early", name="Home", message_id="s0")
    assert not errors

    acme = m.Account.objects.get(external_id="acme")
    assert acme.custom_attributes == {"name": "Acme", "employees": 120}
    eve = m.Contact.objects.get(external_id="early")
    assert (eve.name, eve.email, eve.account) == ("Eve", "eve@example.com", acme)
    ids = sorted(acme.events.values_list("message_id", flat=True))
    assert ids == ["e0", "g0", "i0", "p0", "s0", "t1", "t2", "t3", "t4", "t5"]
    assert sorted(m.Event.objects.values_list("type", flat=True).distinct()) == [
        "group",
        "identify",
        "page",
        "screen",
        "track",
    ]
    assert sum(acme.usage_daily.values_list("count", flat=True)) == 6
    _shows_on_the_timeline(acme)

    before = (m.Event.objects.count(), list(m.UsageDaily.objects.values_list("id", "count")))
    client.track("early", "report_created", {"n": 1}, message_id="t1")  # a retry
    body = {
        "batch": [
            {"type": "track", "messageId": f"t{n}", "userId": "early", "event": "x"}
            for n in range(1, 6)
        ]
    }
    for _ in range(2):
        assert _post(server.url, key, json.dumps(body).encode())[0] == 200
    after = (m.Event.objects.count(), list(m.UsageDaily.objects.values_list("id", "count")))
    assert after == before


def _shows_on_the_timeline(account: m.Account) -> None:
    """The account page's timeline shows the day's product use and the identify call."""
    from django.test import Client as WebClient

    admin = m.User.objects.create_user("timeline-admin", password="x" * 12, role="admin")
    web = WebClient()
    web.force_login(admin)
    page = web.get(f"/accounts/{account.pk}/").content.decode()
    assert "6 product events by 1 person" in page
    assert "Eve identified" in page
    assert "linked to this account (group call)" in page


def _post(url: str, key: str, body: bytes) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{url}/v1/batch",
        body,
        headers={
            "Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode(),
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


EVENTS, BATCH, CLIENTS, USERS = 100_000, 100, 4, 50


def _batches() -> list[tuple[list[str], bytes]]:
    out = []
    for start in range(0, EVENTS, BATCH):
        msgs = [
            {
                "type": "track",
                "messageId": f"c{i}",
                "userId": f"u{i % USERS}",
                "event": ("login", "export_run")[i % 2],
                "timestamp": f"2026-02-{1 + i % 28:02d}T12:00:00Z",
            }
            for i in range(start, start + BATCH)
        ]
        out.append(([x["messageId"] for x in msgs], json.dumps({"batch": msgs}).encode()))
    return out


class _RetryingClient(threading.Thread):
    """Posts its batches; on a refused connection, a reset or a 5xx it retries the same one."""

    def __init__(self, server: Server, key: str, work: list[tuple[list[str], bytes]]) -> None:
        super().__init__()
        self.server, self.work, self.acked = server, work, []  # type: list[str]
        self.headers = {
            "Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode(),
            "Content-Type": "application/json",
        }
        self.failures = 0

    def run(self) -> None:
        self.conn: http.client.HTTPConnection | None = None
        try:
            self._post_all()
        finally:
            if self.conn is not None:
                self.conn.close()

    def _post_all(self) -> None:
        for ids, body in self.work:
            while True:
                try:
                    if self.conn is None:
                        self.conn = http.client.HTTPConnection("127.0.0.1", self.server.port, 30)
                    self.conn.request("POST", "/v1/batch", body, self.headers)
                    response = self.conn.getresponse()
                    response.read()
                    if response.status == 200:
                        self.acked += ids
                        break
                    assert response.status >= 500, response.status
                except (OSError, http.client.HTTPException):  # refused, reset, cut mid-answer
                    pass
                self.failures += 1
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                time.sleep(0.05)


def test_kill_9_loses_no_acknowledged_message(server: Server) -> None:
    key = sources.create("crash")[1]
    setup = [
        {"type": "group", "messageId": f"g{u}", "userId": f"u{u}", "groupId": f"a{u % 5}"}
        for u in range(USERS)
    ]
    assert _post(server.url, key, json.dumps({"batch": setup}).encode())[0] == 200
    batches = _batches()
    clients = [_RetryingClient(server, key, batches[i::CLIENTS]) for i in range(CLIENTS)]
    for c in clients:
        c.start()
    while sum(len(c.acked) for c in clients) < EVENTS // 3:
        time.sleep(0.01)
    server.kill()
    acked_before_kill = {i for c in clients for i in c.acked}
    server.start()  # same port, same database
    for c in clients:
        c.join(timeout=180)
    assert not any(c.is_alive() for c in clients)
    assert sum(c.failures for c in clients) > 0  # the kill was felt

    stored = list(m.Event.objects.filter(type="track").values_list("message_id", flat=True))
    assert len(stored) == len(set(stored)) == EVENTS
    assert acked_before_kill <= set(stored)
    assert len(acked_before_kill) < EVENTS
    counted = sum(m.UsageDaily.objects.values_list("count", flat=True))
    assert counted == EVENTS  # each event counted once in the rollups, retries included
    assert not m.Event.objects.filter(type="track", account__isnull=True).exists()
