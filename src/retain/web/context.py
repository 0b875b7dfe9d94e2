"""Template context shared by every page: the navigation and what the user's role allows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from retain.app.access.permissions import Perm, has_perm, role_of

NAV = (
    ("portfolio", "Portfolio", "/"),
    ("accounts", "Accounts", "/accounts/"),
    ("at_risk", "At risk", "/at-risk/"),
    ("expansion", "Expansion", "/expansion/"),
    ("advocates", "Advocates", "/advocates/"),
    ("tasks", "My tasks", "/tasks/"),
    ("cohorts", "Cohorts", "/cohorts/"),
    ("surveys", "Surveys", "/surveys/"),
    ("settings", "Settings", "/settings/"),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`nav`, the user's `role` and `can` flags (edit, manage, admin) for templates."""
    user = getattr(request, "user", None)
    role = role_of(user)
    return {
        "nav": NAV,
        "role": role.label if role else "",
        "can": {
            "edit": has_perm(user, Perm.EDIT),
            "manage": has_perm(user, Perm.MANAGE),
            "admin": has_perm(user, Perm.ADMIN),
        },
    }
