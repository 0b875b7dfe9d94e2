"""Start Django outside a web server (CLI, notebooks, scripts) and create or migrate the store."""

from __future__ import annotations

import os

SETTINGS_MODULE = "retain.project.django_settings"


def setup_django() -> None:
    """Configure and start Django once; later calls do nothing."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def migrate(verbosity: int = 0) -> None:
    """Create the database or bring it to the latest schema (idempotent)."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def database_label() -> str:
    """A short description of the configured store, for messages."""
    setup_django()
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {db['NAME']}"
    return f"PostgreSQL {db.get('HOST') or 'socket'}:{db.get('PORT') or 5432}/{db['NAME']}"
