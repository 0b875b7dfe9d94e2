"""Accounts (customers), their contacts and their lifecycle stages with history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class LifecycleStage(models.Model):
    """A journey stage (onboarding, adoption, value, renewal, expansion, advocacy; configurable)."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    description = models.TextField(blank=True)

    class Meta:
        db_table = "retain_lifecycle_stage"
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """A customer company."""

    external_id = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=300)
    segment = models.CharField(max_length=100, blank=True)
    tier = models.CharField(max_length=100, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    plan = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accounts",
    )
    stage = models.ForeignKey(
        LifecycleStage, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    contract_start = models.DateField(null=True, blank=True)
    renewal_date = models.DateField(null=True, blank=True)
    licensed_seats = models.PositiveIntegerField(null=True, blank=True)
    custom_attributes = models.JSONField(default=dict, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "retain_account"
        ordering = ["name"]
        indexes = [models.Index(fields=["segment"]), models.Index(fields=["renewal_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(licensed_seats__gte=0), name="account_seats_gte_0"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
                name="account_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at a customer; `external_id` is the `userId` their product events carry."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=100, blank=True)
    is_champion = models.BooleanField(default=False)
    is_decision_maker = models.BooleanField(default=False)
    traits = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "retain_contact"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.email or self.external_id


class StageChange(models.Model):
    """An account's move into a lifecycle stage: the stage history."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        LifecycleStage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(LifecycleStage, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        db_table = "retain_stage_change"
        ordering = ["account", "changed_at"]
        indexes = [models.Index(fields=["account", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.account} -> {self.to_stage} at {self.changed_at:%Y-%m-%d}"


class Note(models.Model):
    """A free-text note a CSM keeps on an account."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "retain_note"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class Metadata(models.Model):
    """Key-value facts about this Retain database (e.g. which demo seed built it)."""

    key = models.CharField(max_length=100, unique=True)
    value = models.TextField()

    class Meta:
        db_table = "retain_metadata"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
