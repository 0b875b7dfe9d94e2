"""Poison messages (report area 2, D4, D7, L6, L11): each edge value that used to fail a
whole request with a 5xx is rejected alone, with its index and reason, and quarantined, while
the valid message of the same batch is stored; a 503 only ever means the store failed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client

from retain.app import models as m
from retain.core import tracking
from retain.errors import RetainError
from retain.ingest import replay, service, sources, views

from .conftest import auth

pytestmark = pytest.mark.django_db

GOOD = '{"type": "track", "event": "ok", "userId": "user-1-1", "messageId": "good-1"}'


def bad_track(fields: str) -> str:
    """A track message `bad-1` with extra fields given as JSON text (so NaN etc. go verbatim)."""
    return '{"type": "track", "event": "x", "userId": "u", "messageId": "bad-1", ' + fields + "}"


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@dataclass(frozen=True)
class Case:
    bad: str  # the second message of the batch, as JSON text
    reason: str | None  # a part of the rejection reason; None: legitimately accepted
    setup: Callable[[], object] = lambda: None


CASES = {
    # nesting
    "properties nested 3,000 deep": Case(
        bad_track(f'"properties": {{"p": {nested(3000)}}}'), "nested deeper than 64 levels"
    ),
    "a message 100,000 lists deep": Case(nested(100_000), "nested deeper than 64 levels"),
    "properties nested 65 deep": Case(
        bad_track(f'"properties": {{"p": {nested(64)}}}'), "nested deeper than 64 levels"
    ),
    # timestamps that overflow, and the far future (L6)
    "timestamp before year 1 in UTC": Case(
        bad_track('"timestamp": "0001-01-01T00:00:00+01:00"'), "got '0001-01-01T00:00:00+01:00'"
    ),
    "9999-12-31 with sentAt 2000": Case(
        bad_track('"timestamp": "9999-12-31T23:59:59Z", "sentAt": "2000-01-01T00:00:00Z"'),
        "clock-skew correction",
    ),
    "0001-01-01 with sentAt 2100": Case(
        bad_track('"timestamp": "0001-01-01T00:00:00Z", "sentAt": "2100-01-01T00:00:00Z"'),
        "clock-skew correction",
    ),
    "timestamp in year 1 (breaks scoring's history)": Case(
        bad_track('"timestamp": "0001-01-01T00:00:00Z"'), "is before 1970-01-01"
    ),
    "timestamp in 9999": Case(
        bad_track('"timestamp": "9999-01-01T00:00:00Z"'), "more than 1 day after"
    ),
    # characters no store keeps
    "NUL in properties": Case(bad_track('"properties": {"v": "a\\u0000b"}'), "NUL character"),
    "NUL in the event name": Case(
        '{"type": "track", "event": "a\\u0000", "userId": "u", "messageId": "bad-1"}',
        "NUL character",
    ),
    "lone surrogate in properties": Case(bad_track('"properties": {"v": "\\ud800"}'), "surrogate"),
    "lone surrogate in the event name": Case(
        '{"type": "track", "event": "\\udfff", "userId": "u", "messageId": "bad-1"}',
        "surrogate",
    ),
    "lone surrogate in a key": Case(bad_track('"context": {"\\ud800": 1}'), "surrogate"),
    # numbers that are not finite
    "NaN in properties": Case(bad_track('"properties": {"t": NaN}'), "not a finite number"),
    "1e400 in properties": Case(bad_track('"properties": {"t": 1e400}'), "not a finite number"),
    "-Infinity in traits": Case(
        '{"type": "identify", "userId": "u", "messageId": "bad-1", "traits": {"t": -Infinity}}',
        "not a finite number",
    ),
    # accepted: createdAt out of range is no contact time; stored non-objects are replaced (D7)
    "identify createdAt before year 1": Case(
        '{"type": "identify", "userId": "u", "messageId": "bad-1", '
        '"traits": {"createdAt": "0001-01-01T00:00:00+01:00"}}',
        None,
    ),
    "group on custom_attributes stored as a list": Case(
        '{"type": "group", "userId": "u", "messageId": "bad-1", "groupId": "acct", '
        '"traits": {"plan": "pro"}}',
        None,
        lambda: m.Account.objects.create(external_id="acct", name="A", custom_attributes=[1, 2]),
    ),
    "identify on traits stored as text": Case(
        '{"type": "identify", "userId": "u", "messageId": "bad-1", "traits": {"name": "Ann"}}',
        None,
        lambda: m.Contact.objects.create(external_id="u", traits="just text"),
    ),
}


def post_text(text: str, key: str | None) -> HttpResponse:
    headers = {"Authorization": auth(key)} if key else {}
    response: HttpResponse = Client(raise_request_exception=False).post(
        "/v1/batch",
        text.encode("utf-8", "surrogatepass"),
        content_type="application/json",
        headers=headers,
    )
    return response


@pytest.mark.parametrize("name", list(CASES))
def test_the_poison_is_quarantined_alone(write_key: str, name: str) -> None:
    case = CASES[name]
    case.setup()
    response = post_text('{"batch": [' + GOOD + ", " + case.bad + "]}", write_key)
    assert response["Content-Type"] == "application/json"
    body = response.json()
    stored = set(m.Event.objects.values_list("message_id", flat=True))
    if case.reason is None:
        assert (response.status_code, body) == (
            200,
            {"success": True, "accepted": 2, "duplicates": 0},
        )
        assert stored == {"good-1", "bad-1"}
        assert not m.QuarantinedMessage.objects.exists()
        return
    assert response.status_code == 400, body
    assert (body["code"], body["accepted"], body["rejected"]) == ("invalid_messages", 1, 1)
    assert body["errors"]
    assert all(e["loc"][:2] == ["batch", 1] for e in body["errors"])
    assert case.reason in body["errors"][0]["msg"]
    assert stored == {"good-1"}
    kept = m.QuarantinedMessage.objects.get()
    assert (kept.index, kept.status) == (1, "pending")
    assert case.reason in kept.reasons[0]["msg"]
    # the payload is kept as it came: the same text when too deep to read, else the same JSON
    # (NUL and surrogates as escapes; NaN as NaN)
    if isinstance(validated_raw(case.bad), str):
        assert kept.payload == case.bad
    else:
        assert json.dumps(json.loads(kept.payload)) == json.dumps(json.loads(case.bad))


def validated_raw(text: str) -> object:
    """The message as the API reads it: a TooDeep text when too deep for the parser."""
    return tracking.read_json('{"batch": [' + text + "]}", batch=True)["batch"][0]


def test_stored_non_objects_are_replaced_by_the_new_traits(write_key: str) -> None:
    for i, name in enumerate(
        ["identify on traits stored as text", "group on custom_attributes stored as a list"]
    ):
        CASES[name].setup()
        message = CASES[name].bad.replace("bad-1", f"m{i}")  # two messages, two ids
        assert post_text('{"batch": [' + message + "]}", write_key).status_code == 200
    assert m.Account.objects.get(external_id="acct").custom_attributes == {"plan": "pro"}
    assert m.Contact.objects.get(external_id="u").traits == {"name": "Ann"}
    assert m.Contact.objects.get(external_id="u").created_at is None


@pytest.mark.parametrize("key", [True, False])
def test_a_body_too_deep_to_read_is_invalid_json(write_key: str, key: bool) -> None:
    text = "[" * 200_000
    response = post_text(text, write_key if key else None)
    body = response.json()
    assert (response.status_code, body["code"]) == (400, "invalid_json")
    assert body["errors"] == [{"loc": ["body"], "msg": body["message"]}]
    assert "nested too deeply" in body["message"]
    kept = list(m.QuarantinedMessage.objects.values_list("index", "payload"))
    assert kept == ([(None, text)] if key else [])


def test_a_message_the_store_refuses_is_quarantined_alone(
    write_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value the validator misses (here NaN, with that check switched off) makes the store
    refuse the batch: its messages are stored one by one and only that one is quarantined."""
    monkeypatch.setattr(tracking, "value_problems", lambda raw, loc: [])
    text = '{"batch": [' + GOOD + ", " + bad_track('"properties": {"t": NaN}') + "]}"
    response = post_text(text, write_key)
    body = response.json()
    assert (response.status_code, body["code"], body["accepted"]) == (400, "invalid_messages", 1)
    assert body["errors"][0]["loc"] == ["batch", 1]
    assert body["errors"][0]["msg"].startswith("the store refused this message (")
    assert set(m.Event.objects.values_list("message_id", flat=True)) == {"good-1"}
    kept = m.QuarantinedMessage.objects.get()
    assert kept.index == 1
    assert kept.reasons[0]["msg"] == body["errors"][0]["msg"]


