"""Django admin for every entity: lists with search and filters until the web app lands."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models

from retain.app.models import QuarantinedMessage, User

SEARCHABLE = ("external_id", "name", "key", "email", "subject", "title", "event_name", "message_id")
RELATED_SEARCH = {"account": "account__name"}
MAX_COLUMNS = 7


def _columns(model: type[models.Model]) -> list[str]:
    """The first concrete, short fields of a model, for the list page."""
    skip = (models.TextField, models.JSONField)
    fields = [
        f.name for f in model._meta.concrete_fields if not isinstance(f, skip) and f.name != "id"
    ]
    return ["__str__", *fields[: MAX_COLUMNS - 1]]


def _filters(model: type[models.Model]) -> list[str]:
    """Choice and boolean fields make good filters."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if getattr(f, "choices", None) or isinstance(f, models.BooleanField)
    ]


def _search(model: type[models.Model]) -> list[str]:
    names = {f.name for f in model._meta.concrete_fields}
    found = [n for n in SEARCHABLE if n in names]
    found += [path for field, path in RELATED_SEARCH.items() if field in names]
    return found


def admin_for(model: type[models.Model]) -> type[admin.ModelAdmin[models.Model]]:
    """A ModelAdmin whose list shows, filters and searches the model's main fields."""
    fks = [f.name for f in model._meta.concrete_fields if f.is_relation]
    attrs = {
        "list_display": _columns(model),
        "list_filter": _filters(model),
        "search_fields": _search(model),
        "raw_id_fields": fks,
        "list_per_page": 50,
        "show_full_result_count": False,
    }
    return type(f"{model.__name__}Admin", (admin.ModelAdmin,), attrs)


@admin.register(User)
class RetainUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Users with their Retain role."""

    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Retain", {"fields": ("role",)}))  # type: ignore[misc]


# The quarantine has its own admin in `retain.ingest.admin` (the ingest app registers it).
for _model in apps.get_app_config("retain").get_models():
    if _model not in (User, QuarantinedMessage):
        admin.site.register(_model, admin_for(_model))

admin.site.site_header = "Retain administration"
admin.site.site_title = "Retain"
admin.site.index_title = "Customer data"
