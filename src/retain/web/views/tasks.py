"""My tasks: overdue, due soon and recently done; complete a task with its outcome."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from retain.app.models import Task, TaskStatus
from retain.app.permissions import Perm, account_scope, require_on_account
from retain.web.access import is_htmx, page, user_of

SOON_DAYS = 14


@page()
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The signed-in user's tasks: overdue, due in the next two weeks, later, recently done."""
    today = timezone.localdate()
    mine = (
        Task.objects.filter(owner=user_of(request))
        .filter(account_scope(request.user))
        .select_related("account", "playbook")
    )
    open_ = mine.filter(status=TaskStatus.OPEN).order_by("due_date", "pk")
    context = {
        "active": "tasks",
        "overdue": list(open_.filter(due_date__lt=today)),
        "soon": list(
            open_.filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=SOON_DAYS))
        ),
        "later": list(open_.filter(due_date__gt=today + dt.timedelta(days=SOON_DAYS)))
        + list(open_.filter(due_date__isnull=True)),
        "done": list(mine.filter(status=TaskStatus.DONE).order_by("-completed_at")[:20]),
        "today": today,
    }
    return render(request, "retain/tasks.html", context)


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
