"""Portfolio: the CS leader's view of the whole book (or a segment, owner or stage)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from retain.app import portfolio as pf
from retain.app.access.permissions import visible_accounts
from retain.app.health import queries as hq
from retain.app.models import Account, LifecycleStage, User
from retain.web import charts
from retain.web.access import page, portfolio_filters


def definitions(names: tuple[str, ...] | list[str]) -> list[tuple[str, str, str]]:
    """(name, title, definition) of metrics from the registry: every figure is traceable."""
    from retain.core import metrics

    return [(m.name, m.title, m.definition) for m in (metrics.get(n) for n in names)]


@page()
def portfolio(request: HttpRequest) -> HttpResponse:
    """Health by band, ARR at risk, renewals; the KPI trends load just after."""
    filters = portfolio_filters(request)
    accounts = pf.filtered(visible_accounts(request.user), filters)
    day = hq.latest_day()
    today = timezone.localdate()
    s = pf.summary(accounts, day) if day.date else None
    context: dict[str, Any] = {
        "active": "portfolio",
        "day": day,
        "s": s,
        "filters": filters,
        "query": "&".join(f"{k}={v}" for k, v in filters.items() if v),
        "renewals": pf.renewals(accounts, day, today) if day.date else [],
        "segments": sorted(
            set(Account.objects.exclude(segment="").values_list("segment", flat=True))
        ),
        "owners": User.objects.filter(accounts__isnull=False).distinct().order_by("username"),
        "stages": LifecycleStage.objects.all(),
        "has_accounts": Account.objects.exists(),
    }
    if s:
        bands = ("green", "yellow", "red")
        context["band_chart"] = charts.bars(
            [b.capitalize() for b in bands],
            [s["bands"][b]["arr"] for b in bands],
            classes=bands,
            fmt=charts.number,
            title="ARR by health band",
        )
        context["hist_chart"] = charts.bars(
            [f"{i * 10}-{i * 10 + 9}" for i in range(10)],
            [float(n) for n in s["histogram"]],
            classes=["red"] * 4 + ["yellow"] * 3 + ["green"] * 3,
            title="Accounts by health score",
        )
    return render(request, "retain/portfolio.html", context)


@page()
def portfolio_trends(request: HttpRequest) -> HttpResponse:
    """The 12-month KPI charts (a fragment: computed by the metrics engine, then cached)."""
    filters = portfolio_filters(request)
    t = pf.trends(filters, timezone.localdate())
    labels, v = t["labels"], t["values"]
    zero = [x or 0.0 for x in v["mrr"]]
    context = {
        "bridge": charts.bridge(
            labels,
            up=[
                (n, [x or 0.0 for x in v[k]])
                for n, k in (
                    ("new", "new_mrr"),
                    ("expansion", "expansion_mrr"),
                    ("reactivation", "reactivation_mrr"),
                )
            ],
            down=[
                (n, [x or 0.0 for x in v[k]])
                for n, k in (("contraction", "contraction_mrr"), ("churn", "churned_mrr"))
            ],
            title="MRR movements per month",
        ),
        "mrr": charts.lines(labels, [("MRR", zero)], title="MRR at month end"),
        "churn": charts.lines(
            labels,
            [("logo churn", v["logo_churn_rate"])],
            fmt=charts.percent,
            title="Logo churn rate per month",
            zero=True,
        ),
        "retention": charts.lines(
            labels,
            [("NRR", v["nrr"]), ("GRR", v["grr"])],
            fmt=charts.percent,
            title="Net and gross revenue retention per month",
        ),
        "nps": charts.lines(labels, [("NPS", v["nps"])], title="NPS per month", zero=True),
        "last": {
            k: next((x for x in reversed(vals) if x is not None), None) for k, vals in v.items()
        },
        "label": labels[-1] if labels else "",
        "defs": definitions(pf.TREND_METRICS),
    }
    return render(request, "retain/portfolio_trends.html", context)
