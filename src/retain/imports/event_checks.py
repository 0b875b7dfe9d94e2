"""Check an events file before anything is written: every problem located as
file:row:column: message, the valid events as an Arrow table (SCHEMA).

CSV and Parquet files are checked column by column with pyarrow (`pyarrow.compute`): required
values, types, lengths, and timestamps in the usual ISO 8601 form are parsed in bulk; JSON cells
are parsed once per distinct text. Only the rows these checks flag (a problem, or a timestamp in
a rarer ISO 8601 form) go through the per-row Python checks, which locate each problem and parse
what is valid. Segment exports (JSON lines) are checked message by message with the ingest API's
own rules (`core.tracking.validate_message`). What the store could not hold or read back is
refused: NUL characters, line breaks in one-line fields, times outside the years 1900-2200 (see
imports.types), properties and context that are not JSON objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from retain.app.events import dumps
from retain.core.storable import json_problem, text_problem
from retain.core.tracking import CALLS, MAX_ID_LENGTH, Message, parse_time, validate_message
from retain.errors import ImportFailed, ImportProblem
from retain.imports.kinds import get
from retain.imports.types import (
    EARLIEST,
    LATEST,
    YEAR_MAX,
    YEAR_MIN,
    parse_datetime,
    parse_json,
)
from retain.imports.validate import check_header

TYPES = frozenset(CALLS)  # the calls of the tracking API
Row = tuple[Any, ...]  # message_id, type, account, user_id, anonymous_id, name, ts, rec, ...
STAMP = pa.timestamp("us", tz="UTC")
# ISO 8601 date-times that pyarrow and Python's datetime.fromisoformat read alike: the form of
# almost every export. Any other text goes through Python, which decides.
ISO = (
    r"^(?:000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"[T ](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$"
)
ZONE = r"(?:Z|[+-]\d\d:\d\d)$"
YEARS = f"the years {YEAR_MIN}-{YEAR_MAX} (in UTC)"
# Text the per-row checks must look at: a NUL, a line break (in ids), and in JSON text
# an escaped NUL or surrogate, or a value that does not start like an object.
ODD_TEXT = "[\\x00\\r\\n]"
ODD_JSON = r"(?i)\\u(?:0000|d[89a-f])|\x00|^[^{]"
SCHEMA = pa.schema(
    [
        ("number", pa.int64()),
        ("message_id", pa.string()),
        ("type", pa.string()),
        ("account", pa.string()),
        ("user_id", pa.string()),
        ("anonymous_id", pa.string()),
        ("name", pa.string()),
        ("timestamp", STAMP),
        ("received_at", STAMP),
        ("properties", pa.string()),
        ("context", pa.string()),
    ]
)
# The events kind's file columns (imports/kinds.py); the store's are app.events.EVENT_COLUMNS.
COLUMNS = tuple(c.name for c in get("events").columns)
TEXT_COLUMNS = ("message_id", "type", "account_id", "user_id", "anonymous_id", "name")


# --- CSV and Parquet: checked column by column ----------------------------------------------


def from_table(
    file: str, table: pa.Table, check_json: bool = True
) -> tuple[pa.Table, list[ImportProblem]]:
    """The valid events in file order, and the problems of the others. Without `check_json`
    JSON cells are left to the database's own JSON check (see imports.events.import_events)."""
    header = list(table.column_names)
    problems = check_header(get("events"), file, header)
    if problems:
        raise ImportFailed(problems)
    n = table.num_rows

    def column(name: str) -> pa.Array | None:
        return table.column(name).combine_chunks() if name in header else None

    mid, kind, account, user, anon, name = (_text(column(c), n) for c in TEXT_COLUMNS)
    kind = pc.fill_null(kind, "track")
    when, odd_when = _times(column("timestamp"), n)
    got, odd_got = _times(column("received_at"), n)
    props, bad_props = _json_texts(column("properties"), n, check_json)
    ctx, bad_ctx = _json_texts(column("context"), n, check_json)
    flags = [pc.is_null(mid), pc.invert(pc.is_in(kind, pa.array(sorted(TYPES))))]
    flags += [pc.and_(pc.is_null(user), pc.is_null(anon)), pc.is_null(when), odd_when, odd_got]
    flags += [bad_props, bad_ctx]
    flags += [pc.greater(pc.utf8_length(a), MAX_ID_LENGTH) for a in (mid, user, anon, name)]
    flags += [pc.match_substring_regex(a, ODD_TEXT) for a in (mid, kind, account, user, anon)]
    flags += [pc.match_substring(name, "\x00")]
    flagged = _any([pc.fill_null(f, False) for f in flags], n)
    numbers = pa.array(range(2, n + 2), pa.int64())
    fast = pa.Table.from_arrays(
        [
            numbers,
            mid,
            kind,
            account,
            pc.fill_null(user, ""),
            pc.fill_null(anon, ""),
            pc.fill_null(name, ""),
            when,
            pc.coalesce(got, when),
            props,
            ctx,
        ],
        schema=SCHEMA,
    ).filter(pc.invert(flagged))
    if fast.num_rows == n:
        return fast, problems
    # Some rows need a closer look: the per-row checks locate every problem (and parse
    # timestamps in the rarer ISO 8601 forms the vectorised parse leaves to Python).
    indices = pc.indices_nonzero(flagged)
    cells = [_cells(column(c), indices) for c in COLUMNS]
    rows: list[Row] = []
    for index, *values in zip(indices.to_pylist(), *cells, strict=True):
        row = _check_row(file, index + 2, dict(zip(COLUMNS, values, strict=True)), problems)
        if row is not None:
            rows.append(row)
    if not rows:
        return fast, problems
    both = pa.concat_tables([fast, _table(rows)])
    return both.take(pc.sort_indices(both, [("number", "ascending")])), problems


