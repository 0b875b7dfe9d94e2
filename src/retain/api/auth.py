"""How an API request proves who it is: a bearer token, or the web app's signed-in session.

Session requests that write must carry the CSRF token (the browser holds the cookie, so a
third-party page could otherwise write on the user's behalf); bearer requests need none.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from retain.app.access import tokens
from retain.app.models import User


class ApiRequest(HttpRequest):
    """A request that passed authentication: `auth` is the calling user (for type checking)."""

    auth: User


class BearerToken(HttpBearer):
    """`Authorization: Bearer rtn_...` checked against the stored, hashed API tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return tokens.authenticate(token.strip())


class SessionCsrf(APIKeyCookie):
    """Django's session cookie; CSRF is checked only once a signed-in user is found.

    (ninja's own SessionAuth checks CSRF first, which would answer 403 instead of 401 to an
    anonymous write.)
    """

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated and request.user.is_active else None


AUTH = [BearerToken(), SessionCsrf()]
