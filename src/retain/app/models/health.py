"""Versioned scorecard configs, daily health snapshots and CSM overrides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from retain.app.models.accounts import Account


class Band(models.TextChoices):
    """Health band."""

    GREEN = "green", "Green"
    YELLOW = "yellow", "Yellow"
    RED = "red", "Red"


class ScorecardConfig(models.Model):
    """One version of the health scorecard configuration (measures, weights, rules, bands)."""

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    config = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=False)

    class Meta:
        db_table = "retain_scorecard_config"
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class HealthSnapshot(models.Model):
    """An account's health on a day, with the measures and contributions that made it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="health_snapshots")
    date = models.DateField()
    score = models.FloatField()
    band = models.CharField(max_length=10, choices=Band.choices)
    confidence = models.FloatField(default=1.0)
    mrr = models.FloatField(null=True, blank=True, help_text="MRR on the day (for ARR by band).")
    measures = models.JSONField(default=dict)
    contributions = models.JSONField(default=dict)
    risk_probability = models.FloatField(null=True, blank=True)
    expansion_probability = models.FloatField(null=True, blank=True)
    risk_reasons = models.JSONField(
        default=dict, blank=True, help_text="Per measure: how much it moves the risk probability."
    )
    expansion_candidate = models.BooleanField(default=False)
    advocate = models.BooleanField(default=False)
    referral_candidate = models.BooleanField(default=False)
    signals = models.JSONField(
        default=dict, blank=True, help_text="Growth signal kind -> the reasons behind it."
    )
    scorecard = models.CharField(
        max_length=200, blank=True, help_text="The scorecard (or its segment/stage variant) used."
    )
    override = models.ForeignKey(
        "HealthOverride",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="snapshots",
        help_text="The CSM override in force on the day, if any.",
    )
    config = models.ForeignKey(ScorecardConfig, on_delete=models.PROTECT, related_name="snapshots")

    class Meta:
        db_table = "retain_health_snapshot"
        ordering = ["account", "-date"]
        indexes = [
            models.Index(fields=["date", "band"]),
            models.Index(fields=["date", "expansion_candidate"]),
            models.Index(fields=["date", "advocate"]),
            # The latest day of a config (every page asks) and a day's snapshots of a config;
            # an account's days under a config (its score history).
            models.Index(fields=["config", "date"], name="snapshot_config_date"),
            models.Index(fields=["account", "config", "date"], name="snapshot_account_config"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["account", "date", "config"], name="snapshot_once"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="snapshot_score_0_100"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="snapshot_confidence_0_1",
            ),
            models.CheckConstraint(
                condition=Q(risk_probability__isnull=True)
                | (Q(risk_probability__gte=0) & Q(risk_probability__lte=1)),
                name="snapshot_risk_0_1",
            ),
            models.CheckConstraint(
                condition=Q(expansion_probability__isnull=True)
                | (Q(expansion_probability__gte=0) & Q(expansion_probability__lte=1)),
                name="snapshot_expansion_0_1",
            ),
            models.CheckConstraint(condition=Q(band__in=Band.values), name="snapshot_band_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.date}: {self.score:.0f} ({self.band})"

    @property
    def effective_score(self) -> float:
        """The score people see: the CSM override's while one is in force, else the computed."""
        return self.override.score if self.override else self.score

    @property
    def effective_band(self) -> str:
        """The band people see (the override's while one is in force)."""
        return self.override.band if self.override else self.band


class HealthOverride(models.Model):
    """A CSM's override of an account's score, with a reason and an expiry."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="health_overrides")
    score = models.FloatField()
    band = models.CharField(max_length=10, choices=Band.choices)
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        db_table = "retain_health_override"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="override_expires_later"
            ),
            models.CheckConstraint(condition=Q(band__in=Band.values), name="override_band_valid"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="override_score_0_100"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.score:.0f} until {self.expires_at:%Y-%m-%d}"
