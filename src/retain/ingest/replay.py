"""Replay quarantined messages after a fix (of the payload, in the admin, or of the code).

Each message is validated again as it was received (same endpoint, same receivedAt and batch
sentAt, so timestamps come out as they would have). A valid one is stored (once: a message id
already stored is a duplicate) and marked replayed; an invalid one stays pending with its new
reasons. A quarantined unreadable body that now parses is split: its valid messages are
stored, its invalid ones quarantined on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from retain.app.models import QuarantinedMessage, QuarantineStatus
from retain.core.tracking import (
    BodyError,
    Message,
    Problem,
    Rejected,
    Validated,
    parse_time,
    read_json,
    validate_batch,
    validate_message,
    validate_single,
)
from retain.ingest import service
from retain.ingest.service import Submission


@dataclass(frozen=True)
class Replayed:
    """What replaying one quarantined message did."""

    id: int
    ok: bool
    stored: int
    reasons: list[dict[str, Any]]


def pending(ids: Iterable[int] | None = None) -> list[QuarantinedMessage]:
    """Pending quarantined messages: these ids, or all of them."""
    rows = QuarantinedMessage.objects.filter(status=QuarantineStatus.PENDING)
    if ids is not None:
        rows = rows.filter(id__in=list(ids))
    return list(rows.order_by("received_at", "id"))


def replay(rows: Iterable[QuarantinedMessage]) -> list[Replayed]:
    """Replay each row in its own transaction."""
    return [replay_one(row) for row in rows]


def replay_one(row: QuarantinedMessage) -> Replayed:
    """Validate one quarantined message again; store it and mark it replayed when valid."""
    with transaction.atomic():
        validated = _validate(row)
        whole_body = row.index is None and row.call == "batch"
        if validated.rejected and not whole_body:
            row.reasons = [service.reason(p) for r in validated.rejected for p in r.problems]
            row.save(update_fields=["reasons"])
            return Replayed(row.id, False, 0, row.reasons)
        stored, refused = service.store_isolated(validated.accepted, row.received_at)
        if refused and not whole_body:  # the store refuses it still: it stays pending
            row.reasons = [service.reason(p) for r in refused for p in r.problems]
            row.save(update_fields=["reasons"])
            return Replayed(row.id, False, 0, row.reasons)
        validated.rejected += refused
        if validated.rejected:
            service.quarantine(
                Submission(
                    row.source_id,
                    row.call,
                    row.received_at,
                    rejected=validated.rejected,
                    batch_sent_at=row.batch_sent_at,
                )
            )
        row.status = QuarantineStatus.REPLAYED
        row.replayed_at = dt.datetime.now(dt.UTC)
        row.save(update_fields=["status", "replayed_at"])
    reasons = [p.as_dict() for r in validated.rejected for p in r.problems]
    return Replayed(row.id, True, stored, reasons)


def _validate(row: QuarantinedMessage) -> Validated:
    try:
        payload = read_json(row.payload, batch=row.call == "batch" and row.index is None)
    except BodyError as exc:
        return _rejected(row, [Problem(_loc(row), exc.message)])
    allowed = row.source.calls if row.source is not None else None
    try:
        if row.call != "batch":
            return validate_single(payload, row.call, row.received_at, allowed=allowed)
        if row.index is None:
            return validate_batch(payload, row.received_at, allowed=allowed)
        return _one_of_batch(row, payload, allowed)
    except BodyError as exc:
        return _rejected(row, exc.problems)


def _one_of_batch(
    row: QuarantinedMessage, payload: object, allowed: tuple[str, ...] | None
) -> Validated:
    sent_at = parse_time(row.batch_sent_at) if row.batch_sent_at else None
    loc, received = _loc(row), row.received_at
    result = validate_message(payload, loc, received, sent_at=sent_at, allowed=allowed)
    if isinstance(result, Message):
        return Validated(accepted=[result])
    return _rejected(row, result)


def _rejected(row: QuarantinedMessage, problems: list[Problem]) -> Validated:
    return Validated(rejected=[Rejected(row.index, row.payload, tuple(problems))])


def _loc(row: QuarantinedMessage) -> tuple[str | int, ...]:
    return ("batch", row.index) if row.index is not None else ("body",)
