"""`retain bench web`: server time of the accounts list and the account 360 page.

The workload (`bench.workload`) is a synthetic store of N accounts. Requests go through
Django's test client in this process as a signed-in admin, so the figures are the server's
(routing, middleware, queries, templates) without network noise. The baseline is /healthz in
the same run: a page's p50 divided by it says how much work the page does beyond the
framework's own.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from retain.app.models import Account, User
from retain.bench.timing import Timing
from retain.bench.workload import ADMIN, SEED
from retain.errors import RetainError

TARGET_P95_MS = 150.0


@dataclass
class Report:
    """What `retain bench web` prints."""

    database: str
    accounts: int
    days: int
    pages: list[Timing]
    baseline: Timing
    errors: list[str]

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain data (for --format json)."""
        base = self.baseline.percentile(50)
        return {
            "database": self.database,
            "vendor": connection.vendor,
            "accounts": self.accounts,
            "days": self.days,
            "target_p95_ms": TARGET_P95_MS,
            "pages": {t.label: t.summary(base) for t in self.pages},
            "baseline": {"path": "/healthz", **self.baseline.summary()},
            "errors": self.errors,
        }


LIST_PAGE = "accounts_list"
DETAIL_PAGE = "account_360"


def list_requests() -> list[tuple[str, dict[str, str]]]:
    """The accounts-list mix: default page, each sort, band/owner/segment filters, a search,
    page 50 and the htmx fragment."""
    from retain.app.accounts.listing import SORTS

    mix: list[tuple[str, dict[str, str]]] = [("/accounts/", {})]
    for n, key in enumerate(SORTS):
        mix.append((f"/accounts/?sort={'-' if n % 2 else ''}{key}", {}))
    mix += [
        ("/accounts/?band=red", {}),
        ("/accounts/?band=green&sort=-mrr", {}),
        ("/accounts/?owner=csm3", {}),
        ("/accounts/?segment=enterprise", {}),
        ("/accounts/?q=summit", {}),
        ("/accounts/?page=50", {}),
        ("/accounts/?sort=-change&page=2", {"HX-Request": "true"}),
    ]
    return mix


def _client() -> Client:
    client = Client()
    client.force_login(User.objects.get(username=ADMIN))
    return client


def _timed(
    client: Client, path: str, headers: dict[str, str], timing: Timing | None, errors: list[str]
) -> None:
    start = time.perf_counter()
    response = client.get(path, headers=headers)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        errors.append(f"GET {path}: HTTP {response.status_code}")
    elif timing is not None:
        timing.samples_ms.append(elapsed)


def measure(
    requests: int, seed: int = SEED, warmup: int = 5
) -> tuple[list[Timing], Timing, list[str]]:
    """Time `requests` requests of each page kind (after `warmup` uncounted ones each) and as
    many of /healthz; returns the page timings, the baseline and any errors."""
    rng = random.Random(seed)
    pks = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    if not pks:
        raise RetainError("no accounts to request")
    mix = list_requests()
    errors: list[str] = []
    listing, detail, base = Timing(LIST_PAGE), Timing(DETAIL_PAGE), Timing("baseline")
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(ALLOWED_HOSTS=hosts, DEBUG=False):
        client = _client()
        for path, headers in mix:  # every query shape once, then a few of each kind
            _timed(client, path, headers, None, errors)
        for _ in range(warmup):
            _timed(client, f"/accounts/{rng.choice(pks)}/", {}, None, errors)
            _timed(client, "/healthz", {}, None, errors)
        for i in range(requests):  # interleaved, so drift hits every kind alike
            path, headers = mix[i % len(mix)]
            _timed(client, path, headers, listing, errors)
            _timed(client, f"/accounts/{rng.choice(pks)}/", {}, detail, errors)
            _timed(client, "/healthz", {}, base, errors)
    return [listing, detail], base, errors


def iter_rows(report: Report) -> Iterator[list[str]]:
    """Table rows: page, requests, p50, p95, p99, max and p50 / baseline."""
    base = report.baseline.percentile(50)
    for t in [*report.pages, report.baseline]:
        s = t.summary(base if t is not report.baseline else None)
        name = "/healthz (baseline)" if t is report.baseline else t.label
        ratio = f"{s['p50_over_baseline']:.0f}x" if "p50_over_baseline" in s else ""
        yield [
            name,
            str(s["requests"]),
            *(f"{s[k]:.1f}" for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")),
            ratio,
        ]
