"""Surveys (NPS, CSAT, CES) with their scale and direction, invitations and responses.

A response's score must lie within its survey's scale: a database trigger enforces it
(migration 0002), because a check constraint cannot look at another table.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from retain.app.models.accounts import Account, Contact


class SurveyKind(models.TextChoices):
    """The standard survey families of METRICS.md."""

    NPS = "nps", "NPS"
    CSAT = "csat", "CSAT"
    CES = "ces", "CES"


class ScoreDirection(models.TextChoices):
    """Whether a high answer is good (NPS, CSAT, CES 2.0) or bad (CES 1.0 effort)."""

    HIGHER_BETTER = "higher_better", "Higher is better"
    LOWER_BETTER = "lower_better", "Lower is better"


class Aggregation(models.TextChoices):
    """How answers become one figure."""

    NPS = "nps", "% promoters - % detractors"
    TOP_BOX = "top_box", "% positive answers"
    MEAN = "mean", "Mean score"


class Survey(models.Model):
    """A survey definition; never average answers across surveys with different scales."""

    external_id = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    name = models.CharField(max_length=200)
    question = models.TextField()
    scale_min = models.SmallIntegerField()
    scale_max = models.SmallIntegerField()
    direction = models.CharField(
        max_length=15, choices=ScoreDirection.choices, default=ScoreDirection.HIGHER_BETTER
    )
    aggregation = models.CharField(max_length=10, choices=Aggregation.choices)
    positive_threshold = models.SmallIntegerField(
        null=True, blank=True, help_text="Lowest positive answer (CSAT 4 of 5, CES 5 of 7)."
    )

    class Meta:
        db_table = "retain_survey"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_min__gte=0) & Q(scale_max__gt=F("scale_min")),
                name="survey_scale_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind="nps") | (Q(scale_min=0) & Q(scale_max=10)),
                name="survey_nps_scale_0_10",
            ),
            models.CheckConstraint(
                condition=Q(positive_threshold__isnull=True)
                | (
                    Q(positive_threshold__gte=F("scale_min"))
                    & Q(positive_threshold__lte=F("scale_max"))
                ),
                name="survey_threshold_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SurveyKind.values), name="survey_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=ScoreDirection.values), name="survey_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(aggregation__in=Aggregation.values), name="survey_aggregation_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}, {self.scale_min}-{self.scale_max})"


class SurveyInvitation(models.Model):
    """A survey sent to a contact: the denominator of the response rate."""

    external_id = models.CharField(max_length=200, unique=True)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()
    channel = models.CharField(max_length=30, default="email")

    class Meta:
        db_table = "retain_survey_invitation"
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.survey} to {self.contact or self.account} at {self.sent_at:%Y-%m-%d}"


class SurveyResponse(models.Model):
    """One answer to a survey, within the survey's scale."""

    external_id = models.CharField(max_length=200, unique=True)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="survey_responses")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    invitation = models.ForeignKey(
        SurveyInvitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.SmallIntegerField()
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField()
    channel = models.CharField(max_length=30, default="email")

    class Meta:
        db_table = "retain_survey_response"
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["account", "answered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="response_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey.kind} {self.score} from {self.account}"
