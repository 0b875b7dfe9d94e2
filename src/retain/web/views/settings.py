"""Settings: users and roles (admins), API tokens, the scorecard editor with preview."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from retain.app.access import tokens as token_service
from retain.app.access import users as users_service
from retain.app.access.permissions import Perm, has_perm
from retain.app.health import editor as scorecard_editor
from retain.app.health import scoring, snapshots
from retain.app.models import ApiToken, Role, User
from retain.errors import RetainError
from retain.web.access import page, user_of


@page()
def overview(request: HttpRequest) -> HttpResponse:
    """What can be set, and by whom."""
    return render(request, "retain/settings.html", {"active": "settings"})


@page(Perm.ADMIN)
def users(request: HttpRequest) -> HttpResponse:
    """Every user with their role; create users and change roles."""
    context = {
        "active": "settings",
        "users": User.objects.order_by("username"),
        "roles": Role.choices,
    }
    return render(request, "retain/settings_users.html", context)


@require_POST
@page(Perm.ADMIN)
def create_user(request: HttpRequest) -> HttpResponse:
    """Create a user with a role (the same checks as `retain createuser`)."""
    p = request.POST
    try:
        user = users_service.create_user(
            p.get("username", "").strip(),
            p.get("role", ""),
            p.get("email", "").strip(),
            p.get("password", ""),
        )
    except RetainError as exc:
        messages.error(request, f"User not created: {exc}.")
    else:
        messages.success(request, f"Created {user.username} ({user.get_role_display()}).")
    return HttpResponseRedirect("/settings/users/")


@require_POST
@page(Perm.ADMIN)
def change_role(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a user's role, or deactivate / reactivate them."""
    user = get_object_or_404(User, pk=pk)
    role = request.POST.get("role", user.role)
    active = request.POST.get("active", "1") == "1"
    try:
        users_service.change_role(user, role, active, by=user_of(request))
    except RetainError as exc:
        messages.error(request, str(exc)[:1].upper() + str(exc)[1:] + ".")
    else:
        messages.success(
            request,
            f"{user.username}: {user.get_role_display()}"
            + ("." if user.is_active else ", deactivated."),
        )
    return HttpResponseRedirect("/settings/users/")


@page()
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Your tokens (an admin sees everyone's); create one, revoke one."""
    rows = token_service.all_tokens()
    if not has_perm(request.user, Perm.ADMIN):
        rows = rows.filter(user=user_of(request))
    context = {
        "active": "settings",
        "tokens": [(t, token_service.status(t)) for t in rows],
        "new": request.session.pop("new_token", None),
    }
    return render(request, "retain/settings_tokens.html", context)


@require_POST
@page()
def create_token(request: HttpRequest) -> HttpResponse:
    """Issue a token for yourself; its key is shown once, on the next page."""
    name = request.POST.get("name", "").strip() or "web"
    _, raw = token_service.issue(request.user.get_username(), name)
    request.session["new_token"] = raw
    return HttpResponseRedirect("/settings/tokens/")


@require_POST
@page()
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a token (yours, or anyone's for an admin)."""
    token = get_object_or_404(ApiToken, pk=pk)
    if token.user != request.user and not has_perm(request.user, Perm.ADMIN):
        messages.error(request, "You can revoke only your own tokens.")
    else:
        token_service.revoke_token(token)
        messages.success(request, f"Revoked {token.prefix}….")
    return HttpResponseRedirect("/settings/tokens/")


@page()
def scorecard(request: HttpRequest) -> HttpResponse:
    """The active scorecard as TOML; managers and admins can check, preview and activate."""
    config = scoring.active_scorecard().config
    context = {
        "active": "settings",
        "config": config,
        "text": scorecard_editor.source_of(config),
        "can_manage": has_perm(request.user, Perm.MANAGE),
    }
    return render(request, "retain/settings_scorecard.html", context)


@require_POST
@page(Perm.MANAGE)
def scorecard_check(request: HttpRequest) -> HttpResponse:
    """Validate the edited TOML and preview its effect on the latest day (an htmx fragment)."""
    checked = scorecard_editor.check(request.POST.get("text", ""))
    preview = scorecard_editor.preview(checked.raw) if checked.raw else {}
    return render(request, "retain/scorecard_preview.html", {"checked": checked, "p": preview})


@require_POST
@page(Perm.MANAGE)
def scorecard_activate(request: HttpRequest) -> HttpResponse:
    """Store the edited TOML as the next version and make it active."""
    text = request.POST.get("text", "")
    checked = scorecard_editor.check(text)
    if checked.raw is None:
        messages.error(request, f"Not activated: {checked.error}")
        return render(
            request,
            "retain/settings_scorecard.html",
            {
                "active": "settings",
                "text": text,
                "can_manage": True,
                "config": scoring.active_scorecard().config,
                "error": checked.error,
            },
            status=422,
        )
    config = snapshots.activate_config(checked.raw, user_of(request), text)
    messages.success(
        request,
        f"Activated {config.name} v{config.version}. Health pages keep showing the previous "
        "version's scores, labelled, until the next `retain score` run scores with it.",
    )
    return HttpResponseRedirect("/settings/scorecard/")
