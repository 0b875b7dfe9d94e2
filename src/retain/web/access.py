"""Page access: every page needs a signed-in user whose role grants the page's permission."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from retain.app.access.permissions import Perm, has_perm, sees_all_accounts, visible_accounts
from retain.app.models import Account, User

View = Callable[..., HttpResponseBase]


def page(perm: Perm = Perm.VIEW) -> Callable[[View], View]:
    """Send anonymous users to the login page; answer 403 when the role lacks `perm`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, perm):
                raise PermissionDenied(f"your role may not {perm.value} here")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a request that passed `page()`."""
    user = request.user
    assert isinstance(user, User)
    return user


def visible_account(request: HttpRequest, pk: int) -> Account:
    """The account if the user may see it, else 404 (a hidden account looks absent)."""
    return get_object_or_404(visible_accounts(request.user).select_related("owner", "stage"), pk=pk)


def portfolio_filters(request: HttpRequest) -> dict[str, str]:
    """segment, owner, stage from the query string, for the portfolio, cohorts and surveys; a
    CSM who may not see other books is always limited to their own."""
    out = {k: request.GET.get(k, "").strip() for k in ("segment", "owner", "stage")}
    if not sees_all_accounts(request.user):
        out["owner"] = request.user.get_username()
    return out


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx made (it then wants a fragment, not a whole page)."""
    return bool(getattr(request, "htmx", False))