def test_503_only_when_the_store_is_unavailable(
    write_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: Any) -> int:
        raise OperationalError("database is locked")

    monkeypatch.setattr(service, "store_messages", locked)
    response = post_text('{"batch": [' + GOOD + "]}", write_key)
    assert (response.status_code, response.json()["code"]) == (503, "store_unavailable")
    assert response["Retry-After"] == "1"
    assert not m.QuarantinedMessage.objects.exists()


def test_an_unexpected_error_is_a_json_500(
    write_key: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "_validate", broken)
    response = post_text('{"batch": [' + GOOD + "]}", write_key)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "internal_error"
    assert "RuntimeError" in body["message"]
    assert "ingest /v1/batch failed" in caplog.text


def test_replaying_a_message_the_store_refuses_keeps_it_pending(
    write_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tracking, "value_problems", lambda raw, loc: [])
    row = m.QuarantinedMessage.objects.create(
        source=m.Source.objects.get(),
        received_at=dt.datetime.now(dt.UTC),
        index=0,
        payload=bad_track('"properties": {"t": NaN}'),
        reasons=[],
    )
    (result,) = replay.replay([row])
    assert (result.ok, result.stored) == (False, 0)
    assert result.reasons[0]["msg"].startswith("the store refused this message (")
    row.refresh_from_db()
    assert (row.status, row.reasons) == ("pending", result.reasons)
    assert not m.Event.objects.exists()


