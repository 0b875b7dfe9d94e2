"""Read event files for the bulk loader: CSV and Parquet as Arrow tables (CSV cells as text),
Segment exports (JSON lines, or one JSON array) as numbered messages.

CSV files are read with pyarrow's multi-threaded reader; when it cannot read a file (bad
UTF-8, a row with too many or too few cells, ...), the file is read again with Python's csv
module, which locates every problem (or reads what pyarrow would not)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from retain.errors import ImportFailed, ImportProblem

Records: TypeAlias = pa.Table | list[tuple[int, Any]]
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
        return pq.read_table(path), fmt
    if fmt == "csv":
        return _csv(path), fmt
    return _json_lines(path), fmt


def _csv(path: Path) -> pa.Table:
    """Every cell as text (blank cells are empty text, never null); the header's names."""
    header = _header(path)
    if header is None or len(set(header)) != len(header) or "" in header:
        return _python_csv(path)  # no header, or names pyarrow would not keep apart
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return _python_csv(path)


def _header(path: Path) -> list[str] | None:
    """The header row as Python's csv module reads it; None if it cannot."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return next(csv.reader(handle), None)
    except (UnicodeDecodeError, csv.Error):
        return None


def _python_csv(path: Path) -> pa.Table:
    """The slow reader: every problem located; the file as a table of text if there is none."""
    header, rows = _rows(path)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(header)
    arrays = [pa.array(c, pa.string()) for c in columns]
    return pa.Table.from_arrays(arrays, schema=pa.schema([(n, pa.string()) for n in header]))


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
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
