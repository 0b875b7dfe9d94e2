"""Assemble the demo company: every table's rows, and the ground truth, for a seed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retain.core.text import tone
from retain.demo import behaviour as signals
from retain.demo import catalog, workspace
from retain.demo.clock import add_months, at, month_start, next_anniversary
from retain.demo.lives import Life, sigmoid, simulate
from retain.demo.rows import Rows

DEMO_PASSWORD = "retain-demo"
EVENT_DAYS = 14  # raw events are kept for the most recent days only
STAGES = ("onboarding", "adoption", "value", "renewal", "expansion", "advocacy")


@dataclass
class Demo:
    """The built rows and what the generator knows that the app must not read."""

    rows: Rows
    truth: dict[str, Any]
    stage_ids: dict[str, int] = field(default_factory=dict)


def build(accounts: int, months: int, seed: int, end: dt.date, stage_ids: dict[str, int]) -> Demo:
    """Every row of a demo company of `accounts` customers over `months` months up to `end`."""
    start = month_start(end, -months)
    rows = Rows()
    users = _users(rows, seed, start)
    _catalogue(rows)
    launch = month_start(end, -min(9, months // 2))
    initiative = rows.add(
        "retain_initiative",
        "support-chatbot",
        "Support chatbot",
        "An in-app chatbot answers how-to questions before they become tickets.",
        launch,
        None,
        500,
        "",
        "tickets",
        -0.2,
    )
    master = np.random.default_rng(seed)
    lives = [simulate(i, np.random.default_rng([seed, i]), start, end) for i in range(accounts)]
    alive_at_launch = [life.index for life in lives if life.alive(launch)]
    treated = set(master.permutation(alive_at_launch)[: len(alive_at_launch) // 2].tolist())
    demo = Demo(
        rows,
        {
            "seed": seed,
            "end_date": end.isoformat(),
            "start_date": start.isoformat(),
            "accounts": {},
        },
        stage_ids,
    )
    for life in lives:
        _account(demo, life, users, seed, start, end, launch if life.index in treated else None)
    _initiative_members(rows, initiative, lives, treated, launch)
    _costs(rows, start, end, launch)
    _playbooks(rows)
    workspace.source(rows, seed, end)
    workspace.saved_views(rows, users, end)
    demo.truth["initiative"] = {
        "key": "support-chatbot",
        "launch": launch.isoformat(),
        "monthly_cost": 500,
        "metric": "tickets",
        "true_effect": -0.2,
        "treated": sorted(_ext(i) for i in treated),
        "control": sorted(_ext(i) for i in alive_at_launch if i not in treated),
    }
    rows.add("retain_metadata", "demo_seed", str(seed))
    rows.add("retain_metadata", "demo_end_date", end.isoformat())
    rows.add("retain_metadata", "demo_accounts", str(accounts))
    return demo


def _ext(index: int) -> str:
    return f"acct-{index + 1:05d}"


def password_hash(username: str, seed: int) -> str:
    """A Django password hash with a salt derived from the seed, so builds are identical."""
    from django.contrib.auth.hashers import make_password

    salt = hashlib.sha256(f"{seed}:{username}".encode()).hexdigest()[:22]
    return make_password(DEMO_PASSWORD, salt=salt)


def _users(rows: Rows, seed: int, start: dt.date) -> dict[str, int]:
    joined = at(start - dt.timedelta(days=400))
    people = [
        ("admin", "Alex", "Admin", "admin", True),
        ("maria", "Maria", "Costa", "manager", True),
    ]
    people += [(u, f, lname, "csm", False) for u, f, lname in catalog.CSMS]
    people += [("victor", "Victor", "Viewer", "viewer", False)]
    ids = {}
    for username, first, last, role, staff in people:
        ids[username] = rows.add(
            "retain_user",
            password_hash(username, seed),
            None,
            role == "admin",
            username,
            first,
            last,
            f"{username}@northwind.example",
            staff,
            True,
            joined,
            role,
        )
    return ids


def _catalogue(rows: Rows) -> None:
    for event, name, is_key, action, plans, _ in catalog.FEATURES:
        rows.add("retain_feature", event, name, is_key, action, plans)
    for pos, (key, title, days, live, value) in enumerate(catalog.MILESTONES):
        rows.add("retain_milestone_template", key, title, pos, days, live, value)
    rows.add(
        "retain_survey",
        "nps-relationship",
        "nps",
        "Relationship NPS",
        "How likely are you to recommend Northwind Analytics to a friend or colleague?",
        0,
        10,
        "higher_better",
        "nps",
        None,
    )
    rows.add(
        "retain_survey",
        "csat-support",
        "csat",
        "Support CSAT",
        "How satisfied are you with the support you received?",
        1,
        5,
        "higher_better",
        "top_box",
        4,
    )
    rows.add(
        "retain_survey",
        "ces-onboarding",
        "ces",
        "Onboarding effort (CES 2.0)",
        "Northwind made it easy for us to get set up.",
        1,
        7,
        "higher_better",
        "mean",
        5,
    )


def _account(
    demo: Demo,
    life: Life,
    users: dict[str, int],
    seed: int,
    start: dt.date,
    end: dt.date,
    treated_from: dt.date | None,
) -> None:
    rows = demo.rows
    rng = np.random.default_rng([seed, life.index, 1])
    account_id = life.index + 1
    csm = users[catalog.CSMS[life.index % len(catalog.CSMS)][0]]
    region = catalog.REGIONS[int(rng.integers(len(catalog.REGIONS)))]
    name = f"{catalog.NAME_A[life.index % 30]} {catalog.NAME_B[(life.index // 30) % 16]}"
    if life.index >= 480:
        name += f" {life.index // 480 + 1}"
    attrs = {
        "employees": int(life.seats * rng.integers(5, 40)),
        "data_region": catalog.DATA_REGIONS[region],
        "crm": catalog.CRMS[int(rng.integers(len(catalog.CRMS)))],
    }
    renewal = _renewal(life, end)
    created = at(life.contract_start - dt.timedelta(days=int(rng.integers(10, 40))))
    stage = _stage_history(demo, life, account_id, end, rng)
    parent = (life.index // 50) * 50 + 1 if life.index % 50 in (17, 33) else None
    rows.add(
        "retain_account",
        _ext(life.index),
        name,
        life.plan.segment,
        life.plan.key.capitalize(),
        catalog.INDUSTRIES[int(rng.integers(len(catalog.INDUSTRIES)))],
        life.plan.key,
        region,
        csm,
        demo.stage_ids[stage],
        life.contract_start,
        renewal,
        life.seats_on(end) or life.seats,
        json.dumps(attrs, sort_keys=True),
        parent,
        created,
        created,
    )
    _subscriptions(rows, life, account_id)
    people = _contacts(rows, life, account_id, rng, start, end)
    days = signals.live_days(life, start, end)
    rollups = signals.usage(life, people, days, rng, treated_from)
    for contact_id, event, day, count in rollups:
        rows.add("retain_usage_daily", account_id, contact_id, event, day, count)
    _events(rows, account_id, people, rollups, end, rng)
    tickets = _tickets(rows, life, account_id, people, days, rng, treated_from, end)
    _touchpoints(rows, life, account_id, people, days, rng, end, csm)
    _surveys(rows, life, account_id, people, days, rng, end)
    _csat(rows, life, account_id, tickets, rng, end)
    _milestones(rows, life, account_id, rng, start, end)
    _work(rows, life, account_id, csm, rng, end)
    _purchases(rows, life, account_id, rng, end)
    demo.truth["accounts"][_ext(life.index)] = _truth(life, end, treated_from)


def _renewal(life: Life, end: dt.date) -> dt.date | None:
    running = [i for i in life.items if i.status != "trial" and (i.end is None or i.end >= end)]
    if not running:
        return None
    main = running[0]
    return next_anniversary(main.start, end, 12 if main.interval == "year" else 1)


def _stage_history(
    demo: Demo, life: Life, account_id: int, end: dt.date, rng: np.random.Generator
) -> str:
    changes = [(life.contract_start, "onboarding")]
    steps = [(60, "adoption"), (150, "value")]
    changes += [(life.contract_start + dt.timedelta(days=d), s) for d, s in steps]
    changes += [(d, "expansion") for d in life.expansions]
    renewal = _renewal(life, end)
    if renewal and (renewal - end).days <= 60 and life.annual:
        changes.append((renewal - dt.timedelta(days=60), "renewal"))
    if life.health_on(end) > 1.0 and (end - life.contract_start).days > 200:
        changes.append((end - dt.timedelta(days=int(rng.integers(5, 60))), "advocacy"))
    changes = sorted(c for c in changes if c[0] <= end)
    previous = None
    for n, (day, stage) in enumerate(changes):
        if stage == previous:
            continue
        demo.rows.add(
            "retain_stage_change",
            f"stage-{account_id}-{n}",
            account_id,
            demo.stage_ids.get(previous) if previous else None,
            demo.stage_ids[stage],
            at(day),
            None,
            "",
        )
        previous = stage
    return previous or "onboarding"


def _subscriptions(rows: Rows, life: Life, account_id: int) -> None:
    for n, item in enumerate(life.items):
        rows.add(
            "retain_subscription_item",
            f"sub-{account_id}-{n + 1}",
            account_id,
            item.plan,
            f"{item.price:.2f}",
            "USD",
            item.interval,
            item.quantity,
            f"{item.discount:.2f}",
            item.discount_end,
            "recurring",
            _status(item, life),
            item.start,
            item.end,
            item.cancelled,
        )


def _status(item: Any, life: Life) -> str:
    if item.status == "active" and item.end is None and life.health_on(item.start) < -1.8:
        return "past_due"
    return str(item.status)


def _contacts(
    rows: Rows, life: Life, account_id: int, rng: np.random.Generator, start: dt.date, end: dt.date
) -> list[signals.Person]:
    peak = max([life.seats] + [i.quantity for i in life.items if i.plan != catalog.ADDON[0]])
    dormant = min(0.55, max(0.05, 0.3 - 0.15 * life.base_health))  # share of shelfware seats
    people = []
    for n in range(peak + 2):
        first = catalog.FIRST[int(rng.integers(len(catalog.FIRST)))]
        last = catalog.LAST[int(rng.integers(len(catalog.LAST)))]
        ext = f"user-{account_id}-{n + 1}"
        joined = life.contract_start + dt.timedelta(days=int(rng.integers(0, 45)) if n else 0)
        if n >= life.seats:  # people added as the account grows
            joined = max(joined, life.expansions[0] if life.expansions else end)
        champion = n == 0
        email = f"{first.lower()}.{last.lower()}{n}@{_ext(life.index)}.example".replace("ü", "u")
        contact_id = rows.add(
            "retain_contact",
            ext,
            account_id,
            f"{first} {last}",
            email,
            catalog.ROLES[int(rng.integers(len(catalog.ROLES)))],
            champion,
            n in (0, 1),
            "{}",
            at(max(joined, start)),
        )
        propensity = float(rng.beta(2.2, 1.4))
        if not champion and rng.random() < dormant:  # licensed, but hardly ever logs in
            propensity *= 0.03
        people.append(
            signals.Person(contact_id, ext, f"{first} {last}", joined, propensity, champion)
        )
    return people


def _events(
    rows: Rows,
    account_id: int,
    people: list[signals.Person],
    rollups: list[tuple[int, str, dt.date, int]],
    end: dt.date,
    rng: np.random.Generator,
) -> None:
    """Raw events for the most recent days, one per counted use, consistent with the rollup."""
    ext = {p.contact_id: p.external_id for p in people}
    recent = end - dt.timedelta(days=EVENT_DAYS - 1)
    for contact_id, event, day, count in rollups:
        if day < recent:
            continue
        for k in range(count):
            stamp = at(day, float(rng.uniform(7, 20)))
            mid = f"demo-{account_id}-{contact_id}-{event}-{day.isoformat()}-{k}"
            rows.add(
                "retain_event",
                mid,
                "track",
                account_id,
                contact_id,
                ext[contact_id],
                "",
                event,
                stamp,
                stamp + dt.timedelta(seconds=2),
                json.dumps({"source": "web"}),
                json.dumps({"library": {"name": "demo"}}),
            )


def _tickets(
    rows: Rows,
    life: Life,
    account_id: int,
    people: list[signals.Person],
    days: list[dt.date],
    rng: np.random.Generator,
    treated_from: dt.date | None,
    end: dt.date,
) -> list[tuple[Any, ...]]:
    """The account's tickets, written and returned (for CSAT surveys)."""
    start = len(rows.tables["retain_ticket"])
    for n, t in enumerate(signals.tickets(life, days, rng, treated_from, end)):
        who = people[int(rng.integers(len(people)))].contact_id
        rows.add(
            "retain_ticket",
            f"ticket-{account_id}-{n + 1}",
            account_id,
            who,
            t["opened"],
            t["first"],
            t["resolved"],
            t["priority"],
            t["status"],
            t["subject"],
            t["body"],
            t["satisfaction"],
        )
    return rows.tables["retain_ticket"][start:]


