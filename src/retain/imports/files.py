"""Read import files (CSV, Parquet) into a header and raw records; write export files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from retain.errors import ImportFailed, ImportProblem

FORMATS = ("csv", "parquet")


def file_format(path: Path) -> str:
    """`csv` or `parquet`, from the file name."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ImportFailed([ImportProblem(str(path), 0, "", "use a .csv or .parquet file")])
    return suffix


def read(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """The header and the records of a CSV or Parquet file."""
    if not path.is_file():
        raise ImportFailed([ImportProblem(str(path), 0, "", "no such file")])
    if file_format(path) == "parquet":
        table = pq.read_table(path)
        return list(table.column_names), table.to_pylist()
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            records = [dict(r) for r in reader]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportFailed(
            [ImportProblem(str(path), 0, "", f"not a readable UTF-8 CSV file: {exc}")]
        ) from None
    if not header:
        raise ImportFailed(
            [ImportProblem(str(path), 1, "", "the file is empty: a header row is needed")]
        )
    for number, record in enumerate(records, start=2):
        if None in record:  # more cells than header columns
            raise ImportFailed(
                [ImportProblem(str(path), number, "", "more cells than header columns")]
            )
    return header, records


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
