"""Pure validation of Segment messages: hand-written messages, hand-computed answers."""

from __future__ import annotations

import datetime as dt

import pytest

from retain.core.tracking import (
    BodyError,
    Message,
    Problem,
    parse_time,
    utc_time,
    validate_batch,
    validate_message,
    validate_single,
)

NOW = dt.datetime(2026, 3, 1, 12, 0, 10, tzinfo=dt.UTC)


def ok(raw: dict[str, object], **kw: object) -> Message:
    result = validate_message(raw, ("batch", 0), NOW, **kw)  # type: ignore[arg-type]
    assert isinstance(result, Message), result
    return result


def problems(raw: object) -> list[Problem]:
    result = validate_message(raw, ("batch", 4), NOW)
    assert isinstance(result, list)
    return result


def test_track_is_normalised() -> None:
    msg = ok({"type": "track", "messageId": "m", "userId": 42, "event": "e", "properties": None})
    assert (msg.user_id, msg.name, msg.properties, msg.timestamp) == ("42", "e", {}, NOW)


def test_clock_skew_correction_uses_sent_at() -> None:
    raw = {"type": "track", "messageId": "m", "userId": "u", "event": "e"}
    raw |= {"timestamp": "2026-03-01T11:00:00Z", "sentAt": "2026-03-01T12:00:00Z"}
    # the client clock was 10 s behind: timestamp + (receivedAt - sentAt)
    assert ok(raw).timestamp == dt.datetime(2026, 3, 1, 11, 0, 10, tzinfo=dt.UTC)
    del raw["sentAt"]
    batch_sent = dt.datetime(2026, 3, 1, 12, 0, 5, tzinfo=dt.UTC)
    assert ok(raw, sent_at=batch_sent).timestamp == dt.datetime(2026, 3, 1, 11, 0, 5, tzinfo=dt.UTC)
    assert ok(raw).timestamp == dt.datetime(2026, 3, 1, 11, tzinfo=dt.UTC)


def test_each_problem_is_located() -> None:
    raw = {"type": "track", "properties": [1], "timestamp": "soon", "context": "x"}
    found = {p.loc: p.msg for p in problems(raw)}
    assert found[("batch", 4, "event")] == "event is required (the event name)"
    assert found[("batch", 4, "userId")] == "a userId or an anonymousId is required"
    assert found[("batch", 4, "properties")] == "expected a JSON object, got a list"
    assert found[("batch", 4, "context")] == "expected a JSON object, got text ('x')"
    assert found[("batch", 4, "timestamp")].startswith("expected an ISO 8601 date-time")


@pytest.mark.parametrize(
    ("raw", "loc", "msg"),
    [
        ([1], ("batch", 4), "expected a JSON object"),
        ({"type": "alias", "userId": "u"}, ("batch", 4, "type"), "alias calls are not supported"),
        ({"type": "group", "userId": "u"}, ("batch", 4, "groupId"), "groupId is required"),
        ({"type": "page", "userId": True}, ("batch", 4, "userId"), "expected text or a number"),
        ({"type": "page", "userId": "u" * 201}, ("batch", 4, "userId"), "at most 200"),
        (
            {"type": "identify", "userId": "u", "traits": {"email": 3}},
            ("batch", 4, "traits", "email"),
            "expected text",
        ),
        ({"type": "page", "userId": "u", "p": "x" * 40_000}, ("batch", 4), "the limit is 32 KB"),
    ],
)
def test_rejections(raw: object, loc: tuple[object, ...], msg: str) -> None:
    found = problems(raw)
    assert [p.loc for p in found] == [loc]
    assert msg in found[0].msg


def test_missing_message_id_is_derived_stably() -> None:
    raw = {"type": "track", "userId": "u", "event": "e", "timestamp": "2026-01-01T00:00:00Z"}
    first, again = ok(raw | {"sentAt": "2026-01-01T00:00:01Z"}), ok(raw)
    assert first.message_id == again.message_id
    assert first.message_id != ok(raw | {"event": "f"}).message_id


def test_batch_keeps_good_messages_and_indexes_bad_ones() -> None:
    good = {"type": "screen", "anonymousId": "a", "messageId": "m1"}
    out = validate_batch({"batch": [good, {"type": "screen"}, good]}, NOW)
    assert [m.message_id for m in out.accepted] == ["m1", "m1"]
    assert [r.index for r in out.rejected] == [1]


def test_body_errors() -> None:
    with pytest.raises(BodyError) as err:
        validate_batch({"batch": "x"}, NOW)
    assert err.value.problems == [
        Problem(("batch",), "expected a list of messages, got text ('x')")
    ]
    with pytest.raises(BodyError):
        validate_batch({"batch": [], "sentAt": "noon"}, NOW)
    with pytest.raises(BodyError):
        validate_single([1], "track", NOW)


def test_single_call_type_comes_from_the_endpoint() -> None:
    out = validate_single({"userId": "u", "groupId": 7, "type": "track"}, "group", NOW)
    assert (out.accepted[0].type, out.accepted[0].group_id) == ("group", "7")


def test_parse_time() -> None:
    assert parse_time("2026-01-01T01:00:00+01:00") == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert parse_time("2026-01-01 00:00:00") == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="got a number"):
        parse_time(1767225600)
    with pytest.raises(ValueError, match=r"like 2026-03-31T14:05:00\.000Z, got 'noon'"):
        parse_time("noon")
    with pytest.raises(ValueError, match=r"like 2026-03-31T14:05:00\.000Z"):
        parse_time("0001-01-01T00:00:00+01:00")  # before year 1 in UTC: refused, not a crash


def test_utc_time_is_the_one_parser_of_text_and_datetimes() -> None:
    utc = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert utc_time(" 2026-01-02T03:04:05Z ") == utc
    assert utc_time("2026-01-02T04:04:05+01:00") == utc
    assert utc_time("20260102T030405") == utc  # ISO 8601 basic form, no offset: UTC
    assert utc_time(dt.datetime(2026, 1, 2, 3, 4, 5)) == utc
    assert (
        utc_time(dt.datetime(2026, 1, 1, 22, 4, 5, tzinfo=dt.timezone(-dt.timedelta(hours=5))))
        == utc
    )
    assert utc_time("2026-01-02T04:04:05+01:00").tzinfo is dt.UTC
    with pytest.raises(ValueError, match="out of range"):
        utc_time("2026-02-30T00:00:00Z")
    with pytest.raises(ValueError, match="out of range"):
        utc_time("0001-01-01T00:00:00+01:00")
