"""The accounts list: filters, search, sort, saved views, CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from retain.app.access.permissions import visible_accounts
from retain.app.accounts import listing as al
from retain.app.health import queries as hq
from retain.app.models import LifecycleStage, SavedView, User
from retain.core.spreadsheet import safe_cell
from retain.web.access import is_htmx, page, user_of

COLUMNS = (
    ("name", "Account"),
    ("score", "Health"),
    ("change", "7-day change"),
    ("risk", "Churn risk"),
    ("mrr", "MRR"),
    ("renewal", "Renewal"),
    ("owner", "Owner"),
    ("stage", "Stage"),
    ("last_touch", "Last touchpoint"),
)


def _listing(request: HttpRequest) -> tuple[al.Filters, Any, hq.Day]:
    filters = al.parse(request.GET)
    day = hq.latest_day()
    qs = al.rows(visible_accounts(request.user), filters, day, timezone.localdate())
    return filters, qs, day


@page()
def account_list(request: HttpRequest) -> HttpResponse:
    """Accounts with health, risk, change, MRR, renewal, owner, stage and last touchpoint."""
    filters = al.parse(request.GET)
    day = hq.latest_day()
    accounts = visible_accounts(request.user)
    current = al.page(accounts, filters, day, timezone.localdate(), filters.page)
    base = filters.query()
    context = {
        "active": "accounts",
        "filters": filters,
        "page": current,
        "day": day,
        "columns": [_column(key, label, filters, base) for key, label in COLUMNS],
        "query": urlencode(base),
        "choices": _choices(request),
        "views": SavedView.objects.filter(
            Q(user=user_of(request)) | Q(shared=True), page="accounts"
        ),
        "total": current.paginator.count,
    }
    template = "retain/accounts_table.html" if is_htmx(request) else "retain/accounts.html"
    return render(request, template, context)


def _column(key: str, label: str, filters: al.Filters, base: dict[str, str]) -> dict[str, Any]:
    """A sortable column header: clicking sorts by it, clicking again reverses."""
    current = filters.sort.lstrip("-")
    desc = filters.sort.startswith("-")
    new = f"-{key}" if current != key or not desc else key
    if current != key and key in ("name", "owner", "stage", "renewal"):
        new = key  # text and dates read best ascending first
    sort = None if current != key else ("descending" if desc else "ascending")
    return {
        "key": key,
        "label": label,
        "href": "?" + urlencode({**base, "sort": new}),
        "sort": sort,
    }


def _choices(request: HttpRequest) -> dict[str, Any]:
    accounts = visible_accounts(request.user)
    segments = accounts.exclude(segment="").order_by().values_list("segment", flat=True).distinct()
    owners = User.objects.filter(accounts__in=accounts).distinct().order_by("username")
    return {
        "segments": sorted(set(segments)),
        "owners": owners,
        "stages": LifecycleStage.objects.all(),
        "bands": al.BANDS,
        "signals": (
            ("at_risk", "At risk"),
            ("expansion", "Expansion candidates"),
            ("advocate", "Advocates"),
            ("overridden", "Score overridden"),
            ("unscored", "Not scored"),
        ),
    }


class _Echo:
    def write(self, value: str) -> str:
        return value


@page()
def account_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The list as filtered and sorted on screen, every row, as CSV for a spreadsheet
    (text that would run as a formula is kept as text)."""
    _, qs, _ = _listing(request)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        for row in al.csv_rows(qs):
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="retain-accounts-{stamp}.csv"'
    return response


@require_POST
@page()
def save_view(request: HttpRequest) -> HttpResponse:
    """Save the current filters under a name (optionally shared with everyone)."""
    name = request.POST.get("name", "").strip()
    query = request.POST.get("query", "")
    if not name:
        messages.error(request, "Give the view a name.")
        return HttpResponseRedirect(f"/accounts/?{query}")
    try:
        SavedView.objects.update_or_create(
            user=user_of(request),
            page="accounts",
            name=name,
            defaults={"query": query, "shared": bool(request.POST.get("shared"))},
        )
    except IntegrityError:
        messages.error(request, f"Could not save the view {name!r}.")
    else:
        messages.success(request, f"Saved the view “{name}”.")
    return HttpResponseRedirect(f"/accounts/?{query}")


@require_POST
@page()
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of your saved views."""
    view = get_object_or_404(SavedView, pk=pk, user=request.user)
    view.delete()
    messages.success(request, f"Deleted the view “{view.name}”.")
    return HttpResponseRedirect("/accounts/")
