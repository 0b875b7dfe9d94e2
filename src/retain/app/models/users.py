"""Users with roles, and API tokens (stored hashed)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    """What a user may see and do; checked on every page and endpoint."""

    ADMIN = "admin", "Admin"
    MANAGER = "manager", "CS manager"
    CSM = "csm", "CSM"
    VIEWER = "viewer", "Viewer"


class User(AbstractUser):
    """A person who signs in to Retain."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CSM)

    class Meta:
        db_table = "retain_user"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def hash_token(raw: str) -> str:
    """SHA-256 of a raw token: tokens are long random strings, so no slow hash is needed."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API; only its hash and a short prefix are stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        db_table = "retain_api_token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token for `user`; returns it with the raw key, shown only once."""
        raw = "rtn_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[:12], key_hash=hash_token(raw))
        return token, raw


class SavedView(models.Model):
    """A named set of filters and sort order on a list page, kept per user (or shared)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_views")
    page = models.CharField(max_length=50, default="accounts")
    name = models.CharField(max_length=100)
    query = models.TextField(help_text="The page's query string: filters, search and sort.")
    shared = models.BooleanField(default=False, help_text="Visible to every user.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "retain_saved_view"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page", "name"], name="saved_view_unique"),
            models.CheckConstraint(condition=~models.Q(name=""), name="saved_view_has_name"),
        ]

    def __str__(self) -> str:
        return self.name
