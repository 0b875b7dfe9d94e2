"""Health snapshots and risk, read-only: an account's history, the latest per account, risk.

Snapshots are written by `retain score` (daily); the API only reads them, limited to the
accounts the caller can see. "Latest" is app/health/queries.py's one definition (the latest
scored day of the active scorecard version; churned accounts are not on it), the same as the
web pages'.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import Http404
from ninja import Field, FilterLookup, Query, Router, Schema

from retain.api.auth import ApiRequest
from retain.api.crud import errors
from retain.api.fields import Date, Filters, Id
from retain.api.listing import PageParams, order_by_param, ordered, page, page_of
from retain.api.services import get_visible
from retain.app.access.permissions import visible_accounts
from retain.app.health import queries as hq
from retain.app.health import view
from retain.app.health.view import HealthView
from retain.app.models import Account, Band, HealthSnapshot
from retain.errors import RetainError

router = Router(tags=["Health and risk"])


class SnapshotOut(Schema):
    """An account's health on a day, with the measures and contributions behind it."""

    id: int
    account_id: int
    date: dt.date
    score: float
    band: Band
    effective_score: float = Field(..., description="The override's score while one is in force.")
    effective_band: Band
    confidence: float
    mrr: float | None = Field(None, description="MRR on the day.")
    measures: dict[str, Any]
    contributions: dict[str, Any]
    risk_probability: float | None
    risk_reasons: dict[str, Any]
    expansion_probability: float | None
    expansion_candidate: bool
    advocate: bool
    referral_candidate: bool
    signals: dict[str, Any]
    scorecard: str
    override_id: int | None
    config_version: int

    @staticmethod
    def resolve_config_version(obj: HealthSnapshot) -> int:
        return obj.config.version


class RiskOut(Schema):
    """An account's latest churn risk and the measures that move it."""

    account_id: int
    account_name: str
    date: dt.date
    risk_probability: float | None
    risk_reasons: dict[str, Any]
    score: float
    band: Band
    effective_band: Band

    @staticmethod
    def resolve_account_name(obj: HealthSnapshot) -> str:
        return obj.account.name


class HistoryFilter(Filters):
    """Snapshot date range."""

    start: Annotated[Date | None, FilterLookup("date__gte")] = None
    end: Annotated[Date | None, FilterLookup("date__lte")] = None


class LatestFilter(Filters):
    """Latest-snapshot filters."""

    band: Band | None = None
    account_id: Id | None = None
    expansion_candidate: bool | None = None
    advocate: bool | None = None
    min_risk: Annotated[float | None, FilterLookup("risk_probability__gte")] = Field(
        None, ge=0, le=1
    )


SNAPSHOT_ORDER = ("date", "score", "risk_probability", "account__name", "id")
SnapshotOrder = order_by_param(SNAPSHOT_ORDER)


def _snapshots() -> QuerySet[HealthSnapshot]:
    return HealthSnapshot.objects.select_related("account", "override", "config")


def account_history(user: Any, account_id: int) -> QuerySet[HealthSnapshot]:
    """Every snapshot of one visible account, newest first (404 if hidden or absent)."""
    account = get_visible(user, Account, account_id)
    return _snapshots().filter(account=account).order_by("-date", "-config__version", "-id")


@router.get(
    "/accounts/{id}/health",
    response={200: page_of(SnapshotOut), **errors(404)},
    operation_id="account_health_history",
    summary="An account's health history, newest first",
)
def history(
    request: ApiRequest,
    id: Id,
    filters: Query[HistoryFilter],
    paging: Query[PageParams],
) -> Any:
    return page(filters.filter(account_history(request.auth, id)), paging)


@router.get(
    "/accounts/{id}/health/latest",
    response={200: HealthView, **errors(404)},
    operation_id="account_health_explained",
    summary="An account's latest health, explained (as on its page)",
    description=(
        "The account's latest health (the same definition as every list and page): score and "
        "band, the override in force, points by scorecard group with their measures, what "
        "changed since the previous snapshot and over a week, the ranked churn-risk reasons "
        "(+ raises the risk), growth signals and whether it is still a customer. 404 when the "
        "account is hidden, not scored yet, or no longer a customer (the message says when it "
        "churned)."
    ),
)
def latest_explained(request: ApiRequest, id: Id) -> Any:
    account = get_visible(request.auth, Account, id)
    try:
        return view.explain(account)
    except RetainError as exc:
        raise Http404(str(exc)) from exc


@router.get(
    "/health",
    response={200: page_of(SnapshotOut), **errors()},
    operation_id="latest_health",
    summary="The latest health snapshot of each account",
)
def latest(
    request: ApiRequest,
    filters: Query[LatestFilter],
    paging: Query[PageParams],
    order_by: SnapshotOrder = None,  # type: ignore[valid-type]
) -> Any:
    qs = filters.filter(hq.latest_snapshots(visible_accounts(request.auth)))
    return page(ordered(qs, order_by or "account__name", SNAPSHOT_ORDER), paging)


@router.get(
    "/risk",
    response={200: page_of(RiskOut), **errors()},
    operation_id="risk",
    summary="Accounts by churn risk, highest first, with the reasons",
)
def risk(request: ApiRequest, filters: Query[LatestFilter], paging: Query[PageParams]) -> Any:
    qs = filters.filter(hq.latest_snapshots(visible_accounts(request.auth)))
    return page(ordered(qs, "-risk_probability,account__name", SNAPSHOT_ORDER), paging)
