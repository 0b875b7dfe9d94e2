"""The OpenAPI document is valid, the docs page loads only local assets, and every documented
operation succeeds in at least one test of this suite."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from openapi_spec_validator import validate

from tests.integration.api.conftest import DESELECTED, EXERCISED

pytestmark = pytest.mark.django_db

COVERAGE_TEST = "test_every_documented_operation_succeeds_in_some_test"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def operations(document: dict[str, object]) -> set[tuple[str, str]]:
    paths = document["paths"]
    assert isinstance(paths, dict)
    return {(m.upper(), p) for p, ops in paths.items() for m in ops if m in HTTP_METHODS}


def test_the_document_is_valid_openapi() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["info"]["title"] == "Retain API"
    assert {"BearerToken", "SessionCsrf"} <= set(document["components"]["securitySchemes"])
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)), "operationIds must be unique"
    assert ("GET", "/api/accounts/{id}/health") in operations(document)


def test_docs_page_loads_every_asset_from_retain_itself() -> None:
    client = Client()
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html) + re.findall(
        r'<link[^>]*\shref="([^"]+)"', html
    )
    assert len(assets) >= 3, html  # Swagger UI's bundle, its init script and its stylesheet
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for url in assets:
        assert re.match(r"^/[^/]", url), f"{url} is not a local path"
        asset = client.get(url)
        assert asset.status_code == 200, url
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        asset.close()
        assert len(body) > 100, url
    found = re.search(r'id="swagger-settings">(.*?)</script>', html, re.S)
    assert found is not None
    settings = json.loads(found[1])
    assert settings["url"] == "/api/openapi.json"
    assert settings["validatorUrl"] is None  # else Swagger UI fetches a badge from swagger.io
    assert "cdn" not in html.lower()


def test_docs_name_every_path_and_every_list_filter() -> None:
    """docs/api.md lists each endpoint and each filter and sort field of the resources."""
    from retain.api.main import RESOURCES

    text = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text()
    for path in {p for _, p in operations(Client().get("/api/openapi.json").json())}:
        assert path.replace("{id}", "").rstrip("/") in text.replace("{id}", ""), path
    for resource in RESOURCES:
        row = next(line for line in text.splitlines() if f"`/api/{resource.path}`" in line)
        for name in [*resource.filters.model_fields, *resource.order_fields]:
            assert f"`{name}`" in row, (resource.name, name)


def test_every_documented_operation_succeeds_in_some_test(request: pytest.FixtureRequest) -> None:
    """Runs last (see conftest); fails when an endpoint is added without a test that calls it."""
    here = Path(__file__).parent
    collected = {Path(str(item.path)) for item in request.session.items}
    if DESELECTED or not set(here.glob("test_*.py")) <= collected:
        pytest.skip("checks operation coverage only when the whole API suite runs")
    documented = operations(Client().get("/api/openapi.json").json())
    succeeded = {(method, path) for method, path, status in EXERCISED if 200 <= status < 300}
    assert sorted(documented - succeeded) == [], "operations no test calls successfully"
