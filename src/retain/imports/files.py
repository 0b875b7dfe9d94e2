"""Read import files, write export files: one home for CSV, Parquet and JSON-lines reading.

Kinds read a header and dict records (`read`). The events loader reads CSV and Parquet as Arrow
tables (CSV cells as text) and Segment exports (JSON lines, or one JSON array) as numbered
messages (`read_events`). CSV files are read with pyarrow's multi-threaded reader there; when
it cannot read a file (bad UTF-8, a row with too many or too few cells, ...), the file is read
again with Python's csv module, the one every kind uses, which locates every problem.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from retain.errors import ImportFailed, ImportProblem

FORMATS = ("csv", "parquet")
EVENT_FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".json": "jsonl"}
Records: TypeAlias = pa.Table | list[tuple[int, Any]]


def file_format(path: Path) -> str:
    """`csv` or `parquet`, from the file name."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ImportFailed([ImportProblem(str(path), 0, "", "use a .csv or .parquet file")])
    return suffix


def read(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """The header and the records of a CSV or Parquet file (short CSV rows: missing cells)."""
    if not path.is_file():
        raise ImportFailed([ImportProblem(str(path), 0, "", "no such file")])
    if file_format(path) == "parquet":
        table = pq.read_table(path)
        return list(table.column_names), table.to_pylist()
    header, rows = _csv_rows(path)
    rows = [row for row in rows if row]  # blank lines are no records
    records = []
    for number, row in enumerate(rows, start=2):
        if len(row) > len(header):
            raise ImportFailed(
                [ImportProblem(str(path), number, "", "more cells than header columns")]
            )
        records.append(dict(zip(header, row + [None] * (len(header) - len(row)), strict=True)))
    return header, records


def read_events(path: Path) -> tuple[Records, str]:
    """An events file's records and its format (csv, parquet or jsonl)."""
    fmt = EVENT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImportFailed(
            [ImportProblem(str(path), 0, "", "use a .csv, .parquet, .jsonl or .json file")]
        )
    if not path.is_file():
        raise ImportFailed([ImportProblem(str(path), 0, "", "no such file")])
    if fmt == "parquet":
        return pq.read_table(path), fmt
    if fmt == "csv":
        return _arrow_csv(path), fmt
    return _json_lines(path), fmt


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a UTF-8 CSV file (a BOM is dropped), as Python reads them."""
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
    return header, rows


def _arrow_csv(path: Path) -> pa.Table:
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
    header, rows = _csv_rows(path)
    problems = []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            what = "more" if len(row) > len(header) else "fewer"
            problems.append(
                ImportProblem(str(path), number, "", f"{what} cells than header columns")
            )
    if problems:
        raise ImportFailed(problems)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(header)
    arrays = [pa.array(c, pa.string()) for c in columns]
    return pa.Table.from_arrays(arrays, schema=pa.schema([(n, pa.string()) for n in header]))


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
            raise ImportFailed([_json_problem(path, exc.lineno, exc)]) from None
    out: list[tuple[int, Any]] = []
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(_json_problem(path, number, exc))
    if problems:
        raise ImportFailed(problems)
    return out


def _json_problem(path: Path, number: int, exc: json.JSONDecodeError) -> ImportProblem:
    return ImportProblem(str(path), number, "", f"invalid JSON: {exc.msg} (column {exc.colno})")


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """A UTF-8 CSV file with a header row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_parquet(path: Path, columns: dict[str, list[Any]], types: dict[str, pa.DataType]) -> None:
    """A Parquet file with typed columns."""
    arrays = {name: pa.array(values, type=types[name]) for name, values in columns.items()}
    pq.write_table(pa.table(arrays), path)
