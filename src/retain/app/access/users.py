"""Users: create one with the checks a form would make; change a role or deactivate."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from retain.app.models import Role, User
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


def change_role(user: User, role: str, active: bool, by: User) -> User:
    """Give `user` a role (admins and managers also get Django admin rights) and activate or
    deactivate them; nobody can take away their own admin role or deactivate themselves."""
    if role not in Role.values:
        raise RetainError(f"unknown role {role!r}: use one of {', '.join(Role.values)}")
    if user == by and role != Role.ADMIN:
        raise RetainError("you cannot take away your own admin role")
    user.role = role
    user.is_active = active or user == by
    user.is_staff = role in (Role.ADMIN, Role.MANAGER)
    user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["role", "is_active", "is_staff", "is_superuser"])
    return user


@transaction.atomic
def set_password(username: str, password: str) -> User:
    """Give an existing user a new password (checked like a new one's); their sessions end."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise RetainError(f"no user named {username!r}")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise RetainError("password rejected: " + " ".join(exc.messages)) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
