"""Validate messages of Segment's HTTP tracking API: pure functions, no Django and no I/O.

A request body is either one call (`/v1/track`, `/v1/identify`, ...) or a batch
(`{"batch": [...], "sentAt": ...}`). Each message is checked on its own, so one bad message
never costs the good ones: `validate_batch` returns the accepted `Message` objects and the
`Rejected` ones with every `Problem` found, each located like `("batch", 3, "timestamp")`.
A body that cannot be read as messages at all raises `BodyError`.

Timestamps follow Segment's clock-skew correction: when `sentAt` is given (on the message or
the batch), `timestamp = timestamp + (receivedAt - sentAt)`; without a `timestamp` the
message is dated `receivedAt`. A corrected time more than `MAX_FUTURE` after `receivedAt`,
before `EARLIEST` (1970), or one the correction pushes out of the years 1 to 9999, is a
problem of that message.

Values no store can keep are problems of their message too, wherever they are (keys
included): numbers that are not finite (`NaN`, `Infinity`, `1e400`), lone UTF-16 surrogates,
NUL characters, and nesting deeper than `MAX_DEPTH` levels. So whatever is accepted can be
written as strict JSON in UTF-8 on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from retain.core.storable import escaped as storable
from retain.core.storable import text_problem

__all__ = [
    "CALLS",
    "EARLIEST",
    "MAX_BATCH_BYTES",
    "MAX_DEPTH",
    "MAX_FUTURE",
    "MAX_ID_LENGTH",
    "MAX_MESSAGE_BYTES",
    "BodyError",
    "Message",
    "Problem",
    "Rejected",
    "TooDeep",
    "Validated",
    "message_size",
    "parse_time",
    "payload_text",
    "read_json",
    "storable",
    "utc_time",
    "validate_batch",
    "validate_message",
    "validate_single",
    "value_problems",
]

CALLS = ("track", "identify", "group", "page", "screen")
MAX_MESSAGE_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_ID_LENGTH = 200
MAX_EMAIL_LENGTH = 254
MAX_DEPTH = 64  # nesting levels of a message; the message object itself is level 1
MAX_FUTURE = dt.timedelta(days=1)  # how far after its receipt a corrected timestamp may be
# The earliest event time: older ones are a wrong clock or conversion, and would move the
# start of every history (health scoring counts back from the first event) out of range.
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MAX_VALUE_PROBLEMS = 5  # unstorable values reported per message; the rest are counted
# JSON strings (skipped whole) and the punctuation that gives the structure
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},:]')

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One reason a message was rejected, located in the request body."""

    loc: Loc
    msg: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of the API's `errors` items."""
        return {"loc": list(self.loc), "msg": self.msg}


@dataclass(frozen=True)
class Message:
    """A valid message, normalised: ids as text, objects as dicts, time in UTC, corrected."""

    type: str
    message_id: str
    user_id: str
    anonymous_id: str
    name: str
    group_id: str
    timestamp: dt.datetime
    properties: dict[str, Any]
    traits: dict[str, Any]
    context: dict[str, Any]
    loc: Loc = ()  # where it was in the request body, e.g. ("batch", 3)
    raw: Any = field(default=None, compare=False, repr=False)  # as received, for quarantine

    def rejected(self, msg: str) -> Rejected:
        """This message as rejected after all (e.g. the store refused it), with a reason."""
        index = self.loc[1] if len(self.loc) > 1 and isinstance(self.loc[1], int) else None
        return Rejected(index, self.raw, (Problem(self.loc or ("body",), msg),))


@dataclass(frozen=True)
class Rejected:
    """A message that failed validation: where it was, what it was, and why."""

    index: int | None
    raw: Any
    problems: tuple[Problem, ...]


@dataclass
class Validated:
    """The outcome of validating a body: accepted messages and rejected ones."""

    accepted: list[Message] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


class TooDeep(str):
    """The text of a batch message nested too deeply for the JSON parser (it is rejected)."""


