"""One error shape for the whole API: `{"code", "message", "errors": [{"loc", "msg"}]}`.

Validation problems are 422 with the field path in `loc` (e.g. `["body", "name"]`,
`["query", "limit"]`); database constraint violations become 409 (unique) or 422 (check,
foreign key, not null) naming the constraint and its fields, never a 500. A value the driver
cannot convert (an integer past 64 bits for SQLite, a time past year 9999 in UTC) is a 422 too:
the schemas bound what they can, this is the net under them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import DataError, IntegrityError
from django.db.models import CheckConstraint, F, ProtectedError, Q, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

Loc = Sequence[str | int]

CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found"}


class ErrorItem(Schema):
    """Where a problem is (`loc`: body/query/path then the field path) and what it is."""

    loc: list[str | int]
    msg: str


class ErrorOut(Schema):
    """The body of every error response."""

    code: str
    message: str
    errors: list[ErrorItem] = []


class FieldError(Exception):
    """A request value that is well-formed but wrong (e.g. an unknown account id): 422."""

    def __init__(self, loc: Loc, msg: str) -> None:
        self.loc = list(loc)
        self.msg = msg
        super().__init__(msg)


def error_body(code: str, message: str, errors: Sequence[tuple[Loc, str]] = ()) -> dict[str, Any]:
    """The JSON of an error response."""
    return {
        "code": code,
        "message": message,
        "errors": [{"loc": list(loc), "msg": msg} for loc, msg in errors],
    }


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    errors: Sequence[tuple[Loc, str]] = (),
) -> HttpResponse:
    response = api.create_response(request, error_body(code, message, errors), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="retain"'
    return response


def _clean_loc(loc: Sequence[Any]) -> list[str | int]:
    """ninja's `["body", "payload", "name"]` -> `["body", "name"]` (drop the argument name);
    a body that is not an object at all is `["body"]`."""
    parts = [p if isinstance(p, int) else str(p) for p in loc]
    if len(parts) >= 2 and parts[0] == "body" and parts[1] == "payload":
        del parts[1]
    return parts


def on_validation(api: NinjaAPI, request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """ninja's request validation -> 422 with one entry per field."""
    errors = [(_clean_loc(e.get("loc", ())), str(e.get("msg", "invalid"))) for e in exc.errors]
    fields = ", ".join(".".join(str(p) for p in loc[1:]) or str(loc[0]) for loc, _ in errors)
    return _respond(api, request, 422, "validation_error", f"invalid input: {fields}", errors)


def on_field_error(api: NinjaAPI, request: HttpRequest, exc: FieldError) -> HttpResponse:
    """A value that refers to something missing or not allowed -> 422."""
    return _respond(api, request, 422, "validation_error", exc.msg, [(exc.loc, exc.msg)])


def on_http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's HttpError (authentication, CSRF, bad JSON) in the shared shape."""
    status = exc.status_code
    message = "authentication required: send `Authorization: Bearer rtn_...` or sign in"
    if status != 401:
        message = str(exc.message)
    return _respond(api, request, status, CODES.get(status, "error"), message)