_TONE: dict[str, float | None] = {}


def _tone(text: str) -> float | None:
    """Cached VADER tone: the demo's texts come from a small set of templates."""
    if text not in _TONE:
        _TONE[text] = tone(text)
    return _TONE[text]


def _touchpoints(
    rows: Rows,
    life: Life,
    account_id: int,
    people: list[signals.Person],
    days: list[dt.date],
    rng: np.random.Generator,
    end: dt.date,
    csm: int,
) -> None:
    if not days:
        return
    champion = people[0]
    convo = sorted(signals.conversations(life, days, rng, end), key=lambda c: c["at"])  # type: ignore[arg-type, return-value]
    for n, c in enumerate(convo):
        text = str(c["text"]).format(name=champion.name.split()[0])
        inbound = c["direction"] == "inbound"
        rows.add(
            "retain_touchpoint",
            f"tp-{account_id}-{n + 1}",
            account_id,
            champion.contact_id,
            None if inbound else csm,
            c["kind"],
            c["direction"],
            c["at"],
            c["replied"],
            c["subject"],
            text,
            _tone(text) if inbound else None,
        )


def _surveys(
    rows: Rows,
    life: Life,
    account_id: int,
    people: list[signals.Person],
    days: list[dt.date],
    rng: np.random.Generator,
    end: dt.date,
) -> None:
    alive = set(days)
    month = month_start(days[0], 1) if days else end
    n = 0
    while month <= end:
        # relationship NPS twice a year, in the account's contract month and six months later
        if (month.month - life.contract_start.month) % 6 == 0 and month in alive:
            for person in people[:2]:
                n += 1
                sent = at(month + dt.timedelta(days=int(rng.integers(1, 10))), 10)
                inv = rows.add(
                    "retain_survey_invitation",
                    f"inv-{account_id}-{n}",
                    1,
                    account_id,
                    person.contact_id,
                    sent,
                    "email",
                )
                h = life.health_on(sent.date())
                if rng.random() < sigmoid(0.1 + 0.7 * h) and sent.date() < end:
                    score = signals.nps_score(h, rng)
                    answered = min(sent + dt.timedelta(hours=float(rng.uniform(1, 96))), at(end, 0))
                    rows.add(
                        "retain_survey_response",
                        f"resp-{account_id}-{n}",
                        1,
                        account_id,
                        person.contact_id,
                        inv,
                        score,
                        signals.nps_comment(score),
                        answered,
                        "email",
                    )
        month = month_start(month, 1)


