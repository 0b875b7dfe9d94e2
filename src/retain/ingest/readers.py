"""Read event files for the bulk loader: CSV and Parquet as header + rows, Segment exports
(JSON lines, or one JSON array) as numbered messages."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from retain.errors import ImportFailed, ImportProblem

Records = tuple[list[str], list[Any]]
FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".json": "jsonl"}


def read(path: Path) -> tuple[Records, str]:
    """The file's records and its format (csv, parquet or jsonl)."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImportFailed(
            [ImportProblem(str(path), 0, "", "use a .csv, .parquet, .jsonl or .json file")]
        )
    if not path.is_file():
        raise ImportFailed([ImportProblem(str(path), 0, "", "no such file")])
    if fmt == "parquet":
        table = pq.read_table(path)
        columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        return (list(table.column_names), [list(r) for r in zip(*columns, strict=True)]), fmt
    if fmt == "csv":
        return _csv(path), fmt
    return ([], _json_lines(path)), fmt


def _csv(path: Path) -> Records:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportFailed(
            [ImportProblem(str(path), 0, "", f"not a readable UTF-8 CSV file: {exc}")]
        ) from None
    if not header:
        raise ImportFailed(
            [ImportProblem(str(path), 1, "", "the file is empty: a header row is needed")]
        )
    problems = []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            what = "more" if len(row) > len(header) else "fewer"
            problems.append(
                ImportProblem(str(path), number, "", f"{what} cells than header columns")
            )
    if problems:
        raise ImportFailed(problems)
    return header, rows


def _json_lines(path: Path) -> list[tuple[int, Any]]:
    """(line number, message) pairs; a file starting with `[` is one JSON array."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed([ImportProblem(str(path), 0, "", f"not UTF-8: {exc}")]) from None
    if text.lstrip().startswith("["):
        try:
            return list(enumerate(json.loads(text), start=1))
        except json.JSONDecodeError as exc:
            raise ImportFailed(
                [
                    ImportProblem(
                        str(path), exc.lineno, "", f"invalid JSON: {exc.msg} (column {exc.colno})"
                    )
                ]
            ) from None
    out: list[tuple[int, Any]] = []
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(
                ImportProblem(
                    str(path), number, "", f"invalid JSON: {exc.msg} (column {exc.colno})"
                )
            )
    if problems:
        raise ImportFailed(problems)
    return out
