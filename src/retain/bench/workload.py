"""The workload of `retain bench web`: a synthetic store of N accounts, built from a fixed seed.

8 CSM owners, segments, stages, renewals, one subscription, contacts, touchpoints, tickets,
tasks, survey answers, usage rollups for a sample of contacts, and a health snapshot a day for
every account with measures, contributions, risk reasons and signals of the size real scoring
stores, written with bulk inserts. The same seed, sizes and day give the same rows: one random
stream is drawn table group by table group, always in the same order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from retain.app.models import (
    Account,
    Contact,
    HealthOverride,
    HealthSnapshot,
    LifecycleStage,
    Note,
    Role,
    ScorecardConfig,
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


@dataclass
class _Run:
    """What every table group shares: the random stream, the clock, the writer and the owners."""

    rng: random.Random
    today: dt.date
    now: dt.datetime
    writer: _Writer
    owners: list[User]


Row = tuple[Any, ...]  # an account's (pk, owner_id, stage_id, licensed_seats, contract_start)


def build(accounts: int, days: int, progress: Progress, seed: int = SEED) -> dict[str, int]:
    """Write the synthetic store (deterministic for a seed); returns rows per table."""
    from retain.app.health import scoring

    owners = _users()
    run = _Run(random.Random(seed), timezone.localdate(), timezone.now(), _Writer(progress), owners)
    stages = list(LifecycleStage.objects.order_by("position"))
    if not stages:
        stages = [LifecycleStage.objects.create(key="adoption", name="Adoption", position=0)]
    config, card = scoring.active_scorecard()
    surveys = _surveys()
    ids = _accounts(run, accounts, stages)
    contact_ids = _people_and_subscriptions(run, ids)
    _activity(run, ids, contact_ids, surveys)
    day_list = [run.today - dt.timedelta(days=d) for d in range(days - 1, -1, -1)]
    _usage(run, ids, contact_ids, day_list)
    _snapshots(run, ids, day_list, card, config)
    return {
        "accounts": len(ids),
        "snapshots": len(ids) * days,
        "usage_rollups": UsageDaily.objects.count(),
        "rows": run.writer.written,
    }


def _users() -> list[User]:
    """The admin the requests sign in as, and the CSM owners (returned)."""
    User.objects.create_superuser(ADMIN, "bench-admin@example.com", None, role=Role.ADMIN)
    return [
        User.objects.create_user(f"csm{i + 1}", f"csm{i + 1}@example.com", None, role=Role.CSM)
        for i in range(OWNERS)
    ]


def _surveys() -> tuple[Survey, Survey]:
    """An NPS survey and a CSAT survey for the answers."""
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
    return nps, csat


def _accounts(run: _Run, accounts: int, stages: list[LifecycleStage]) -> list[Row]:
    """The accounts (one in 50 without an owner); returns their rows in external-id order."""
    rng, today = run.rng, run.today
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
                    owner=run.owners[i % OWNERS] if i % 50 else None,
                    stage=stages[rng.randrange(len(stages))],
                    contract_start=start,
                    renewal_date=today + dt.timedelta(days=rng.randint(-30, 365)),
                    licensed_seats=rng.randint(3, 200),
                    custom_attributes={"employees": rng.randint(5, 5000), "crm": "hubspot"},
                )
            )
        run.writer.insert("accounts", objs)
    return list(
        Account.objects.filter(external_id__startswith="bench-")
        .order_by("external_id")
        .values_list("pk", "owner_id", "stage_id", "licensed_seats", "contract_start")
    )


def _people_and_subscriptions(run: _Run, ids: list[Row]) -> dict[int, list[int]]:
    """A subscription, contacts, a stage change and a note per account; returns the contact
    ids of each account."""
    rng, now = run.rng, run.now
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
                    start_date=begun or run.today,
                )
            )
            contacts += [_contact(run, pk, c) for c in range(CONTACTS_PER_ACCOUNT)]
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
                    author=run.owners[n % OWNERS],
                    body="Call went well; they plan to roll out to a second team next quarter.",
                    created_at=now - dt.timedelta(days=rng.randint(1, 120)),
                )
            )
        run.writer.insert("subscriptions", subs)
        run.writer.insert("contacts", contacts)
        run.writer.insert("stage changes", changes)
        run.writer.insert("notes", notes)
    contact_ids: dict[int, list[int]] = {}
    for cid, aid in Contact.objects.values_list("pk", "account_id").order_by("pk"):
        contact_ids.setdefault(aid, []).append(cid)
    return contact_ids


def _contact(run: _Run, pk: int, c: int) -> Contact:
    """The account's c-th contact: the first is its champion, the second its decision maker."""
    return Contact(
        external_id=f"bench-user-{pk}-{c}",
        account_id=pk,
        name=f"Person {c} of {pk}",
        email=f"p{c}.{pk}@example.com",
        role=run.rng.choice(("admin", "analyst", "manager", "engineer")),
        is_champion=c == 0,
        is_decision_maker=c == 1,
        created_at=run.now - dt.timedelta(days=run.rng.randint(30, 900)),
    )


