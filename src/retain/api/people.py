"""Who am I, users and API tokens: the caller's identity for everyone; the rest for admins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from retain.api.auth import ApiRequest
from retain.api.crud import errors
from retain.api.errors import FieldError
from retain.api.fields import Body, DateTime, Id
from retain.api.listing import PageParams, page, page_of
from retain.app.access import tokens
from retain.app.access.permissions import ROLE_PERMS, Perm, require, role_of, sees_all_accounts
from retain.app.models import ApiToken, Role, User
from retain.errors import NotFound, RetainError

router = Router(tags=["Users and tokens"])


class MeOut(Schema):
    """The caller: who they are, their role and what it grants."""

    id: int
    username: str
    role: Role
    permissions: list[str]
    sees_all_accounts: bool


class UserOut(Schema):
    """A person who signs in to Retain."""

    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    role: Role
    is_active: bool


class TokenOut(Schema):
    """An API token (its key is never shown again after creation)."""

    id: int
    name: str
    prefix: str
    user_id: int
    username: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    status: str = Field(..., description="active, revoked or expired.")

    @staticmethod
    def resolve_username(obj: ApiToken) -> str:
        return obj.user.username

    @staticmethod
    def resolve_status(obj: ApiToken) -> str:
        return tokens.status(obj)


class TokenCreatedOut(TokenOut):
    """A new token with its raw key: store it now, it is shown only once."""

    token: str


class TokenIn(Body):
    """A token to issue for a user."""

    username: str = Field(..., min_length=1)
    name: str = Field(..., min_length=1, max_length=100)
    expires_at: DateTime | None = Field(None, description="When it stops working.")


@router.get("/me", response={200: MeOut, **errors()}, operation_id="me", summary="The caller")
def me(request: ApiRequest) -> Any:
    user = request.auth
    role = role_of(user)
    perms = sorted(p.value for p in ROLE_PERMS[role]) if role else []
    return {
        "id": user.pk,
        "username": user.username,
        "role": role,
        "permissions": perms,
        "sees_all_accounts": sees_all_accounts(user),
    }


@router.get(
    "/users",
    response={200: page_of(UserOut), **errors(403)},
    operation_id="list_users",
    summary="Every user (admins only)",
)
def list_users(request: ApiRequest, paging: Query[PageParams]) -> Any:
    require(request.auth, Perm.ADMIN)
    return page(User.objects.order_by("username", "pk"), paging)


@router.get(
    "/tokens",
    response={200: page_of(TokenOut), **errors(403)},
    operation_id="list_tokens",
    summary="Every API token (admins only)",
)
def list_tokens(request: ApiRequest, paging: Query[PageParams]) -> Any:
    require(request.auth, Perm.ADMIN)
    return page(tokens.all_tokens(), paging)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **errors(403, body=True)},
    operation_id="create_token",
    summary="Issue a token for a user (admins only); the key is in this answer only",
)
def create_token(request: ApiRequest, payload: TokenIn) -> Any:
    require(request.auth, Perm.ADMIN)
    try:
        token, raw = tokens.issue(payload.username, payload.name, payload.expires_at)
    except NotFound as exc:
        raise FieldError(["body", "username"], str(exc)) from None
    except RetainError as exc:
        raise FieldError(["body", "expires_at"], str(exc)) from None
    token.token = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete(
    "/tokens/{id}",
    response={204: None, **errors(403, 404)},
    operation_id="revoke_token",
    summary="Revoke a token (admins only); it stops working at once",
)
def revoke_token(request: ApiRequest, id: Id) -> Any:
    require(request.auth, Perm.ADMIN)
    tokens.revoke_token(get_object_or_404(ApiToken, pk=id))
    return Status(204, None)
