"""Sources and their write keys: create (the key is shown once), list, revoke, authenticate.

A write key is `rk_` and 40 random URL-safe characters. Only its SHA-256 hash is stored (the
key is random, so a fast hash is enough); its first 12 characters find the source.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence

from retain.app.models import Source
from retain.core.tracking import CALLS
from retain.errors import NotFound, RetainError

KEY_PREFIX = "rk_"
PREFIX_LENGTH = 12
KEY_SHAPE = re.compile(r"rk_[A-Za-z0-9_-]{10,100}")  # anything else is no key of ours


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(name: str, calls: Sequence[str] = ()) -> tuple[Source, str]:
    """A new source and its write key (shown once: only the hash is kept); `calls` limits
    the call types the key may send (e.g. track, page, screen for a key in browser code)."""
    name = name.strip()
    if not name:
        raise RetainError("a source needs a name, e.g. `retain sources create web-app`")
    if Source.objects.filter(name=name).exists():
        raise RetainError(f"a source called {name!r} exists; pick another name or revoke it")
    allowed = allowed_calls(calls)
    key = KEY_PREFIX + secrets.token_urlsafe(30)
    source = Source.objects.create(
        name=name, key_prefix=key[:PREFIX_LENGTH], key_hash=_hash(key), allowed_calls=allowed
    )
    return source, key


def allowed_calls(calls: Sequence[str]) -> str:
    """Call types as stored on a source (`track,page`), checked; empty means all."""
    wanted = {c.strip() for c in calls if c.strip()}
    unknown = sorted(wanted - set(CALLS))
    if unknown:
        raise RetainError(f"unknown call type {unknown[0]!r}; use some of {', '.join(CALLS)}")
    return ",".join(c for c in CALLS if c in wanted)


def revoke(name: str) -> Source:
    """Revoke a source's key: its requests are refused from now on."""
    try:
        source = Source.objects.get(name=name)
    except Source.DoesNotExist:
        raise NotFound(f"no source called {name!r}; `retain sources list` shows them") from None
    source.revoked = True
    source.save(update_fields=["revoked"])
    return source


def authenticate(key: str) -> Source | None:
    """The source whose write key this is, or None (unknown key)."""
    if not KEY_SHAPE.fullmatch(key):  # also keeps NUL and surrogates away from the store
        return None
    source = Source.objects.filter(key_prefix=key[:PREFIX_LENGTH]).first()
    if source is None or not hmac.compare_digest(source.key_hash, _hash(key)):
        return None
    return source
