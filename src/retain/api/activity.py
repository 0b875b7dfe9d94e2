"""Tickets, touchpoints and tasks: the work and conversations around an account."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, FilterLookup, Schema

from retain.api.accounts import EXTERNAL_ID_HELP, ExternalId
from retain.api.crud import Resource
from retain.api.fields import Body, Date, DateTime, Filters, Id
from retain.app.models import (
    Direction,
    Task,
    TaskStatus,
    Ticket,
    TicketPriority,
    TicketStatus,
    Touchpoint,
    TouchpointKind,
)
from retain.core.text import tone


class TicketOut(Schema):
    """A support ticket."""

    id: int
    external_id: str
    account_id: int
    contact_id: int | None
    opened_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    priority: TicketPriority
    status: TicketStatus
    subject: str
    body: str
    satisfaction: int | None


class TicketIn(Body):
    """A new ticket; response and resolution cannot come before it was opened."""

    account_id: Id
    subject: str = Field(..., min_length=1, max_length=500)
    opened_at: DateTime
    external_id: ExternalId | None = Field(None, description=EXTERNAL_ID_HELP)
    contact_id: Id | None = None
    first_response_at: DateTime | None = None
    resolved_at: DateTime | None = None
    priority: TicketPriority = TicketPriority.NORMAL
    status: TicketStatus = TicketStatus.OPEN
    body: str = ""
    satisfaction: int | None = Field(None, ge=1, le=5, description="Rating 1-5.")


class TicketFilter(Filters):
    """Ticket list filters."""

    account_id: Id | None = None
    contact_id: Id | None = None
    status: TicketStatus | None = None
    priority: TicketPriority | None = None
    q: Annotated[str | None, FilterLookup("subject__icontains")] = None
    opened_from: Annotated[DateTime | None, FilterLookup("opened_at__gte")] = None
    opened_to: Annotated[DateTime | None, FilterLookup("opened_at__lte")] = None


TICKETS = Resource(
    name="tickets",
    model=Ticket,
    out=TicketOut,
    create=TicketIn,
    filters=TicketFilter,
    order_fields=("opened_at", "resolved_at", "priority", "status", "id"),
)


class TouchpointOut(Schema):
    """A conversation with a customer; `sentiment` in -1..1."""

    id: int
    external_id: str
    account_id: int
    contact_id: int | None
    user_id: int | None
    kind: TouchpointKind
    direction: Direction
    occurred_at: dt.datetime
    replied_at: dt.datetime | None
    subject: str
    text: str
    sentiment: float | None


class TouchpointIn(Body):
    """A new touchpoint; an inbound one without a sentiment gets the tone of its text."""

    account_id: Id
    kind: TouchpointKind
    direction: Direction
    occurred_at: DateTime
    external_id: ExternalId | None = Field(None, description=EXTERNAL_ID_HELP)
    contact_id: Id | None = None
    user_id: Id | None = Field(None, description="The team member involved (default: caller).")
    replied_at: DateTime | None = None
    subject: str = Field("", max_length=500)
    text: str = ""
    sentiment: float | None = Field(None, ge=-1, le=1)


class TouchpointFilter(Filters):
    """Touchpoint list filters."""

    account_id: Id | None = None
    contact_id: Id | None = None
    kind: TouchpointKind | None = None
    direction: Direction | None = None
    occurred_from: Annotated[DateTime | None, FilterLookup("occurred_at__gte")] = None
    occurred_to: Annotated[DateTime | None, FilterLookup("occurred_at__lte")] = None


def _touchpoint_tone(touchpoint: Touchpoint) -> None:
    """The customer's messages (inbound) without a sentiment get the tone of their text."""
    if touchpoint.direction == Direction.INBOUND and touchpoint.sentiment is None:
        touchpoint.sentiment = tone(touchpoint.text)


TOUCHPOINTS = Resource(
    name="touchpoints",
    model=Touchpoint,
    out=TouchpointOut,
    create=TouchpointIn,
    filters=TouchpointFilter,
    order_fields=("occurred_at", "kind", "id"),
    defaults=lambda user: {"user_id": user.pk},
    prepare=_touchpoint_tone,
)


class TaskOut(Schema):
    """Work for a CSM on an account."""

    id: int
    external_id: str
    account_id: int
    owner_id: int | None
    kind: str
    title: str
    description: str
    due_date: dt.date | None
    status: TaskStatus
    created_at: dt.datetime
    completed_at: dt.datetime | None
    outcome: str
    playbook_id: int | None


class TaskIn(Body):
    """A new task; marking it done without `completed_at` records the time now."""

    account_id: Id
    title: str = Field(..., min_length=1, max_length=300)
    external_id: ExternalId | None = Field(None, description=EXTERNAL_ID_HELP)
    owner_id: Id | None = None
    kind: str = Field("follow_up", max_length=30)
    description: str = ""
    due_date: Date | None = None
    status: TaskStatus = TaskStatus.OPEN
    created_at: DateTime | None = None
    completed_at: DateTime | None = None
    outcome: str = ""
    playbook_id: Id | None = None


class TaskFilter(Filters):
    """Task list filters."""

    account_id: Id | None = None
    owner_id: Id | None = None
    status: TaskStatus | None = None
    kind: str | None = None
    due_from: Annotated[Date | None, FilterLookup("due_date__gte")] = None
    due_to: Annotated[Date | None, FilterLookup("due_date__lte")] = None


def _task_completion(task: Task) -> None:
    """A task marked done gets its completion time."""
    if task.status == TaskStatus.DONE and task.completed_at is None:
        task.completed_at = timezone.now()


def _task_defaults(user: Any) -> dict[str, Any]:
    return {"created_at": timezone.now()}


TASKS = Resource(
    name="tasks",
    model=Task,
    out=TaskOut,
    create=TaskIn,
    filters=TaskFilter,
    order_fields=("due_date", "created_at", "status", "title", "id"),
    defaults=_task_defaults,
    prepare=_task_completion,
)