def _any(flags: list[pa.Array], n: int) -> pa.Array:
    out = pa.array([False] * n) if not flags else flags[0]
    for flag in flags[1:]:
        out = pc.or_kleene(out, flag)
    return out


def _text(values: pa.Array | None, n: int) -> pa.Array:
    """Text cells trimmed; blank or missing is null. Numbers are written as text."""
    if values is None:
        return pa.nulls(n, pa.string())
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    typ = values.type
    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_integer(typ):
        text = values.cast(pa.string())
    else:  # anything else (rare in an events file): as Python writes it
        text = pa.array([None if v is None else str(v) for v in values.to_pylist()], pa.string())
    text = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _times(values: pa.Array | None, n: int) -> tuple[pa.Array, pa.Array]:
    """UTC times, and which non-empty cells were not parsed here (Python decides those)."""
    if values is None:
        return pa.nulls(n, STAMP), pa.array([False] * n)
    if pa.types.is_timestamp(values.type):
        stamps = values if values.type.tz else values.cast(pa.timestamp(values.type.unit, "UTC"))
        stamps = stamps.cast(STAMP, safe=False)
        return stamps, pc.fill_null(_outside(stamps), False)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return pa.nulls(n, STAMP), pc.is_valid(values)
    text = _text(values, n)
    iso = pc.fill_null(pc.match_substring_regex(text, ISO), False)
    zoned = pc.if_else(
        pc.match_substring_regex(text, ZONE), text, pc.binary_join_element_wise(text, "Z", "")
    )
    try:
        stamps = pc.if_else(iso, zoned, pa.scalar(None, pa.string())).cast(STAMP)
    except pa.ArrowInvalid:  # e.g. 2026-02-30: let Python say which rows
        return pa.nulls(n, STAMP), pc.is_valid(text)
    odd = pc.or_(pc.invert(iso), pc.fill_null(_outside(stamps), False))
    return stamps, pc.and_(pc.is_valid(text), odd)


