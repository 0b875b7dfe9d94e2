"""The NinjaAPI: authentication, the shared error shape, and every router.

The interactive docs (`/api/docs`) load Swagger UI from Retain's own static files (ninja is an
installed app), never from a CDN, so they work on an air-gapped network.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from retain.api import errors, health, metrics, people
from retain.api.accounts import ACCOUNTS, CONTACTS, NOTES
from retain.api.activity import TASKS, TICKETS, TOUCHPOINTS
from retain.api.auth import AUTH
from retain.api.crud import Resource, crud_router
from retain.api.revenue import SUBSCRIPTIONS
from retain.api.surveys import SURVEY_RESPONSES, SURVEYS

RESOURCES: tuple[Resource, ...] = (
    ACCOUNTS,
    CONTACTS,
    SUBSCRIPTIONS,
    TICKETS,
    TOUCHPOINTS,
    SURVEYS,
    SURVEY_RESPONSES,
    TASKS,
    NOTES,
)

DESCRIPTION = (
    "Accounts, their people, revenue, conversations, surveys, work, health and KPIs. "
    "Authenticate with `Authorization: Bearer rtn_...` (`retain tokens create`) or the web "
    "app's session (writes need the CSRF token). Errors: "
    '`{"code", "message", "errors": [{"loc", "msg"}]}`.'
)


def build_api() -> NinjaAPI:
    """The API with every router and the shared error handlers."""
    api = NinjaAPI(
        title="Retain API",
        version="1",
        description=DESCRIPTION,
        auth=AUTH,
        urls_namespace="api",
        # validatorUrl None: Swagger UI would otherwise load a badge from validator.swagger.io
        docs=Swagger(settings={"validatorUrl": None}),
    )
    errors.install(api)
    for resource in RESOURCES:
        api.add_router(f"/{resource.path}", crud_router(resource))
    for router in (health.router, metrics.router, people.router):
        api.add_router("", router)
    return api


api = build_api()
