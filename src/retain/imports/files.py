"""Read import files, write export files: one home for CSV, Parquet and JSON-lines reading.

Kinds read a header and dict records (`read`). The events loader reads CSV and Parquet as Arrow
tables (CSV cells as text) and Segment exports (JSON lines, or one JSON array) as numbered
messages (`read_events`). CSV files are read with pyarrow's multi-threaded reader there; when
it cannot read a file (bad UTF-8, a row with too many or too few cells, ...), the file is read
again with Python's csv module, the one every kind uses, which locates every problem.

CSV is read strictly: an unterminated quote (a stray `"` that would swallow the following rows
into one cell) is a located error, never a silent merge. Quoted cells may hold line breaks
(notes, ticket bodies, pretty-printed JSON) and up to MAX_CELL characters.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TypeAlias, cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from retain.errors import ImportFailed, ImportProblem

MAX_CELL = 16 * 1024 * 1024  # characters in one CSV cell (Python's default is 131,072)
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
        table = _parquet(path)
        return list(table.column_names), _pylist(table)
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
        return _parquet(path), fmt
    if fmt == "csv":
        return _arrow_csv(path), fmt
    return _json_lines(path), fmt


def _parquet(path: Path) -> pa.Table:
    """A Parquet file as a table; an empty, truncated or foreign file is a file-level problem."""
    try:
        return pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise ImportFailed(
            [ImportProblem(str(path), 0, "", f"not a readable Parquet file ({exc})")]
        ) from None


def _pylist(table: pa.Table) -> list[dict[str, Any]]:
    """Records of a table; times Python cannot hold (e.g. year 0) are given as text, for the
    date parsers to refuse with their row."""
    try:
        return cast(list[dict[str, Any]], table.to_pylist())
    except (ValueError, OverflowError, pa.ArrowException):
        columns = [
            c.cast(pa.string()) if pa.types.is_temporal(c.type) else c for c in table.columns
        ]
        text = pa.Table.from_arrays(columns, names=table.column_names)
        return cast(list[dict[str, Any]], text.to_pylist())


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a UTF-8 CSV file (a BOM is dropped), as Python reads them
    (strictly: a malformed quote is a problem located at the row where its cell starts)."""
    csv.field_size_limit(MAX_CELL)
    header: list[str] = []
    rows: list[list[str]] = []
    line = 0  # physical lines read so far
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, [])
            line = reader.line_num
            for row in reader:
                rows.append(row)
                line = reader.line_num
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            [ImportProblem(str(path), 0, "", f"not a readable UTF-8 CSV file: {exc}")]
        ) from None
    except csv.Error as exc:
        number = 1 + (sum(1 for r in rows if r) + 1 if header else 0)  # as `read` numbers rows
        raise ImportFailed([_csv_problem(path, number, line + 1, header, exc)]) from None
    if not header:
        raise ImportFailed(
            [ImportProblem(str(path), 1, "", "the file is empty: a header row is needed")]
        )
    return header, rows


def _csv_problem(
    path: Path, number: int, line: int, header: list[str], exc: csv.Error
) -> ImportProblem:
    """A located problem for what the strict reader refused in the record starting at `line`."""
    text = str(exc)
    if "field limit" in text:
        return ImportProblem(str(path), number, "", f"a cell is over {MAX_CELL:,} characters")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        start = next((t for n, t in enumerate(handle, start=1) if n == line), "")
    cells = next(csv.reader([start]), [""])  # lenient: where the bad quote's cell begins
    column = header[len(cells) - 1] if 0 < len(cells) <= len(header) else ""
    if "unexpected end of data" in text:
        return ImportProblem(
            str(path),
            number,
            column,
            'unterminated quote: this quoted cell runs to the end of the file (a stray "?)',
        )
    return ImportProblem(str(path), number, column, f'malformed quoting ({text}): a stray "?')


def _arrow_csv(path: Path) -> pa.Table:
    """Every cell as text (blank cells are empty text, never null); the header's names."""
    header = _header(path)
    if not header or len(set(header)) != len(header) or "" in header:
        return _python_csv(path)  # no header, or names pyarrow would not keep apart
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return _python_csv(path)
    # pyarrow reads an unterminated quote to the end of the file as one cell: a file with any
    # line break inside a cell is read again by the strict reader, which refuses that (quoted
    # multi-line cells, rare in an events file, are read there as well).
    texts = [c for c in table.columns if pa.types.is_string(c.type)]
    if any(pc.any(pc.match_substring_regex(c, "[\r\n]")).as_py() for c in texts):
        return _python_csv(path)
    return table


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
