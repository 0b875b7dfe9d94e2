"""Error pages in the app's layout (403: your role may not; 404: absent or not shared)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 page naming the user's role."""
    return render(request, "retain/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 page that does not reveal whether a hidden account exists."""
    return render(request, "retain/404.html", status=404)
