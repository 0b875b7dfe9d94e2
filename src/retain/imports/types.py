"""Column types of import files: parse text (CSV) or native values (Parquet), format for export.

Each parser returns the Python value or raises ValueError with a message that says what was
expected, so the caller can report file:row:column: message. `fits` checks a parsed value
against what its store column can hold and read back (a `Limit`, derived from the model).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from decimal import Context, Decimal, InvalidOperation
from typing import Any

import pyarrow as pa

from retain.core.storable import FIRST_YEAR, LAST_YEAR, json_problem, text_problem
from retain.core.tracking import utc_time
from retain.imports.schema import Limit

TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}
# Dates and times must fall in the years every store keeps (retain.core.storable says why).
YEAR_MIN, YEAR_MAX = FIRST_YEAR, LAST_YEAR
EARLIEST = dt.datetime(YEAR_MIN, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(YEAR_MAX + 1, 1, 1, tzinfo=dt.UTC)  # exclusive
_WIDE = Context(prec=80)  # enough digits to compare any amount that can pass the size check
_MAX_EXPONENT = 40  # amounts of 10^40 and more fit no column; refused before any arithmetic


def parse_str(value: Any) -> str:
    """Any text (Parquet values that are not text are written as Python writes them)."""
    return str(value)


def parse_int(value: Any) -> int:
    """A whole number (exact: parsed as a decimal, never through a float)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"expected a whole number, got {value!r}")
        return int(value)
    text = str(value).strip()
    number = _decimal(text, f"expected a whole number, got {text!r}")
    if number != number.to_integral_value(context=_WIDE):
        raise ValueError(f"expected a whole number, got {text!r}")
    return int(number)


def parse_float(value: Any) -> float:
    """A finite number."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


def parse_decimal(value: Any) -> Decimal:
    """An amount with at most 2 decimals, e.g. 1234.50 (no currency sign or separators)."""
    amount = _decimal(str(value).strip(), f"expected an amount like 1234.50, got {value!r}")
    quantized = amount.quantize(Decimal("0.01"), context=_WIDE)
    if amount != quantized:
        raise ValueError(f"at most 2 decimals are kept, got {value!r}")
    return quantized


def _decimal(text: str, message: str) -> Decimal:
    """A finite decimal of sane size (its arithmetic can never raise), else ValueError."""
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(message) from None
    if not number.is_finite():
        raise ValueError(message)
    if number and number.adjusted() >= _MAX_EXPONENT:
        raise ValueError(f"{text!r} is far too large")
    return number


def parse_date(value: Any) -> dt.date:
    """A date as YYYY-MM-DD, between the years YEAR_MIN and YEAR_MAX."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"expected a date like 2026-03-31, got {value!r}") from None
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise ValueError(f"{day} is outside the years {YEAR_MIN}-{YEAR_MAX}")
    return day


def parse_datetime(value: Any) -> dt.datetime:
    """An ISO 8601 date-time (without a time zone: UTC), between the years YEAR_MIN and YEAR_MAX
    in UTC (checked before converting, so no offset can overflow)."""
    if isinstance(value, dt.datetime):
        stamp = value
    else:
        try:
            stamp = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(
                f"expected a date-time like 2026-03-31T14:05:00Z, got {value!r}"
            ) from None
    outside = f"{value!s} is outside the years {YEAR_MIN}-{YEAR_MAX} (in UTC)"
    if not YEAR_MIN <= stamp.year <= YEAR_MAX:
        raise ValueError(outside)
    stamp = utc_time(stamp)
    if not EARLIEST <= stamp < LATEST:
        raise ValueError(outside)
    return stamp


def parse_bool(value: Any) -> bool:
    """true/false, yes/no or 1/0."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def parse_json(value: Any, *, finite: bool = True) -> Any:
    """A JSON value in standard syntax (NaN and Infinity are refused; with `finite`, so are
    numbers too large for a float, such as 1e400, which would be written back as Infinity)."""
    if isinstance(value, dict | list):
        return value
    try:
        return (_FINITE if finite else _DECODER).decode(str(value))
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at position {exc.pos})") from None
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"invalid JSON ({exc})") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large for a number the store can read back")
    return number


_DECODER = json.JSONDecoder(parse_constant=_no_constant)
_FINITE = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "str": parse_str,
    "int": parse_int,
    "float": parse_float,
    "decimal": parse_decimal,
    "date": parse_date,
    "datetime": parse_datetime,
    "bool": parse_bool,
    "json": parse_json,
}


# --- what the store can hold -----------------------------------------------------------------


JSON_SHAPES = {"object": dict, "array": list}


def fits(kind: str, value: Any, limit: Limit) -> str | None:
    """Why a parsed value does not fit its store column (None: it fits)."""
    if kind == "str":
        problem = text_problem(value)
        if problem:
            return problem
        if limit.max_length is not None and len(value) > limit.max_length:
            return f"at most {limit.max_length} characters, got {len(value)}"
        if limit.one_line and ("\n" in value or "\r" in value):
            return (
                'a line break in a one-line field: a stray quote (") may have joined the '
                "following rows into this cell"
            )
    elif kind == "decimal" and limit.max_digits is not None:
        places = limit.decimal_places or 0
        whole = limit.max_digits - places
        if abs(value) >= Decimal(10) ** whole:
            return f"{value} is too large: at most {whole} digits before the decimal point"
    elif kind == "int" and limit.int_range is not None:
        low, high = limit.int_range
        if not low <= value <= high:
            return f"{value} is out of range ({low} to {high})"
    elif kind == "json":
        shape = JSON_SHAPES.get(limit.json_shape or "")
        if shape is not None and not isinstance(value, shape):
            example = '{"plan": "pro"}' if shape is dict else '["a", "b"]'
            return f"expected an {limit.json_shape} like {example}, got {_json_kind(value)}"
        return json_problem(value)
    return None


def _json_kind(value: Any) -> str:
    """How JSON names a value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "a number"


ARROW: dict[str, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "decimal": pa.decimal128(16, 2),
    "date": pa.date32(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "bool": pa.bool_(),
    "json": pa.string(),
}


def to_text(kind: str, value: Any) -> str:
    """A value as it is written to CSV (empty for missing)."""
    if value is None:
        return ""
    if kind == "datetime":
        return str(value.astimezone(dt.UTC).isoformat())
    if kind == "bool":
        return "true" if value else "false"
    if kind == "json":
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if kind == "float":
        return repr(float(value))
    return str(value)


def to_arrow(kind: str, value: Any) -> Any:
    """A value as it is written to Parquet."""
    if value is None:
        return None
    if kind == "json":
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if kind == "datetime":
        return value.astimezone(dt.UTC)
    return value
