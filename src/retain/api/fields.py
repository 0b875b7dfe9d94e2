"""Value types of the API's schemas, bounded to what the store holds, so the OpenAPI document
says the limits and an out-of-range value is a 422 naming its field, never a 500.

SQLite and PostgreSQL hold 64-bit integers (ids); counts are PostgreSQL `integer` columns,
survey scales `smallint`. Dates and times must be written as dates (`2026-07-01`), not numbers:
`0` is refused instead of read as 1970-01-01; a time must lie in years 1-9999 once in UTC (what
Python reads back). Request bodies are JSON objects whose every field is declared
(`additionalProperties: false`): an unknown or misspelt field is refused. No text, in a body or
a filter, may hold a NUL character or a lone surrogate: PostgreSQL cannot store them, and what
one store keeps the other must be able to restore.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from ninja import Field, FilterSchema, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, ValidationInfo, field_validator

from retain.core.storable import json_problem

BIGINT_MAX = 2**63 - 1
INT_MAX = 2**31 - 1
SMALLINT_MAX = 2**15 - 1

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
"""A row id (primary or foreign key): 1 to 2^63-1."""

Int64 = Annotated[int, Field(ge=-BIGINT_MAX - 1, le=BIGINT_MAX)]
"""Any integer the store can compare with (e.g. a score bound in a filter)."""

Count = Annotated[int, Field(ge=0, le=INT_MAX)]
"""A non-negative count stored as a 32-bit integer (seats, quantity)."""

SmallCount = Annotated[int, Field(ge=0, le=SMALLINT_MAX)]
"""A non-negative value stored as a 16-bit integer (survey scales and thresholds)."""

_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _not_a_number(value: Any) -> Any:
    """Refuse numbers (and numeric text) where a date or time is expected: pydantic would read
    them as Unix timestamps, so `renewal_to=0` meant 1970-01-01."""
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and _NUMBER.fullmatch(value)
    ):
        raise ValueError("use an ISO 8601 date or time (e.g. 2026-07-01), not a number")
    return value


def _readable_in_utc(value: dt.datetime) -> dt.datetime:
    """Refuse a time that falls outside years 1-9999 once converted to UTC (as stored)."""
    if value.tzinfo is not None:
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            raise ValueError("the time falls outside years 1-9999 in UTC") from None
    return value


Date = Annotated[dt.date, BeforeValidator(_not_a_number)]
"""A calendar date, `YYYY-MM-DD`."""

DateTime = Annotated[dt.datetime, BeforeValidator(_not_a_number), AfterValidator(_readable_in_utc)]
"""A time, ISO 8601 (`2026-07-01T09:30:00Z`)."""


def storable_text(value: Any) -> Any:
    """`value` unchanged, or ValueError when it (or any key or item inside) is text no store
    can keep (retain.core.storable)."""
    problem = json_problem(value)
    if problem:
        raise ValueError(f"text {problem}")
    return value


class Params(Schema):
    """Base of query parameter groups: storable text only."""

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable_text(value)


def json_kinds(annotation: Any) -> set[type] | None:
    """The Python types a field's annotation admits (None: anything)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return json_kinds(get_args(annotation)[0])
    if origin in (Union, UnionType):
        kinds: set[type] = set()
        for member in get_args(annotation):
            found = json_kinds(member)
            if found is None:
                return None
            kinds |= found
        return kinds
    if isinstance(origin, type):
        return {origin}
    return {annotation} if isinstance(annotation, type) else None


TEXT_KINDS = (str, dt.date, dt.datetime, Decimal)  # given as JSON strings


def same_json_type(kinds: set[type] | None, value: Any) -> bool:
    """Whether a JSON value has the type its field declares: `true` is not the number 1, `0`
    is not `false`, `"5"` is not the integer 5 (pydantic would convert them silently)."""
    if kinds is None or value is None:
        return True
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int):
        return bool(kinds & {int, float, Decimal})
    if isinstance(value, float):
        return bool(kinds & {float, Decimal})
    if isinstance(value, str):
        return any(issubclass(k, TEXT_KINDS) for k in kinds if k is not NoneType)
    return True  # objects and arrays: pydantic checks them


JSON_NAMES = {bool: "true or false", int: "an integer", float: "a number", dict: "an object"}


class Body(Params):
    """Base of every request body: a JSON object with only the declared fields, each of its
    declared JSON type, all storable."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _json_typed(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        kinds = json_kinds(field.annotation) if field else None
        if not same_json_type(kinds, value):
            wanted = sorted({JSON_NAMES.get(k, "text") for k in kinds or () if k is not NoneType})
            raise ValueError(f"expected {' or '.join(wanted)}, got {json_name(value)}")
        return value


def json_name(value: Any) -> str:
    """What a JSON value is, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    return "text" if isinstance(value, str) else "another type"


class Filters(FilterSchema):
    """Base of every list filter: storable text only (a NUL in `q` must not reach the driver)."""

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable_text(value)
