"""One "latest health" everywhere: the accounts list, the account page, `/api/health` and
`/api/risk` agree before a new scorecard, right after its activation (the previous version's
scores stand in, labelled, until the new one scores) and after rescoring; churned accounts are never shown as a live risk."""

from __future__ import annotations

import copy
import csv
import io
from typing import Any

import pytest
from django.test import Client

from retain.analytics import health as health_service
from retain.app.access import tokens
from retain.app.health import queries as hq
from retain.app.health import scoring, snapshots
from retain.app.health.view import HealthView
from retain.app.models import Account, HealthSnapshot
from tests.integration.web.conftest import END

pytestmark = pytest.mark.django_db

Health = dict[str, tuple[float, str]]  # external id -> (score rounded to 0.1, band)


def listed(c: Client) -> Health:
    """The accounts list (its CSV export: every row, not one page) of scored accounts."""
    body = b"".join(c.get("/accounts/export.csv").streaming_content).decode()
    rows = csv.DictReader(io.StringIO(body))
    return {r["external_id"]: (float(r["score"]), r["band"]) for r in rows if r["score"]}


def api(c: Client, token: str, url: str) -> list[dict[str, Any]]:
    got = c.get(url, {"limit": 500}, headers={"Authorization": f"Bearer {token}"})
    assert got.status_code == 200, got.content
    return list(got.json()["items"])


def by_account(items: list[dict[str, Any]]) -> Health:
    ids = dict(Account.objects.values_list("pk", "external_id"))
    return {ids[i["account_id"]]: (round(i["score"], 1), i["band"]) for i in items}


def page_health(c: Client, account: Account) -> HealthView | None:
    response = c.get(f"/accounts/{account.pk}/")
    assert response.status_code == 200
    return response.context["h"]  # type: ignore[no-any-return]


def agree(c: Client, token: str) -> Health:
    """Checks the list, a sample of account pages, /api/health and /api/risk agree."""
    shown = listed(c)
    assert by_account(api(c, token, "/api/health")) == shown
    assert by_account(api(c, token, "/api/risk")) == shown
    for account in Account.objects.order_by("pk")[:60:6]:
        h = page_health(c, account)
        if account.external_id in shown:
            assert h is not None
            assert (round(h.score, 1), h.band) == shown[account.external_id]
        else:
            assert h is None
    return shown


def churned() -> list[Account]:
    day = hq.latest_day()
    return [a for a in Account.objects.all() if hq.standing(a, day).churned]


def test_every_surface_shows_the_same_latest_health(client_for: Any) -> None:
    c = client_for("admin")
    token = tokens.issue("admin", "latest-health")[1]
    before = agree(c, token)
    assert len(before) > 30

    gone = churned()
    assert gone, "the demo has churned accounts"
    live_risk = {i["account_id"] for i in api(c, token, "/api/risk")}
    at_risk = {i["s"].account_id for i in c.get("/at-risk/").context["items"]}
    for account in gone:
        assert account.pk not in live_risk
        assert account.pk not in at_risk
        assert account.external_id not in before
        page = c.get(f"/accounts/{account.pk}/")
        assert page.context["h"] is None
        assert page.context["standing"].churned_on is not None
        assert "churned" in page.content.decode()
        assert "not scored yet" not in page.content.decode()  # a former customer, not a gap

    raw = copy.deepcopy(health_service.default_config())
    for group in raw["groups"]:
        group["weight"] = 80 if group["key"] == "usage" else 5
    made = snapshots.activate_config(raw)
    assert made.version == 2
    # Not yet scored with v2: v1's latest day stands in everywhere, and the pages say so.
    assert agree(c, token) == before
    assert (hq.latest_day().version, hq.latest_day().pending_version) == (1, 2)
    assert {i["config_version"] for i in api(c, token, "/api/health")} == {1}
    for url in ("/accounts/", "/", "/at-risk/"):
        assert "the active v2 has not scored a day yet" in c.get(url).content.decode(), url

    done = scoring.score(END, 8)
    assert (done.config_version, done.latest_day) == (2, END)
    assert sum(done.bands.values()) == len(before)
    after = agree(c, token)
    assert set(after) == set(before)
    assert any(after[k][1] != before[k][1] for k in before), "the new weights move bands"
    v2 = HealthSnapshot.objects.filter(date=END, config=made)
    assert {s.account.external_id: s.band for s in v2.select_related("account")} == {
        k: band for k, (_, band) in after.items()
    }
    assert {i["config_version"] for i in api(c, token, "/api/health")} == {2}
    assert hq.latest_day().pending_version is None
    assert "has not scored a day yet" not in c.get("/accounts/").content.decode()
