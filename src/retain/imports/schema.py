"""The column schema of each import kind (types, rules, references, the upsert key), and what
an import reports: its Result and its progress callback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Check = Callable[[dict[str, Any]], list[tuple[str, str]]]
Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class Result:
    """What an import did (or would do, on a dry run)."""

    kind: str
    file: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Limit:
    """What a column's store field can hold and read back (derived from the model's fields):
    text length and lines, decimal digits, the integer range, the JSON shape."""

    max_length: int | None = None
    one_line: bool = False  # a CharField: a line break there is a stray quote's doing
    max_digits: int | None = None
    decimal_places: int | None = None
    int_range: tuple[int, int] | None = None
    json_shape: str | None = None  # "object" or "array"


@dataclass(frozen=True)
class Ref:
    """A reference to another row by its key: model name and the field that identifies it."""

    model: str
    lookup: str


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    name: str
    type: str = "str"
    required: bool = False
    field: str | None = None  # model field; defaults to the column name
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    ref: Ref | None = None
    default: Any = None
    help: str = ""

    @property
    def target(self) -> str:
        """The model field this column fills (`account` for `account_id` references)."""
        return self.field or self.name


@dataclass(frozen=True)
class Kind:
    """An importable entity: its model, key columns, columns and extra row checks."""

    name: str
    model: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    checks: tuple[Check, ...] = ()
    attributes: bool = False  # accepts attr_<name> columns into custom_attributes
    help: str = ""
    after: tuple[str, ...] = field(default_factory=tuple)  # kinds that must be imported first

    def column(self, name: str) -> Column:
        """The column called `name`."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in file order."""
        return tuple(c.name for c in self.columns)


def ordered(column_a: str, column_b: str, what: str) -> Check:
    """A check that `column_b` is not before `column_a` when both are given."""

    def check(row: dict[str, Any]) -> list[tuple[str, str]]:
        a, b = row.get(column_a), row.get(column_b)
        if a is not None and b is not None and b < a:
            return [(column_b, f"{what}: {column_b} ({b}) is before {column_a} ({a})")]
        return []

    return check