def _csat(
    rows: Rows,
    life: Life,
    account_id: int,
    tickets: list[tuple[Any, ...]],
    rng: np.random.Generator,
    end: dt.date,
) -> None:
    """CSAT (and sometimes CES) after resolved tickets, from the ticket's own contact."""
    for ticket in tickets:
        if ticket[6] is not None and rng.random() < 0.15:
            _ces_after(rows, life, account_id, ticket, rng, end)
        if ticket[6] is None or rng.random() > 0.4:
            continue
        sent = ticket[6] + dt.timedelta(hours=1)
        if sent.date() > end:
            continue
        inv = rows.add(
            "retain_survey_invitation",
            f"inv-csat-{ticket[1]}",
            2,
            account_id,
            ticket[3],
            sent,
            "email",
        )
        if rng.random() < 0.55:
            h = life.health_on(sent.date())
            score = int(np.clip(round(4.1 + 0.7 * h + rng.normal(0, 0.8)), 1, 5))
            comments = catalog.CSAT_COMMENTS["good" if score >= 4 else "bad"]
            answered = min(sent + dt.timedelta(hours=float(rng.uniform(0.5, 30))), at(end, 0))
            rows.add(
                "retain_survey_response",
                f"resp-csat-{ticket[1]}",
                2,
                account_id,
                ticket[3],
                inv,
                score,
                comments[score % 2],
                max(answered, sent),
                "email",
            )


