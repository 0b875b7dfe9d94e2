"""Pure validation of Segment messages: hand-written messages, hand-computed answers."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retain.core.tracking import (
    CALLS,
    EARLIEST,
    MAX_DEPTH,
    MAX_FUTURE,
    BodyError,
    Message,
    Problem,
    TooDeep,
    Validated,
    parse_time,
    payload_text,
    read_json,
    storable,
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


# --- values no store can keep, times out of range, bodies too deep ----------------------------

TRACK = {"type": "track", "messageId": "m", "userId": "u", "event": "e"}


@pytest.mark.parametrize(
    ("extra", "loc", "msg"),
    [
        ({"properties": {"t": float("nan")}}, ("properties", "t"), "nan is not a finite number"),
        ({"properties": {"t": [1, float("inf")]}}, ("properties", "t", 1), "inf is not a finite"),
        ({"event": "a\x00"}, ("event",), "contains a NUL character"),
        ({"context": {"k": "\ud800"}}, ("context", "k"), "lone UTF-16 surrogate"),
        ({"context": {"\x00k": 1}}, ("context", "\\u0000k"), "key: contains a NUL"),
        ({"context": {"k\udfff": 1}}, ("context", "k\\udfff"), "key: contains a lone"),
        ({"properties": {"p": [[[]]]}}, ("properties", "p", 0, 0), "not a JSON value"),
    ],
)
def test_values_no_store_can_keep_are_located(
    extra: dict[str, object], loc: tuple[object, ...], msg: str
) -> None:
    raw = TRACK | extra
    if msg == "not a JSON value":  # a Python caller's object, not JSON
        raw = TRACK | {"properties": {"p": [[object()]]}}
        loc = ("properties", "p", 0, 0)
    found = problems(raw)
    assert [(p.loc, msg in p.msg) for p in found] == [(("batch", 4, *loc), True)]


def test_nesting_is_limited_to_max_depth_levels() -> None:
    def nest(levels: int) -> object:
        value: object = []
        for _ in range(levels - 1):
            value = [value]
        return value

    # the message is level 1, properties level 2, so MAX_DEPTH - 2 more levels fit
    assert ok(TRACK | {"properties": {"p": nest(MAX_DEPTH - 2)}})
    found = problems(TRACK | {"properties": {"p": nest(MAX_DEPTH - 1)}})
    assert len(found) == 1
    assert found[0].msg == f"nested deeper than {MAX_DEPTH} levels"
    assert len(found[0].loc) == 2 + 2 + MAX_DEPTH - 2  # batch, 4, properties, p, 0, 0, ...


def test_many_bad_values_are_counted_after_the_first_five() -> None:
    found = problems(TRACK | {"properties": {str(i): float("nan") for i in range(8)}})
    assert [p.loc[-1] for p in found[:5]] == ["0", "1", "2", "3", "4"]
    assert found[5] == Problem(("batch", 4), "and 3 more values like these")
    assert len(found) == 6


def test_skew_correction_out_of_range_is_a_problem() -> None:
    late = TRACK | {"timestamp": "9999-12-31T23:59:59Z", "sentAt": "2000-01-01T00:00:00Z"}
    early = TRACK | {"timestamp": "0001-01-01T00:00:00Z", "sentAt": "2100-01-01T00:00:00Z"}
    for raw in (late, early):
        (found,) = problems(raw)
        assert found.loc == ("batch", 4, "timestamp")
        assert "clock-skew correction" in found.msg
        assert "outside the years 1 to 9999" in found.msg


def test_timestamps_more_than_a_day_ahead_are_refused() -> None:
    limit = NOW + MAX_FUTURE
    assert ok(TRACK | {"timestamp": limit.isoformat()}).timestamp == limit
    (found,) = problems(TRACK | {"timestamp": (limit + dt.timedelta(seconds=1)).isoformat()})
    assert found.loc == ("batch", 4, "timestamp")
    assert "more than 1 day after the message was received" in found.msg
    # after the correction: a client clock 2 days ahead is fine when sentAt says so
    ahead = NOW + dt.timedelta(days=2)
    raw = TRACK | {"timestamp": ahead.isoformat(), "sentAt": ahead.isoformat()}
    assert ok(raw).timestamp == NOW
    (found,) = problems(TRACK | {"timestamp": ahead.isoformat(), "sentAt": NOW.isoformat()})
    assert "after the clock-skew correction" in found.msg


def test_timestamps_before_1970_are_refused() -> None:
    assert ok(TRACK | {"timestamp": "1970-01-01T00:00:00Z"}).timestamp == EARLIEST
    (found,) = problems(TRACK | {"timestamp": "1969-12-31T23:59:59Z"})
    assert found == Problem(
        ("batch", 4, "timestamp"),
        "1969-12-31T23:59:59+00:00 is before 1970-01-01, the earliest event time; "
        "is a clock wrong?",
    )
    (found,) = problems(TRACK | {"timestamp": "1971-01-01T00:00:00Z", "sentAt": "2027-06-01"})
    assert "after the clock-skew correction is before 1970-01-01" in found.msg


def test_storable_text_escapes_nul_and_surrogates() -> None:
    assert storable("a\x00b\ud800c\udfffé") == "a\\u0000b\\ud800c\\udfffé"
    raw = {"k\ud800": ["\x00", float("nan")], "é": 1}
    text = payload_text(raw)
    assert text == '{"k\\ud800":["\\u0000",NaN],"é":1}'
    assert text.encode("utf-8")  # no lone surrogate left
    assert json.dumps(json.loads(text)) == json.dumps(raw)  # reads back the same
    assert payload_text("x\x00") == "x\\u0000"


def test_payload_text_of_a_value_too_deep_for_the_encoder_cuts_it() -> None:
    value: object = []
    for _ in range(100_000):
        value = [value]
    text = payload_text({"p": value})
    assert text.startswith('{"p":[[[')
    assert f'"(nested deeper than {MAX_DEPTH + 1} levels: cut)"' in text


def test_read_json_keeps_a_batch_whose_one_message_is_too_deep() -> None:
    deep = "[" * 5000 + "]" * 5000
    body = (
        '{"sentAt": "2026-03-01T12:00:00Z", "batch": [{"type": "screen", "userId": "u"}, '
        '"a string with [ and {", {"type": "page", "p": {"x": ' + deep + "}}, "
        '{"type": "page", "userId": "u"}]}'
    )
    payload = read_json(body.encode(), batch=True)
    first, text, too_deep, last = payload["batch"]
    assert (first["type"], text, last["type"]) == ("screen", "a string with [ and {", "page")
    assert isinstance(too_deep, TooDeep)
    assert too_deep == '{"type": "page", "p": {"x": ' + deep + "}}"
    out = validate_batch(payload, NOW)
    assert [r.index for r in out.rejected] == [1, 2]
    assert out.rejected[1].problems == (
        Problem(("batch", 2), f"nested deeper than {MAX_DEPTH} levels"),
    )


@pytest.mark.parametrize(
    ("body", "batch", "msg"),
    [
        (b"[" * 200_000, True, "nested too deeply to read"),
        (b'{"batch": [], "context": ' + b"[" * 5000 + b"]" * 5000 + b"}", True, "too deeply"),
        (b'{"properties": ' + b"[" * 5000 + b"]" * 5000 + b"}", False, "too deeply"),
        (b'{"batch": [}', True, "invalid JSON: Expecting value at line 1 column 12"),
        (b'{"batch": "\xff"}', True, "the body is not UTF-8 (invalid start byte at byte 11)"),
        (b'{"n": ' + b"1" * 5000 + b"}", True, "Exceeds the limit (4300 digits)"),
    ],
)
def test_read_json_refuses_unreadable_bodies(body: bytes, batch: bool, msg: str) -> None:
    with pytest.raises(BodyError) as err:
        read_json(body, batch=batch)
    assert err.value.code == "invalid_json"
    assert msg in err.value.message
    assert err.value.problems == [Problem(("body",), err.value.message)]


# --- properties: any JSON-like message is accepted or rejected with reasons, never a crash ----

ODD_TEXT = st.text(st.characters() | st.sampled_from(["\x00", "\ud800", "\udfff", "[", '"']))
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | ODD_TEXT
JSON_LIKE = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ODD_TEXT, inner, max_size=4),
    max_leaves=12,
)
OFFSETS = st.timedeltas(min_value=-dt.timedelta(hours=23), max_value=dt.timedelta(hours=23))
TIMES = st.one_of(
    st.builds(
        lambda stamp, offset: stamp.replace(tzinfo=dt.timezone(offset)).isoformat(),
        st.datetimes(),
        OFFSETS,
    ),
    st.datetimes().map(dt.datetime.isoformat),
    JSON_LIKE,
)
DEEP = st.integers(MAX_DEPTH - 4, MAX_DEPTH + 4).map(lambda n: json.loads("[" * n + "]" * n))
FIELDS = {
    "type": st.sampled_from([*CALLS, "alias"]) | JSON_LIKE,
    "messageId": ODD_TEXT | st.integers() | JSON_LIKE,
    "userId": ODD_TEXT | st.integers() | st.floats() | JSON_LIKE,
    "anonymousId": ODD_TEXT | JSON_LIKE,
    "event": ODD_TEXT | JSON_LIKE,
    "name": ODD_TEXT,
    "groupId": ODD_TEXT | st.integers(),
    "properties": st.dictionaries(ODD_TEXT, JSON_LIKE | DEEP, max_size=4) | JSON_LIKE,
    "traits": st.dictionaries(st.sampled_from(["name", "email", "createdAt", "x"]), JSON_LIKE),
    "context": st.dictionaries(ODD_TEXT, JSON_LIKE, max_size=3),
    "timestamp": TIMES,
    "sentAt": TIMES,
}
LIKELY_VALID = st.fixed_dictionaries(  # well-formed calls whose bodies carry the odd values
    {
        "type": st.sampled_from(CALLS),
        "userId": st.text(max_size=8) | st.integers(),
        "event": st.text(min_size=1, max_size=20),
        "groupId": st.text(min_size=1, max_size=8),
    },
    optional={k: FIELDS[k] for k in ("properties", "traits", "context", "timestamp", "sentAt")},
)
MESSAGES = LIKELY_VALID | st.fixed_dictionaries({}, optional=FIELDS) | JSON_LIKE
RECEIVED = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
)


def storable_json(value: object) -> bool:
    """Strict JSON, UTF-8, without NUL even as an escape (PostgreSQL's jsonb refuses it)."""
    text = json.dumps(value, allow_nan=False, ensure_ascii=False)
    text.encode("utf-8")  # raises on a lone surrogate
    return NUL_ESCAPE.search(text) is None


NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")  # \u0000 not itself escaped


def outcome(body: dict[str, object], received: dt.datetime) -> Validated | BodyError:
    try:
        return validate_batch(body, received)
    except BodyError as exc:
        return exc


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MESSAGES, max_size=4), st.none() | TIMES, RECEIVED)
def test_every_message_is_accepted_or_rejected_with_reasons(
    batch: list[object], sent_at: object, received: dt.datetime
) -> None:
    body: dict[str, object] = {"batch": batch}
    if sent_at is not None:
        body["sentAt"] = sent_at
    out = outcome(body, received)
    if isinstance(out, BodyError):  # only the batch's own sentAt can make the body unusable
        assert [p.loc for p in out.problems] == [("sentAt",)]
        return
    assert len(out.accepted) + len(out.rejected) == len(batch)
    for rejected in out.rejected:
        assert rejected.problems
        assert all(p.msg for p in rejected.problems)
        assert storable_json([p.as_dict() for p in rejected.problems])
        text = payload_text(rejected.raw)
        assert storable(text) == text
        assert "\x00" not in text
        text.encode("utf-8")  # raises on a lone surrogate
    for message in out.accepted:
        assert storable_json([message.properties, message.traits, message.context])
        texts = (message.message_id, message.user_id, message.anonymous_id, message.name)
        assert storable_json([*texts, message.group_id, message.type])
        assert message.timestamp - received <= MAX_FUTURE
        assert message.timestamp >= EARLIEST
        assert message.timestamp.tzinfo is dt.UTC


def test_calls_outside_the_senders_allowed_ones_are_refused() -> None:
    body = {"batch": [TRACK, {"type": "group", "userId": "u", "groupId": "g"}]}
    out = validate_batch(body, NOW, allowed=("track", "page"))
    assert [m.type for m in out.accepted] == ["track"]
    assert out.rejected[0].problems == (
        Problem(
            ("batch", 1, "type"),
            "this source's write key may send only track, page; group calls are refused",
        ),
    )
    single = validate_single({"userId": "u"}, "identify", NOW, allowed=("track",))
    assert [p.loc for r in single.rejected for p in r.problems] == [("type",)]
    assert len(validate_batch(body, NOW).accepted) == 2  # no limit: every call
