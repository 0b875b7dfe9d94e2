"""Support tickets and touchpoints (emails, calls, meetings, QBRs, chats)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from retain.app.models.accounts import Account, Contact


class TicketPriority(models.TextChoices):
    """Ticket priority; `urgent` counts as critical."""

    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class TicketStatus(models.TextChoices):
    """Ticket status; open and pending count as unresolved."""

    OPEN = "open", "Open"
    PENDING = "pending", "Pending"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


class Ticket(models.Model):
    """A support ticket from a customer."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tickets")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    opened_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    priority = models.CharField(
        max_length=10, choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    status = models.CharField(
        max_length=10, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    subject = models.CharField(max_length=500)
    body = models.TextField(blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Post-resolution rating, 1-5."
    )

    class Meta:
        db_table = "retain_ticket"
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["account", "opened_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True)
                | Q(first_response_at__gte=F("opened_at")),
                name="ticket_response_after_open",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("opened_at")),
                name="ticket_resolved_after_open",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="ticket_satisfaction_1_5",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=TicketPriority.values), name="ticket_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TicketStatus.values), name="ticket_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class TouchpointKind(models.TextChoices):
    """How we and the customer talked."""

    EMAIL = "email", "Email"
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    QBR = "qbr", "QBR"
    CHAT = "chat", "Chat"


class Direction(models.TextChoices):
    """Who started the touchpoint: we (outbound) or the customer (inbound)."""

    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class Touchpoint(models.Model):
    """A conversation with a customer; `sentiment` is computed from `text` (-1..1)."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="touchpoints")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="touchpoints"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=TouchpointKind.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    occurred_at = models.DateTimeField()
    replied_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    sentiment = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "retain_touchpoint"
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["account", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(replied_at__isnull=True) | Q(replied_at__gte=F("occurred_at")),
                name="touchpoint_reply_after",
            ),
            models.CheckConstraint(
                condition=Q(sentiment__isnull=True) | (Q(sentiment__gte=-1) & Q(sentiment__lte=1)),
                name="touchpoint_sentiment_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TouchpointKind.values), name="touchpoint_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="touchpoint_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d} {self.subject}"
