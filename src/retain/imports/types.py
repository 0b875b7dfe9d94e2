"""Column types of import files: parse text (CSV) or native values (Parquet), format for export.

Each parser returns the Python value or raises ValueError with a message that says what was
expected, so the caller can report file:row:column: message.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import pyarrow as pa

from retain.core.tracking import utc_time

TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}


def parse_str(value: Any) -> str:
    """Any text."""
    return str(value)


def parse_int(value: Any) -> int:
    """A whole number."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"expected a whole number, got {text!r}") from None
    if not number.is_integer():
        raise ValueError(f"expected a whole number, got {text!r}")
    return int(number)


def parse_float(value: Any) -> float:
    """A number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number, got {value!r}") from None


def parse_decimal(value: Any) -> Decimal:
    """An amount with at most 2 decimals, e.g. 1234.50 (no currency sign or separators)."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"expected an amount like 1234.50, got {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"expected an amount like 1234.50, got {value!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"at most 2 decimals are kept, got {value!r}")
    return amount.quantize(Decimal("0.01"))


def parse_date(value: Any) -> dt.date:
    """A date as YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"expected a date like 2026-03-31, got {value!r}") from None


def parse_datetime(value: Any) -> dt.datetime:
    """An ISO 8601 date-time; without a time zone it is taken as UTC."""
    try:
        return utc_time(value if isinstance(value, dt.datetime) else str(value))
    except ValueError:
        raise ValueError(f"expected a date-time like 2026-03-31T14:05:00Z, got {value!r}") from None


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


def parse_json(value: Any) -> Any:
    """A JSON value (objects for properties and traits)."""
    if isinstance(value, dict | list):
        return value
    try:
        return json.loads(str(value))
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at position {exc.pos})") from None


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