def _activity(
    run: _Run, ids: list[Row], contact_ids: dict[int, list[int]], surveys: tuple[Survey, Survey]
) -> None:
    """Touchpoints, tickets and tasks per account, and one survey answer (NPS or CSAT)."""
    with transaction.atomic():
        touches, tickets, tasks, answers = [], [], [], []
        for pk, owner_id, *_ in ids:
            people = contact_ids[pk]
            touches += [
                _touchpoint(run, pk, owner_id, people, t) for t in range(TOUCHPOINTS_PER_ACCOUNT)
            ]
            tickets += [_ticket(run, pk, people, t) for t in range(TICKETS_PER_ACCOUNT)]
            tasks += [_task(run, pk, owner_id, t) for t in range(TASKS_PER_ACCOUNT)]
            answers.append(_answer(run, pk, people[0], surveys))
        run.writer.insert("touchpoints", touches)
        run.writer.insert("tickets", tickets)
        run.writer.insert("tasks", tasks)
        run.writer.insert("survey answers", answers)


def _touchpoint(run: _Run, pk: int, owner_id: int | None, people: list[int], t: int) -> Touchpoint:
    """An email, call, meeting, QBR or chat of the last 120 days (40% inbound)."""
    rng = run.rng
    at = run.now - dt.timedelta(hours=rng.randint(1, 24 * 120))
    inbound = rng.random() < 0.4
    return Touchpoint(
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


def _ticket(run: _Run, pk: int, people: list[int], t: int) -> Ticket:
    """A support ticket of the last 90 days (70% solved, with a satisfaction score)."""
    rng = run.rng
    opened = run.now - dt.timedelta(hours=rng.randint(1, 24 * 90))
    solved = rng.random() < 0.7
    return Ticket(
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


def _task(run: _Run, pk: int, owner_id: int | None, t: int) -> Task:
    """A follow-up task for the owner; the first of each account is done."""
    rng = run.rng
    done = t == 0
    created = run.now - dt.timedelta(days=rng.randint(1, 60))
    return Task(
        external_id=f"bench-task-{pk}-{t}",
        account_id=pk,
        owner_id=owner_id,
        title=f"Follow up on adoption ({t})",
        due_date=run.today + dt.timedelta(days=rng.randint(-10, 30)),
        status="done" if done else "open",
        created_at=created,
        completed_at=created + dt.timedelta(days=1) if done else None,
        outcome="Booked a training session." if done else "",
    )


def _answer(run: _Run, pk: int, contact_id: int, surveys: tuple[Survey, Survey]) -> SurveyResponse:
    """The champion's answer: an NPS score (70%) or a CSAT 4."""
    rng = run.rng
    nps, csat = surveys
    survey, answer = (nps, rng.randint(0, 10)) if rng.random() < 0.7 else (csat, 4)
    return SurveyResponse(
        external_id=f"bench-answer-{pk}",
        survey=survey,
        account_id=pk,
        contact_id=contact_id,
        score=answer,
        comment="Solid product, reporting could be faster.",
        answered_at=run.now - dt.timedelta(days=rng.randint(1, 200)),
    )


def _usage(
    run: _Run, ids: list[Row], contact_ids: dict[int, list[int]], day_list: list[dt.date]
) -> None:
    """Daily rollups of three events for the first contacts of each account (65% of days)."""
    rng = run.rng
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
                run.writer.insert("usage rollups", usage)
                usage = []
        run.writer.insert("usage rollups", usage)


def _snapshots(
    run: _Run, ids: list[Row], day_list: list[dt.date], card: Any, config: ScorecardConfig
) -> None:
    """A snapshot a day per account, its score drifting a little each day; every 97th account
    has a health override on today's snapshot."""
    rng, today = run.rng, run.today
    overrides = _overrides(run, ids, card)
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
            run.writer.insert(f"health snapshots {day}", snaps)


def _overrides(run: _Run, ids: list[Row], card: Any) -> dict[int, int]:
    """A score override for every 97th account; returns override ids by account."""
    overrides = {}
    for pk, *_ in ids[::97]:
        o = HealthOverride.objects.create(
            account_id=pk,
            score=80.0,
            band=card.band(80.0),
            reason="Exec sponsor confirmed the renewal on a call.",
            created_by=run.owners[0],
            expires_at=run.now + dt.timedelta(days=20),
        )
        overrides[pk] = o.pk
    return overrides


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