def _outside(stamps: pa.Array) -> pa.Array:
    """Times outside the accepted years (Python decides those, and refuses them)."""
    early, late = pa.scalar(EARLIEST, STAMP), pa.scalar(LATEST, STAMP)
    return pc.or_(pc.less(stamps, early), pc.greater_equal(stamps, late))


def _json_texts(values: pa.Array | None, n: int, check: bool = True) -> tuple[pa.Array, pa.Array]:
    """JSON text cells ("{}" when empty), and which are not valid JSON (or not text)."""
    if values is None:
        return pa.array(["{}"] * n, pa.string()), pa.array([False] * n)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return pa.array(["{}"] * n, pa.string()), pc.is_valid(values)  # objects: Python dumps
    text = _text(values, n)
    if not check:
        odd = pc.fill_null(pc.match_substring_regex(text, ODD_JSON), False)
        return pc.fill_null(text, "{}"), odd
    distinct = pc.unique(text.drop_null())  # each distinct text parsed once
    bad = [v for v in distinct.to_pylist() if _json_problem(v) is not None]
    return pc.fill_null(text, "{}"), pc.is_in(text, pa.array(bad, pa.string()))


def _json_problem(text: str) -> str | None:
    """What is wrong with a properties or context cell: invalid JSON (NaN and Infinity, which
    Python accepts, included), not an object, or text the store cannot keep."""
    try:
        value = parse_json(text, finite=False)  # 1e400: the stores keep it, as the API does
    except ValueError as exc:
        return str(exc)
    if not isinstance(value, dict):
        return 'expected a JSON object like {"plan": "pro"}'
    return json_problem(value)


def _cells(values: pa.Array | None, indices: pa.Array) -> list[Any]:
    """The cells at these rows as the per-row checks take them (blank text is missing; times
    as text, which any year can be)."""
    if values is None:
        return [None] * len(indices)
    if pa.types.is_temporal(values.type):
        values = values.cast(pa.string())
    return [
        (v.strip() or None) if isinstance(v, str) else v for v in values.take(indices).to_pylist()
    ]


def _check_row(
    file: str, number: int, cells: dict[str, Any], problems: list[ImportProblem]
) -> Row | None:
    mid, kind, account, user, anon, name = (cells[c] for c in TEXT_COLUMNS)
    stamp, received, props, ctx = (
        cells[c] for c in ("timestamp", "received_at", "properties", "context")
    )
    before = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(ImportProblem(file, number, column, message))

    if mid is None:
        problem("message_id", "a value is required")
    kind = kind or "track"
    if kind not in TYPES:
        problem("type", f"{kind!r} is not allowed; use one of {', '.join(sorted(TYPES))}")
    if user is None and anon is None:
        problem("user_id", "a user_id or an anonymous_id is required")
    for column, value in (("message_id", mid), ("user_id", user), ("anonymous_id", anon)):
        _length(column, value, problem)
    _length("name", name, problem)
    for column in TEXT_COLUMNS:
        _storable(column, cells[column], problem, one_line=column != "name")
    when = _time(stamp, "timestamp", problem, required=True)
    got = _time(received, "received_at", problem) or when
    properties, context = _json(props, "properties", problem), _json(ctx, "context", problem)
    if len(problems) > before or when is None or got is None:
        return None
    ids = (str(mid), kind, None if account is None else str(account))
    names = (str(user or ""), str(anon or ""), str(name or ""))
    return (*ids, *names, when, got, properties, context, number)


def _length(column: str, value: Any, problem: Callable[[str, str], None]) -> None:
    if value is not None and len(str(value)) > MAX_ID_LENGTH:
        problem(column, f"at most {MAX_ID_LENGTH} characters, got {len(str(value))}")


