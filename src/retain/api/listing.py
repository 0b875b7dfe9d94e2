"""Lists: limit/offset pagination and `order_by` checked against the fields a resource allows.

Every page is `{"count": total, "limit", "offset", "items": [...]}`; the order always ends with
the primary key, so pages never overlap or skip rows when sort values tie.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any

from django.db.models import F, Model, QuerySet
from ninja import Field, Schema
from pydantic import create_model

from retain.api.errors import FieldError
from retain.api.fields import BIGINT_MAX, Params

MAX_LIMIT = 500
MAX_OFFSET = BIGINT_MAX - MAX_LIMIT  # offset + limit stays a 64-bit integer


class PageParams(Params):
    """Which slice of a list to return."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Rows per page (1-{MAX_LIMIT}).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")


@cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The page schema listing `item`s, e.g. `AccountPage`."""
    name = item.__name__.removesuffix("Out") + "Page"
    return create_model(
        name,
        __base__=Schema,
        count=(int, Field(..., description="Rows matching the filters, on every page.")),
        limit=(int, ...),
        offset=(int, ...),
        items=(list[item], ...),  # type: ignore[valid-type]
    )


def order_by_param(allowed: Sequence[str]) -> Any:
    """The type of an `order_by` query parameter over `allowed`: its pattern is declared in
    OpenAPI, while `ordered` checks the value (and says which fields are allowed)."""
    key = "-?(?:" + "|".join(allowed) + ")"
    return Annotated[
        str | None,
        Field(
            description=f"Comma-separated, `-` for descending, from: {', '.join(allowed)}.",
            json_schema_extra={"pattern": f"^{key}(?:,{key})*$"},
        ),
    ]


def ordered(qs: QuerySet[Any], order_by: str | None, allowed: Sequence[str]) -> QuerySet[Any]:
    """`qs` sorted by a comma-separated `order_by` (`-` for descending), then by id."""
    keys = [k.strip() for k in (order_by or "").split(",") if k.strip()]
    for key in keys:
        if key.removeprefix("-") not in allowed:
            choices = ", ".join(allowed)
            raise FieldError(["query", "order_by"], f"cannot order by {key!r}: use {choices}")
    terms = [
        F(k[1:]).desc(nulls_last=True) if k.startswith("-") else F(k).asc(nulls_last=True)
        for k in keys
    ]
    return qs.order_by(*terms, "pk")


def page(qs: QuerySet[Model], params: PageParams) -> dict[str, Any]:
    """One page of `qs` with the total count."""
    items = list(qs[params.offset : params.offset + params.limit])
    return {"count": qs.count(), "limit": params.limit, "offset": params.offset, "items": items}
