"""The ORM work behind the resource endpoints: what a user may see, create, change, delete.

Objects with an `account` inherit its permission (`retain.app.access.permissions`); objects without
one (surveys) are shared definitions only managers and admins change. References in a payload
(`account_id`, `contact_id`, ...) must name rows the user can see, else 422 on that field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404

from retain.api.errors import FieldError
from retain.app.access.permissions import (
    Perm,
    account_scope,
    can_edit_account,
    require,
    visible_accounts,
)
from retain.app.models import Account

M = TypeVar("M", bound=models.Model)


def belongs_to_account(model: type[models.Model]) -> bool:
    """True when `model` has an `account` foreign key (its rows inherit that account's rights)."""
    try:
        field = model._meta.get_field("account")
    except FieldDoesNotExist:
        return False
    return field.related_model is Account


def scoped(user: Any, model: type[M]) -> QuerySet[M]:
    """The rows of `model` the user may read."""
    if model is Account:
        return visible_accounts(user)  # type: ignore[return-value]
    if belongs_to_account(model):
        return model._default_manager.filter(account_scope(user))
    return model._default_manager.all()


def get_visible(user: Any, model: type[M], pk: int) -> M:
    """The row `pk` of `model`, or 404 when it does not exist or is hidden from the user."""
    obj = scoped(user, model).filter(pk=pk).first()
    if obj is None:
        raise Http404(f"no {model._meta.verbose_name} with id {pk}")
    return obj


def check_write(user: Any, obj: models.Model) -> None:
    """403 unless the user may change `obj` (saved or not) where it stands now."""
    if isinstance(obj, Account) or belongs_to_account(type(obj)):
        require(user, Perm.EDIT)
        account = obj if isinstance(obj, Account) else _account_of(obj)
        if not can_edit_account(user, account):
            raise PermissionDenied("this account is outside your book: it is read-only for you")
    else:
        require(user, Perm.MANAGE)


def _account_of(obj: models.Model) -> Account:
    """The account `obj` belongs to; 422 when it is gone (deleted by a request running at the
    same time, after the references were checked)."""
    account_id = obj.account_id  # type: ignore[attr-defined]
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        raise FieldError(["body", "account_id"], f"no account with id {account_id}")
    return account


def check_references(user: Any, model: type[models.Model], data: Mapping[str, Any]) -> None:
    """422 on the first `*_id` value that names no row the user can see."""
    for key, value in data.items():
        if value is None:
            continue
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        if not (field.many_to_one and key == getattr(field, "attname", None)):
            continue
        related = field.related_model
        assert isinstance(related, type)
        if not scoped(user, related).filter(pk=value).exists():
            raise FieldError(["body", key], f"no {related._meta.verbose_name} with id {value}")


def create(
    user: Any,
    model: type[M],
    data: dict[str, Any],
    defaults: Mapping[str, Any] | None = None,
    prepare: Callable[[Any], None] | None = None,
) -> M:
    """A new row from `data` (fields not given take `defaults`, then the model's defaults)."""
    values = {**data, **{k: v for k, v in (defaults or {}).items() if data.get(k) is None}}
    check_references(user, model, values)
    obj = model(**values)
    check_write(user, obj)
    return _save(obj, prepare)


def update(
    user: Any,
    model: type[M],
    pk: int,
    data: dict[str, Any],
    prepare: Callable[[Any], None] | None = None,
) -> M:
    """Change the fields in `data`; the user must be allowed both before and after the change."""
    obj = get_visible(user, model, pk)
    check_write(user, obj)
    check_references(user, model, data)
    for key, value in data.items():
        setattr(obj, key, value)
    check_write(user, obj)
    return _save(obj, prepare)


def delete(user: Any, model: type[models.Model], pk: int) -> None:
    """Delete a row the user may change (rows that depend on it go too, or 409 if protected)."""
    obj = get_visible(user, model, pk)
    check_write(user, obj)
    with transaction.atomic():
        obj.delete()


def _save(obj: M, prepare: Callable[[Any], None] | None) -> M:
    if prepare is not None:
        prepare(obj)
    with transaction.atomic():  # a constraint violation rolls back only this savepoint
        obj.save()
    obj.refresh_from_db()  # answer with what was stored (e.g. decimals at their scale)
    return obj
