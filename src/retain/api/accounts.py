"""Accounts, their contacts and notes: schemas and resource definitions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, FilterLookup, Schema

from retain.api.crud import Resource
from retain.api.fields import Body, Count, Date, DateTime, Filters, Id
from retain.app.access.permissions import Perm, has_perm
from retain.app.models import Account, Contact, Note

Text100 = Annotated[str, Field(max_length=100)]
ExternalId = Annotated[str, Field(min_length=1, max_length=200)]
EXTERNAL_ID_HELP = "Your system's id; generated (`api-...`) when omitted."


class AccountOut(Schema):
    """A customer company."""

    id: int
    external_id: str
    name: str
    segment: str
    tier: str
    industry: str
    plan: str
    region: str
    owner_id: int | None
    stage_id: int | None
    contract_start: dt.date | None
    renewal_date: dt.date | None
    licensed_seats: int | None
    custom_attributes: dict[str, Any]
    parent_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AccountIn(Body):
    """A new account; a CSM's new account is in their own book unless `owner_id` says more."""

    name: str = Field(..., min_length=1, max_length=300)
    external_id: ExternalId | None = Field(None, description=EXTERNAL_ID_HELP)
    segment: Text100 = ""
    tier: Text100 = ""
    industry: Text100 = ""
    plan: Text100 = ""
    region: Text100 = ""
    owner_id: Id | None = Field(None, description="The CSM (user id) who owns the account.")
    stage_id: Id | None = Field(None, description="Lifecycle stage id.")
    contract_start: Date | None = None
    renewal_date: Date | None = None
    licensed_seats: Count | None = None
    custom_attributes: dict[str, Any] = Field(default_factory=dict)
    parent_id: Id | None = Field(None, description="Parent account id (a group's member).")


class AccountFilter(Filters):
    """Account list filters."""

    q: Annotated[str | None, FilterLookup(["name__icontains", "external_id__icontains"])] = Field(
        None, description="Text in the name or external id."
    )
    segment: str | None = None
    tier: str | None = None
    industry: str | None = None
    plan: str | None = None
    region: str | None = None
    owner_id: Id | None = None
    owner: Annotated[str | None, FilterLookup("owner__username")] = Field(
        None, description="Owner's username."
    )
    stage: Annotated[str | None, FilterLookup("stage__key")] = Field(
        None, description="Lifecycle stage key, e.g. onboarding."
    )
    parent_id: Id | None = None
    renewal_from: Annotated[Date | None, FilterLookup("renewal_date__gte")] = None
    renewal_to: Annotated[Date | None, FilterLookup("renewal_date__lte")] = None


def _account_defaults(user: Any) -> dict[str, Any]:
    """A CSM's new account lands in their own book."""
    return {} if has_perm(user, Perm.MANAGE) else {"owner_id": user.pk}


ACCOUNTS = Resource(
    name="accounts",
    model=Account,
    out=AccountOut,
    create=AccountIn,
    filters=AccountFilter,
    order_fields=("name", "external_id", "segment", "renewal_date", "created_at", "id"),
    defaults=_account_defaults,
)


class ContactOut(Schema):
    """A person at a customer."""

    id: int
    external_id: str
    account_id: int | None
    name: str
    email: str
    role: str
    is_champion: bool
    is_decision_maker: bool
    traits: dict[str, Any]
    created_at: dt.datetime | None


class ContactIn(Body):
    """A new contact; `external_id` is the `userId` their product events carry."""

    account_id: Id | None
    external_id: ExternalId | None = Field(None, description=EXTERNAL_ID_HELP)
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+$")
    role: Text100 = ""
    is_champion: bool = False
    is_decision_maker: bool = False
    traits: dict[str, Any] = Field(default_factory=dict)
    created_at: DateTime | None = None


class ContactFilter(Filters):
    """Contact list filters."""

    q: Annotated[str | None, FilterLookup(["name__icontains", "email__icontains"])] = Field(
        None, description="Text in the name or e-mail."
    )
    account_id: Id | None = None
    email: str | None = None
    is_champion: bool | None = None
    is_decision_maker: bool | None = None


CONTACTS = Resource(
    name="contacts",
    model=Contact,
    out=ContactOut,
    create=ContactIn,
    filters=ContactFilter,
    order_fields=("name", "email", "external_id", "created_at", "id"),
)


class NoteOut(Schema):
    """A CSM's note on an account."""

    id: int
    external_id: str
    account_id: int
    author_id: int | None
    body: str
    created_at: dt.datetime


class NoteIn(Body):
    """A new note; the author is the caller and the time now unless given."""

    account_id: Id
    body: str = Field(..., min_length=1)
    external_id: ExternalId | None = Field(None, description=EXTERNAL_ID_HELP)
    author_id: Id | None = None
    created_at: DateTime | None = None


class NoteFilter(Filters):
    """Note list filters."""

    account_id: Id | None = None
    author_id: Id | None = None
    q: Annotated[str | None, FilterLookup("body__icontains")] = None
    created_from: Annotated[DateTime | None, FilterLookup("created_at__gte")] = None
    created_to: Annotated[DateTime | None, FilterLookup("created_at__lte")] = None


NOTES = Resource(
    name="notes",
    model=Note,
    out=NoteOut,
    create=NoteIn,
    filters=NoteFilter,
    order_fields=("created_at", "id"),
    defaults=lambda user: {"author_id": user.pk, "created_at": timezone.now()},
)
