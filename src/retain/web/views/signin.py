"""What a locked-out sign-in sees (django-axes calls this instead of its own plain page)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(request: HttpRequest, original_response: Any, credentials: Any) -> HttpResponse:
    """429 with the login page's look: how many failures locked it and how long to wait."""
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": round(cooloff.total_seconds() / 60),
    }
    return render(request, "retain/locked_out.html", context, status=429)
