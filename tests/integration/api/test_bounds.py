"""Out-of-range and ill-typed input is a 422 naming its field, on SQLite and PostgreSQL alike:
integers past what the store holds, KPI ranges of centuries, numbers as dates, bodies that are
not objects or carry unknown fields, text the store cannot hold (report D12, L8)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from retain.api.fields import BIGINT_MAX, INT_MAX
from retain.app.models import Account, Ticket
from tests.integration.api.conftest import ApiClient, World

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999  # past 2^64: SQLite's driver raised OverflowError (a 500)


def assert_refused(response: Any, *locs: list[str | int], status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert [e["loc"] for e in body["errors"]] == list(locs), body
    return body


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/tasks", "owner_id"),
        ("/api/touchpoints", "account_id"),
        ("/api/survey-responses", "contact_id"),
        ("/api/accounts", "owner_id"),
        ("/api/accounts", "offset"),
        ("/api/survey-responses", "score_min"),
        ("/api/health", "account_id"),
    ],
)
def test_integer_filters_past_64_bits(admin_api: ApiClient, url: str, field: str) -> None:
    assert_refused(admin_api.get(url, **{field: str(HUGE)}), ["query", field])


def test_the_largest_id_is_a_plain_not_found(world: World, admin_api: ApiClient) -> None:
    assert admin_api.get("/api/accounts", owner_id=str(BIGINT_MAX)).json()["count"] == 0
    assert admin_api.get(f"/api/accounts/{BIGINT_MAX}").status_code == 404
    assert_refused(admin_api.get(f"/api/accounts/{BIGINT_MAX + 1}"), ["path", "id"])
    assert_refused(admin_api.get("/api/accounts/0"), ["path", "id"])


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/accounts", {"name": "ok", "licensed_seats": HUGE}, "licensed_seats"),
        ("/api/accounts", {"name": "ok", "licensed_seats": INT_MAX + 1}, "licensed_seats"),
        ("/api/accounts", {"name": "ok", "owner_id": HUGE}, "owner_id"),
        (
            "/api/surveys",
            {"kind": "csat", "name": "b", "question": "q", "scale_min": 1,
             "scale_max": 99999999999999999999999, "aggregation": "mean"},
            "scale_max",
        ),
        ("/api/notes", {"account_id": HUGE, "body": "hi"}, "account_id"),
    ],
)  # fmt: skip
def test_integer_body_fields_past_the_column(
    world: World, admin_api: ApiClient, url: str, body: dict[str, Any], field: str
) -> None:
    assert_refused(admin_api.post(url, body), ["body", field])


def test_the_largest_count_is_stored(world: World, admin_api: ApiClient) -> None:
    response = admin_api.post("/api/accounts", {"name": "Big", "licensed_seats": INT_MAX})
    assert response.status_code == 201, response.json()
    assert Account.objects.get(name="Big").licensed_seats == INT_MAX


@pytest.mark.parametrize(
    ("params", "locs"),
    [
        ({"start": "0001-01-01", "end": "9999-12-31"}, [["query", "start"], ["query", "end"]]),
        ({"start": "1000-01-01", "period": "week"}, [["query", "start"]]),
        ({"as_of": "2201-01-01"}, [["query", "as_of"]]),
    ],
)
def test_kpi_ranges_are_bounded(
    world: World, admin_api: ApiClient, params: dict[str, str], locs: list[list[str]]
) -> None:
    assert_refused(admin_api.get("/api/metrics/mrr", **params), *locs)


def test_too_many_periods_says_how_many(world: World, admin_api: ApiClient) -> None:
    # Monday 1900-01-01 to the week of Monday 2026-06-29: 46,200 days / 7 + 1 = 6,601 weeks
    params = {"start": "1900-01-01", "end": "2026-06-30", "as_of": "2026-06-30"}
    body = assert_refused(
        admin_api.get("/api/metrics/mrr", period="week", **params), ["query", "start"]
    )
    assert body["message"].startswith("6,601 weeks asked for; at most 1,000 per request")


@pytest.mark.django_db(transaction=True)  # the engine reads the store over its own connection
def test_a_kpi_range_of_1000_periods_is_computed(world: World, admin_api: ApiClient) -> None:
    params = {"start": "1900-01-01", "end": "2149-12-31", "as_of": "2150-01-01"}
    response = admin_api.get("/api/metrics/mrr", period="quarter", **params)
    assert response.status_code == 200, response.json()
    assert len(response.json()["values"]) == 1000


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/accounts", "renewal_to"),
        ("/api/accounts", "renewal_from"),
        ("/api/tasks", "due_to"),
        ("/api/tickets", "opened_to"),
        ("/api/notes", "created_from"),
        ("/api/subscriptions", "start_to"),
        ("/api/survey-responses", "answered_to"),
    ],
)
@pytest.mark.parametrize("value", ["0", "1700000000", "-1.5"])
def test_numbers_are_not_dates(admin_api: ApiClient, url: str, field: str, value: str) -> None:
    """`renewal_to=0` was read as 1970-01-01 (a Unix timestamp) and answered 200."""
    body = assert_refused(admin_api.get(url, **{field: value}), ["query", field])
    assert "ISO 8601" in body["errors"][0]["msg"]


def test_a_number_is_not_a_date_in_a_body_either(world: World, admin_api: ApiClient) -> None:
    response = admin_api.post("/api/accounts", {"name": "A", "renewal_date": 0})
    assert_refused(response, ["body", "renewal_date"])
    assert not Account.objects.filter(name="A").exists()


@pytest.mark.parametrize("body", [[None, None], [], "text", 3, None])
def test_a_body_that_is_not_an_object(world: World, admin_api: ApiClient, body: Any) -> None:
    """`PATCH [null, null]` was a 200 that changed nothing."""
    before = Account.objects.get(pk=world.own.pk).updated_at
    url = f"/api/accounts/{world.own.pk}"
    assert_refused(admin_api.call("PATCH", url, json.dumps(body)), ["body"])
    assert_refused(admin_api.call("POST", "/api/accounts", json.dumps(body)), ["body"])
    assert Account.objects.get(pk=world.own.pk).updated_at == before


def test_unknown_body_fields_are_refused(world: World, admin_api: ApiClient) -> None:
    create = admin_api.post("/api/accounts", {"name": "A", "licenced_seats": 5})
    assert_refused(create, ["body", "licenced_seats"])
    patch = admin_api.patch(f"/api/accounts/{world.own.pk}", {"name": "B", "colour": "red"})
    assert_refused(patch, ["body", "colour"])
    assert Account.objects.get(pk=world.own.pk).name == "Carla Co"
    token = admin_api.post("/api/tokens", {"username": "ada", "name": "t", "scope": "all"})
    assert_refused(token, ["body", "scope"])


def test_a_body_that_is_not_json_is_a_400(world: World, admin_api: ApiClient) -> None:
    response = admin_api.call("POST", "/api/accounts", "{not json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"name": "A\x00B"}, ["body", "name"]),
        ({"name": "A", "custom_attributes": {"k": ["x\x00"]}}, ["body", "custom_attributes"]),
        ({"name": "A", "custom_attributes": {"\x00": 1}}, ["body", "custom_attributes"]),
        ({"name": "A\ud800"}, ["body", "name"]),
    ],
)
def test_text_the_store_cannot_hold(
    world: World, admin_api: ApiClient, body: dict[str, Any], loc: list[str]
) -> None:
    """PostgreSQL refuses NUL characters (psycopg raised ValueError: a 500), and a lone
    surrogate cannot be encoded at all; both are refused on either store."""
    assert_refused(admin_api.post("/api/accounts", body), loc)
    assert not Account.objects.filter(name__startswith="A").exists()


def test_a_nul_in_a_text_filter(world: World, admin_api: ApiClient) -> None:
    assert_refused(admin_api.get("/api/accounts", q="a\x00"), ["query", "q"])
    assert_refused(admin_api.get("/api/metrics/mrr", segment="tier=a\x00"), ["query", "segment"])


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_times_that_leave_years_1_to_9999_in_utc(
    world: World, admin_api: ApiClient, when: str
) -> None:
    """Stored in UTC, these fell outside what Python can read back (SQLite: a 500 on the way
    in; PostgreSQL: stored, then every ticket list failed)."""
    body = {"account_id": world.own.pk, "subject": "s", "opened_at": when}
    assert_refused(admin_api.post("/api/tickets", body), ["body", "opened_at"])
    assert_refused(admin_api.get("/api/tickets", opened_from=when), ["query", "opened_from"])
    assert not Ticket.objects.exists()


def test_an_overflow_anywhere_is_a_422_not_a_500(
    world: World, admin_api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The net under the schemas: OverflowError from the driver or date arithmetic."""
    from retain.api import services

    def overflow(*args: Any) -> Any:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(services, "scoped", overflow)
    body = assert_refused(admin_api.get("/api/accounts"), ["request"])
    assert body["code"] == "invalid_value"
    assert body["message"] == (
        "a value is out of range: Python int too large to convert to SQLite INTEGER"
    )


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/accounts", {"name": "A", "licensed_seats": False}, "licensed_seats"),
        ("/api/accounts", {"name": "A", "licensed_seats": "5"}, "licensed_seats"),
        ("/api/accounts", {"name": 5}, "name"),
        ("/api/contacts", {"account_id": None, "is_decision_maker": 0}, "is_decision_maker"),
        ("/api/touchpoints", {"account_id": 1, "kind": "qbr", "direction": "inbound",
                              "occurred_at": "2026-01-01T00:00:00Z", "sentiment": False},
         "sentiment"),
    ],
)  # fmt: skip
def test_a_value_of_another_json_type(
    world: World, admin_api: ApiClient, url: str, body: dict[str, Any], field: str
) -> None:
    """`false` for a number, `0` for a boolean, `"5"` for an integer were converted silently
    (schemathesis: schema-violating request accepted)."""
    response = assert_refused(admin_api.post(url, body), ["body", field])
    assert "expected" in response["errors"][0]["msg"]


