"""Custom account attributes (imported `attr_<name>` columns) as measures and model features.

An attribute whose values are all numbers (or booleans) is numeric and becomes the measure
`attr_<name>`; any other attribute is categorical: `attr_<name>` holds its text, usable by a
scorecard's `categories` rule, and the risk model sees it one-hot encoded as
`attr_<name>=<value>` for its most common values. Attributes carry no history: the value
imported now stands for every as-of date, so an attribute that records an outcome (a churn
reason, say) would leak it into backtests. Leave such attributes out of imports or scorecards.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

PREFIX = "attr_"
MAX_CATEGORIES = 12  # one-hot columns per categorical attribute (the most common values)
MIN_CATEGORY_ROWS = 3  # a value seen on fewer accounts gets no column of its own


@dataclass(frozen=True)
class Attributes:
    """Per-account attribute columns and how the model sees them."""

    frame: pd.DataFrame  # account_id + one attr_<name> column per attribute
    numeric: tuple[str, ...]
    categorical: Mapping[str, tuple[str, ...]]  # column -> values that get a one-hot column

    @property
    def features(self) -> tuple[str, ...]:
        """The model's feature columns: numeric attributes and one-hot categories."""
        hot = (onehot_name(c, v) for c, vals in self.categorical.items() for v in vals)
        return (*self.numeric, *hot)


def onehot_name(column: str, value: str) -> str:
    """`attr_crm=HubSpot`."""
    return f"{column}={value}"


def parse(raw: Any) -> dict[str, Any]:
    """One account's custom attributes from JSON text (or a dict); bad JSON counts as none."""
    if isinstance(raw, Mapping):
        return dict(raw)
    if not isinstance(raw, str) or not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _column(name: str) -> str:
    return PREFIX + re.sub(r"\W+", "_", str(name)).strip("_").lower()


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    return isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value))


def extract(account_ids: Iterable[int], raw: Iterable[Any]) -> Attributes:
    """Attribute columns for each account from its raw custom attributes."""
    records = [parse(r) for r in raw]
    ids = list(account_ids)
    names = sorted({k for rec in records for k in rec})
    data: dict[str, list[Any]] = {"account_id": ids}
    numeric: list[str] = []
    categorical: dict[str, tuple[str, ...]] = {}
    for name in names:
        col = _column(name)
        if col == PREFIX or col in data:
            continue
        values = [rec.get(name) for rec in records]
        present = [v for v in values if v is not None and v != ""]
        if present and all(_is_number(v) for v in present):
            data[col] = [float(v) if v is not None and _is_number(v) else math.nan for v in values]
            numeric.append(col)
        elif present:
            data[col] = [None if v is None or v == "" else str(v) for v in values]
            categorical[col] = _common(data[col])
    return Attributes(pd.DataFrame(data), tuple(numeric), categorical)


def _common(values: list[Any]) -> tuple[str, ...]:
    counts = pd.Series([v for v in values if v is not None]).value_counts()
    kept = counts[counts >= MIN_CATEGORY_ROWS].head(MAX_CATEGORIES)
    return tuple(str(v) for v in kept.index)


def encode(rows: pd.DataFrame, attributes: Attributes) -> pd.DataFrame:
    """`rows` (with an account_id column) joined to the attribute columns, plus the one-hot
    columns of categorical attributes (1.0 or 0.0; NaN where the attribute is missing)."""
    out = rows.merge(attributes.frame, on="account_id", how="left")
    for col, values in attributes.categorical.items():
        out = onehot(out, col, values)
    return out


def onehot(rows: pd.DataFrame, column: str, values: Iterable[str]) -> pd.DataFrame:
    """`rows` plus a `<column>=<value>` column (1.0/0.0, NaN where `column` is missing) per
    value; used for categorical attributes and the lifecycle stage."""
    missing = rows[column].isna()
    hot = {onehot_name(column, v): (rows[column] == v).astype(float).mask(missing) for v in values}
    return pd.concat([rows, pd.DataFrame(hot, index=rows.index)], axis=1)
