"""Calendar helpers for the demo: months, anniversaries and timestamps."""

from __future__ import annotations

import datetime as dt

UTC = dt.UTC


def month_start(day: dt.date, offset: int = 0) -> dt.date:
    """First day of the month `offset` months from the month of `day`."""
    total = day.year * 12 + day.month - 1 + offset
    return dt.date(total // 12, total % 12 + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of month `months` later, clamped to the month's end."""
    first = month_start(day, months)
    last = (month_start(first, 1) - dt.timedelta(days=1)).day
    return first.replace(day=min(day.day, last))


def next_anniversary(start: dt.date, after: dt.date, months: int) -> dt.date:
    """The first date start + k*months (k >= 1) that falls after `after`."""
    k = 1
    while add_months(start, k * months) <= after:
        k += 1
    return add_months(start, k * months)


def at(day: dt.date, hour: float = 9.0) -> dt.datetime:
    """A UTC timestamp on `day` at `hour` (fractional hours allowed)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC) + dt.timedelta(hours=hour)
