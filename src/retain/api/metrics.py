"""KPIs with the names of `retain metrics`: the registry, and one metric's values per period.

Values come from `retain.analytics.compute`, the service the CLI uses, run on the database the
web app serves. A CSM who may not see other accounts gets the figures of their own book.
Dates lie in 1900-2200 and a request covers at most MAX_PERIODS periods, so no caller can make
the server compute centuries of weeks.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from django.db import connection
from django.http import Http404
from ninja import Field, Query, Router, Schema
from pydantic import AfterValidator
from pydantic.config import JsonDict

from retain import analytics
from retain.api.auth import ApiRequest
from retain.api.crud import errors
from retain.api.errors import FieldError
from retain.api.fields import Date, Params
from retain.app.access.permissions import sees_all_accounts
from retain.core import metrics as m
from retain.core import segments
from retain.core.storable import FIRST_DAY, LAST_DAY

router = Router(tags=["Metrics"])


class MetricOut(Schema):
    """A registered KPI and its definition (METRICS.md)."""

    name: str
    title: str
    family: str
    unit: str
    definition: str
    settings: list[str]


class MetricValue(Schema):
    """The value of a metric in one period; null when it is not defined there."""

    period: str
    value: float | None


class MetricSeriesOut(MetricOut):
    """A metric's values per period."""

    period: str
    as_of: dt.date
    segment: dict[str, str]
    values: list[MetricValue]


MAX_PERIODS = 1000


def _within_range(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"use a date from {FIRST_DAY} to {LAST_DAY}")
    return day


KpiDate = Annotated[Date, AfterValidator(_within_range)]
KPI_DATE: JsonDict = {"pattern": "^(19[0-9]{2}|2[01][0-9]{2}|2200)-"}  # the years, in OpenAPI


class SeriesParams(Params):
    """Which periods and accounts to compute over (as `retain metrics`); dates in 1900-2200,
    at most 1,000 periods."""

    period: Literal["month", "quarter", "week"] = "month"
    start: KpiDate | None = Field(
        None, description="First day of the range (1900-2200).", json_schema_extra=KPI_DATE
    )
    end: KpiDate | None = Field(
        None, description="Last day of the range (1900-2200).", json_schema_extra=KPI_DATE
    )
    as_of: KpiDate | None = Field(
        None,
        description="Date the figures are as of (default today; 1900-2200).",
        json_schema_extra=KPI_DATE,
    )
    segment: list[str] = Field(
        default_factory=list, description="Account filter key=value, repeatable (e.g. tier=Growth)."
    )


def store_url() -> str:
    """A RETAIN_DATABASE_URL for the database Django is serving (the engines read it too)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    auth = user + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    host = f"{auth + '@' if auth else ''}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    query = urlencode(db.get("OPTIONS") or {})
    return f"postgresql://{host}/{quote(db['NAME'])}" + (f"?{query}" if query else "")


def metric_query(user: Any, params: SeriesParams) -> analytics.Query:
    """The analytics query for the parameters, limited to what the user may see."""
    try:
        seg = segments.parse(params.segment)
    except ValueError as exc:
        raise FieldError(["query", "segment"], str(exc)) from None
    if not sees_all_accounts(user):
        seg["owner"] = user.username
    as_of = params.as_of or dt.date.today()
    last = min(params.end or as_of, as_of)
    if params.start is not None and params.start > last:
        raise FieldError(["query", "start"], f"start must be on or before {last.isoformat()}")
    query = analytics.Query(
        as_of=as_of,
        grain=params.period,
        start=params.start,
        end=params.end,
        segment=seg,
        url=store_url(),
    )
    try:
        count = len(query.periods())
    except ValueError as exc:  # e.g. a start after the last complete period before as_of
        raise FieldError(["query", "start"], str(exc)) from None
    if count > MAX_PERIODS:
        raise FieldError(
            ["query", "start"],
            f"{count:,} {params.period}s asked for; at most {MAX_PERIODS:,} per request: "
            "a later start, an earlier end or a longer period",
        )
    return query


def describe(metric: m.Metric) -> dict[str, Any]:
    """The registry entry of a metric as JSON."""
    keys = ("name", "title", "family", "unit", "definition")
    return {**{k: getattr(metric, k) for k in keys}, "settings": list(metric.settings)}


def lookup(name: str) -> m.Metric:
    """The registered metric, or 404 listing the known names."""
    try:
        return m.get(name)
    except KeyError as exc:
        raise Http404(str(exc).strip("'\"")) from None


@router.get(
    "/metrics",
    response={200: list[MetricOut], **errors()},
    operation_id="list_metrics",
    summary="Every KPI with its definition",
)
def list_metrics(request: ApiRequest) -> Any:
    return [describe(metric) for metric in m.all_metrics()]


@router.get(
    "/metrics/{name}",
    response={200: MetricSeriesOut, **errors(404)},
    operation_id="metric_series",
    summary="One KPI's values per period",
)
def metric_series(request: ApiRequest, name: str, params: Query[SeriesParams]) -> Any:
    metric = lookup(name)
    query = metric_query(request.auth, params)
    values = analytics.compute(query, [metric.name])[metric.name]
    return {
        **describe(metric),
        "period": query.grain,
        "as_of": query.as_of,
        "segment": query.segment,
        "values": [{"period": label, "value": value} for label, value in values.items()],
    }
