"""Accounts, contacts and notes: CRUD, lists (pagination, filters, ordering), input errors."""

from __future__ import annotations

import pytest

from retain.app.models import Account, LifecycleStage, Note
from tests.integration.api.conftest import ApiClient, World

pytestmark = pytest.mark.django_db


def test_account_crud(world: World, admin_api: ApiClient) -> None:
    created = admin_api.post(
        "/api/accounts",
        {
            "name": "Acme",
            "external_id": "crm-1",
            "segment": "Enterprise",
            "licensed_seats": 40,
            "owner_id": world.csm.pk,
            "renewal_date": "2026-09-30",
            "custom_attributes": {"n": 1},
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["name"], body["external_id"], body["owner_id"]) == ("Acme", "crm-1", world.csm.pk)
    assert (body["licensed_seats"], body["renewal_date"]) == (40, "2026-09-30")
    url = f"/api/accounts/{body['id']}"
    assert admin_api.get(url).json() == body
    changed = admin_api.patch(url, {"tier": "Gold", "licensed_seats": None})
    assert changed.status_code == 200
    assert (changed.json()["tier"], changed.json()["licensed_seats"]) == ("Gold", None)
    assert changed.json()["segment"] == "Enterprise"  # untouched by the PATCH
    assert admin_api.delete(url).status_code == 204
    assert admin_api.get(url).status_code == 404
    assert not Account.objects.filter(external_id="crm-1").exists()


def test_created_account_gets_an_external_id_when_none_is_given(admin_api: ApiClient) -> None:
    body = admin_api.post("/api/accounts", {"name": "No id"}).json()
    assert body["external_id"].startswith("api-")
    assert len(body["external_id"]) == 36


def test_pagination_counts_every_row_and_pages_do_not_overlap(
    world: World, admin_api: ApiClient
) -> None:
    for n in range(5):
        Account.objects.create(external_id=f"p{n}", name="Same name")
    seen: list[int] = []
    for offset in (0, 3, 6):
        page = admin_api.get("/api/accounts", limit=3, offset=offset, order_by="name").json()
        assert (page["count"], page["limit"], page["offset"]) == (7, 3, offset)
        seen += [item["id"] for item in page["items"]]
    assert sorted(seen) == sorted(Account.objects.values_list("id", flat=True))


def test_filters_combine(world: World, admin_api: ApiClient) -> None:
    stage = LifecycleStage.objects.get_or_create(key="onboarding", defaults={"name": "On"})[0]
    Account.objects.create(external_id="f1", name="Fjord", segment="SMB", stage=stage)
    Account.objects.create(external_id="f2", name="Fable", segment="Mid", stage=stage)

    def names(**params: object) -> list[str]:
        return [a["name"] for a in admin_api.get("/api/accounts", **params).json()["items"]]

    assert names(segment="SMB") == ["Carla Co", "Fjord"]
    assert names(segment="SMB", stage="onboarding") == ["Fjord"]
    assert names(q="f", order_by="-name") == ["Fjord", "Fable"]
    assert names(owner="otto") == ["Otto Inc"]
    assert names(owner_id=world.csm.pk) == ["Carla Co"]


def test_ordering_by_several_fields_with_nulls_last(world: World, admin_api: ApiClient) -> None:
    Account.objects.filter(pk=world.own.pk).update(renewal_date="2026-03-01")
    Account.objects.create(external_id="r", name="Renews", renewal_date="2026-01-01")
    asc = admin_api.get("/api/accounts", order_by="renewal_date,name").json()["items"]
    assert [a["name"] for a in asc] == ["Renews", "Carla Co", "Otto Inc"]
    desc = admin_api.get("/api/accounts", order_by="-renewal_date").json()["items"]
    assert [a["name"] for a in desc] == ["Carla Co", "Renews", "Otto Inc"]


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"order_by": "password"}, ["query", "order_by"]),
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": 501}, ["query", "limit"]),
        ({"offset": -1}, ["query", "offset"]),
        ({"renewal_from": "soon"}, ["query", "renewal_from"]),
    ],
)
def test_bad_list_parameters_are_422_with_the_parameter(
    admin_api: ApiClient, params: dict[str, object], loc: list[str]
) -> None:
    response = admin_api.get("/api/accounts", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert [e["loc"] for e in body["errors"]] == [loc]


@pytest.mark.parametrize(
    ("payload", "locs"),
    [
        ({}, [["body", "name"]]),
        ({"name": ""}, [["body", "name"]]),
        ({"name": "A", "licensed_seats": -1}, [["body", "licensed_seats"]]),
        ({"name": "A", "segment": "x" * 101}, [["body", "segment"]]),
        ({"name": "A", "renewal_date": "31/12/2026"}, [["body", "renewal_date"]]),
        (
            {"name": None, "custom_attributes": []},
            [["body", "name"], ["body", "custom_attributes"]],
        ),
        ({"name": "A", "owner_id": 999999}, [["body", "owner_id"]]),
        ({"name": "A", "parent_id": 999999}, [["body", "parent_id"]]),
    ],
)
def test_invalid_account_is_422_with_the_field_path(
    world: World, admin_api: ApiClient, payload: dict[str, object], locs: list[list[str]]
) -> None:
    response = admin_api.post("/api/accounts", payload)
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["message"]
    assert [e["loc"] for e in body["errors"]] == locs
    assert all(e["msg"] for e in body["errors"])


def test_nested_field_paths_are_reported(world: World, admin_api: ApiClient) -> None:
    response = admin_api.post(
        "/api/contacts", {"account_id": world.own.pk, "traits": {"a": 1}, "email": "nope"}
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["body", "email"]]


def test_patch_refuses_null_for_a_required_field(world: World, admin_api: ApiClient) -> None:
    response = admin_api.patch(f"/api/accounts/{world.own.pk}", {"name": None})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["body", "name"]]