def _ces_after(
    rows: Rows,
    life: Life,
    account_id: int,
    ticket: tuple[Any, ...],
    rng: np.random.Generator,
    end: dt.date,
) -> None:
    """CES 2.0 after a resolved ticket: "Northwind made it easy to handle my issue"."""
    sent = ticket[6] + dt.timedelta(hours=2)
    if sent.date() > end:
        return
    inv = rows.add(
        "retain_survey_invitation", f"inv-ces-{ticket[1]}", 3, account_id, ticket[3], sent, "email"
    )
    if rng.random() < 0.5:
        h = life.health_on(sent.date())
        score = int(np.clip(round(5.0 + 0.9 * h + rng.normal(0, 1.0)), 1, 7))
        answered = min(sent + dt.timedelta(hours=float(rng.uniform(0.5, 30))), at(end, 0))
        rows.add(
            "retain_survey_response",
            f"resp-ces-{ticket[1]}",
            3,
            account_id,
            ticket[3],
            inv,
            score,
            "",
            max(answered, sent),
            "email",
        )


def _milestones(
    rows: Rows, life: Life, account_id: int, rng: np.random.Generator, start: dt.date, end: dt.date
) -> None:
    if life.contract_start < start - dt.timedelta(days=120):
        reached: list[int | None] = [5] * len(catalog.MILESTONES)  # onboarded long ago
    else:
        reached = signals.milestone_days(life, rng)
    for n, ((key, _, target, live, _), days) in enumerate(
        zip(catalog.MILESTONES, reached, strict=True)
    ):
        due = life.contract_start + dt.timedelta(days=target)
        done_day = life.contract_start + dt.timedelta(days=days) if days is not None else None
        done = at(done_day, 14) if done_day and done_day <= end else None
        rows.add("retain_account_milestone", f"ms-{account_id}-{key}", account_id, n + 1, due, done)
        if live and done_day and done_day <= end and rng.random() < 0.5:
            sent = at(done_day, 16)
            inv = rows.add(
                "retain_survey_invitation",
                f"inv-ces-{account_id}",
                3,
                account_id,
                None,
                sent,
                "in_app",
            )
            if rng.random() < 0.6:
                score = int(
                    np.clip(
                        round(
                            5.2 - 0.06 * (days or 0) + 0.9 * life.base_health + rng.normal(0, 0.9)
                        ),
                        1,
                        7,
                    )
                )
                rows.add(
                    "retain_survey_response",
                    f"resp-ces-{account_id}",
                    3,
                    account_id,
                    None,
                    inv,
                    score,
                    "",
                    sent + dt.timedelta(minutes=5),
                    "in_app",
                )


