"""Cells for CSV files people open in a spreadsheet: text that Excel, LibreOffice or Sheets
would run as a formula (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`) is kept as text.

Only the human-facing exports use this; `retain export` writes values unchanged, since it
must import back exactly."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` unchanged, except text starting like a formula, which gets a leading `'`
    (the spreadsheet convention for "this is text"). Numbers, negative ones included, pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
