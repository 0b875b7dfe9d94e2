"""Honest answers: each kind of bad input gets its status and a precise, located reason;
valid messages of the same batch are committed and rejected ones quarantined."""

from __future__ import annotations

import gzip as gz
import json
from typing import Any

import pytest
from django.test import Client

from retain.app import models as m
from retain.core.tracking import MAX_BATCH_BYTES
from retain.ingest import sources

from .conftest import auth, post

pytestmark = pytest.mark.django_db


def track(n: int, **extra: Any) -> dict[str, Any]:
    msg = {
        "type": "track",
        "messageId": f"m{n}",
        "userId": "u1",
        "event": "report_created",
        "timestamp": "2026-03-01T10:00:00Z",
    }
    return msg | extra


def test_batch_is_stored(write_key: str) -> None:
    status, body = post(Client(), "/v1/batch", {"batch": [track(1), track(2)]}, write_key)
    assert (status, body) == (200, {"success": True, "accepted": 2, "duplicates": 0})
    assert sorted(m.Event.objects.values_list("message_id", flat=True)) == ["m1", "m2"]


def test_gzip_body(write_key: str) -> None:
    status, _ = post(Client(), "/v1/batch", {"batch": [track(1)]}, write_key, gzip=True)
    assert status == 200
    assert m.Event.objects.filter(message_id="m1").exists()


def test_malformed_json_is_400_and_quarantined(write_key: str) -> None:
    status, body = post(Client(), "/v1/batch", b'{"batch": [}', write_key)
    assert status == 400
    assert body["code"] == "invalid_json"
    assert body["errors"] == [{"loc": ["body"], "msg": body["message"]}]
    assert "line 1 column 12" in body["message"]
    kept = m.QuarantinedMessage.objects.get()
    assert (kept.payload, kept.index, kept.status) == ('{"batch": [}', None, "pending")


def test_bad_gzip_is_400(write_key: str) -> None:
    client = Client()
    response = client.post(
        "/v1/batch",
        b"not gzip",
        content_type="application/json",
        headers={"Authorization": auth(write_key), "Content-Encoding": "gzip"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_gzip"


@pytest.mark.parametrize("key", [None, "rk_wrong-key-000000000000", "not-a-key"])
def test_wrong_or_missing_write_key_is_401(db: None, key: str | None) -> None:
    status, body = post(Client(), "/v1/batch", {"batch": [track(1)]}, key)
    assert status == 401
    assert body["code"] == "invalid_write_key"
    assert not m.Event.objects.exists()
    assert not m.QuarantinedMessage.objects.exists()


def test_revoked_key_is_401(write_key: str) -> None:
    sources.revoke("test-source")
    status, body = post(Client(), "/v1/batch", {"batch": [track(1)]}, write_key)
    assert (status, body["code"]) == (401, "invalid_write_key")
    assert "revoked" in body["message"]


def test_write_key_in_body(write_key: str) -> None:
    status, _ = post(Client(), "/v1/batch", {"batch": [track(1)], "writeKey": write_key}, None)
    assert status == 200


def test_oversized_batch_is_413(write_key: str) -> None:
    big = {"properties": {"blob": "x" * 30_000}}
    batch = [track(i, **big) for i in range(MAX_BATCH_BYTES // 30_000 + 2)]
    status, body = post(Client(), "/v1/batch", {"batch": batch}, write_key)
    assert status == 413
    assert body["code"] == "too_large"
    assert "500 KB" in body["message"]
    assert not m.Event.objects.exists()


def test_gzip_bomb_is_413(write_key: str) -> None:
    data = json.dumps({"batch": [track(1, properties={"x": "y" * MAX_BATCH_BYTES})]})
    status, body = post(Client(), "/v1/batch", data.encode(), write_key, gzip=True)
    assert (status, body["code"]) == (413, "too_large")
    assert "once decompressed" in body["message"]


def test_oversized_single_message_is_413(write_key: str) -> None:
    status, body = post(
        Client(), "/v1/track", track(1, properties={"blob": "x" * 40_000}), write_key
    )
    assert (status, body["code"]) == (413, "too_large")
    assert "32 KB" in body["message"]


def test_each_bad_message_is_located_and_the_good_ones_kept(write_key: str) -> None:
    batch = [
        track(0),
        {k: v for k, v in track(1).items() if k != "userId"},
        track(2, timestamp="yesterday"),
        track(3, properties=[1, 2]),
        track(4),
        track(5, properties={"blob": "x" * 33_000}),
        "not a message",
        track(7, type="alias"),
    ]
    status, body = post(Client(), "/v1/batch", {"batch": batch}, write_key)
    assert status == 400
    assert body["code"] == "invalid_messages"
    assert (body["accepted"], body["rejected"]) == (2, 6)
    errors = {tuple(e["loc"]): e["msg"] for e in body["errors"]}
    assert errors[("batch", 1, "userId")] == "a userId or an anonymousId is required"
    assert "ISO 8601" in errors[("batch", 2, "timestamp")]
    assert "'yesterday'" in errors[("batch", 2, "timestamp")]
    assert errors[("batch", 3, "properties")] == "expected a JSON object, got a list"
    assert "the limit is 32 KB" in errors[("batch", 5)]
    assert errors[("batch", 6)] == "expected a JSON object"
    assert "alias" in errors[("batch", 7, "type")]
    assert sorted(m.Event.objects.values_list("message_id", flat=True)) == ["m0", "m4"]
    kept = {q.index: q for q in m.QuarantinedMessage.objects.all()}
    assert sorted(kept) == [1, 2, 3, 5, 6, 7]
    assert json.loads(kept[2].payload) == batch[2]
    assert kept[3].reasons == [
        {"loc": ["batch", 3, "properties"], "msg": "expected a JSON object, got a list"}
    ]


def test_single_call_errors_are_located_at_the_field(write_key: str) -> None:
    status, body = post(Client(), "/v1/track", {"userId": "u1"}, write_key)
    assert status == 400
    assert body["errors"] == [{"loc": ["event"], "msg": "event is required (the event name)"}]
    status, body = post(Client(), "/v1/group", {"userId": "u1"}, write_key)
    assert body["errors"] == [{"loc": ["groupId"], "msg": "groupId is required"}]


def test_body_that_is_not_a_batch(write_key: str) -> None:
    status, body = post(Client(), "/v1/batch", {"batch": {"a": 1}}, write_key)
    assert status == 400
    assert body["errors"] == [
        {"loc": ["batch"], "msg": "expected a list of messages, got an object"}
    ]
    status, body = post(Client(), "/v1/batch", [1, 2], write_key)
    assert (status, body["code"]) == (400, "invalid_body")


def test_get_is_405(write_key: str) -> None:
    response = Client().get("/v1/batch", headers={"Authorization": auth(write_key)})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_unsupported_encoding_is_415(write_key: str) -> None:
    response = Client().post(
        "/v1/batch",
        gz.compress(b"{}"),
        content_type="application/json",
        headers={"Authorization": auth(write_key), "Content-Encoding": "br"},
    )
    assert response.status_code == 415