def _work(
    rows: Rows, life: Life, account_id: int, csm: int, rng: np.random.Generator, end: dt.date
) -> None:
    """Tasks (open, overdue, done) and notes kept by the account's CSM."""
    for n in range(int(rng.integers(1, 4))):
        created = end - dt.timedelta(days=int(rng.integers(1, 90)))
        due = created + dt.timedelta(days=int(rng.integers(3, 30)))
        done = rng.random() < 0.5 and due < end
        title = (
            "Follow up on usage drop",
            "Prepare QBR deck",
            "Renewal call",
            "Share training material",
        )[n % 4]
        rows.add(
            "retain_task",
            f"task-{account_id}-{n + 1}",
            account_id,
            csm,
            "follow_up",
            title,
            "",
            due,
            "done" if done else "open",
            at(created),
            at(due) if done else None,
            "Done, customer informed." if done else "",
            None,
        )
    if rng.random() < 0.6:
        rows.add(
            "retain_note",
            f"note-{account_id}-1",
            account_id,
            csm,
            "Champion is the main contact; prefers email. Budget review in Q4.",
            at(max(life.contract_start, end - dt.timedelta(days=200))),
        )


def _purchases(
    rows: Rows, life: Life, account_id: int, rng: np.random.Generator, end: dt.date
) -> None:
    _credit_packs(rows, life, account_id, rng, end)
    if rng.random() < 0.2 and life.contract_start <= end:
        amount = float(rng.choice([1500, 2500, 5000]))
        rows.add(
            "retain_purchase",
            f"ps-{account_id}-1",
            account_id,
            life.contract_start,
            f"{amount:.2f}",
            "USD",
            "Onboarding package",
        )
    if rng.random() < 0.1:
        day = end - dt.timedelta(days=int(rng.integers(10, 300)))
        if life.alive(day):
            rows.add(
                "retain_purchase",
                f"ps-{account_id}-2",
                account_id,
                day,
                "900.00",
                "USD",
                "Admin training",
            )


