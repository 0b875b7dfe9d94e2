"""Product usage: raw events (deduplicated by message id), daily rollups, and features."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from retain.app.models.accounts import Account, Contact


class EventType(models.TextChoices):
    """Segment-style call types."""

    TRACK = "track", "Track"
    IDENTIFY = "identify", "Identify"
    GROUP = "group", "Group"
    PAGE = "page", "Page"
    SCREEN = "screen", "Screen"


class Feature(models.Model):
    """A product feature, known by the event name that marks its use."""

    event_name = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=200)
    is_key_feature = models.BooleanField(default=False)
    is_key_action = models.BooleanField(default=False)
    plans = models.CharField(
        max_length=300, blank=True, help_text="Comma-separated plans that include it; empty: all."
    )

    class Meta:
        db_table = "retain_feature"
        ordering = ["event_name"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """A raw product event, kept for audit and replay; `message_id` makes retries harmless."""

    message_id = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=10, choices=EventType.choices, default=EventType.TRACK)
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # the (account, timestamp) index serves lookups by account
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    user_id = models.CharField(max_length=200, blank=True)
    anonymous_id = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200, blank=True)
    timestamp = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    properties = models.JSONField(default=dict, blank=True)
    context = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "retain_event"
        indexes = [
            models.Index(fields=["account", "timestamp"]),
            models.Index(fields=["user_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(type__in=EventType.values), name="event_type_valid"),
            models.CheckConstraint(
                condition=~Q(user_id="") | ~Q(anonymous_id=""), name="event_has_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.name} {self.timestamp:%Y-%m-%d %H:%M}"


class UsageDaily(models.Model):
    """Daily rollup: how many times a contact of an account did an event on a day."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="usage_daily")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="usage_daily")
    event_name = models.CharField(max_length=200)
    day = models.DateField()
    count = models.PositiveIntegerField()

    class Meta:
        db_table = "retain_usage_daily"
        indexes = [models.Index(fields=["account", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "contact", "event_name", "day"], name="usage_daily_unique"
            ),
            models.CheckConstraint(condition=Q(count__gt=0), name="usage_daily_count_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.contact_id} {self.event_name} {self.day}: {self.count}"
