"""What every store can keep and read back, the one rule for imports, the tracking API and the
REST API: text without NUL characters (PostgreSQL refuses them) or lone UTF-16 surrogates (not
UTF-8), and dates within the years Retain accepts (beyond them a date is a typo or a
placeholder, and near year 1 or 9999 a time overflows once shifted to UTC or a day is added)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

FIRST_YEAR, LAST_YEAR = 1900, 2200
FIRST_DAY, LAST_DAY = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None."""
    if "\x00" in text:
        return "contains a NUL character (\\u0000), which PostgreSQL cannot store"
    if _SURROGATE.search(text):
        return (
            "contains a lone UTF-16 surrogate (like \\ud800); lone surrogates are not valid Unicode"
        )
    return None


def json_problem(value: Any) -> str | None:
    """The first `text_problem` among the keys and text values of a parsed JSON value (walked
    without recursion: the value may be deeply nested)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            texts: list[Any] = [item]
        elif isinstance(item, dict):
            texts = list(item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            texts = []
            stack.extend(item)
        else:
            continue
        for text in texts:
            problem = text_problem(str(text))
            if problem:
                return problem
    return None


def escaped(text: str) -> str:
    """`text` with NUL characters and lone surrogates written as JSON escapes (`\\u0000`,
    `\\ud800`), so a store can keep it and it still reads back the same (quarantine, reasons)."""
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