def test_malformed_json_is_400_in_the_error_shape(admin_api: ApiClient) -> None:
    response = admin_api.post("/api/accounts", "{not json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert response.json()["errors"] == []


def test_duplicate_external_id_is_409(world: World, admin_api: ApiClient) -> None:
    response = admin_api.post("/api/accounts", {"name": "Dup", "external_id": "own"})
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "already exists: another row has the same external_id",
        "errors": [{"loc": ["body", "external_id"], "msg": "must be unique"}],
    }
    assert Account.objects.count() == 2


def test_check_constraint_is_422_naming_the_rule(world: World, admin_api: ApiClient) -> None:
    response = admin_api.patch(f"/api/accounts/{world.own.pk}", {"parent_id": world.own.pk})
    assert response.status_code == 422
    assert response.json() == {
        "code": "constraint_violation",
        "message": "breaks the rule 'account_not_own_parent'",
        "errors": [
            {"loc": ["body", "parent_id"], "msg": "breaks the rule 'account_not_own_parent'"},
        ],
    }
    world.own.refresh_from_db()
    assert world.own.parent_id is None
    assert admin_api.get(f"/api/accounts/{world.own.pk}").status_code == 200  # still usable


def test_contact_crud(world: World, admin_api: ApiClient) -> None:
    payload = {
        "account_id": world.own.pk,
        "external_id": "u-1",
        "name": "Ann",
        "email": "ann@carla.example",
        "is_champion": True,
    }
    body = admin_api.post("/api/contacts", payload).json()
    assert {k: body[k] for k in payload} == payload
    url = f"/api/contacts/{body['id']}"
    assert admin_api.get(url).json() == body
    listed = admin_api.get("/api/contacts", is_champion=True, account_id=world.own.pk).json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]
    assert admin_api.patch(url, {"role": "CTO"}).json()["role"] == "CTO"
    assert admin_api.delete(url).status_code == 204
    assert admin_api.get(url).status_code == 404


def test_note_crud_with_author_and_time_by_default(world: World, admin_api: ApiClient) -> None:
    created = admin_api.post("/api/notes", {"account_id": world.own.pk, "body": "Renewal call"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["author_id"], body["body"]) == (world.admin.pk, "Renewal call")
    assert body["created_at"]
    url = f"/api/notes/{body['id']}"
    assert admin_api.get(url).json() == body
    assert admin_api.get("/api/notes", q="renewal").json()["count"] == 1
    assert admin_api.patch(url, {"body": "Renewal call done"}).json()["body"].endswith("done")
    assert admin_api.delete(url).status_code == 204
    assert not Note.objects.exists()


def test_a_child_cannot_point_at_a_missing_account(world: World, admin_api: ApiClient) -> None:
    response = admin_api.post("/api/notes", {"account_id": 987654, "body": "x"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["body", "account_id"], "msg": "no account with id 987654"}
    ]


def test_the_error_shape_in_the_docs(admin_api: ApiClient) -> None:
    response = admin_api.post("/api/accounts", {"licensed_seats": -1})
    assert response.json() == {
        "code": "validation_error",
        "message": "invalid input: name, licensed_seats",
        "errors": [
            {"loc": ["body", "name"], "msg": "Field required"},
            {
                "loc": ["body", "licensed_seats"],
                "msg": "Input should be greater than or equal to 0",
            },
        ],
    }
