"""Option parsing shared by the commands."""

from __future__ import annotations

import datetime as dt

import typer


def parse_date(value: str | None, option: str) -> dt.date | None:
    """An ISO date from an option, None when not given; a clear error naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date like 2026-03-31", param_hint=option
        ) from None


def as_of(value: str | None, option: str = "--as-of") -> dt.date:
    """The as-of date of a command: the given date, or today."""
    return parse_date(value, option) or dt.date.today()
