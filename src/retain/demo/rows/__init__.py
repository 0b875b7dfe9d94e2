"""Rows of the demo database, table by table, given by keyword and checked against the models.

`Rows.add("retain_account", external_id=..., name=..., ...)` takes every column of the table's
Django model except the primary key, which it assigns in build order. The columns come from the
models' `_meta` (read once Django is set up), so a misspelt, missing or extra column fails at once
with the table and column named, and the writer gets tuples in the models' column order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any

# Parents before children: the order tables are written in.
ORDER = (
    "retain_user",
    "retain_metadata",
    "retain_source",
    "retain_quarantined_message",
    "retain_saved_view",
    "retain_feature",
    "retain_milestone_template",
    "retain_survey",
    "retain_playbook",
    "retain_initiative",
    "retain_account",
    "retain_contact",
    "retain_stage_change",
    "retain_note",
    "retain_subscription_item",
    "retain_purchase",
    "retain_cost",
    "retain_usage_daily",
    "retain_event",
    "retain_ticket",
    "retain_touchpoint",
    "retain_survey_invitation",
    "retain_survey_response",
    "retain_account_milestone",
    "retain_task",
    "retain_initiative_account",
)


@dataclass(frozen=True)
class Shape:
    """A table's columns in the model's order, its primary key, the columns `add` needs, and
    `pick`, which turns a row's values (primary key included) into a tuple in column order."""

    columns: tuple[str, ...]
    pk: str
    given: frozenset[str]
    pick: Callable[[dict[str, Any]], tuple[Any, ...]]


@cache
def shape(table: str) -> Shape:
    """The shape of a Retain table, from its Django model (Django must be set up)."""
    if table not in ORDER:
        raise ValueError(f"{table}: not a demo table (add it to rows.ORDER)")
    from django.apps import apps

    for model in apps.get_app_config("retain").get_models():
        if model._meta.db_table == table:
            pk = model._meta.pk
            if pk is None:  # an abstract model; Retain's tables all have a primary key
                raise ValueError(f"{table}: the model has no primary key")
            columns = tuple(str(f.column) for f in model._meta.concrete_fields)
            given = frozenset(columns) - {pk.column}
            return Shape(columns, str(pk.column), given, itemgetter(*columns))
    raise ValueError(f"{table}: no Retain model has this table")


def columns(table: str) -> tuple[str, ...]:
    """The table's columns in the order of the tuples in `Rows.tables`."""
    return shape(table).columns


class Rows:
    """Tables of tuples; `add` checks a keyword row and returns the id it assigned."""

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self._ids: dict[str, int] = defaultdict(int)

    def add(self, table: str, /, **values: Any) -> int:
        """Append a row given as column=value for every column but the primary key (`table` is
        positional-only, so a column may be called `table` too)."""
        table_shape = shape(table)
        if values.keys() != table_shape.given:
            raise ValueError(_mismatch(table, table_shape, values))
        self._ids[table] += 1
        values[table_shape.pk] = self._ids[table]
        self.tables[table].append(table_shape.pick(values))
        return self._ids[table]

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {t: len(r) for t, r in self.tables.items()}


def _mismatch(table: str, table_shape: Shape, values: dict[str, Any]) -> str:
    """Which columns a keyword row has that the model does not, and which it lacks."""
    unknown = sorted(values.keys() - table_shape.given)
    missing = sorted(table_shape.given - values.keys())
    parts = []
    if unknown:
        parts.append("unknown column(s) " + ", ".join(unknown))
    if missing:
        parts.append("missing column(s) " + ", ".join(missing))
    return f"{table}: " + "; ".join(parts)
