"""My tasks (or the team's): overdue, due soon and recently done; complete a task."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from retain.app.access.permissions import Perm, account_scope, can_edit_account, require_on_account
from retain.app.models import Task, TaskStatus
from retain.web.access import is_htmx, page, user_of

SOON_DAYS = 14


SCOPES = ("mine", "team")


@page()
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Your tasks (or, with scope=team, every task on the accounts you can see): overdue, due
    in the next two weeks, later, recently done. Someone who owns no open task lands on the
    team's, so a CS manager sees the team's work first."""
    user = user_of(request)
    today = timezone.localdate()
    team = Task.objects.filter(account_scope(user)).select_related("account", "owner", "playbook")
    mine = team.filter(owner=user)
    counts = {
        "mine": mine.filter(status=TaskStatus.OPEN).count(),
        "team": team.filter(status=TaskStatus.OPEN).count(),
    }
    scope = request.GET.get("scope", "")
    if scope not in SCOPES:
        scope = "mine" if counts["mine"] or not counts["team"] else "team"
    tasks = mine if scope == "mine" else team
    open_ = tasks.filter(status=TaskStatus.OPEN).order_by("due_date", "pk")
    soon = today + dt.timedelta(days=SOON_DAYS)
    context = {
        "active": "tasks",
        "scope": scope,
        "counts": counts,
        "overdue": _editable(user, open_.filter(due_date__lt=today)),
        "soon": _editable(user, open_.filter(due_date__gte=today, due_date__lte=soon)),
        "later": _editable(user, open_.filter(due_date__gt=soon))
        + _editable(user, open_.filter(due_date__isnull=True)),
        "done": list(tasks.filter(status=TaskStatus.DONE).order_by("-completed_at")[:20]),
        "today": today,
    }
    return render(request, "retain/tasks.html", context)


def _editable(user: Any, tasks: Any) -> list[Task]:
    """The tasks, each marked with whether this user may complete it."""
    rows = list(tasks)
    for t in rows:
        t.can_complete = can_edit_account(user, t.account)
    return rows


@require_POST
@page(Perm.EDIT)
def complete_task(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a task done with an optional outcome; answers the updated row for htmx."""
    task = get_object_or_404(Task.objects.select_related("account"), pk=pk)
    require_on_account(request.user, Perm.EDIT, task.account)
    if task.status == TaskStatus.OPEN:
        task.status = TaskStatus.DONE
        task.completed_at = timezone.now()
        task.outcome = request.POST.get("outcome", "").strip()
        task.save(update_fields=["status", "completed_at", "outcome"])
    if is_htmx(request):
        as_item = request.POST.get("as") == "li"  # the account page lists tasks, not a table
        return render(request, "retain/task_done.html", {"t": task, "as_item": as_item})
    return render(request, "retain/task_done_page.html", {"t": task, "active": "tasks"})
