"""Subscriptions, one-off purchases and costs: the revenue side of an account."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from retain.app.models.accounts import Account


class BillingInterval(models.TextChoices):
    """How often a subscription item bills; MRR normalises each to a month."""

    DAY = "day", "Daily"
    WEEK = "week", "Weekly"
    MONTH = "month", "Monthly"
    QUARTER = "quarter", "Quarterly"
    YEAR = "year", "Annual"


class SubscriptionStatus(models.TextChoices):
    """Billing status; trials are excluded from MRR."""

    TRIAL = "trial", "Trial"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    CANCELLED = "cancelled", "Cancelled"


class ChargeType(models.TextChoices):
    """Recurring charges count in MRR; metered and one-time charges do not."""

    RECURRING = "recurring", "Recurring"
    METERED = "metered", "Metered"
    ONE_TIME = "one_time", "One-time"


class SubscriptionItem(models.Model):
    """One line of a subscription: a plan at a price per interval, for a quantity of units."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="subscriptions")
    plan = models.CharField(max_length=100)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Price per unit per billing interval."
    )
    currency = models.CharField(max_length=3, default="USD")
    interval = models.CharField(
        max_length=10, choices=BillingInterval.choices, default=BillingInterval.MONTH
    )
    quantity = models.PositiveIntegerField(default=1)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    discount_end = models.DateField(
        null=True, blank=True, help_text="Last day the discount applies; empty: it recurs."
    )
    charge_type = models.CharField(
        max_length=10, choices=ChargeType.choices, default=ChargeType.RECURRING
    )
    status = models.CharField(
        max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="End of the paid period; empty while it runs."
    )
    cancelled_at = models.DateField(
        null=True, blank=True, help_text="Day the customer asked to cancel."
    )

    class Meta:
        db_table = "retain_subscription_item"
        ordering = ["account", "start_date"]
        indexes = [models.Index(fields=["account", "start_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="subscription_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="subscription_discount_0_100",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="subscription_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(interval__in=BillingInterval.values), name="subscription_interval_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SubscriptionStatus.values), name="subscription_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(charge_type__in=ChargeType.values), name="subscription_charge_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.plan} x{self.quantity}"


class Purchase(models.Model):
    """A one-off purchase, for transactional (non-subscription) businesses."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="purchases")
    purchased_at = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "retain_purchase"
        ordering = ["account", "purchased_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="purchase_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount} on {self.purchased_at}"


class CostCategory(models.TextChoices):
    """What money was spent on: sales and marketing feed CAC, the rest CRC."""

    SALES = "sales", "Sales"
    MARKETING = "marketing", "Marketing"
    SUPPORT = "support", "Support"
    CUSTOMER_SUCCESS = "customer_success", "Customer success"
    PROFESSIONAL_SERVICES = "professional_services", "Professional services"
    TOOLING = "tooling", "CS tooling"
    INITIATIVE = "initiative", "Initiative"
    OTHER = "other", "Other"


class Cost(models.Model):
    """Money spent in a period, by category (feeds CAC and CRC)."""

    external_id = models.CharField(max_length=200, unique=True)
    category = models.CharField(max_length=30, choices=CostCategory.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "retain_cost"
        ordering = ["period_start", "category"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="cost_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="cost_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(category__in=CostCategory.values), name="cost_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.period_start}..{self.period_end}: {self.amount}"
