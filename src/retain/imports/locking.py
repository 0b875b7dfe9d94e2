"""The write phase of an import: one transaction, taken only once every file is checked, and a
busy SQLite store (another writer holding the lock past RETAIN_SQLITE_TIMEOUT) said plainly."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import OperationalError, connection, transaction

from retain.errors import RetainError


class StoreBusy(RetainError):
    """Another process held the store's write lock for longer than the busy timeout."""


def is_busy(exc: BaseException) -> bool:
    """Whether a database error is SQLite's "database is locked" (or busy)."""
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)


def busy_error() -> StoreBusy:
    """The one message for a busy store."""
    timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout", "?")
    return StoreBusy(
        f"the store is busy: another process held its write lock for over {timeout} s "
        "(RETAIN_SQLITE_TIMEOUT); nothing was written, retry when it is done"
    )


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """An atomic write transaction (on SQLite it takes the write lock at once, so callers
    enter it only after reading and validating); "database is locked" becomes StoreBusy."""
    try:
        with transaction.atomic():
            yield
    except OperationalError as exc:
        if is_busy(exc):
            raise busy_error() from None
        raise
