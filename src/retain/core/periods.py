"""Calendar periods (week, month, quarter) and as-of bucketing.

A period is half-open: [start, end). A figure "at the start" of a period is measured on its
first day; "at the end" on the first day of the next period, so an item whose paid period ends
on the last day of a month is still counted that day and churns in that month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Grain = Literal["week", "month", "quarter"]
GRAINS: tuple[Grain, ...] = ("week", "month", "quarter")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period [start, end): `end` is the first day of the next period."""

    start: dt.date
    end: dt.date
    grain: Grain

    @property
    def label(self) -> str:
        """A readable, sortable name: 2026-03, 2026-Q1 or 2026-W09."""
        if self.grain == "month":
            return f"{self.start:%Y-%m}"
        if self.grain == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        iso = self.start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"

    @property
    def last_day(self) -> dt.date:
        """The last day inside the period."""
        return self.end - dt.timedelta(days=1)


def period_start(day: dt.date, grain: Grain) -> dt.date:
    """First day of the period of `grain` that contains `day`."""
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"unknown period {grain!r}: use one of {', '.join(GRAINS)}")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day-of-month `months` later (clamped to the month's last day)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    first = dt.date(year, month + 1, 1)
    last = (add_months_first(first, 1) - dt.timedelta(days=1)).day
    return first.replace(day=min(day.day, last))


def add_months_first(first: dt.date, months: int) -> dt.date:
    """First day of the month `months` after the month of `first`."""
    total = first.year * 12 + first.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, 1)


def next_start(start: dt.date, grain: Grain) -> dt.date:
    """First day of the period after the one that starts on `start`."""
    if grain == "week":
        return start + dt.timedelta(days=7)
    return add_months_first(start, 1 if grain == "month" else 3)


def period_of(day: dt.date, grain: Grain) -> Period:
    """The period of `grain` containing `day`."""
    start = period_start(day, grain)
    return Period(start, next_start(start, grain), grain)


def periods_between(first: dt.date, last: dt.date, grain: Grain) -> list[Period]:
    """Every period of `grain` from the one containing `first` to the one containing `last`."""
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    out = [period_of(first, grain)]
    while out[-1].end <= last:
        out.append(Period(out[-1].end, next_start(out[-1].end, grain), grain))
    return out


def last_complete_periods(as_of: dt.date, grain: Grain, count: int) -> list[Period]:
    """The `count` complete periods that end on or before `as_of` (oldest first)."""
    current = period_of(as_of, grain)
    end = current.end if as_of == current.last_day else current.start
    periods: list[Period] = []
    while len(periods) < count:
        start = _previous_start(end, grain)
        periods.insert(0, Period(start, end, grain))
        end = start
    return periods


def _previous_start(start: dt.date, grain: Grain) -> dt.date:
    if grain == "week":
        return start - dt.timedelta(days=7)
    return add_months_first(start, -1 if grain == "month" else -3)


DEFAULT_COUNT = {"month": 12, "quarter": 8, "week": 13}


def metric_periods(
    as_of: dt.date,
    grain: Grain = "month",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[Period]:
    """Periods from `start` to `end`; by default the last 12 months (8 quarters, 13 weeks)
    complete on `as_of`. A period running past `as_of` (asked for with `end`) is cut at
    `as_of`, so no data after it is used."""
    if end is None:
        current = period_of(as_of, grain)
        end = as_of if as_of == current.last_day else current.start - dt.timedelta(days=1)
    end = min(end, as_of)
    if start is None:
        first = period_of(end, grain).start
        for _ in range(DEFAULT_COUNT[grain] - 1):
            first = period_of(first - dt.timedelta(days=1), grain).start
        start = first
    out = periods_between(start, end, grain)
    last = out[-1]
    if last.last_day > end:
        out[-1] = Period(last.start, end + dt.timedelta(days=1), grain)
    return out