def on_forbidden(api: NinjaAPI, request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """Django's PermissionDenied (from `retain.app.access.permissions`) -> 403."""
    return _respond(api, request, 403, "forbidden", str(exc) or "your role may not do this")


def on_not_found(api: NinjaAPI, request: HttpRequest, exc: Http404) -> HttpResponse:
    """Missing or hidden objects -> 404."""
    return _respond(api, request, 404, "not_found", str(exc) or "not found")


def on_protected(
    api: NinjaAPI, request: HttpRequest, exc: ProtectedError | RestrictedError
) -> HttpResponse:
    """Deleting something other rows still refer to -> 409."""
    used_by = sorted({obj._meta.verbose_name_plural for obj in exc.args[1]})
    message = f"cannot delete: {', '.join(str(u) for u in used_by)} still refer to it"
    return _respond(api, request, 409, "in_use", message)


def on_data_error(api: NinjaAPI, request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the database cannot store (too long, too large) -> 422."""
    message = f"a value cannot be stored: {str(exc).splitlines()[0]}"
    return _respond(api, request, 422, "invalid_value", message, [(["body"], message)])


def on_overflow(api: NinjaAPI, request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """A value too large for the database driver or for date arithmetic -> 422, not 500."""
    message = f"a value is out of range: {exc}"
    return _respond(api, request, 422, "invalid_value", message, [(["request"], message)])


def on_integrity(api: NinjaAPI, request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """A unique, check, foreign-key or not-null violation -> 409 or 422, never 500."""
    status, code, message, errors = describe_integrity(exc)
    return _respond(api, request, status, code, message, errors)


def describe_integrity(exc: IntegrityError) -> tuple[int, str, str, list[tuple[Loc, str]]]:
    """Status, code, message and field errors for a database constraint violation.

    PostgreSQL says which constraint through psycopg's `diag`; SQLite in the message text.
    """
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None)
    diag = getattr(cause, "diag", None)
    text = str(exc)
    if state == "23505" or text.startswith("UNIQUE constraint failed"):
        fields = _unique_fields(text, getattr(diag, "message_detail", None))
        msg = f"already exists: another row has the same {', '.join(fields) or 'key'}"
        return (
            409,
            "conflict",
            msg,
            [(["body", f], "must be unique") for f in fields] or [(["body"], msg)],
        )
    if state == "23514" or text.startswith("CHECK constraint failed"):
        name = getattr(diag, "constraint_name", None) or text.partition(": ")[2].strip()
        msg = f"breaks the rule {name!r}"
        fields = list(_check_fields(name))
        return (
            422,
            "constraint_violation",
            msg,
            [(["body", f], msg) for f in fields] or [(["body"], msg)],
        )
    if state == "23502" or text.startswith("NOT NULL constraint failed"):
        column = getattr(diag, "column_name", None) or text.rpartition(".")[2].strip()
        return (
            422,
            "constraint_violation",
            f"{column} is required",
            [(["body", column], "required")],
        )
    msg = "refers to a row that does not exist"
    return 422, "constraint_violation", msg, [(["body"], msg)]


def _unique_fields(text: str, detail: str | None) -> list[str]:
    """Column names of a unique violation: `Key (a, b)=(...)` or `failed: t.a, t.b`."""
    if detail and (found := re.search(r"Key \(([^)]*)\)=", detail)):
        return [c.strip() for c in found.group(1).split(",")]
    columns = text.partition(":")[2]
    return [c.strip().rpartition(".")[2] for c in columns.split(",") if c.strip()]


def _check_fields(name: str) -> Iterator[str]:
    """The fields (API names: `parent_id`) a model's named check constraint looks at."""
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, CheckConstraint) and constraint.name == name:
                fields = {model._meta.get_field(f) for f in _q_fields(constraint.condition)}
                yield from sorted(getattr(f, "attname", f.name) for f in fields)
                return


def _q_fields(q: Any) -> Iterator[str]:
    for child in q.children if isinstance(q, Q) else ():
        if isinstance(child, Q):
            yield from _q_fields(child)
        else:
            lookup, value = cast(tuple[str, Any], child)
            yield lookup.split("__")[0]
            referenced = str(getattr(value, "name", "")) if isinstance(value, F) else ""
            if referenced and referenced != "id":
                yield referenced.split("__")[0]


def install(api: NinjaAPI) -> None:
    """Register every handler on `api`, replacing ninja's defaults."""
    handlers: list[tuple[type[Exception], Any]] = [
        (ValidationError, on_validation),
        (FieldError, on_field_error),
        (HttpError, on_http_error),
        (PermissionDenied, on_forbidden),
        (Http404, on_not_found),
        (ProtectedError, on_protected),
        (RestrictedError, on_protected),
        (IntegrityError, on_integrity),
        (DataError, on_data_error),
        (OverflowError, on_overflow),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, partial(handler, api))
