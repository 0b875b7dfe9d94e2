"""`retain bench web`: server time of the accounts list and the account 360 page.

The workload: a synthetic store of N accounts (8 CSM owners, segments, stages, renewals, one
subscription, contacts, touchpoints, tickets, tasks, survey answers, usage rollups for a sample
of contacts, and a health snapshot a day for every account with measures, contributions, risk
reasons and signals of the size real scoring stores), built with bulk inserts from a fixed
seed. Requests go through Django's test client in this process as a signed-in admin, so the
figures are the server's (routing, middleware, queries, templates) without network noise. The
baseline is /healthz in the same run: a page's p50 divided by it says how much work the page
does beyond the framework's own.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from retain.app.models import (
    Account,
    Contact,
    HealthOverride,
    HealthSnapshot,
    LifecycleStage,
    Note,
    Role,
    StageChange,
    SubscriptionItem,
    Survey,
    SurveyResponse,
    Task,
    Ticket,
    Touchpoint,
    UsageDaily,
    User,
)
from retain.errors import RetainError

SEED = 20240601
OWNERS = 8
BATCH = 2000
TARGET_P95_MS = 150.0
SEGMENTS = ("enterprise", "mid-market", "smb", "startup")
PLANS = (("starter", 49.0), ("growth", 199.0), ("business", 499.0), ("enterprise", 1500.0))
REGIONS = ("emea", "na", "apac", "latam")
INDUSTRIES = ("software", "retail", "finance", "health", "media", "logistics")
WORDS = (
    "Acme",
    "Apex",
    "Blue",
    "Bright",
    "Cedar",
    "Delta",
    "Echo",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kite",
    "Lumen",
    "Maple",
    "Nova",
    "Orbit",
    "Pine",
    "Quartz",
    "River",
    "Summit",
    "Tidal",
    "Umber",
    "Vertex",
    "Willow",
    "Zephyr",
)
KINDS = ("Labs", "Systems", "Group", "Works", "Partners", "Digital", "Foods", "Health")
EVENTS = ("report_created", "dashboard_viewed", "export_run")
CONTACTS_PER_ACCOUNT = 5
TOUCHPOINTS_PER_ACCOUNT = 5
TICKETS_PER_ACCOUNT = 3
TASKS_PER_ACCOUNT = 3
ACTIVE_CONTACTS = 2  # contacts per account with daily usage rollups
ADMIN = "bench-admin"
Progress = Callable[[str, int], None]  # (what is being written, rows written so far)


# --- the synthetic store ----------------------------------------------------------------


def check_empty(reset: bool) -> None:
    """Refuse a database that already holds accounts or users unless `reset`; with it, delete
    all of its data (the schema and the default lifecycle stages stay)."""
    from retain.app.reset import clear_all_data

    accounts, users = Account.objects.count(), User.objects.count()
    if (accounts or users) and not reset:
        held = f"{accounts:,} accounts" if accounts else f"{users:,} users"
        raise RetainError(
            f"the database already holds {held}: run the benchmark on a scratch database, "
            "or pass --reset to delete all of its data first"
        )
    if accounts or users:
        clear_all_data()


def planned_rows(accounts: int, days: int) -> int:
    """Roughly how many rows `build` writes (for a progress bar)."""
    per_account = (
        CONTACTS_PER_ACCOUNT
        + TOUCHPOINTS_PER_ACCOUNT
        + TICKETS_PER_ACCOUNT
        + TASKS_PER_ACCOUNT
        + 5  # account, subscription, stage change, note, survey answers
        + days  # snapshots
        + ACTIVE_CONTACTS * days * 2  # usage rollups (about two events a day)
    )
    return accounts * per_account


@dataclass
class _Writer:
    """Bulk inserts in batches, reporting the rows written."""

    progress: Progress
    written: int = 0

    def insert(self, label: str, objs: list[Any]) -> None:
        if not objs:
            return
        model: type[Model] = type(objs[0])
        for start in range(0, len(objs), BATCH):
            chunk = objs[start : start + BATCH]
            model._default_manager.bulk_create(chunk, batch_size=BATCH)
            self.written += len(chunk)
            self.progress(label, self.written)


def build(accounts: int, days: int, progress: Progress, seed: int = SEED) -> dict[str, int]:
    """Write the synthetic store (deterministic for a seed); returns rows per table."""
    from retain.app.health import scoring

    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    w = _Writer(progress)
    User.objects.create_superuser(ADMIN, "bench-admin@example.com", None, role=Role.ADMIN)
    owners = [
        User.objects.create_user(f"csm{i + 1}", f"csm{i + 1}@example.com", None, role=Role.CSM)
        for i in range(OWNERS)
    ]
    stages = list(LifecycleStage.objects.order_by("position"))
    if not stages:
        stages = [LifecycleStage.objects.create(key="adoption", name="Adoption", position=0)]
    config, card = scoring.active_scorecard()
    nps = Survey.objects.create(
        external_id="bench-nps",
        kind="nps",
        name="NPS",
        question="How likely are you to recommend us?",
        scale_min=0,
        scale_max=10,
        aggregation="nps",
        positive_threshold=9,
    )
    csat = Survey.objects.create(
        external_id="bench-csat",
        kind="csat",
        name="CSAT",
        question="How satisfied are you?",
        scale_min=1,
        scale_max=5,
        aggregation="top_box",
        positive_threshold=4,
    )

    with transaction.atomic():
        objs = []
        for i in range(accounts):
            start = today - dt.timedelta(days=rng.randint(30, 1500))
            objs.append(
                Account(
                    external_id=f"bench-{i:06d}",
                    name=f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)} {i}",
                    segment=SEGMENTS[rng.randrange(len(SEGMENTS))],
                    tier=rng.choice(("gold", "silver", "bronze")),
                    industry=rng.choice(INDUSTRIES),
                    plan=PLANS[i % len(PLANS)][0],
                    region=rng.choice(REGIONS),
                    owner=owners[i % OWNERS] if i % 50 else None,
                    stage=stages[rng.randrange(len(stages))],
                    contract_start=start,
                    renewal_date=today + dt.timedelta(days=rng.randint(-30, 365)),
                    licensed_seats=rng.randint(3, 200),
                    custom_attributes={"employees": rng.randint(5, 5000), "crm": "hubspot"},
                )
            )
        w.insert("accounts", objs)
    ids = list(
        Account.objects.filter(external_id__startswith="bench-")
        .order_by("external_id")
        .values_list("pk", "owner_id", "stage_id", "licensed_seats", "contract_start")
    )

    with transaction.atomic():
        subs, contacts, changes, notes = [], [], [], []
        for n, (pk, _, stage_id, seats, begun) in enumerate(ids):
            plan, price = PLANS[n % len(PLANS)]
            subs.append(
                SubscriptionItem(
                    external_id=f"bench-sub-{pk}",
                    account_id=pk,
                    plan=plan,
                    amount=price,
                    quantity=max(1, (seats or 3) // 10),
                    start_date=begun or today,
                )
            )
            for c in range(CONTACTS_PER_ACCOUNT):
                contacts.append(
                    Contact(
                        external_id=f"bench-user-{pk}-{c}",
                        account_id=pk,
                        name=f"Person {c} of {pk}",
                        email=f"p{c}.{pk}@example.com",
                        role=rng.choice(("admin", "analyst", "manager", "engineer")),
                        is_champion=c == 0,
                        is_decision_maker=c == 1,
                        created_at=now - dt.timedelta(days=rng.randint(30, 900)),
                    )
                )
            changes.append(
                StageChange(
                    external_id=f"bench-stage-{pk}",
                    account_id=pk,
                    to_stage_id=stage_id,
                    changed_at=now - dt.timedelta(days=rng.randint(1, 200)),
                )
            )
            notes.append(
                Note(
                    external_id=f"bench-note-{pk}",
                    account_id=pk,
                    author=owners[n % OWNERS],
                    body="Call went well; they plan to roll out to a second team next quarter.",
                    created_at=now - dt.timedelta(days=rng.randint(1, 120)),
                )
            )
        w.insert("subscriptions", subs)
        w.insert("contacts", contacts)
        w.insert("stage changes", changes)
        w.insert("notes", notes)
    contact_ids: dict[int, list[int]] = {}
    for cid, aid in Contact.objects.values_list("pk", "account_id").order_by("pk"):
        contact_ids.setdefault(aid, []).append(cid)

    with transaction.atomic():
        touches, tickets, tasks, answers = [], [], [], []
        for pk, owner_id, *_ in ids:
            people = contact_ids[pk]
            for t in range(TOUCHPOINTS_PER_ACCOUNT):
                at = now - dt.timedelta(hours=rng.randint(1, 24 * 120))
                inbound = rng.random() < 0.4
                touches.append(
                    Touchpoint(
                        external_id=f"bench-tp-{pk}-{t}",
                        account_id=pk,
                        contact_id=rng.choice(people),
                        user_id=owner_id,
                        kind=rng.choice(("email", "call", "meeting", "qbr", "chat")),
                        direction="inbound" if inbound else "outbound",
                        occurred_at=at,
                        replied_at=at + dt.timedelta(hours=5) if rng.random() < 0.5 else None,
                        subject=f"Check-in {t}",
                        text="Thanks for the update, the new dashboards look great. " * 3,
                        sentiment=round(rng.uniform(-1, 1), 3),
                    )
                )
            for t in range(TICKETS_PER_ACCOUNT):
                opened = now - dt.timedelta(hours=rng.randint(1, 24 * 90))
                solved = rng.random() < 0.7
                tickets.append(
                    Ticket(
                        external_id=f"bench-ticket-{pk}-{t}",
                        account_id=pk,
                        contact_id=rng.choice(people),
                        opened_at=opened,
                        first_response_at=opened + dt.timedelta(hours=2),
                        resolved_at=opened + dt.timedelta(hours=30) if solved else None,
                        priority=rng.choice(("low", "normal", "high", "urgent")),
                        status="solved" if solved else "open",
                        subject=f"Export fails for report {t}",
                        body="The export button spins and nothing downloads.",
                        satisfaction=rng.randint(1, 5) if solved else None,
                    )
                )
            for t in range(TASKS_PER_ACCOUNT):
                done = t == 0
                created = now - dt.timedelta(days=rng.randint(1, 60))
                tasks.append(
                    Task(
                        external_id=f"bench-task-{pk}-{t}",
                        account_id=pk,
                        owner_id=owner_id,
                        title=f"Follow up on adoption ({t})",
                        due_date=today + dt.timedelta(days=rng.randint(-10, 30)),
                        status="done" if done else "open",
                        created_at=created,
                        completed_at=created + dt.timedelta(days=1) if done else None,
                        outcome="Booked a training session." if done else "",
                    )
                )
            survey, answer = (nps, rng.randint(0, 10)) if rng.random() < 0.7 else (csat, 4)
            answers.append(
                SurveyResponse(
                    external_id=f"bench-answer-{pk}",
                    survey=survey,
                    account_id=pk,
                    contact_id=people[0],
                    score=answer,
                    comment="Solid product, reporting could be faster.",
                    answered_at=now - dt.timedelta(days=rng.randint(1, 200)),
                )
            )
        w.insert("touchpoints", touches)
        w.insert("tickets", tickets)
        w.insert("tasks", tasks)
        w.insert("survey answers", answers)
        del touches, tickets, tasks, answers

    day_list = [today - dt.timedelta(days=d) for d in range(days - 1, -1, -1)]
    with transaction.atomic():
        usage = []
        for pk, *_ in ids:
            for cid in contact_ids[pk][:ACTIVE_CONTACTS]:
                for day in day_list:
                    for name in EVENTS:
                        if rng.random() < 0.65:
                            usage.append(
                                UsageDaily(
                                    account_id=pk,
                                    contact_id=cid,
                                    event_name=name,
                                    day=day,
                                    count=rng.randint(1, 40),
                                )
                            )
            if len(usage) >= 20 * BATCH:
                w.insert("usage rollups", usage)
                usage = []
        w.insert("usage rollups", usage)

    overrides = {}
    for pk, *_ in ids[::97]:
        o = HealthOverride.objects.create(
            account_id=pk,
            score=80.0,
            band=card.band(80.0),
            reason="Exec sponsor confirmed the renewal on a call.",
            created_by=owners[0],
            expires_at=now + dt.timedelta(days=20),
        )
        overrides[pk] = o.pk
    scores = {pk: rng.uniform(15, 95) for pk, *_ in ids}
    group_measures = list(card.group_of())
    for day in day_list:
        with transaction.atomic():
            snaps = []
            for pk, _, _, seats, begun in ids:
                score = min(100.0, max(0.0, scores[pk] + rng.uniform(-3, 3)))
                scores[pk] = score
                snaps.append(
                    _snapshot(
                        rng, pk, day, score, seats or 10, begun or today, card, group_measures
                    )
                )
                snaps[-1].config = config
                if day == today and pk in overrides:
                    snaps[-1].override_id = overrides[pk]
            w.insert(f"health snapshots {day}", snaps)
    return {
        "accounts": len(ids),
        "snapshots": len(ids) * days,
        "usage_rollups": UsageDaily.objects.count(),
        "rows": w.written,
    }


def _snapshot(
    rng: random.Random,
    pk: int,
    day: dt.date,
    score: float,
    seats: int,
    start: dt.date,
    card: Any,
    group_measures: list[str],
) -> HealthSnapshot:
    """A snapshot shaped like `retain score` stores: ~34 measures, ~16 contributions."""
    from retain.core.health.measures import MEASURES

    measures: dict[str, Any] = {m: round(rng.uniform(0, 100), 4) for m in MEASURES}
    measures.update(
        {
            "seats": float(seats),
            "tenure_days": float((day - start).days),
            "nps_latest": None if rng.random() < 0.5 else float(rng.randint(0, 10)),
            "attr_crm": "hubspot",
            "attr_employees": float(rng.randint(5, 5000)),
            "stage": "adoption",
        }
    )
    weight = score / max(1, len(group_measures))
    contributions = {m: round(weight * rng.uniform(0.5, 1.5), 6) for m in group_measures}
    risk = round(min(0.99, max(0.01, (100 - score) / 110 + rng.uniform(-0.05, 0.05))), 4)
    reasons = {
        m: round(rng.uniform(-0.3, 0.6), 4) for m in rng.sample(group_measures, rng.randint(3, 6))
    }
    expansion = score > 80 and rng.random() < 0.5
    advocate = score > 85 and rng.random() < 0.4
    signals: dict[str, list[str]] = {}
    if expansion:
        signals["expansion"] = [
            f"seat use {rng.randint(90, 120)}% of {seats} seats (at or above 90%)",
            "usage up 21% over the last 30 days",
        ]
    if advocate:
        signals["advocate"] = ["NPS 10 on the latest survey", "two-way touch in the last week"]
    return HealthSnapshot(
        account_id=pk,
        date=day,
        score=round(score, 2),
        band=card.band(score),
        confidence=0.9,
        mrr=float(measures["mrr"]),
        measures=measures,
        contributions=contributions,
        risk_probability=risk,
        expansion_probability=round(rng.random(), 4),
        risk_reasons=reasons,
        expansion_candidate=expansion,
        advocate=advocate,
        referral_candidate=advocate,
        signals=signals,
        scorecard="Default",
    )


# --- the measurement --------------------------------------------------------------------


@dataclass
class Timing:
    """Server times of one kind of page, in ms."""

    page: str
    samples_ms: list[float] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        """The p-th percentile (inclusive method; the value itself for one sample)."""
        if not self.samples_ms:
            return float("nan")
        if len(self.samples_ms) == 1:
            return self.samples_ms[0]
        cuts = statistics.quantiles(self.samples_ms, n=100, method="inclusive")
        return cuts[round(p) - 1]

    def summary(self, baseline_p50: float | None = None) -> dict[str, Any]:
        """Requests, p50, p95, p99 and max in ms, and p50 over the baseline's p50."""
        out: dict[str, Any] = {
            "requests": len(self.samples_ms),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "max_ms": round(max(self.samples_ms, default=float("nan")), 2),
        }
        if baseline_p50:
            out["p50_over_baseline"] = round(self.percentile(50) / baseline_p50, 1)
        return out


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
            "pages": {t.page: t.summary(base) for t in self.pages},
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
        name = "/healthz (baseline)" if t is report.baseline else t.page
        ratio = f"{s['p50_over_baseline']:.0f}x" if "p50_over_baseline" in s else ""
        yield [
            name,
            str(s["requests"]),
            *(f"{s[k]:.1f}" for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")),
            ratio,
        ]
