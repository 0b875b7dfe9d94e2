"""Django settings, built from the one settings table in `retain.settings`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from retain import settings as rs
from retain.errors import ConfigurationError

BASE_DIR = Path.cwd()
PRODUCTION = rs.is_production()
SECRET_KEY = rs.secret_key()
DEBUG = (not PRODUCTION) and rs.get("RETAIN_DEBUG") in ("1", "true", "yes")
ALLOWED_HOSTS = [h.strip() for h in rs.get("RETAIN_ALLOWED_HOSTS").split(",") if h.strip()]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("RETAIN_ALLOWED_HOSTS must name the hosts in production")

DATABASES = {
    "default": rs.database_config(
        rs.get("RETAIN_DATABASE_URL"), BASE_DIR, int(rs.get("RETAIN_SQLITE_TIMEOUT"))
    )
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs (Swagger UI) from static files, not a CDN
    "django_htmx",
    "axes",  # login throttling: see AXES_* below
    "retain.app.apps.RetainConfig",
    "retain.ingest.apps.IngestConfig",
    "retain.web.apps.WebConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "retain.project.security.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]
# django-axes first: it refuses a locked-out user name and address before any password hash.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(rs.get("RETAIN_LOGIN_FAILURE_LIMIT"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(rs.get("RETAIN_LOGIN_COOLOFF_MINUTES")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "retain.web.views.signin.locked_out"
AXES_VERBOSE = False
ROOT_URLCONF = "retain.project.urls"
WSGI_APPLICATION = "retain.project.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "retain.web.context.navigation",
            ]
        },
    }
]
AUTH_USER_MODEL = "retain.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = rs.get("RETAIN_TIME_ZONE")
USE_I18N = False
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = not PRODUCTION
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DEFAULT_FROM_EMAIL = rs.get("RETAIN_DEFAULT_FROM_EMAIL")
EMAIL_HOST, _, _port = rs.get("RETAIN_EMAIL_URL").removeprefix("smtp://").partition(":")
EMAIL_PORT = int(_port or 25)
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
RETAIN_CSM_OTHER_ACCOUNTS = rs.get("RETAIN_CSM_OTHER_ACCOUNTS")

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Sent on HTTPS answers only (behind the TLS proxy named by RETAIN_TRUSTED_PROXY).
    SECURE_HSTS_SECONDS = int(rs.get("RETAIN_HSTS_SECONDS"))
