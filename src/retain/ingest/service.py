"""The write service of the ingest API: validated messages in, committed rows out.

`write(submission)` stores one request's accepted messages and quarantines its rejected ones
in one transaction. When the store refuses the batch for a reason other than being
unavailable (a value the validator missed, a bug), the messages are stored one by one, each in
its own savepoint, so only the one the store refuses is quarantined.

`identify` upserts the contact and its traits, `group` the account (traits
into `custom_attributes`) and the contact's link to it; `track` events count in the daily
rollups as soon as their user belongs to an account, and earlier events of a user are
attributed (and counted) when an identify or group makes that so.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import InterfaceError, InternalError, OperationalError, transaction

from retain.app import events as store
from retain.app.events import EventRow
from retain.app.models import Account, Contact, QuarantinedMessage
from retain.core.tracking import Message, Problem, Rejected, parse_time, payload_text, storable

log = logging.getLogger("retain.ingest")
# The store itself failed (locked, disconnected, out of space): nothing can be kept, retry.
UNAVAILABLE = (OperationalError, InterfaceError, InternalError)


@dataclass
class Submission:
    """One request's worth of work: what was accepted and rejected, and where it came from."""

    source_id: int | None
    call: str
    received_at: dt.datetime
    accepted: list[Message] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    batch_sent_at: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a write did: new events stored, duplicates skipped, messages quarantined, and the
    accepted messages the store refused (quarantined too)."""

    stored: int
    duplicates: int
    quarantined: int
    refused: list[Rejected] = field(default_factory=list)


def write(submission: Submission) -> Outcome:
    """Store and quarantine one submission atomically (a savepoint inside a caller's
    transaction); a message the store refuses is quarantined alone."""
    with transaction.atomic():
        stored, refused = store_isolated(submission.accepted, submission.received_at)
        rejected = [*submission.rejected, *refused]
        quarantine(submission, rejected)
    duplicates = len(submission.accepted) - len(refused) - stored
    return Outcome(stored, duplicates, len(rejected), refused)


def store_isolated(
    messages: Sequence[Message], received_at: dt.datetime
) -> tuple[int, list[Rejected]]:
    """`store_messages`, and when the store refuses them for a reason other than being
    unavailable, each message in its own savepoint: (how many were new, the refused ones)."""
    try:
        with transaction.atomic():
            return store_messages(messages, received_at), []
    except UNAVAILABLE:
        raise
    except Exception:
        log.exception("the store refused a batch; storing its messages one by one")
    stored, refused = 0, []
    for message in messages:
        try:
            with transaction.atomic():
                stored += store_messages([message], received_at)
        except UNAVAILABLE:
            raise
        except Exception as exc:
            log.warning("the store refused message %r: %r", message.message_id, exc)
            reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
            msg = f"the store refused this message ({type(exc).__name__}: {reason})"
            refused.append(message.rejected(storable(msg)))
    return stored, refused


def store_messages(messages: Sequence[Message], received_at: dt.datetime) -> int:
    """Store messages once each (by message id); returns how many were new."""
    if not messages:
        return 0
    calls = [m for m in messages if m.type in ("identify", "group")]
    known = store.known_message_ids([m.message_id for m in calls]) if calls else set()
    group_accounts: dict[str, int] = {}
    touched: set[str] = set()
    for m in calls:
        if m.message_id not in known:
            _apply(m, group_accounts, touched)
    contacts = store.contacts_by_user(m.user_id for m in messages)
    rows = [_row(m, contacts, group_accounts, received_at) for m in messages]
    fresh = store.write_events(rows)
    if touched:
        attribute(touched)
    return len(fresh)


def _apply(m: Message, group_accounts: dict[str, int], touched: set[str]) -> None:
    if m.type == "identify" and m.user_id:
        identify(m.user_id, m.traits)
        touched.add(m.user_id)
    elif m.type == "group":
        account = group(m.group_id, m.traits, m.user_id)
        group_accounts[m.message_id] = account.id
        if m.user_id:
            touched.add(m.user_id)


def _row(
    m: Message,
    contacts: dict[str, tuple[int, int | None]],
    group_accounts: dict[str, int],
    received_at: dt.datetime,
) -> EventRow:
    contact_id, account_id = contacts.get(m.user_id, (None, None))
    if m.type == "group":
        account_id = group_accounts.get(m.message_id, account_id)
    body = m.traits if m.type in ("identify", "group") else m.properties
    return EventRow(
        message_id=m.message_id,
        type=m.type,
        account_id=account_id,
        contact_id=contact_id,
        user_id=m.user_id,
        anonymous_id=m.anonymous_id,
        name=m.name,
        timestamp=m.timestamp,
        received_at=received_at,
        properties=store.dumps(body),
        context=store.dumps(m.context),
    )


def identify(user_id: str, traits: dict[str, Any]) -> Contact:
    """Create or update the contact `user_id`: merge traits; name, email, createdAt fill
    the contact's fields."""
    contact, _ = Contact.objects.get_or_create(external_id=user_id)
    contact.traits = {**_stored_object(contact.traits, f"contact {user_id!r} traits"), **traits}
    name = traits.get("name") or " ".join(
        str(traits[k]) for k in ("firstName", "lastName") if isinstance(traits.get(k), str)
    )
    if name:
        contact.name = str(name)[:200]
    if isinstance(traits.get("email"), str):
        contact.email = traits["email"]
    if isinstance(traits.get("title"), str) and len(traits["title"]) <= 100:
        contact.role = traits["title"]
    created = _time_or_none(traits.get("createdAt"))
    if created is not None:
        contact.created_at = created
    contact.save()
    return contact