def test_a_browser_key_may_send_only_its_calls(db: None) -> None:
    """L4: a key limited to track, page and screen cannot rename an account with group."""
    key = sources.create("browser", ["track", "page", "screen", "track"])[1]
    assert m.Source.objects.get(name="browser").allowed_calls == "track,page,screen"
    m.Account.objects.create(external_id="acct", name="Acme")
    rename = '{"type": "group", "userId": "u", "messageId": "bad-1", "groupId": "acct", '
    rename += '"traits": {"name": "=HYPERLINK(1)", "plan": "free"}}'
    response = post_text('{"batch": [' + GOOD + ", " + rename + "]}", key)
    body = response.json()
    assert (response.status_code, body["code"], body["accepted"]) == (400, "invalid_messages", 1)
    assert body["errors"] == [
        {
            "loc": ["batch", 1, "type"],
            "msg": "this source's write key may send only track, page, screen; "
            "group calls are refused",
        }
    ]
    account = m.Account.objects.get(external_id="acct")
    assert (account.name, account.plan, account.custom_attributes) == ("Acme", "", {})
    assert set(m.Event.objects.values_list("message_id", flat=True)) == {"good-1"}
    kept = m.QuarantinedMessage.objects.get()
    assert kept.reasons == body["errors"]
    # a replay applies the source's limit too
    (result,) = replay.replay([kept])
    assert not result.ok
    assert m.Account.objects.get(external_id="acct").name == "Acme"
    # the single-call endpoint is limited the same way; other keys may send everything
    status = Client().post(
        "/v1/identify",
        b'{"userId": "u"}',
        content_type="application/json",
        headers={"Authorization": auth(key)},
    )
    assert status.json()["errors"][0]["loc"] == ["type"]
    server_key = sources.create("server")[1]
    assert post_text('{"batch": [' + rename + "]}", server_key).status_code == 200
    assert m.Account.objects.get(external_id="acct").name == "=HYPERLINK(1)"


def test_unknown_call_types_are_refused_when_creating_a_source(db: None) -> None:
    with pytest.raises(RetainError, match="unknown call type 'alias'"):
        sources.create("web", ["track", "alias"])
    assert not m.Source.objects.exists()


@pytest.mark.parametrize("odd", ["\\u0000", "\\ud800"])
def test_a_write_key_with_nul_or_a_surrogate_is_401(db: None, odd: str) -> None:
    body = '{"writeKey": "rk_' + odd + 'abcdefghijklmnop", "batch": [' + GOOD + "]}"
    response = post_text(body, None)
    assert (response.status_code, response.json()["code"]) == (401, "invalid_write_key")
    assert not m.Event.objects.exists()
