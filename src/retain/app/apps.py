"""Django app config for Retain's store of record."""

from django.apps import AppConfig


class RetainConfig(AppConfig):
    """The `retain` Django app (label `retain`)."""

    name = "retain.app"
    label = "retain"
    verbose_name = "Retain"
    default_auto_field = "django.db.models.BigAutoField"
