"""Subscription items (the lines MRR is derived from): schemas and resource definition."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, FilterLookup, Schema

from retain.api.accounts import EXTERNAL_ID_HELP, ExternalId
from retain.api.crud import Resource
from retain.api.fields import Body, Count, Date, Filters, Id
from retain.app.models import BillingInterval, ChargeType, SubscriptionItem, SubscriptionStatus


class SubscriptionOut(Schema):
    """One line of a subscription; money is a decimal string, e.g. "1200.00"."""

    id: int
    external_id: str
    account_id: int
    plan: str
    amount: Decimal
    currency: str
    interval: BillingInterval
    quantity: int
    discount_percent: Decimal
    discount_end: dt.date | None
    charge_type: ChargeType
    status: SubscriptionStatus
    start_date: dt.date
    end_date: dt.date | None
    cancelled_at: dt.date | None


class SubscriptionIn(Body):
    """A new subscription item: a plan at a price per interval, for a quantity of units."""

    account_id: Id
    plan: str = Field(..., min_length=1, max_length=100)
    amount: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    start_date: Date
    external_id: ExternalId | None = Field(None, description=EXTERNAL_ID_HELP)
    currency: str = Field("USD", min_length=3, max_length=3)
    interval: BillingInterval = BillingInterval.MONTH
    quantity: Count = 1
    discount_percent: Decimal = Field(Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2)
    discount_end: Date | None = None
    charge_type: ChargeType = ChargeType.RECURRING
    status: SubscriptionStatus = SubscriptionStatus.ACTIVE
    end_date: Date | None = Field(None, description="End of the paid period; on or after start.")
    cancelled_at: Date | None = None


class SubscriptionFilter(Filters):
    """Subscription list filters."""

    account_id: Id | None = None
    plan: str | None = None
    status: SubscriptionStatus | None = None
    interval: BillingInterval | None = None
    charge_type: ChargeType | None = None
    start_from: Annotated[Date | None, FilterLookup("start_date__gte")] = None
    start_to: Annotated[Date | None, FilterLookup("start_date__lte")] = None


SUBSCRIPTIONS = Resource(
    name="subscriptions",
    model=SubscriptionItem,
    out=SubscriptionOut,
    create=SubscriptionIn,
    filters=SubscriptionFilter,
    order_fields=("start_date", "end_date", "amount", "plan", "status", "id"),
)