def _credit_packs(
    rows: Rows, life: Life, account_id: int, rng: np.random.Generator, end: dt.date
) -> None:
    """Data-credit packs bought now and then: a purchase process (BG/NBD-like) for `retain clv`:
    each buyer has a weekly rate and, after each purchase, a chance of never buying again."""
    if rng.random() > 0.6:
        return
    rate = rng.gamma(1.2, 1 / 6.0)  # purchases per week
    drop = rng.beta(1.5, 6.0)
    spend = rng.gamma(6.0, 1 / 20.0)
    day = life.contract_start + dt.timedelta(days=int(rng.integers(0, 30)))
    n = 0
    while day <= end:
        n += 1
        amount = round(float(rng.gamma(1.5, 1 / spend)) * 40 + 20, 2)
        rows.add(
            "retain_purchase",
            f"pack-{account_id}-{n}",
            account_id,
            day,
            f"{amount:.2f}",
            "USD",
            "Data credit pack",
        )
        if rng.random() < drop:
            return
        day += dt.timedelta(days=max(1, round(7 * rng.exponential(1 / rate))))


def _initiative_members(
    rows: Rows, initiative: int, lives: list[Life], treated: set[int], launch: dt.date
) -> None:
    for life in lives:
        if life.alive(launch):
            group = "treatment" if life.index in treated else "control"
            rows.add("retain_initiative_account", initiative, life.index + 1, group, launch)


def _costs(rows: Rows, start: dt.date, end: dt.date, launch: dt.date) -> None:
    budget = {
        "sales": 42000,
        "marketing": 26000,
        "support": 15000,
        "customer_success": 21000,
        "tooling": 2400,
    }
    month = start
    n = 0
    while month <= end:
        last = month_start(month, 1) - dt.timedelta(days=1)
        growth = 1 + 0.01 * ((month.year - start.year) * 12 + month.month - start.month)
        for category, amount in budget.items():
            n += 1
            rows.add(
                "retain_cost",
                f"cost-{n}",
                category,
                month,
                last,
                f"{amount * growth:.2f}",
                "USD",
                f"{category.replace('_', ' ')} {month:%Y-%m}",
            )
        if month >= launch:
            n += 1
            rows.add(
                "retain_cost",
                f"cost-{n}",
                "initiative",
                month,
                last,
                "500.00",
                "USD",
                "Support chatbot",
            )
        month = add_months(month, 1)


def _playbooks(rows: Rows) -> None:
    books = [
        (
            "usage-drop",
            "Usage drop",
            {"measure": "usage_trend_30d", "below": -0.3},
            [{"task": "Call the champion about falling usage", "due_days": 3}],
        ),
        (
            "detractor",
            "Detractor follow-up",
            {"measure": "nps_latest", "below": 7},
            [{"task": "Close the loop with the detractor", "due_days": 2}],
        ),
        (
            "renewal-prep",
            "Renewal preparation",
            {"measure": "days_to_renewal", "below": 90},
            [{"task": "Prepare the renewal", "due_days": 14}],
        ),
    ]
    for key, name, trigger, actions in books:
        rows.add(
            "retain_playbook", key, name, "", json.dumps(trigger), json.dumps(actions), 30, True
        )


def _truth(life: Life, end: dt.date, treated_from: dt.date | None) -> dict[str, Any]:
    recent = [life.health_on(end - dt.timedelta(days=d)) for d in range(0, 90, 7)]
    h = float(np.mean(recent))
    return {
        "base_health": round(life.base_health, 4),
        "mean_health_last_90d": round(h, 4),
        "latent_risk": round(1 / (1 + float(np.exp(2.6 + 1.7 * h))), 4),
        "churns": [{"last_paid_day": d.isoformat(), "cause": c} for d, c in life.churns],
        "expansions": [d.isoformat() for d in life.expansions],
        "contractions": [d.isoformat() for d in life.contractions],
        "reactivations": [d.isoformat() for d in life.reactivations],
        "chatbot": treated_from is not None,
    }