class BodyError(ValueError):
    """The body as a whole is unusable (not an object, `batch` not a list, ...)."""

    def __init__(self, code: str, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.problems = problems


def read_json(raw: bytes | str, *, batch: bool) -> Any:
    """A request body as JSON, or BodyError("invalid_json"). A batch too deep for the parser
    is read without its too-deep messages: each is left as its `TooDeep` text, to reject."""
    try:
        try:
            return json.loads(raw)
        except RecursionError:
            text = raw.decode() if isinstance(raw, bytes) else raw
            payload = _without_deep_messages(text) if batch else None
            if payload is None:
                raise
            return payload
    except UnicodeDecodeError as exc:
        msg = f"the body is not UTF-8 ({exc.reason} at byte {exc.start})"
    except json.JSONDecodeError as exc:
        msg = f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:
        msg = f"invalid JSON: nested too deeply to read (a message may have {MAX_DEPTH} levels)"
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        msg = f"invalid JSON: {exc}"
    raise BodyError("invalid_json", msg, [Problem(("body",), msg)])


def _without_deep_messages(text: str) -> Any:
    """`{"batch": [...]}` text parsed with each message nested deeper than MAX_DEPTH replaced
    by its `TooDeep` text; None when the body is still unreadable."""
    spans = _deep_messages(text)
    if not spans:
        return None
    parts, last = [], 0
    for _, start, end in spans:
        parts += [text[last:start], "null"]
        last = end
    parts.append(text[last:])
    try:
        payload = json.loads("".join(parts))
    except (RecursionError, ValueError):
        return None
    messages = payload.get("batch") if isinstance(payload, dict) else None
    if not isinstance(messages, list):
        return None
    for index, start, end in spans:
        messages[index] = TooDeep(text[start:end])
    return payload


def _deep_messages(text: str) -> list[tuple[int, int, int]]:
    """(index, start, end) of the messages of the body's `batch` list that are nested deeper
    than MAX_DEPTH levels, found by counting brackets outside strings (no recursion)."""
    found: list[tuple[int, int, int]] = []
    depth, key, last_text = 0, "", ""
    in_batch, index, start, deepest = False, 0, -1, 0
    for token in _TOKEN.finditer(text):
        t = token.group()
        if t[0] == '"':
            last_text = t
        elif t == ":" and depth == 1:
            key = last_text
        elif t == "," and depth == 1:
            key = ""
        elif t == "," and depth == 2 and in_batch:
            index += 1
        elif t in "[{":
            depth += 1
            if depth == 2 and t == "[" and key == '"batch"':
                in_batch, index = True, 0
            elif depth == 3 and in_batch:
                start, deepest = token.start(), depth
            deepest = max(deepest, depth)
        elif t in "]}":
            if depth == 3 and in_batch and start >= 0:
                if deepest - 2 > MAX_DEPTH:
                    found.append((index, start, token.end()))
                start = -1
            elif depth == 2 and in_batch:
                in_batch, key = False, ""
            depth -= 1
    return found


def message_size(raw: Any) -> int:
    """Bytes of a message as compact UTF-8 JSON (what the 32 KB limit counts)."""
    return len(json.dumps(raw, separators=(",", ":"), ensure_ascii=False).encode())


def payload_text(raw: Any) -> str:
    """A raw message as storable text for the quarantine: compact JSON (text, an unreadable
    body, as it is), NUL and lone surrogates escaped so the text still reads back the same."""
    if isinstance(raw, str):
        return storable(raw)
    try:
        text = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
    except RecursionError:  # deeper than the encoder goes: keep the message, cut its depths
        text = json.dumps(_pruned(raw, MAX_DEPTH + 1), ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:  # not JSON at all (a caller's Python object)
        text = json.dumps({"unreadable": f"{type(exc).__name__}: {exc}"[:500]})
    return storable(text)


def value_problems(raw: Any, loc: Loc) -> list[Problem]:
    """Every value in `raw` that no store can keep, located (keys included): a number that is
    not finite, text with NUL or a lone surrogate, nesting deeper than MAX_DEPTH levels."""
    found: list[Problem] = []
    more = 0
    stack: list[tuple[Any, Loc, int]] = [(raw, loc, 1)]
    while stack:
        value, where, depth = stack.pop()
        problem = _value_problem(value, depth)
        children: list[tuple[Any, Loc, int]] = []
        if problem is None and isinstance(value, dict):
            for key, child in value.items():
                name = storable(key) if isinstance(key, str) else str(key)
                key_problem = text_problem(key) if isinstance(key, str) else "a key is not text"
                if key_problem is not None:
                    more += _add_capped(found, Problem((*where, name), f"key: {key_problem}"))
                children.append((child, (*where, name), depth + 1))
        elif problem is None and isinstance(value, list):
            children = [(child, (*where, i), depth + 1) for i, child in enumerate(value)]
        if problem is not None:
            more += _add_capped(found, Problem(where, problem))
        stack.extend(reversed(children))
    if more:
        found.append(Problem(loc, f"and {more} more values like these"))
    return found


def _add_capped(found: list[Problem], problem: Problem) -> int:
    """Keep the first MAX_VALUE_PROBLEMS problems; 1 when this one is only counted."""
    if len(found) < MAX_VALUE_PROBLEMS:
        found.append(problem)
        return 0
    return 1


def _value_problem(value: Any, depth: int) -> str | None:
    if isinstance(value, dict | list):
        return f"nested deeper than {MAX_DEPTH} levels" if depth > MAX_DEPTH else None
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number (JSON has no NaN or Infinity; 1e400 is too large)"
    if value is None or isinstance(value, bool | int | float):
        return None
    return f"not a JSON value ({type(value).__name__})"


def _pruned(value: Any, limit: int) -> Any:
    """A copy of a JSON-like value with containers deeper than `limit` levels replaced by a
    note (built without recursion: the value may be too deep for it)."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 1)]
    while stack:
        item, parent, slot, depth = stack.pop()
        if isinstance(item, dict | list) and depth > limit:
            parent[slot] = f"(nested deeper than {limit} levels: cut)"
        elif isinstance(item, dict):
            parent[slot] = copy = dict.fromkeys(map(str, item))
            stack.extend((v, copy, str(k), depth + 1) for k, v in item.items())
        elif isinstance(item, list):
            parent[slot] = items = [None] * len(item)
            stack.extend((v, items, i, depth + 1) for i, v in enumerate(item))
        else:
            parent[slot] = item
    return root[0]


def utc_time(value: str | dt.datetime) -> dt.datetime:
    """An ISO 8601 date-time (text or a datetime) as aware UTC; without an offset it is UTC.
    The one timestamp parser of Retain: raises a bare ValueError, each caller words its own."""
    stamp = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value.strip())
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    try:
        return stamp.astimezone(dt.UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        raise ValueError(f"{value!r} is out of range") from None


def parse_time(value: Any) -> dt.datetime:
    """A message's ISO 8601 date-time as aware UTC; without an offset it is taken as UTC."""
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date-time string, got {_kind(value)}")
    try:
        return utc_time(value)
    except ValueError:
        raise ValueError(
            f"expected an ISO 8601 date-time like 2026-03-31T14:05:00.000Z, got {value!r}"
        ) from None


def validate_batch(
    payload: Any, received_at: dt.datetime, *, allowed: Collection[str] | None = None
) -> Validated:
    """Validate a `/v1/batch` body: `{"batch": [message, ...], "sentAt": ...}`; `allowed`:
    the call types the sender may send (None: all)."""
    if not isinstance(payload, dict):
        raise BodyError("invalid_body", "the body must be a JSON object", [_not_object(())])
    batch = payload.get("batch")
    if not isinstance(batch, list):
        got = "missing" if batch is None else _kind(batch)
        raise BodyError(
            "invalid_body",
            "`batch` must be a list of messages",
            [Problem(("batch",), f"expected a list of messages, got {got}")],
        )
    sent_at = _batch_sent_at(payload.get("sentAt"))
    out = Validated()
    for index, raw in enumerate(batch):
        result = validate_message(
            raw, ("batch", index), received_at, sent_at=sent_at, allowed=allowed
        )
        _collect(out, result, raw, index)
    return out


def validate_single(
    payload: Any, call: str, received_at: dt.datetime, *, allowed: Collection[str] | None = None
) -> Validated:
    """Validate the body of a single call (`/v1/track`, `/v1/identify`, ...)."""
    if not isinstance(payload, dict):
        raise BodyError("invalid_body", "the body must be a JSON object", [_not_object(())])
    out = Validated()
    result = validate_message(payload, (), received_at, call=call, allowed=allowed)
    _collect(out, result, payload, None)
    return out


def validate_message(
    raw: Any,
    loc: Loc,
    received_at: dt.datetime,
    *,
    call: str | None = None,
    sent_at: dt.datetime | None = None,
    allowed: Collection[str] | None = None,
) -> Message | list[Problem]:
    """A `Message`, or every `Problem` of the raw message at `loc`; a call type not in
    `allowed` (when given: the sender's permitted calls) is a problem."""
    if isinstance(raw, TooDeep):
        return [Problem(loc, f"nested deeper than {MAX_DEPTH} levels")]
    if not isinstance(raw, dict):
        return [_not_object(loc)]
    unstorable = value_problems(raw, loc)
    if unstorable:  # nothing else can be checked safely (or printed) in such a message
        return unstorable
    problems: list[Problem] = []
    size = message_size(raw)
    if size > MAX_MESSAGE_BYTES:
        limit = MAX_MESSAGE_BYTES // 1024
        return [Problem(loc, f"the message is {size:,} bytes; the limit is {limit} KB")]
    kind = call or _call(raw, loc, problems)
    if allowed is not None and kind and kind not in allowed:
        only = ", ".join(c for c in CALLS if c in allowed)
        msg = f"this source's write key may send only {only}; {kind} calls are refused"
        problems.append(Problem((*loc, "type"), msg))
    fields = _Fields(raw, loc, problems)
    user_id, anonymous_id = fields.ident("userId"), fields.ident("anonymousId")
    if not user_id and not anonymous_id and not _has_problem(problems, loc, "userId"):
        problems.append(Problem((*loc, "userId"), "a userId or an anonymousId is required"))
    name = _name(kind, fields)
    group_id = fields.ident("groupId", required=kind == "group")
    properties, traits = fields.obj("properties"), fields.obj("traits")
    context = fields.obj("context")
    if kind == "identify":
        _check_traits(traits, (*loc, "traits"), problems)
    timestamp = _timestamp(raw, loc, received_at, sent_at, problems)
    message_id = fields.ident("messageId") or _derived_id(raw)
    if problems or timestamp is None:
        return problems
    return Message(
        type=kind,
        message_id=message_id,
        user_id=user_id,
        anonymous_id=anonymous_id,
        name=name,
        group_id=group_id,
        timestamp=timestamp,
        properties=properties,
        traits=traits,
        context=context,
        loc=loc,
        raw=raw,
    )


class _Fields:
    """Readers for the typed fields of one raw message; problems are collected, not raised."""

    def __init__(self, raw: Mapping[str, Any], loc: Loc, problems: list[Problem]) -> None:
        self.raw, self.loc, self.problems = raw, loc, problems

    def ident(self, key: str, *, required: bool = False) -> str:
        """An id: text or a number, at most 200 characters; empty when missing."""
        value = self.raw.get(key)
        if value is None or value == "":
            if required:
                self.problems.append(Problem((*self.loc, key), f"{key} is required"))
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self._add(key, f"expected text or a number, got {_kind(value)}")
            return ""
        text = value if isinstance(value, str) else str(value)
        if len(text) > MAX_ID_LENGTH:
            self._add(key, f"at most {MAX_ID_LENGTH} characters, got {len(text)}")
            return ""
        return text

    def text(self, key: str, *, required: bool = False) -> str:
        """A name: non-empty text of at most 200 characters when required."""
        value = self.raw.get(key)
        if value is None or value == "":
            if required:
                self._add(key, f"{key} is required (the event name)")
            return ""
        if not isinstance(value, str):
            self._add(key, f"expected text, got {_kind(value)}")
            return ""
        if len(value) > MAX_ID_LENGTH:
            self._add(key, f"at most {MAX_ID_LENGTH} characters, got {len(value)}")
            return ""
        return value

    def obj(self, key: str) -> dict[str, Any]:
        """A JSON object; missing or null is an empty object."""
        value = self.raw.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self._add(key, f"expected a JSON object, got {_kind(value)}")
            return {}
        return value

    def _add(self, key: str, msg: str) -> None:
        self.problems.append(Problem((*self.loc, key), msg))


def _call(raw: Mapping[str, Any], loc: Loc, problems: list[Problem]) -> str:
    kind = raw.get("type")
    if kind in CALLS:
        return str(kind)
    if kind is None:
        msg = f"type is required: one of {', '.join(CALLS)}"
    elif kind == "alias":
        msg = "alias calls are not supported; send identify with the userId instead"
    else:
        msg = f"unknown type {kind!r}; use one of {', '.join(CALLS)}"
    problems.append(Problem((*loc, "type"), msg))
    return ""


def _name(kind: str, fields: _Fields) -> str:
    if kind == "track":
        return fields.text("event", required=True)
    if kind in ("page", "screen"):
        return fields.text("name")
    return ""


def _check_traits(traits: Mapping[str, Any], loc: Loc, problems: list[Problem]) -> None:
    """Traits that fill contact fields must fit them."""
    for key, limit in (("name", MAX_ID_LENGTH), ("email", MAX_EMAIL_LENGTH)):
        value = traits.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(Problem((*loc, key), f"expected text, got {_kind(value)}"))
        elif isinstance(value, str) and len(value) > limit:
            problems.append(Problem((*loc, key), f"at most {limit} characters, got {len(value)}"))


def _timestamp(
    raw: Mapping[str, Any],
    loc: Loc,
    received_at: dt.datetime,
    batch_sent_at: dt.datetime | None,
    problems: list[Problem],
) -> dt.datetime | None:
    """The corrected timestamp: timestamp + (receivedAt - sentAt); receivedAt without one."""
    stamps: dict[str, dt.datetime | None] = {}
    for key in ("timestamp", "sentAt"):
        value = raw.get(key)
        try:
            stamps[key] = None if value is None else parse_time(value)
        except ValueError as exc:
            problems.append(Problem((*loc, key), str(exc)))
            return None
    stamp, sent_at = stamps["timestamp"], stamps["sentAt"] or batch_sent_at
    if stamp is None:
        return received_at.astimezone(dt.UTC)
    where = (*loc, "timestamp")
    if sent_at is not None:
        skew = received_at - sent_at
        try:
            stamp = stamp + skew
        except OverflowError:
            problems.append(Problem(where, _skew_overflow(stamp, skew)))
            return None
    if stamp - received_at > MAX_FUTURE:
        problems.append(Problem(where, _too_late(stamp, received_at, sent_at is not None)))
        return None
    if stamp < EARLIEST:
        how = " after the clock-skew correction" if sent_at is not None else ""
        msg = f"{stamp.isoformat()}{how} is before {EARLIEST:%Y-%m-%d}, the earliest event time"
        problems.append(Problem(where, msg + "; is a clock wrong?"))
        return None
    return stamp


def _skew_overflow(stamp: dt.datetime, skew: dt.timedelta) -> str:
    return (
        f"the clock-skew correction (receivedAt - sentAt = {skew.days:,} days) moves "
        f"{stamp.isoformat()} outside the years 1 to 9999; check timestamp and sentAt"
    )


def _too_late(stamp: dt.datetime, received_at: dt.datetime, corrected: bool) -> str:
    how = " after the clock-skew correction" if corrected else ""
    return (
        f"{stamp.isoformat()}{how} is more than {MAX_FUTURE.days} day after the message "
        f"was received ({received_at.astimezone(dt.UTC).isoformat()}); is a clock wrong?"
    )


def _batch_sent_at(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError as exc:
        raise BodyError(
            "invalid_body", "the batch's sentAt is invalid", [Problem(("sentAt",), str(exc))]
        ) from None


def _derived_id(raw: Mapping[str, Any]) -> str:
    """A stable id for a message sent without messageId, so a retry is still a duplicate."""
    content = {k: v for k, v in raw.items() if k not in ("sentAt", "writeKey")}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return f"sha256:{digest[:48]}"


def _collect(out: Validated, result: Message | list[Problem], raw: Any, index: int | None) -> None:
    if isinstance(result, Message):
        out.accepted.append(result)
    else:
        out.rejected.append(Rejected(index, raw, tuple(result)))


def _has_problem(problems: list[Problem], loc: Loc, key: str) -> bool:
    return any(p.loc == (*loc, key) for p in problems)


def _not_object(loc: Loc) -> Problem:
    return Problem(loc or ("body",), "expected a JSON object")


def _kind(value: Any) -> str:
    """A JSON type name for messages: `a list`, `a number`, ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({json.dumps(value)})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"text ({value[:40]!r})"
    if isinstance(value, list):
        return "a list"
    return "an object"
