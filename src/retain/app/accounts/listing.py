"""The accounts list: filters, search, sort and CSV rows, over the accounts a user may see.

Filters come from a page's query string (the same string a saved view stores), are validated
here, and unknown values are reported rather than ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet

from retain.app.health import queries as hq
from retain.app.models import Account

PAGE_SIZE = 50
SORTS = {
    "name": "name",
    "score": "score",
    "risk": "risk",
    "change": "change",
    "mrr": "mrr",
    "renewal": "renewal_date",
    "owner": "owner__username",
    "stage": "stage__position",
    "last_touch": "last_touch",
}
BANDS = ("green", "yellow", "red")
SIGNALS = ("at_risk", "expansion", "advocate", "overridden", "unscored")
FILTER_KEYS = ("q", "band", "segment", "owner", "stage", "renewal_days", "signal", "sort")


@dataclass
class Filters:
    """What the list shows; `errors` names each value that was not understood."""

    q: str = ""
    band: str = ""
    segment: str = ""
    owner: str = ""
    stage: str = ""
    renewal_days: int | None = None
    signal: str = ""
    sort: str = "-risk"
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    def query(self) -> dict[str, str]:
        """The non-default filters as query-string pairs (for links and saved views)."""
        values = {k: getattr(self, k) for k in FILTER_KEYS}
        out = {k: str(v) for k, v in values.items() if v not in ("", None)}
        if out.get("sort") == "-risk":
            del out["sort"]
        return out


def parse(params: Mapping[str, str]) -> Filters:
    """Filters from query parameters; bad values fall back to the default and are reported."""
    f = Filters(
        q=params.get("q", "").strip(),
        segment=params.get("segment", "").strip(),
        owner=params.get("owner", "").strip(),
        stage=params.get("stage", "").strip(),
    )
    _choice(f, params, "band", BANDS)
    _choice(f, params, "signal", SIGNALS)
    sort = params.get("sort", "").strip()
    if sort:
        if sort.lstrip("-") in SORTS:
            f.sort = sort
        else:
            f.errors["sort"] = f"cannot sort by {sort!r}: use one of {', '.join(SORTS)}"
    f.renewal_days = _int(f, params, "renewal_days", 1, 3650)
    f.page = _int(f, params, "page", 1, 10**6) or 1
    return f


def _choice(f: Filters, params: Mapping[str, str], key: str, allowed: tuple[str, ...]) -> None:
    value = params.get(key, "").strip()
    if value and value not in allowed:
        f.errors[key] = f"{value!r} is not one of {', '.join(allowed)}"
    elif value:
        setattr(f, key, value)


def _int(f: Filters, params: Mapping[str, str], key: str, lo: int, hi: int) -> int | None:
    raw = params.get(key, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        f.errors[key] = f"{raw!r} is not a whole number"
        return None
    if not lo <= value <= hi:
        f.errors[key] = f"must be between {lo} and {hi}"
        return None
    return value


def rows(accounts: QuerySet[Account], f: Filters, day: hq.Day, today: dt.date) -> QuerySet[Any]:
    """The filtered, sorted accounts with their health annotations."""
    qs = hq.with_health(_narrowed(accounts.select_related("owner", "stage"), f, today), day)
    if f.band:
        qs = qs.filter(band=f.band)
    qs = _signal(qs, f.signal)
    key = SORTS[f.sort.lstrip("-")]
    order = F(key).desc(nulls_last=True) if f.sort.startswith("-") else F(key).asc(nulls_last=True)
    return qs.order_by(order, "name", "pk")


def _narrowed(accounts: QuerySet[Account], f: Filters, today: dt.date) -> QuerySet[Account]:
    """The filters on the accounts' own fields (search, segment, owner, stage, renewal)."""
    qs = accounts
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(external_id__icontains=f.q))
    for key, lookup in (
        ("segment", "segment"),
        ("owner", "owner__username"),
        ("stage", "stage__key"),
    ):
        value = getattr(f, key)
        if value:
            qs = qs.filter(**{lookup: value})
    if f.renewal_days:
        qs = qs.filter(
            renewal_date__gte=today, renewal_date__lte=today + dt.timedelta(days=f.renewal_days)
        )
    return qs


class _Pages(Paginator):  # type: ignore[type-arg]
    """A paginator told its count (counted more cheaply than its object list would)."""

    def __init__(self, object_list: Any, per_page: int, total: int) -> None:
        super().__init__(object_list, per_page)
        self.total = total

    @cached_property
    def count(self) -> int:
        return self.total


def page(
    accounts: QuerySet[Account], f: Filters, day: hq.Day, today: dt.date, number: int
) -> Page[Any]:
    """Page `number` (the last one when beyond it) of `rows(...)`. The count joins health
    snapshots only when a filter needs them; the page's accounts are found with only the
    columns the filters and sort need, then only those are loaded with every annotation."""
    qs = rows(accounts, f, day, today)
    total = qs.count() if f.band or f.signal else _narrowed(accounts, f, today).count()
    current = _Pages(qs.values_list("pk", flat=True), PAGE_SIZE, total).get_page(number)
    pks = list(current.object_list)
    loaded = {a.pk: a for a in qs.filter(pk__in=pks).order_by()}
    current.object_list = [loaded[pk] for pk in pks]
    return current


def _signal(qs: QuerySet[Any], signal: str) -> QuerySet[Any]:
    if signal == "at_risk":
        return qs.filter(Q(band="red") | Q(risk__gte=0.3))
    if signal == "expansion":
        return qs.filter(expansion=True)
    if signal == "advocate":
        return qs.filter(advocate=True)
    if signal == "overridden":
        return qs.filter(override_id__isnull=False)
    if signal == "unscored":
        return qs.filter(score__isnull=True)
    return qs


CSV_HEADER = [
    "external_id",
    "name",
    "segment",
    "owner",
    "stage",
    "band",
    "score",
    "score_change_7d",
    "churn_risk_90d",
    "mrr",
    "renewal_date",
    "last_touchpoint",
]


def csv_rows(qs: QuerySet[Any]) -> Iterator[list[Any]]:
    """The header, then one row per account, in the list's order (for CSV export)."""
    yield CSV_HEADER
    for a in qs.iterator(chunk_size=2000):
        yield [
            a.external_id,
            a.name,
            a.segment,
            a.owner.username if a.owner else "",
            a.stage.key if a.stage else "",
            a.band or "",
            _round(a.score, 1),
            _round(a.change, 1),
            _round(a.risk, 4),
            _round(a.mrr, 2),
            a.renewal_date or "",
            a.last_touch.isoformat() if a.last_touch else "",
        ]


def _round(value: float | None, digits: int) -> Any:
    return "" if value is None else round(value, digits)
