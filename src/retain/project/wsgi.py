"""WSGI entry point for `retain serve` and other WSGI servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retain.project.django_settings")
application = get_wsgi_application()
