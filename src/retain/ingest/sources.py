"""Sources and their write keys: create (the key is shown once), list, revoke, authenticate.

A write key is `rk_` and 40 random URL-safe characters. Only its SHA-256 hash is stored (the
key is random, so a fast hash is enough); its first 12 characters find the source.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from retain.app.models import Source
from retain.errors import NotFound, RetainError

KEY_PREFIX = "rk_"
PREFIX_LENGTH = 12
KEY_SHAPE = re.compile(r"rk_[A-Za-z0-9_-]{10,100}")  # anything else is no key of ours


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(name: str) -> tuple[Source, str]:
    """A new source and its write key (shown once: only the hash is kept)."""
    name = name.strip()
    if not name:
        raise RetainError("a source needs a name, e.g. `retain sources create web-app`")
    if Source.objects.filter(name=name).exists():
        raise RetainError(f"a source called {name!r} exists; pick another name or revoke it")
    key = KEY_PREFIX + secrets.token_urlsafe(30)
    source = Source.objects.create(name=name, key_prefix=key[:PREFIX_LENGTH], key_hash=_hash(key))
    return source, key


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
