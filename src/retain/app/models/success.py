"""The CS team's work: onboarding milestones, playbooks, tasks and initiatives."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from retain.app.models.accounts import Account


class MilestoneTemplate(models.Model):
    """An onboarding step every new account should reach within `target_days` of its start."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    target_days = models.PositiveIntegerField()
    is_go_live = models.BooleanField(default=False, help_text="Marks time to initial launch.")
    is_first_value = models.BooleanField(default=False, help_text="Marks time to first value.")

    class Meta:
        db_table = "retain_milestone_template"
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.name


class AccountMilestone(models.Model):
    """An account's progress on one onboarding step."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="milestones")
    template = models.ForeignKey(MilestoneTemplate, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "retain_account_milestone"
        ordering = ["account", "template__position"]
        constraints = [
            models.UniqueConstraint(fields=["account", "template"], name="milestone_once"),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.template}"


class Playbook(models.Model):
    """A rule that turns a signal into actions (tasks, alerts, surveys), at most once a cooldown."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    trigger = models.JSONField(default=dict)
    actions = models.JSONField(default=list)
    cooldown_days = models.PositiveIntegerField(default=30)
    enabled = models.BooleanField(default=True)

    class Meta:
        db_table = "retain_playbook"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaskStatus(models.TextChoices):
    """Where a task stands."""

    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Task(models.Model):
    """Work for a CSM on an account, made by hand or by a playbook."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tasks")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    kind = models.CharField(max_length=30, default="follow_up")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    playbook = models.ForeignKey(
        Playbook, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )

    class Meta:
        db_table = "retain_task"
        ordering = ["status", "due_date"]
        indexes = [models.Index(fields=["owner", "status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_at__isnull=False),
                name="task_done_has_completed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Initiative(models.Model):
    """A CS programme whose effect and ROI Retain measures against a comparison group."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    monthly_cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    target_segment = models.CharField(max_length=100, blank=True)
    metric = models.CharField(max_length=100, blank=True, help_text="Metric it should move.")
    expected_effect = models.FloatField(
        null=True, blank=True, help_text="Expected relative change, e.g. -0.2 for 20% fewer."
    )

    class Meta:
        db_table = "retain_initiative"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_cost__gte=0), name="initiative_cost_gte_0"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="initiative_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InitiativeGroup(models.TextChoices):
    """Whether an account got the initiative or is in the comparison group."""

    TREATMENT = "treatment", "Treatment"
    CONTROL = "control", "Control"


class InitiativeAccount(models.Model):
    """An account's membership of an initiative's treatment or comparison group."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="members")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="initiatives")
    group = models.CharField(max_length=10, choices=InitiativeGroup.choices)
    joined_at = models.DateField()

    class Meta:
        db_table = "retain_initiative_account"
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "account"], name="initiative_member_once"
            ),
            models.CheckConstraint(
                condition=Q(group__in=InitiativeGroup.values), name="initiative_group_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.account} ({self.group})"
