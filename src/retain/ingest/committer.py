"""Group commit: one writer at a time per process, many requests per transaction.

SQLite allows one writer; threads that queue on its file lock poll and back off, which wastes
most of the time a busy server has. Instead each request hands its submission to the
`Committer` and waits. Whoever holds the writer lock takes every submission waiting at that
moment and writes them in one transaction, each in its own savepoint (one failing
submission does not sink the others), commits once, then wakes their requests. A request is
answered only after the transaction holding its messages has committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.db import transaction

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass
class _Ticket(Generic[In, Out]):
    item: In
    done: bool = False
    result: Out | None = None
    error: BaseException | None = None
    event: threading.Event = field(default_factory=threading.Event)


class Committer(Generic[In, Out]):
    """Run `write(item)` for submitted items, grouping concurrent ones into one commit."""

    def __init__(self, write: Callable[[In], Out], max_group: int = 64) -> None:
        self._write = write
        self._max_group = max_group
        self._writer = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_Ticket[In, Out]] = []

    def submit(self, item: In) -> Out:
        """Write `item`; returns once it is committed (or raises what writing it raised)."""
        ticket: _Ticket[In, Out] = _Ticket(item)
        with self._queue_lock:
            self._queue.append(ticket)
        while not ticket.done:
            with self._writer:
                if not ticket.done:
                    self._run_group()
        if ticket.error is not None:
            raise ticket.error
        return ticket.result  # type: ignore[return-value]

    def _run_group(self) -> None:
        with self._queue_lock:
            group = self._queue[: self._max_group]
            del self._queue[: self._max_group]
        if not group:
            return
        try:
            with transaction.atomic():
                for ticket in group:
                    self._one(ticket)
        except BaseException as exc:  # the commit itself failed: nothing in the group is stored
            for ticket in group:
                ticket.error = ticket.error or exc
                ticket.result = None
        for ticket in group:
            ticket.done = True
            ticket.event.set()

    def _one(self, ticket: _Ticket[In, Out]) -> None:
        try:
            with transaction.atomic():
                ticket.result = self._write(ticket.item)
        except Exception as exc:  # rolled back to its savepoint; the others go on
            ticket.error = exc
