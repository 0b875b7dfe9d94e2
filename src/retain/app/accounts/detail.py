"""Everything the account page shows about one account: key figures, health and its
explanation, usage, the timeline of what happened, contacts, subscriptions, onboarding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from retain.app.health import queries as hq
from retain.app.health.view import HealthView, explain
from retain.app.models import (
    Account,
    AccountMilestone,
    Note,
    StageChange,
    SubscriptionItem,
    SurveyResponse,
    Task,
    TaskStatus,
    Ticket,
    Touchpoint,
)
from retain.errors import RetainError

USAGE_DAYS = 90
TIMELINE_PAGE = 25


@dataclass(frozen=True)
class Item:
    """One thing that happened to an account, for the timeline."""

    at: dt.datetime
    kind: str
    title: str
    detail: str = ""
    tone: str = ""  # "good", "bad" or ""


def health(account: Account) -> HealthView | None:
    """The account's latest health explained (app/health/view.py), or None when it has none
    (never scored, not yet scored with the active scorecard, or churned: see `standing`)."""
    try:
        return explain(account)
    except RetainError:
        return None


def standing(account: Account) -> hq.Standing:
    """Whether the account is a customer on the latest scored day, churned (when), unscored."""
    return hq.standing(account, hq.latest_day())


def usage_series(account: Account, end: dt.date) -> dict[str, list[Any]]:
    """Daily events and active users over the last 90 days ending `end` (zeros included)."""
    start = end - dt.timedelta(days=USAGE_DAYS - 1)
    rows = (
        account.usage_daily.filter(day__gte=start, day__lte=end)
        .values("day")
        .annotate(events=Sum("count"), users=Count("contact", distinct=True))
    )
    got = {r["day"]: r for r in rows}
    days = [start + dt.timedelta(days=i) for i in range(USAGE_DAYS)]
    return {
        "labels": [d.strftime("%b %d") for d in days],
        "events": [float(got[d]["events"]) if d in got else 0.0 for d in days],
        "users": [float(got[d]["users"]) if d in got else 0.0 for d in days],
    }


def timeline(account: Account, before: dt.datetime | None = None) -> list[Item]:
    """The newest TIMELINE_PAGE things that happened before `before` (default: now)."""
    first = before is None
    before = before or timezone.now()
    n = TIMELINE_PAGE
    sources: tuple[tuple[Any, str, tuple[str, ...], Callable[[Any], Item]], ...] = (
        (account.tickets, "opened_at", (), _ticket),
        (account.touchpoints, "occurred_at", (), _touchpoint),
        (account.survey_responses, "answered_at", ("survey",), _response),
        (account.tasks, "created_at", (), _task),
        (account.stage_changes, "changed_at", ("to_stage",), _stage),
        (account.events.filter(type__in=("identify", "group")), "timestamp", ("contact",), _call),
        (account.notes, "created_at", ("author",), _note),
    )
    items = _usage(account, before, first, n)
    for rows, when, related, item in sources:
        latest = rows.filter(**{f"{when}__lt": before}).select_related(*related)
        items += [item(row) for row in latest.order_by(f"-{when}")[:n]]
    return sorted(items, key=lambda i: i.at, reverse=True)[:n]


def _usage(account: Account, before: dt.datetime, first: bool, n: int) -> list[Item]:
    """One item a day of product use: events, people, the most used events (from rollups).
    A day's item sits at the day's end (now, for today on the first page)."""
    now = timezone.now()
    days = account.usage_daily.filter(day__lte=timezone.localdate(before)).values("day")
    days = days.annotate(events=Sum("count"), people=Count("contact", distinct=True))
    rows = []
    for r in days.order_by("-day")[: n + 1]:
        at = min(_end_of(r["day"]), now)
        if at < before or (first and r["day"] == timezone.localdate(now)):
            rows.append((at, r))
    rows = rows[:n]
    if not rows:
        return []
    names: dict[dt.date, list[tuple[int, str]]] = {}
    per_event = account.usage_daily.filter(day__in=[r["day"] for _, r in rows])
    for e in per_event.values("day", "event_name").annotate(c=Sum("count")):
        names.setdefault(e["day"], []).append((e["c"], e["event_name"]))
    out = []
    for at, r in rows:
        top = ", ".join(name for _, name in sorted(names.get(r["day"], []), reverse=True)[:3])
        people = f"{r['people']} {'person' if r['people'] == 1 else 'people'}"
        title = f"{r['events']} product event{'s' if r['events'] != 1 else ''} by {people}"
        out.append(Item(at, "usage", title, f"most used: {top}" if top else ""))
    return out


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _call(e: Any) -> Item:
    """An identify or group call from the event API."""
    who = e.contact.name if e.contact_id and e.contact.name else e.user_id or e.anonymous_id
    what = "identified" if e.type == "identify" else "linked to this account (group call)"
    props = e.properties or {}
    traits = ", ".join(f"{k}: {v}" for k, v in list(props.items())[:4])
    return Item(e.timestamp, e.type, f"{who} {what}", traits)


def _ticket(t: Ticket) -> Item:
    state = "resolved" if t.resolved_at else "open"
    tone = "bad" if t.priority == "urgent" and not t.resolved_at else ""
    sat = f", satisfaction {t.satisfaction}/5" if t.satisfaction else ""
    return Item(t.opened_at, "ticket", f"{t.subject}", f"{t.priority}, {state}{sat}", tone)


def _touchpoint(tp: Touchpoint) -> Item:
    arrow = "from the customer" if tp.direction == "inbound" else "to the customer"
    replied = (
        " · replied"
        if tp.replied_at
        else (" · no reply" if tp.direction == "outbound" and tp.kind == "email" else "")
    )
    tone = (
        ""
        if tp.sentiment is None
        else "good"
        if tp.sentiment > 0.3
        else "bad"
        if tp.sentiment < -0.3
        else ""
    )
    return Item(
        tp.occurred_at,
        tp.kind,
        tp.subject or f"{tp.get_kind_display()} {arrow}",
        (tp.text or "")[:240] + replied,
        tone,
    )


def _response(r: SurveyResponse) -> Item:
    s = r.survey
    good = (
        r.score >= (s.positive_threshold or s.scale_max)
        if s.direction != "lower_better"
        else r.score <= (s.positive_threshold or s.scale_min)
    )
    return Item(
        r.answered_at,
        s.kind,
        f"{s.kind.upper()} {r.score} on {s.scale_min}-{s.scale_max}",
        r.comment,
        "good" if good else "bad",
    )


def _task(task: Task) -> Item:
    state = {"open": "open", "done": "done", "cancelled": "cancelled"}[task.status]
    due = f", due {task.due_date}" if task.due_date else ""
    return Item(
        task.created_at,
        "task",
        task.title,
        f"{state}{due}" + (f": {task.outcome}" if task.outcome else ""),
    )


def _note(note: Note) -> Item:
    author = note.author.username if note.author else "someone"
    return Item(note.created_at, "note", f"{author} wrote", note.body)


def _stage(s: StageChange) -> Item:
    return Item(s.changed_at, "stage", f"Moved to {s.to_stage.name}", s.note)


def contacts(account: Account) -> list[Any]:
    """Contacts, champions and decision makers first."""
    return list(account.contacts.order_by("-is_champion", "-is_decision_maker", "name")[:50])


def subscriptions(account: Account) -> list[SubscriptionItem]:
    """Subscription items, newest first."""
    return list(account.subscriptions.order_by("-start_date"))


def milestones(account: Account, today: dt.date) -> list[dict[str, Any]]:
    """Onboarding milestones in template order, each done, overdue or due."""
    out = []
    for m in (
        AccountMilestone.objects.filter(account=account)
        .select_related("template")
        .order_by("template__position")
    ):
        state = (
            "done" if m.completed_at else "overdue" if m.due_date and m.due_date < today else "due"
        )
        out.append(
            {"name": m.template.name, "due": m.due_date, "done": m.completed_at, "state": state}
        )
    return out


def open_tasks(account: Account) -> list[Task]:
    """The account's open tasks, soonest due first."""
    return list(
        account.tasks.filter(status=TaskStatus.OPEN)
        .select_related("owner")
        .order_by("due_date")[:20]
    )


