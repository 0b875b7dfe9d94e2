"""Export every kind to CSV or Parquet with exactly its import columns, so files round-trip."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from retain.imports import files
from retain.imports.kinds import KINDS
from retain.imports.loader import model_of
from retain.imports.schema import Column, Kind
from retain.imports.types import ARROW, to_arrow, to_text

Progress = Callable[[str, int], None]


def _path(col: Column) -> str:
    """The ORM path of a column's value (`account__external_id` for references)."""
    return f"{col.target}__{col.ref.lookup}" if col.ref else col.target


def rows_of(kind: Kind) -> list[list[Any]]:
    """Every row of a kind as Python values in column order, sorted by the kind's key."""
    paths = [_path(c) for c in kind.columns]
    order = [_path(kind.column(k)) for k in kind.key]
    query = model_of(kind)._default_manager.order_by(*order).values_list(*paths)
    return [list(r) for r in query.iterator(chunk_size=5000)]


def export_all(folder: Path, fmt: str = "csv", progress: Progress | None = None) -> dict[str, int]:
    """Write `<kind>.<fmt>` for every kind into `folder`; returns rows per kind."""
    if fmt not in files.FORMATS:
        raise ValueError(f"format must be one of {', '.join(files.FORMATS)}")
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind in KINDS:
        rows = rows_of(kind)
        path = folder / f"{kind.name}.{fmt}"
        types = [c.type for c in kind.columns]
        if fmt == "csv":
            text = [[to_text(t, v) for t, v in zip(types, r, strict=True)] for r in rows]
            files.write_csv(path, list(kind.names), text)
        else:
            columns = {
                c.name: [to_arrow(c.type, r[i]) for r in rows] for i, c in enumerate(kind.columns)
            }
            files.write_parquet(path, columns, {c.name: ARROW[c.type] for c in kind.columns})
        counts[kind.name] = len(rows)
        if progress:
            progress(kind.name, len(rows))
    return counts
