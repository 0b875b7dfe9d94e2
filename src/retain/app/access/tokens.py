"""API tokens: issue, list, revoke, and check a bearer token (services for the API and CLI).

Only a token's SHA-256 and a short prefix are stored; the raw key is shown once, when issued.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from retain.app.models import ApiToken, User
from retain.app.models.users import hash_token
from retain.errors import NotFound, RetainError

# A token's last use is written at most this often, so reads do not each cost a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def issue(username: str, name: str, expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for `username`; returns it with the raw key (shown once, never stored)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"no user named {username!r}: create one with `retain createuser`")
    if expires_at is not None and expires_at <= timezone.now():
        raise RetainError("the expiry must be in the future")
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name)
        if expires_at is not None:
            token.expires_at = expires_at
            token.save(update_fields=["expires_at"])
    return token, raw


def all_tokens() -> QuerySet[ApiToken]:
    """Every token with its user, newest first."""
    return ApiToken.objects.select_related("user").order_by("-created_at", "-id")


def revoke(prefix: str) -> ApiToken:
    """Revoke the one token whose stored prefix starts with `prefix`."""
    matches = list(ApiToken.objects.filter(prefix__startswith=prefix)[:2])
    if not prefix or not matches:
        raise NotFound(f"no token starts with {prefix!r}: see `retain tokens list`")
    if len(matches) > 1:
        raise RetainError(f"{prefix!r} matches several tokens: give more of the prefix")
    token = matches[0]
    revoke_token(token)
    return token


def revoke_token(token: ApiToken) -> None:
    """Mark a token revoked; it stops working at once."""
    token.revoked = True
    token.save(update_fields=["revoked"])


def status(token: ApiToken, now: dt.datetime | None = None) -> str:
    """`active`, `revoked` or `expired`."""
    if token.revoked:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= (now or timezone.now()):
        return "expired"
    return "active"


def authenticate(raw: str) -> User | None:
    """The active user behind a raw bearer token, or None; records when it was last used."""
    if not raw.startswith("rtn_"):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    now = timezone.now()
    if token is None or status(token, now) != "active" or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
