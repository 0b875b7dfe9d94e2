"""The action lists: accounts at risk, expansion candidates, advocates, each with reasons."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from retain.app import portfolio as pf
from retain.app.access.permissions import visible_accounts
from retain.app.health import queries as hq
from retain.app.models import HealthSnapshot
from retain.web.access import page

PAGE = 50
LISTS: dict[str, dict[str, Any]] = {
    "at_risk": {
        "title": "At risk",
        "intro": "Accounts in the red band or with a churn probability of 30% or more within 90 "
        "days, riskiest first, with the measures that drive the risk.",
        "empty": "No account is at risk on the latest day.",
    },
    "expansion": {
        "title": "Expansion candidates",
        "intro": "Accounts outgrowing their licence or that the expansion model rates well above "
        "average, most likely to expand first.",
        "empty": "No expansion candidate on the latest day.",
    },
    "advocates": {
        "title": "Advocates",
        "intro": "Promoters who are healthy, engaged and customers long enough; referral "
        "candidates (longer tenure, higher score, no urgent ticket) first.",
        "empty": "No advocate on the latest day: advocates need a recent NPS answer of 9 or 10.",
    },
}


def _snapshots(key: str, day: hq.Day, accounts: Any) -> QuerySet[HealthSnapshot]:
    snaps = hq.snapshots_on(day, accounts)
    if key == "at_risk":
        chosen = snaps.filter(Q(band="red") | Q(risk_probability__gte=pf.AT_RISK))
        return chosen.order_by(F("risk_probability").desc(nulls_last=True), "score")
    if key == "expansion":
        chosen = snaps.filter(expansion_candidate=True)
        return chosen.order_by(F("expansion_probability").desc(nulls_last=True), "-score")
    return snaps.filter(advocate=True).order_by("-referral_candidate", "-score")


def _reasons(key: str, snap: HealthSnapshot) -> list[str]:
    if key == "at_risk":
        top = sorted(snap.risk_reasons.items(), key=lambda kv: -kv[1])[:3]
        return [
            f"{name.replace('_', ' ')} raises the risk by {delta * 100:.0f} points"
            for name, delta in top
            if delta > 0
        ]
    if key == "expansion":
        return list(snap.signals.get("expansion", []))
    return list(snap.signals.get("referral") or snap.signals.get("advocate", []))


def _page(key: str) -> Any:
    @page()
    def view(request: HttpRequest) -> HttpResponse:
        day = hq.latest_day()
        rows = (
            _snapshots(key, day, visible_accounts(request.user))
            if day.date
            else HealthSnapshot.objects.none()
        )
        current = Paginator(rows, PAGE).get_page(request.GET.get("page"))
        items = [{"s": s, "reasons": _reasons(key, s)} for s in current.object_list]
        context = {
            "active": key,
            "list": LISTS[key],
            "key": key,
            "page": current,
            "items": items,
            "day": day,
        }
        return render(request, "retain/signal_list.html", context)

    view.__name__ = f"{key}_list"
    view.__doc__ = LISTS[key]["intro"]
    return view


at_risk = _page("at_risk")
expansion = _page("expansion")
advocates = _page("advocates")
