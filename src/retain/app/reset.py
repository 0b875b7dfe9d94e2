"""Wipe the store: every table but the configuration a fresh database already has."""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction

from retain.app.models import LifecycleStage, User

# Tables kept by `clear_all_data`: configuration that a fresh database already has.
_KEEP: tuple[type[models.Model], ...] = (LifecycleStage,)


def data_models() -> list[type[models.Model]]:
    """Retain's own models, children before parents (safe order to delete)."""
    ordered: list[type[models.Model]] = []
    pending = list(apps.get_app_config("retain").get_models())
    while pending:
        for model in list(pending):
            blockers = [m for m in pending if m is not model and _references(m, model)]
            if not blockers:
                ordered.append(model)
                pending.remove(model)
                break
        else:  # cycles (self references) only remain: their FKs are nullable
            ordered.extend(pending)
            break
    return ordered


def _references(child: type[models.Model], parent: type[models.Model]) -> bool:
    return any(
        f.is_relation and f.many_to_one and f.related_model is parent
        for f in child._meta.get_fields()
    )


@transaction.atomic
def clear_all_data(*, keep_users: bool = False) -> None:
    """Delete every row of Retain's data (not the schema, not the default stages)."""
    from retain.app.models import Account

    Account.objects.filter(parent__isnull=False).update(parent=None)
    for model in data_models():
        if model in _KEEP or (keep_users and model is User):
            continue
        model._base_manager.all()._raw_delete(model._base_manager.db)
