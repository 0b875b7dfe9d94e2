"""Django app config for the web pages (templates and static files)."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Retain's pages; no models of its own."""

    name = "retain.web"
    label = "retain_web"
    verbose_name = "Retain web app"