def group(group_id: str, traits: dict[str, Any], user_id: str) -> Account:
    """Create or update the account `group_id` (traits into custom_attributes) and link the
    contact `user_id` to it."""
    name = traits.get("name")
    label = name if isinstance(name, str) and 0 < len(name) <= 300 else group_id
    account, created = Account.objects.get_or_create(external_id=group_id, defaults={"name": label})
    stored = _stored_object(account.custom_attributes, f"account {group_id!r} custom_attributes")
    account.custom_attributes = {**stored, **traits}
    if not created and label != group_id:
        account.name = label
    for key in ("industry", "plan"):
        value = traits.get(key)
        if isinstance(value, str) and len(value) <= 100:
            setattr(account, key, value)
    account.save()
    if user_id:
        contact, _ = Contact.objects.get_or_create(external_id=user_id)
        if contact.account_id != account.id:
            contact.account = account
            contact.save(update_fields=["account"])
    return account


def attribute(user_ids: Iterable[str]) -> int:
    """Give stored events of these users their contact and account where missing, and count
    the track events that become attributed in the rollups; returns how many changed."""
    return store.attribute(store.contacts_by_user(user_ids))


def _stored_object(value: Any, what: str) -> dict[str, Any]:
    """A stored JSON attribute to merge into: a non-object (a list, text, imported before that
    was refused) is nothing to merge, said in the log, and the new traits replace it."""
    if isinstance(value, dict):
        return value
    if value is not None:
        log.warning(
            "%s is a JSON %s, not an object: replaced by the new traits",
            what,
            type(value).__name__,
        )
    return {}


def quarantine(
    submission: Submission, rejected: Sequence[Rejected] | None = None
) -> list[QuarantinedMessage]:
    """Keep every rejected message (the submission's, or these) with its raw payload and
    reasons, for replay; as text every store can keep."""
    rows = [
        QuarantinedMessage(
            source_id=submission.source_id,
            received_at=submission.received_at,
            call=submission.call,
            index=r.index,
            batch_sent_at=storable(submission.batch_sent_at),
            payload=payload_text(r.raw),
            reasons=[reason(p) for p in r.problems],
        )
        for r in (submission.rejected if rejected is None else rejected)
    ]
    return QuarantinedMessage.objects.bulk_create(rows)


def reason(problem: Problem) -> dict[str, Any]:
    """A problem as a quarantine reason, in storable text."""
    loc = [storable(x) if isinstance(x, str) else x for x in problem.loc]
    return {"loc": loc, "msg": storable(problem.msg)}


def _time_or_none(value: Any) -> dt.datetime | None:
    """createdAt of identify traits as a time, or None (missing, not a time, out of range)."""
    try:
        return parse_time(value)
    except (ValueError, OverflowError):
        return None