def notes(account: Account) -> list[Note]:
    """The latest notes."""
    return list(account.notes.select_related("author").order_by("-created_at")[:10])


def key_figures(account: Account, h: HealthView | None, today: dt.date) -> dict[str, Any]:
    """The figures at the top of the page."""
    m = h.measures if h else {}
    renewal = account.renewal_date
    return {
        "mrr": m.get("mrr"),
        "arr": m["mrr"] * 12 if m.get("mrr") is not None else None,
        "seats": m.get("seats") or account.licensed_seats,
        "seat_use": m.get("seat_utilisation"),
        "active_users": m.get("active_users_30d"),
        "nps": m.get("nps_latest"),
        "open_tickets": account.tickets.filter(resolved_at__isnull=True).count(),
        "renewal": renewal,
        "renewal_days": (renewal - today).days if renewal else None,
        "tenure_days": m.get("tenure_days"),
        "last_touch": _days_ago(account, today),
        "history": hq.score_history(account),
    }


def mrr_history(account: Account, end: dt.date, months: int = 12) -> dict[str, list[Any]]:
    """MRR at each of the last `months` month ends (the last one cut at `end`), by the core's
    MRR definition run on this account's subscription items alone."""
    import ibis
    import pyarrow as pa

    from retain.core import mrr
    from retain.core.periods import period_of
    from retain.core.tables import SCHEMAS

    ends = [end]
    for _ in range(months - 1):
        ends.append(period_of(ends[-1], "month").start - dt.timedelta(days=1))
    ends.reverse()
    schema = SCHEMAS["subscriptions"]
    items = list(account.subscriptions.values(*[c for c in schema.names if c != "account_id"]))
    rows = {
        c: [account.pk if c == "account_id" else _plain(i.get(c)) for i in items]
        for c in schema.names
    }
    arrays = {c: pa.array(rows[c], type=t.to_pyarrow()) for c, t in schema.items()}
    subs = ibis.memtable(pa.table(arrays))
    con = ibis.duckdb.connect()
    try:
        got = con.execute(mrr.mrr_at(subs, ends, mrr.RevenueSettings()))
    finally:
        con.disconnect()
    by_day = {
        d.date() if hasattr(d, "date") else d: float(v)
        for d, v in zip(got["at"], got["mrr"], strict=True)
    }
    return {
        "labels": [d.strftime("%b %y") for d in ends],
        "mrr": [by_day.get(d, 0.0) for d in ends],
    }


def _plain(value: Any) -> Any:
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def _days_ago(account: Account, today: dt.date) -> str:
    """When the last touchpoint was: "today", "1 day ago", "12 days ago" or "never"."""
    last = (
        account.touchpoints.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    )
    if last is None:
        return "never"
    days = (today - timezone.localdate(last)).days
    return "today" if days <= 0 else f"{days} day{'s' if days != 1 else ''} ago"