def test_numbers_and_decimals_keep_their_json_forms(world: World, admin_api: ApiClient) -> None:
    sub = {"account_id": world.own.pk, "plan": "P", "amount": 12.5, "start_date": "2026-01-01"}
    assert admin_api.post("/api/subscriptions", sub).status_code == 201
    touch = {"account_id": world.own.pk, "kind": "qbr", "direction": "inbound",
             "occurred_at": "2026-01-01T00:00:00Z", "sentiment": 1}  # fmt: skip
    assert admin_api.post("/api/touchpoints", touch).status_code == 201


def test_patch_cannot_empty_a_required_column(world: World, admin_api: ApiClient) -> None:
    """On create, a null `external_id` or note time means "fill it in"; on PATCH it used to
    reach the database as NULL (a constraint error the schema did not announce)."""
    note = admin_api.post("/api/notes", {"account_id": world.own.pk, "body": "hi"}).json()
    body = assert_refused(
        admin_api.patch(f"/api/notes/{note['id']}", {"created_at": None}), ["body", "created_at"]
    )
    assert body["code"] == "validation_error"
    response = admin_api.patch(f"/api/accounts/{world.own.pk}", {"external_id": None})
    assert_refused(response, ["body", "external_id"])
    assert admin_api.patch(f"/api/accounts/{world.own.pk}", {"owner_id": None}).status_code == 200
    document = admin_api.get("/api/openapi.json").json()["components"]["schemas"]
    assert document["NotePatch"]["properties"]["created_at"]["type"] == "string"
    assert "anyOf" in document["AccountPatch"]["properties"]["owner_id"]  # nullable column


