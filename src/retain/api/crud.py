"""One router per resource: list (paginated, filtered, ordered), get, create, update, delete.

A `Resource` names the model, its schemas and the fields it may be ordered by; `crud_router`
builds the five endpoints over `retain.api.services`, so every resource behaves the same way.
(No `from __future__ import annotations` here: ninja reads the view annotations at runtime.)
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.responses import Status
from pydantic import create_model
from pydantic.fields import FieldInfo

from retain.api import services
from retain.api.auth import ApiRequest
from retain.api.errors import ErrorOut
from retain.api.fields import Body, Id
from retain.api.listing import PageParams, order_by_param, ordered, page, page_of


def _no_defaults(user: Any) -> dict[str, Any]:
    return {}


def new_external_id() -> str:
    """An id for rows created through the API without one from another system."""
    return f"api-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Resource:
    """A model exposed at `/api/{name}` with its schemas and list options."""

    name: str
    model: type[models.Model]
    out: type[Schema]
    create: type[Schema]
    filters: type[FilterSchema]
    order_fields: tuple[str, ...]
    title: str = ""
    defaults: Callable[[Any], dict[str, Any]] = _no_defaults
    prepare: Callable[[Any], None] | None = None
    related: tuple[str, ...] = field(default=())

    @property
    def path(self) -> str:
        """The URL segment: `survey_responses` -> `survey-responses`."""
        return self.name.replace("_", "-")


@cache
def patch_schema(create: type[Schema], model: type[models.Model]) -> type[Schema]:
    """The create schema with every field optional: PATCH changes only the fields it sends.
    A column that cannot be empty takes no null (on create, null there means "fill it in")."""
    fields: dict[str, Any] = {
        name: (
            _patchable(_constrained(info), model, name),
            Field(None, description=info.description),
        )
        for name, info in create.model_fields.items()
    }
    name = create.__name__.removesuffix("In") + "Patch"
    return create_model(name, __base__=Body, **fields)


def _patchable(annotation: Any, model: type[models.Model], name: str) -> Any:
    """`annotation` without None when the model's column `name` is NOT NULL."""
    try:
        nullable = model._meta.get_field(name).null
    except FieldDoesNotExist:
        return annotation
    if nullable or get_origin(annotation) not in (Union, UnionType):
        return annotation
    members = [a for a in get_args(annotation) if a is not type(None)]
    return Union[tuple(members)] if len(members) > 1 else members[0]  # noqa: UP007


def _constrained(info: FieldInfo) -> Any:
    """A field's type with its constraints (max_length, ge...), without its default."""
    if not info.metadata:
        return info.annotation
    return Annotated[(info.annotation, *info.metadata)]


def errors(*codes: int, body: bool = False) -> dict[int, type[Schema]]:
    """OpenAPI responses for the error codes an operation can answer with: always 401 and 422
    (a parameter out of range), 400 when it reads a JSON body (one that does not parse)."""
    return dict.fromkeys(sorted({401, 422, *codes, *((400,) if body else ())}), ErrorOut)


def crud_router(res: Resource) -> Router:
    """The five endpoints of a resource."""
    router = Router(tags=[res.title or res.name.replace("_", " ").capitalize()])
    out, create_in, patch_in = res.out, res.create, patch_schema(res.create, res.model)
    filters_in, page_out = res.filters, page_of(res.out)
    model, noun = res.model, str(res.model._meta.verbose_name)
    orders = ", ".join(res.order_fields)
    order_by_type = order_by_param(res.order_fields)

    @router.get(
        "",
        response={200: page_out, **errors()},
        operation_id=f"list_{res.name}",
        summary=f"List {noun} records",
        description=f"Filters combine with AND. `order_by`: comma-separated, `-` for "
        f"descending, from: {orders}.",
    )
    def list_items(
        request: ApiRequest,
        filters: Query[filters_in],  # type: ignore[valid-type]
        paging: Query[PageParams],
        order_by: order_by_type = None,  # type: ignore[valid-type]
    ) -> Any:
        qs = services.scoped(request.auth, model).select_related(*res.related)
        qs = filters.filter(qs)  # type: ignore[attr-defined]
        return page(ordered(qs, order_by, res.order_fields), paging)

    @router.get(
        "/{id}",
        response={200: out, **errors(404)},
        operation_id=f"get_{res.name}",
        summary=f"Get a {noun}",
    )
    def get_item(request: ApiRequest, id: Id) -> Any:
        return services.get_visible(request.auth, model, id)

    @router.post(
        "",
        response={201: out, **errors(403, 409, body=True)},
        operation_id=f"create_{res.name}",
        summary=f"Create a {noun}",
    )
    def create_item(request: ApiRequest, payload: create_in) -> Any:  # type: ignore[valid-type]
        data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        defaults = {"external_id": new_external_id(), **res.defaults(request.auth)}
        return Status(201, services.create(request.auth, model, data, defaults, res.prepare))

    @router.patch(
        "/{id}",
        response={200: out, **errors(403, 404, 409, body=True)},
        operation_id=f"update_{res.name}",
        summary=f"Change fields of a {noun}",
    )
    def update_item(request: ApiRequest, id: Id, payload: patch_in) -> Any:  # type: ignore[valid-type]
        data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        return services.update(request.auth, model, id, data, res.prepare)

    @router.delete(
        "/{id}",
        response={204: None, **errors(403, 404, 409)},
        operation_id=f"delete_{res.name}",
        summary=f"Delete a {noun}",
    )
    def delete_item(request: ApiRequest, id: Id) -> Any:
        services.delete(request.auth, model, id)
        return Status(204, None)

    return router
