"""schemathesis over every operation of the OpenAPI document, in process (WSGI), with an admin
token: no 5xx, and every answer is one the document declares (status, content type, schema).

A bounded, deterministic run (fixed examples per operation, derandomized); `make fuzz` runs a
longer one against a live server on a demo store. `DELETE /api/tokens/{id}` is left out so the
run cannot revoke its own token (revocation has its own tests).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from retain.app.models import ApiToken, Contact, Survey, Task, Ticket
from tests.integration.api.conftest import World

# The metric endpoints read the store through an engine on its own connection: commit rows.
pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 6}
SKIPPED = {("DELETE", "/api/tokens/{id}")}

SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
OPERATIONS = [
    op
    for op in (result.ok() for result in SCHEMA.get_all_operations())
    if (op.method.upper(), op.path) not in SKIPPED
]


@pytest.fixture
def token(world: World) -> str:
    """An admin token, and a row of each kind so that ids 1, 2... often name real rows."""
    contact = Contact.objects.create(external_id="c1", account=world.own, name="Cy")
    Ticket.objects.create(
        external_id="t1", account=world.own, contact=contact, subject="s",
        opened_at="2026-01-05T10:00:00Z",
    )  # fmt: skip
    Task.objects.create(external_id="k1", account=world.own, title="call", owner=world.csm,
                        created_at="2026-01-05T10:00:00Z")  # fmt: skip
    Survey.objects.create(
        external_id="nps", kind="nps", name="NPS", question="q", scale_min=0, scale_max=10,
        aggregation="nps",
    )  # fmt: skip
    return ApiToken.issue(world.admin, "fuzz")[1]


def test_every_operation_is_in_the_run() -> None:
    declared = {(op.method.upper(), op.path) for op in OPERATIONS} | SKIPPED
    assert len(OPERATIONS) >= 50
    assert ("GET", "/api/metrics/{name}") in declared
    assert ("PATCH", "/api/accounts/{id}") in declared


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda m: m.value)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_schemathesis(token: str, operation: Any, mode: GenerationMode) -> None:
    statuses: Counter[int] = Counter()
    headers = {"Authorization": f"Bearer {token}"}

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()
    assert statuses, "no request was made"
    assert not [s for s in statuses if s >= 500], statuses
