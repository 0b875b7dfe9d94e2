"""Validate the rows of an import file against its kind's schema: every problem, located.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row row 2.
Values are checked against what their store column can hold (`Limit`s, from the models), and
ids (key and reference columns) are trimmed: ` acct-1` is the key `acct-1`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from retain.core.storable import text_problem
from retain.errors import ImportProblem
from retain.imports.schema import Column, Kind, Limit
from retain.imports.types import PARSERS, fits

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


def parse_rows(
    kind: Kind,
    file: str,
    header: list[str],
    raw: list[dict[str, Any]],
    limits: Mapping[str, Limit] | None = None,
) -> Parsed:
    """Parse every row; collect every problem rather than stopping at the first. `limits` are
    the store's limits by column name (none: only the schema's rules are checked)."""
    out = Parsed()
    limits = limits or {}
    ids = set(kind.key) | {c.name for c in kind.columns if c.ref is not None}
    present = [c for c in kind.columns if c.name in header]
    attrs = [h for h in header if kind.attributes and h.startswith(ATTR_PREFIX)]
    keys: dict[tuple[Any, ...], int] = {}
    for index, record in enumerate(raw):
        number = index + 2
        row: dict[str, Any] = {}
        for col in present:
            value = record.get(col.name)
            if col.name in ids and isinstance(value, str):
                value = value.strip()
            _cell(col, value, limits.get(col.name, Limit()), row, file, number, out.problems)
        if attrs:
            row["attributes"] = {}
            for a in attrs:
                value = record.get(a)
                if is_empty(value):
                    continue
                problem = text_problem(str(value))
                if problem:
                    out.problems.append(ImportProblem(file, number, a, problem))
                row["attributes"][a[len(ATTR_PREFIX) :]] = _attr(value)
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
    limit: Limit,
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
        row[col.name] = parse_cell(col, value, limit)
    except ValueError as exc:  # never looked up nor compared: the problem says what is wrong
        problems.append(ImportProblem(file, number, col.name, str(exc)))
        row[col.name] = None


def parse_cell(col: Column, value: Any, limit: Limit) -> Any:
    """One non-empty cell parsed and checked (schema rules, then the store's limits); raises
    ValueError saying what is wrong."""
    parsed = PARSERS[col.type](
        value.strip() if isinstance(value, str) and col.type != "str" else value
    )
    message = parse_problem(col, parsed, limit)
    if message:
        raise ValueError(message)
    return parsed


def parse_problem(col: Column, value: Any, limit: Limit) -> str | None:
    """What is wrong with a parsed value: the schema's rules, then the store's limits."""
    return _rule(col, value) or fits(col.type, value, limit)


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
            number = cast(text)
        except ValueError:
            continue
        if math.isfinite(number):  # nan, inf and 1e400 stay text: JSON has no such numbers
            return number
    return text


def parent_cycles(parents: Mapping[Any, Any], starts: Iterable[Any]) -> dict[Any, list[Any]]:
    """Every key on a cycle of parents (key -> parent key, None at a root) reached from
    `starts`, each with its cycle from itself (`[a, b, a]`); an own parent is `[a, a]`."""
    out: dict[Any, list[Any]] = {}
    done: set[Any] = set()  # keys known to reach a root or a cycle already walked
    for start in starts:
        if start in done:
            continue
        path: list[Any] = []
        at: dict[Any, int] = {}
        node = start
        while node is not None and node not in done and node not in at:
            at[node] = len(path)
            path.append(node)
            node = parents.get(node)
        if node is not None and node in at:  # the walk closed a new cycle
            cycle = path[at[node] :]
            for member in cycle:
                i = cycle.index(member)
                out[member] = [*cycle[i:], *cycle[:i], member]
        done.update(path)
    return out