def _storable(
    column: str, value: Any, problem: Callable[[str, str], None], *, one_line: bool
) -> None:
    """No NUL; no line break in an id (event names may hold one, as the ingest API allows)."""
    if value is None:
        return
    text = str(value)
    refusal = text_problem(text)
    if refusal is None and one_line and ("\n" in text or "\r" in text):
        refusal = 'a line break in a one-line field: a stray quote (") may have joined rows'
    if refusal is not None:
        problem(column, refusal)


def _time(
    value: Any, column: str, problem: Callable[[str, str], None], *, required: bool = False
) -> dt.datetime | None:
    if value is None:
        if required:
            problem(column, "a value is required")
        return None
    try:
        return parse_datetime(value)
    except ValueError as exc:
        problem(column, str(exc))
        return None


def _json(value: Any, column: str, problem: Callable[[str, str], None]) -> str:
    if value is None:
        return "{}"
    if isinstance(value, dict | list):
        text = dumps(value)
    elif isinstance(value, str):
        text = value
    else:
        problem(column, f"expected JSON text, got {type(value).__name__}")
        return "{}"
    refusal = _json_problem(text)
    if refusal is not None:
        problem(column, refusal)
        return "{}"
    return text


def _table(rows: list[Row]) -> pa.Table:
    """Checked rows (tuples) as an events table."""
    mid, kind, account, user, anon, name, when, got, props, ctx, number = zip(*rows, strict=True)
    arrays = [number, mid, kind, account, user, anon, name, when, got, props, ctx]
    return pa.Table.from_arrays(
        [pa.array(a, f.type) for a, f in zip(arrays, SCHEMA, strict=True)], schema=SCHEMA
    )


# --- Segment exports: checked message by message ---------------------------------------------


def from_segment(file: str, records: list[tuple[int, Any]]) -> tuple[pa.Table, list[ImportProblem]]:
    """Segment export lines: the timestamp is already corrected, so sentAt is not applied."""
    rows: list[Row] = []
    problems: list[ImportProblem] = []
    for number, raw in records:
        row = _segment_row(file, number, raw, problems)
        if row is not None:
            rows.append(row)
    return (_table(rows) if rows else SCHEMA.empty_table()), problems


def _segment_row(file: str, number: int, raw: Any, problems: list[ImportProblem]) -> Row | None:
    received: dt.datetime | None = None
    if isinstance(raw, dict) and raw.get("receivedAt") is not None:
        try:
            received = parse_time(raw["receivedAt"])
        except ValueError as exc:
            problems.append(ImportProblem(file, number, "receivedAt", str(exc)))
            return None
    message = {k: v for k, v in raw.items() if k != "sentAt"} if isinstance(raw, dict) else raw
    now = received or dt.datetime.now(dt.UTC)
    result = validate_message(message, (), now)
    if not isinstance(result, Message):
        for p in result:
            problems.append(ImportProblem(file, number, ".".join(map(str, p.loc)), p.msg))
        return None
    for column, stamp in (("timestamp", result.timestamp), ("receivedAt", received)):
        if stamp is not None and not EARLIEST <= stamp < LATEST:
            problems.append(ImportProblem(file, number, column, f"{stamp} is outside {YEARS}"))
            return None
    body = result.traits if result.type in ("identify", "group") else result.properties
    account = result.group_id if result.type == "group" else None
    texts = {
        "messageId": result.message_id,
        "userId": result.user_id,
        "anonymousId": result.anonymous_id,
        "groupId": account,
        "event": result.name,
    }
    refusals = [(c, text_problem(t)) for c, t in texts.items() if t is not None]
    refusals.append(("properties", json_problem(body)))
    refusals.append(("context", json_problem(result.context)))
    refused = [(column, why) for column, why in refusals if why]
    for column, why in refused:  # what the ingest rules let through but no store can keep
        problems.append(ImportProblem(file, number, column, why))
    if refused:
        return None
    return (
        result.message_id,
        result.type,
        account,
        result.user_id,
        result.anonymous_id,
        result.name,
        result.timestamp,
        received or result.timestamp,
        dumps(body),
        dumps(result.context),
        number,
    )
