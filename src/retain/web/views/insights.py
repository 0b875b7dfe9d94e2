"""Cohorts (retention heatmaps, survival) and Surveys (NPS, CSAT, CES over time, verbatims)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from retain.app import insights
from retain.app.access.permissions import visible_accounts
from retain.app.models import SurveyResponse
from retain.web import charts
from retain.web.access import page, portfolio_filters
from retain.web.views.portfolio import definitions


@page()
def cohorts_page(request: HttpRequest) -> HttpResponse:
    """The page shell; the heatmaps load as a fragment (they run the metrics engine)."""
    query = "&".join(f"{k}={v}" for k, v in portfolio_filters(request).items() if v)
    return render(request, "retain/cohorts.html", {"active": "cohorts", "query": query})


@page()
def cohorts_fragment(request: HttpRequest) -> HttpResponse:
    """Logo and revenue retention heatmaps and survival at 3, 6, 12, 24 months."""
    t = insights.cohort_tables(portfolio_filters(request), timezone.localdate())
    rows = [f"{c} ({n})" for c, n in zip(t["cohorts"], t["sizes"], strict=True)]
    context = {
        "logo": charts.heatmap(rows, t["ages"], t["logo_retention"], "Logo retention by cohort"),
        "revenue": charts.heatmap(
            rows, t["ages"], t["revenue_retention"], "Revenue retention by cohort"
        ),
        "survival": t["survival"],
        "empty": not t["cohorts"],
    }
    return render(request, "retain/cohorts_fragment.html", context)


@page()
def surveys_page(request: HttpRequest) -> HttpResponse:
    """Verbatims now; the 12-month NPS/CSAT/CES charts load as a fragment."""
    kind = request.GET.get("kind", "")
    low = request.GET.get("low") == "1"
    accounts = visible_accounts(request.user)
    context = {
        "active": "surveys",
        "verbatims": insights.verbatims(accounts, kind, low),
        "kind": kind,
        "low": low,
        "answers": SurveyResponse.objects.filter(account__in=accounts).count(),
    }
    return render(request, "retain/surveys.html", context)


@page()
def surveys_fragment(request: HttpRequest) -> HttpResponse:
    """NPS, CSAT and CES per month with the response rate."""
    t = insights.survey_trends(portfolio_filters(request), timezone.localdate())
    labels, v = t["labels"], t["values"]
    context = {
        "nps": charts.lines(labels, [("NPS", v["nps"])], title="NPS per month", zero=True),
        "csat": charts.lines(labels, [("CSAT", v["csat"])], title="CSAT per month (% positive)"),
        "ces": charts.lines(labels, [("CES mean", v["ces"])], title="CES per month (mean, 1-7)"),
        "defs": definitions(["nps", "csat", "ces", "ces_easy_share", "survey_response_rate"]),
        "rate": charts.lines(
            labels,
            [("response rate", v["survey_response_rate"])],
            fmt=charts.percent,
            title="Survey response rate per month",
        ),
    }
    return render(request, "retain/surveys_fragment.html", context)
