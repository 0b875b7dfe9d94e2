"""Account 360: key figures, health with its explanation, risk, usage, timeline, contacts,
subscriptions and MRR, onboarding, tasks, notes and the CSM override."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from retain.app.access.permissions import Perm, can_edit_account, require_on_account
from retain.app.accounts import detail as a360
from retain.app.health import snapshots
from retain.app.models import Note
from retain.errors import RetainError
from retain.web import charts
from retain.web.access import page, user_of, visible_account


@page()
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole story of one account on one page."""
    account = visible_account(request, pk)
    today = timezone.localdate()
    h = a360.health(account)
    figures = a360.key_figures(account, h, today)
    history = figures["history"]
    usage = a360.usage_series(account, h.date if h else today)
    context = {
        "active": "accounts",
        "account": account,
        "h": h,
        "standing": a360.standing(account),
        "k": figures,
        "health_chart": charts.lines(
            [r["date"].strftime("%b %d") for r in history],
            [("health score", [r["score"] for r in history])],
            title="Health score, last 90 days",
        ),
        "risk_chart": charts.lines(
            [r["date"].strftime("%b %d") for r in history],
            [("churn risk", [r["risk_probability"] for r in history])],
            fmt=charts.percent,
            title="Churn risk within 90 days, last 90 days",
        ),
        "usage_chart": charts.lines(
            usage["labels"],
            [("events", usage["events"])],
            title="Product events per day, last 90 days",
        ),
        "users_chart": charts.lines(
            usage["labels"],
            [("active users", usage["users"])],
            title="Active users per day, last 90 days",
        ),
        "timeline": a360.timeline(account),
        "contacts": a360.contacts(account),
        "subscriptions": a360.subscriptions(account),
        "milestones": a360.milestones(account, today),
        "tasks": a360.open_tasks(account),
        "notes": a360.notes(account),
        "can_edit": can_edit_account(request.user, account),
        "default_until": today + dt.timedelta(days=30),
    }
    return render(request, "retain/account.html", context)


@page()
def account_mrr(request: HttpRequest, pk: int) -> HttpResponse:
    """The MRR history chart (loaded after the page: it runs the MRR definition)."""
    account = visible_account(request, pk)
    series = a360.mrr_history(account, timezone.localdate())
    chart = charts.bars(
        series["labels"], series["mrr"], fmt=charts.number, title="MRR at each month end"
    )
    return render(
        request,
        "retain/fragment_chart.html",
        {
            "chart": chart,
            "caption": "MRR at each month end (trials and one-time charges excluded; "
            "see docs/metrics.md).",
        },
    )


@page()
def account_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Older timeline items (the "show more" button)."""
    account = visible_account(request, pk)
    before = request.GET.get("before", "")
    try:
        at = dt.datetime.fromisoformat(before) if before else None
    except ValueError:
        at = None
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    return render(
        request,
        "retain/timeline.html",
        {"timeline": a360.timeline(account, at), "account": account},
    )


@require_POST
@page(Perm.EDIT)
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep a note on the account."""
    account = visible_account(request, pk)
    require_on_account(request.user, Perm.EDIT, account)
    body = request.POST.get("body", "").strip()
    if not body:
        messages.error(request, "A note needs some text.")
    else:
        stamp = timezone.now()
        Note.objects.create(
            external_id=f"web-note-{account.pk}-{stamp.timestamp():.6f}",
            account=account,
            author=user_of(request),
            body=body,
            created_at=stamp,
        )
        messages.success(request, "Note added.")
    return HttpResponseRedirect(f"/accounts/{account.pk}/#notes")


@require_POST
@page(Perm.EDIT)
def override(request: HttpRequest, pk: int) -> HttpResponse:
    """Set (or, with `clear`, end) the CSM override of the account's score."""
    account = visible_account(request, pk)
    require_on_account(request.user, Perm.EDIT, account)
    if request.POST.get("clear"):
        snapshots.end_override(account)
        messages.success(request, "Override ended: the computed score shows again.")
        return HttpResponseRedirect(f"/accounts/{account.pk}/")
    try:
        score = float(request.POST.get("score", ""))
        until = dt.date.fromisoformat(request.POST.get("until", ""))
        snapshots.set_override(
            account, score, request.POST.get("reason", ""), until, user_of(request)
        )
    except ValueError:
        messages.error(request, "Give a score from 0 to 100 and an end date like 2026-12-31.")
    except RetainError as exc:
        messages.error(request, f"Override not saved: {exc}.")
    else:
        messages.success(request, f"Score overridden to {score:.0f} until {until}.")
    return HttpResponseRedirect(f"/accounts/{account.pk}/")
