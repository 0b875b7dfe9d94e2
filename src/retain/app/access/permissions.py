"""Who may see and change what: the roles of `Role`, written once for the API and the web pages.

    admin    everything, including users and API tokens
    manager  every account, read and write; shared definitions (surveys)
    csm      their own book (accounts they own) read and write; other accounts read-only, or
             hidden when RETAIN_CSM_OTHER_ACCOUNTS=hidden
    viewer   read-only everything

Objects that belong to an account (contacts, tickets, tasks...) inherit its permission.
`require` raises Django's `PermissionDenied` (403) or `Http404` (a hidden account looks absent),
which Django views and the API both turn into the right response.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from retain.app.models import Account, Role
from retain.errors import ConfigurationError

__all__ = [
    "OTHER_ACCOUNTS_POLICIES",
    "Perm",
    "account_scope",
    "can_edit_account",
    "can_view_account",
    "editable_accounts",
    "has_perm",
    "other_accounts_policy",
    "require",
    "require_on_account",
    "role_of",
    "sees_all_accounts",
    "visible_accounts",
]

OTHER_ACCOUNTS_POLICIES = ("read", "hidden")


class Perm(StrEnum):
    """A capability a role grants; account data is further limited by `can_edit_account`."""

    VIEW = "view"  # read what the user can see
    EDIT = "edit"  # change account data (a CSM: their own book only)
    MANAGE = "manage"  # change any account and shared definitions (surveys)
    ADMIN = "admin"  # users and API tokens


ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.MANAGER: frozenset({Perm.VIEW, Perm.EDIT, Perm.MANAGE}),
    Role.CSM: frozenset({Perm.VIEW, Perm.EDIT}),
    Role.VIEWER: frozenset({Perm.VIEW}),
}


def role_of(user: Any) -> Role | None:
    """The user's role; superusers are admins; anonymous or inactive users have none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Role.ADMIN if user.is_superuser else Role(user.role)


def has_perm(user: Any, perm: Perm) -> bool:
    """True when the user's role grants `perm`."""
    role = role_of(user)
    return role is not None and perm in ROLE_PERMS[role]


def other_accounts_policy() -> str:
    """What a CSM sees of accounts they do not own: `read` or `hidden` (a setting)."""
    policy = str(getattr(settings, "RETAIN_CSM_OTHER_ACCOUNTS", "read")).strip().lower()
    if policy not in OTHER_ACCOUNTS_POLICIES:
        raise ConfigurationError(
            f"RETAIN_CSM_OTHER_ACCOUNTS must be 'read' or 'hidden', not {policy!r}"
        )
    return policy


def sees_all_accounts(user: Any) -> bool:
    """True when no account is hidden from the user."""
    role = role_of(user)
    if role is None:
        return False
    return role != Role.CSM or other_accounts_policy() == "read"


def visible_accounts(user: Any) -> QuerySet[Account]:
    """The accounts the user may read."""
    if sees_all_accounts(user):
        return Account.objects.all()
    if role_of(user) == Role.CSM:
        return Account.objects.filter(owner=user)
    return Account.objects.none()


def editable_accounts(user: Any) -> QuerySet[Account]:
    """The accounts the user may change."""
    if has_perm(user, Perm.MANAGE):
        return Account.objects.all()
    if has_perm(user, Perm.EDIT):
        return Account.objects.filter(owner=user)
    return Account.objects.none()


def account_scope(user: Any, path: str = "account") -> Q:
    """A filter on a model whose `path` leads to an account: only rows the user may read.

    Rows without an account are visible to users who see every account.
    """
    if sees_all_accounts(user):
        return Q()
    return Q(**{f"{path}__in": visible_accounts(user)})


def can_view_account(user: Any, account: Account | None) -> bool:
    """May the user read this account (None: data attached to no account)?"""
    if sees_all_accounts(user):
        return True
    return account is not None and has_perm(user, Perm.EDIT) and account.owner_id == user.pk


def can_edit_account(user: Any, account: Account | None) -> bool:
    """May the user change this account or data attached to it (None: to no account)?

    Works on unsaved accounts too, so it also decides who may create one.
    """
    if has_perm(user, Perm.MANAGE):
        return True
    return account is not None and has_perm(user, Perm.EDIT) and account.owner_id == user.pk


def require(user: Any, perm: Perm) -> None:
    """Raise `PermissionDenied` unless the user's role grants `perm`."""
    if not has_perm(user, perm):
        raise PermissionDenied(f"your role may not {perm.value} this")


def require_on_account(user: Any, perm: Perm, account: Account | None) -> None:
    """Raise unless the user has `perm` on `account` (None: data attached to no account).

    A hidden account raises `Http404`, so its existence does not leak; a visible one the user
    may not change raises `PermissionDenied`.
    """
    require(user, perm)
    if not can_view_account(user, account):
        raise Http404("no such account")
    if perm != Perm.VIEW and not can_edit_account(user, account):
        raise PermissionDenied("this account is outside your book: it is read-only for you")
