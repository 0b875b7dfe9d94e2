"""The 66 bad requests of the reliability report's ingest table (area 2), re-run as they were
sent: every one is answered in the JSON error shape (or 200), never with a 5xx."""

from __future__ import annotations

import gzip as gz
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from retain.app import models as m
from retain.ingest import sources

from .conftest import auth

pytestmark = pytest.mark.django_db

Case = Callable[[Client, str], HttpResponse]


def send(
    client: Client,
    path: str,
    body: Any,
    key: str | None,
    *,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """POST a body (JSON text unless bytes or str) with the write key as Basic auth."""
    if isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode("utf-8", "surrogatepass")
    else:
        data = json.dumps(body).encode()
    extra = dict(headers or {})
    if key is not None:
        extra.setdefault("Authorization", auth(key))
    response: HttpResponse = client.post(path, data, content_type="application/json", headers=extra)
    return response


def good(mid: str = "good-1") -> dict[str, Any]:
    return {"type": "track", "event": "ok", "userId": "user-1-1", "messageId": mid}


def pair(bad: dict[str, Any] | str) -> str:
    """A batch of one valid message and one odd one, as JSON text (the odd one verbatim)."""
    odd = bad if isinstance(bad, str) else json.dumps(bad)
    return '{"batch": [' + json.dumps(good()) + ", " + odd + "]}"


def track(mid: str = "bad-1", **extra: Any) -> dict[str, Any]:
    return {"type": "track", "event": "x", "userId": "user-1-1", "messageId": mid} | extra


def batch(*messages: Any, **extra: Any) -> dict[str, Any]:
    return {"batch": list(messages), **extra}


def key_cases() -> dict[str, Case]:
    def revoked(c: Client, k: str) -> HttpResponse:
        other = sources.create("revoked-source")[1]
        sources.revoke("revoked-source")
        return send(c, "/v1/batch", batch(good()), other)

    return {
        "key: none": lambda c, k: send(c, "/v1/batch", batch(good()), None),
        "key: unknown": lambda c, k: send(c, "/v1/batch", batch(good()), "rk_unknown0000000000"),
        "key: Bearer": lambda c, k: send(
            c, "/v1/batch", batch(good()), None, headers={"Authorization": f"Bearer {k}"}
        ),
        "key: revoked": revoked,
        "key: in body": lambda c, k: send(c, "/v1/batch", batch(good(), writeKey=k), None),
        "key: wrong in body": lambda c, k: send(
            c, "/v1/batch", batch(good(), writeKey="rk_wrong000000000000"), None
        ),
        "key: non-base64 Basic": lambda c, k: send(
            c, "/v1/batch", batch(good()), None, headers={"Authorization": "Basic %%%"}
        ),
    }


def body_cases() -> dict[str, Case]:
    return {
        "body: truncated JSON": lambda c, k: send(c, "/v1/batch", b'{"batch": [{"type"', k),
        "body: non-UTF-8": lambda c, k: send(c, "/v1/batch", b'{"batch": ["\xff\xfe"]}', k),
        "body: JSON list": lambda c, k: send(c, "/v1/batch", [good()], k),
        "body: batch not a list": lambda c, k: send(c, "/v1/batch", {"batch": good()}, k),
        "body: empty": lambda c, k: send(c, "/v1/batch", b"", k),
        "body: empty batch": lambda c, k: send(c, "/v1/batch", batch(), k),
        "body: GET": lambda c, k: c.get("/v1/batch", headers={"Authorization": auth(k)}),
    }


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def nesting_cases() -> dict[str, Case]:
    return {
        "nesting: 200 KB of [ with key": lambda c, k: send(c, "/v1/batch", "[" * 200_000, k),
        "nesting: 200 KB of [ without key": lambda c, k: send(c, "/v1/batch", "[" * 200_000, None),
        "nesting: properties 3,000 deep": lambda c, k: send(
            c,
            "/v1/batch",
            pair(
                '{"type": "track", "event": "x", "userId": "u", '
                '"messageId": "bad-1", "properties": {"p": ' + deep(3000) + "}}"
            ),
            k,
        ),
    }


def size_cases() -> dict[str, Case]:
    big = [track(f"big-{i}", properties={"blob": "x" * 30_000}) for i in range(20)]
    many = [good(f"m-{i:05}") for i in range(10_000)]

    def gzipped(c: Client, k: str) -> HttpResponse:
        data = gz.compress(json.dumps(batch(*big)).encode())
        return send(c, "/v1/batch", data, k, headers={"Content-Encoding": "gzip"})

    def bomb(c: Client, k: str) -> HttpResponse:
        data = gz.compress(b" " * 50_000_000)
        return send(c, "/v1/batch", data, k, headers={"Content-Encoding": "gzip"})

    return {
        "size: 600 KB batch": lambda c, k: send(c, "/v1/batch", batch(*big), k),
        "size: 600 KB gzipped": gzipped,
        "size: gzip bomb": bomb,
        "size: bad gzip": lambda c, k: send(
            c, "/v1/batch", b"not gzip", k, headers={"Content-Encoding": "gzip"}
        ),
        "size: br": lambda c, k: send(c, "/v1/batch", b"{}", k, headers={"Content-Encoding": "br"}),
        "size: 40 KB /v1/track": lambda c, k: send(
            c, "/v1/track", track(properties={"blob": "x" * 40_000}), k
        ),
        "size: one 40 KB message in a batch": lambda c, k: send(
            c, "/v1/batch", pair(track(properties={"blob": "x" * 40_000})), k
        ),
        "size: 10,000 messages": lambda c, k: send(c, "/v1/batch", batch(*many), k),
    }


def message_cases() -> dict[str, Case]:
    no_id = {"type": "track", "event": "x", "userId": "u", "timestamp": "2026-03-01T10:00:00Z"}

    def twice(body: Any) -> Case:
        def run(c: Client, k: str) -> HttpResponse:
            send(c, "/v1/batch", body, k)
            return send(c, "/v1/batch", body, k)

        return run

    def other_source(c: Client, k: str) -> HttpResponse:
        send(c, "/v1/batch", batch(good("shared")), k)
        return send(c, "/v1/batch", batch(good("shared")), sources.create("other")[1])

    return {
        "messages: no userId": lambda c, k: send(
            c, "/v1/batch", pair({"type": "track", "event": "x", "messageId": "bad-1"}), k
        ),
        "messages: no messageId twice": twice(batch(good(), no_id)),
        "messages: same messageId in two batches": twice(batch(good("same"))),
        "messages: same id 3x in one batch": lambda c, k: send(
            c, "/v1/batch", batch(good("same"), good("same"), good("same")), k
        ),
        "messages: same id from another source": other_source,
    }


def timestamp_cases() -> dict[str, Case]:
    stamps: dict[str, Any] = {
        "month 13": "2026-13-01T00:00:00Z",
        "garbage": "not a time",
        "a number": 1767225600,
        "date only": "2026-03-01",
        "+14:00": "2026-03-01T10:00:00+14:00",
        "year 9999": "9999-01-01T00:00:00Z",
        "naive time": "2026-03-01T10:00:00",
    }

    def stamped(value: Any) -> Case:
        return lambda c, k: send(c, "/v1/batch", pair(track(timestamp=value)), k)

    cases = {f"timestamps: {name}": stamped(value) for name, value in stamps.items()}
    cases["timestamps: bad sentAt"] = lambda c, k: send(
        c, "/v1/batch", pair(track(sentAt="yesterday")), k
    )
    return cases


def overflow_cases() -> dict[str, Case]:
    return {
        "overflow: 0001-01-01T00:00:00+01:00": lambda c, k: send(
            c, "/v1/batch", pair(track(timestamp="0001-01-01T00:00:00+01:00")), k
        ),
        "overflow: 9999-12-31 with sentAt 2000": lambda c, k: send(
            c,
            "/v1/batch",
            pair(track(timestamp="9999-12-31T23:59:59Z", sentAt="2000-01-01T00:00:00Z")),
            k,
        ),
        "overflow: 0001-01-01Z with sentAt 2100": lambda c, k: send(
            c,
            "/v1/batch",
            pair(track(timestamp="0001-01-01T00:00:00Z", sentAt="2100-01-01T00:00:00Z")),
            k,
        ),
    }


def character_cases() -> dict[str, Case]:
    return {
        "unicode: emoji/RTL/CJK": lambda c, k: send(
            c, "/v1/batch", pair(track(event="報告 🎉 עברית", properties={"x": "ñ"})), k
        ),
        "NUL in properties": lambda c, k: send(
            c, "/v1/batch", pair(track(properties={"v": "a\u0000b"})), k
        ),
        "NUL in event name": lambda c, k: send(c, "/v1/batch", pair(track(event="a\u0000b")), k),
        "surrogate in properties": lambda c, k: send(
            c,
            "/v1/batch",
            pair(
                '{"type": "track", "event": "x", "userId": "u", '
                '"messageId": "bad-1", "properties": {"v": "\\ud800"}}'
            ),
            k,
        ),
        "surrogate in event name": lambda c, k: send(
            c,
            "/v1/batch",
            pair('{"type": "track", "event": "\\ud800", "userId": "u", "messageId": "bad-1"}'),
            k,
        ),
        "NaN in properties": lambda c, k: send(
            c,
            "/v1/batch",
            pair(
                '{"type": "track", "event": "x", "userId": "u", '
                '"messageId": "bad-1", "properties": {"t": NaN}}'
            ),
            k,
        ),
        "1e400 in properties": lambda c, k: send(
            c,
            "/v1/batch",
            pair(
                '{"type": "track", "event": "x", "userId": "u", '
                '"messageId": "bad-1", "properties": {"t": 1e400}}'
            ),
            k,
        ),
    }


def identify(mid: str = "bad-1", **traits: Any) -> dict[str, Any]:
    return {"type": "identify", "userId": "user-1-1", "messageId": mid, "traits": traits}


def group(mid: str = "bad-1", **fields: Any) -> dict[str, Any]:
    return {"type": "group", "userId": "user-1-1", "messageId": mid, "groupId": "acct"} | fields


def call_cases() -> dict[str, Case]:
    def stored_non_object(kind: str) -> Case:
        def run(c: Client, k: str) -> HttpResponse:
            if kind == "group":
                m.Account.objects.create(external_id="acct", name="A", custom_attributes=[1, 2])
                return send(c, "/v1/batch", pair(group(traits={"plan": "pro"})), k)
            m.Contact.objects.create(external_id="user-1-1", traits="just text")
            return send(c, "/v1/batch", pair(identify(name="Ann")), k)

        return run

    return {
        "identify: long email": lambda c, k: send(
            c, "/v1/batch", pair(identify(email="a" * 300 + "@x.io")), k
        ),
        "identify: name as list": lambda c, k: send(
            c, "/v1/batch", pair(identify(name=["A", "B"])), k
        ),
        "identify: 5,000-char firstName": lambda c, k: send(
            c, "/v1/batch", pair(identify(firstName="f" * 5000)), k
        ),
        "group: 1,000-char name": lambda c, k: send(
            c, "/v1/batch", pair(group(traits={"name": "n" * 1000})), k
        ),
        "group: numeric industry": lambda c, k: send(
            c, "/v1/batch", pair(group(traits={"industry": 42})), k
        ),
        "group: no groupId": lambda c, k: send(
            c, "/v1/batch", pair({"type": "group", "userId": "u", "messageId": "bad-1"}), k
        ),
        "alias": lambda c, k: send(
            c, "/v1/batch", pair({"type": "alias", "userId": "u", "previousId": "p"}), k
        ),
        "object userId": lambda c, k: send(c, "/v1/batch", pair(track(userId={"a": 1})), k),
        "201-char userId": lambda c, k: send(c, "/v1/batch", pair(track(userId="u" * 201)), k),
        "identify: long title": lambda c, k: send(
            c, "/v1/batch", pair(identify(title="t" * 500)), k
        ),
        "identify: createdAt overflow": lambda c, k: send(
            c, "/v1/batch", pair(identify(createdAt="0001-01-01T00:00:00+01:00")), k
        ),
        "D7: group on non-object custom_attributes": stored_non_object("group"),
        "D7: identify on non-object traits": stored_non_object("identify"),
        "single: /v1/track": lambda c, k: send(c, "/v1/track", track(), k),
        "single: /v1/identify": lambda c, k: send(c, "/v1/identify", identify(name="A"), k),
        "single: /v1/group": lambda c, k: send(c, "/v1/group", group(), k),
        "single: /v1/page": lambda c, k: send(
            c, "/v1/page", {"userId": "u", "name": "Home", "messageId": "p1"}, k
        ),
        "single: /v1/screen": lambda c, k: send(
            c, "/v1/screen", {"userId": "u", "name": "Main", "messageId": "s1"}, k
        ),
    }


CASES: dict[str, Case] = {
    **key_cases(),
    **body_cases(),
    **nesting_cases(),
    **size_cases(),
    **message_cases(),
    **timestamp_cases(),
    **overflow_cases(),
    **character_cases(),
    **call_cases(),
}


def test_the_table_has_the_reports_66_requests() -> None:
    assert len(CASES) == 66


@pytest.mark.parametrize("name", list(CASES))
def test_never_a_5xx_and_always_the_json_shape(write_key: str, name: str) -> None:
    response = CASES[name](Client(raise_request_exception=False), write_key)
    assert response.status_code < 500, (name, response.status_code)
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if response.status_code != 200:
        assert set(body) >= {"code", "message", "errors"}, body
        assert all(set(e) == {"loc", "msg"} for e in body["errors"])
