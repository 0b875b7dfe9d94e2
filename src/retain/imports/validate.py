"""Validate the rows of an import file against its kind's schema: every problem, located.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row row 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from retain.errors import ImportProblem
from retain.imports.schema import Column, Kind
from retain.imports.types import PARSERS

ATTR_PREFIX = "attr_"


@dataclass
class Parsed:
    """Parsed rows (values by column; attr_ columns under `attributes`) and the problems."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


def check_header(kind: Kind, file: str, header: list[str]) -> list[ImportProblem]:
    """Missing required columns and unknown columns (row 1, the header)."""
    problems = []
    for col in kind.columns:
        if col.required and col.name not in header:
            problems.append(ImportProblem(file, 1, col.name, "required column is missing"))
    for name in header:
        known = name in kind.names or (kind.attributes and name.startswith(ATTR_PREFIX))
        if not known:
            problems.append(
                ImportProblem(
                    file,
                    1,
                    name,
                    f"unknown column; {kind.name} columns are: {', '.join(kind.names)}",
                )
            )
    seen = set()
    for name in header:
        if name in seen:
            problems.append(ImportProblem(file, 1, name, "column appears twice"))
        seen.add(name)
    return problems


def is_empty(value: Any) -> bool:
    """Empty cells: missing, None, or blank text."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_rows(kind: Kind, file: str, header: list[str], raw: list[dict[str, Any]]) -> Parsed:
    """Parse every row; collect every problem rather than stopping at the first."""
    out = Parsed()
    present = [c for c in kind.columns if c.name in header]
    attrs = [h for h in header if kind.attributes and h.startswith(ATTR_PREFIX)]
    keys: dict[tuple[Any, ...], int] = {}
    for index, record in enumerate(raw):
        number = index + 2
        row: dict[str, Any] = {}
        for col in present:
            _cell(col, record.get(col.name), row, file, number, out.problems)
        if attrs:
            row["attributes"] = {
                a[len(ATTR_PREFIX) :]: _attr(record.get(a))
                for a in attrs
                if not is_empty(record.get(a))
            }
        for check in kind.checks:
            for column, message in check(row):
                out.problems.append(ImportProblem(file, number, column, message))
        key = tuple(row.get(k) for k in kind.key)
        if all(v is not None for v in key):
            if key in keys:
                out.problems.append(
                    ImportProblem(
                        file,
                        number,
                        kind.key[0],
                        f"duplicate of row {keys[key]} ({', '.join(map(str, key))})",
                    )
                )
            keys.setdefault(key, number)
        out.rows.append(row)
        out.numbers.append(number)
    return out


def _cell(
    col: Column,
    value: Any,
    row: dict[str, Any],
    file: str,
    number: int,
    problems: list[ImportProblem],
) -> None:
    if is_empty(value):
        if col.required:
            problems.append(ImportProblem(file, number, col.name, "a value is required"))
        row[col.name] = None
        return
    try:
        parsed = PARSERS[col.type](
            value.strip() if isinstance(value, str) and col.type != "str" else value
        )
    except ValueError as exc:
        problems.append(ImportProblem(file, number, col.name, str(exc)))
        row[col.name] = None
        return
    message = _rule(col, parsed)
    if message:
        problems.append(ImportProblem(file, number, col.name, message))
    row[col.name] = parsed


def _rule(col: Column, value: Any) -> str | None:
    if col.choices and value not in col.choices:
        return f"{value!r} is not allowed; use one of {', '.join(col.choices)}"
    if col.minimum is not None and value < col.minimum:
        return f"{value} is below the minimum {col.minimum:g}" + (
            " (amounts cannot be negative)" if col.minimum == 0 else ""
        )
    if col.maximum is not None and value > col.maximum:
        return f"{value} is above the maximum {col.maximum:g}"
    return None


def _attr(value: Any) -> Any:
    """Custom attribute values keep numbers as numbers."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            continue
    return text
