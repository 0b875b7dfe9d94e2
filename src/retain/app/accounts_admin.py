"""Creating users and tokens from the CLI, with the checks a form would make."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from retain.app.models import ApiToken, Role, User
from retain.errors import RetainError


@transaction.atomic
def create_user(username: str, role: str, email: str, password: str) -> User:
    """A new user with `role`; admins also get Django admin rights."""
    if role not in Role.values:
        raise RetainError(f"unknown role {role!r}: use one of {', '.join(Role.values)}")
    if User.objects.filter(username=username).exists():
        raise RetainError(f"a user named {username!r} already exists")
    user = User(username=username, email=email, role=role)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise RetainError("password rejected: " + " ".join(exc.messages)) from exc
    user.set_password(password)
    user.is_staff = role in (Role.ADMIN, Role.MANAGER)
    user.is_superuser = role == Role.ADMIN
    user.save()
    return user


def issue_token(username: str, name: str) -> str:
    """A new API token for `username`; the raw key is returned once and never stored."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise RetainError(f"no user named {username!r}")
    return ApiToken.issue(user, name)[1]
