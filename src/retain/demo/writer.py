"""Write the demo's rows fast: one transaction, executemany on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction

from retain.app import reset as services
from retain.app.models import LifecycleStage
from retain.demo.rows import ORDER, Rows, columns

COPY_MIN_ROWS = 5_000
CHUNK = 50_000


def stage_ids() -> dict[str, int]:
    """Lifecycle stage key -> id (the stages come from a migration)."""
    return dict(LifecycleStage.objects.values_list("key", "id"))


def write(rows: Rows, progress: Callable[[str, int], None] | None = None) -> None:
    """Replace all Retain data with `rows`, atomically; sequences continue after the ids."""
    with transaction.atomic():
        services.clear_all_data()
        for table in ORDER:
            data = rows.tables.get(table, [])
            if data:
                _insert(table, columns(table), data)
            if progress:
                progress(table, len(data))
        _reset_sequences()


def _insert(table: str, columns: Sequence[str], data: list[tuple[Any, ...]]) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(data) >= COPY_MIN_ROWS:
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
        for i in range(0, len(data), CHUNK):
            cursor.executemany(sql, data[i : i + CHUNK])


def _reset_sequences() -> None:
    """After explicit ids, PostgreSQL sequences must continue from the highest id."""
    if connection.vendor != "postgresql":
        return
    from django.apps import apps

    models = list(apps.get_app_config("retain").get_models())
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