def test_the_document_declares_orderings_and_kpi_years(admin_api: ApiClient) -> None:
    import re

    paths = admin_api.get("/api/openapi.json").json()["paths"]
    params = {p["name"]: p for p in paths["/api/accounts"]["get"]["parameters"]}
    pattern = params["order_by"]["schema"]["anyOf"][0]["pattern"]
    assert re.fullmatch(pattern, "-renewal_date,name")
    assert not re.fullmatch(pattern, "password")
    kpi = {p["name"]: p for p in paths["/api/metrics/{name}"]["get"]["parameters"]}
    year = kpi["start"]["schema"]["pattern"]
    assert re.match(year, "1900-01-01")
    assert re.match(year, "2200-12-31")
    assert not re.match(year, "1899-12-31")
    assert not re.match(year, "2201-01-01")


def test_a_start_after_the_last_complete_period(world: World, admin_api: ApiClient) -> None:
    """Found by `make fuzz` on PostgreSQL: `start=<today>` without `end` asked for periods
    ending (the last complete month) before they start: a 500."""
    params = {"start": "2026-06-15", "as_of": "2026-06-20"}
    body = assert_refused(admin_api.get("/api/metrics/mrr", **params), ["query", "start"])
    assert body["message"] == "the range ends (2026-05-31) before it starts (2026-06-15)"


def test_an_account_deleted_while_a_write_is_checked(
    world: World, admin_api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by `make fuzz` on PostgreSQL (two workers): an account deleted between the check
    of a payload's references and the permission check made `obj.account` raise: a 500."""
    from retain.api import services

    note = admin_api.post("/api/notes", {"account_id": world.own.pk, "body": "hi"}).json()
    monkeypatch.setattr(services, "check_references", lambda *args: None)  # it passed...
    gone = world.other.pk + 1000  # ...and the account went away
    body = assert_refused(
        admin_api.patch(f"/api/notes/{note['id']}", {"account_id": gone}), ["body", "account_id"]
    )
    assert body["message"] == f"no account with id {gone}"
