"""What a CS team can observe of a demo account, driven by its latent health.

Usage (daily rollups), contacts, tickets, conversations, survey answers and onboarding all
move with health: falling usage and active users, unanswered outreach, negative tone,
detractors and piling urgent tickets come before a churn, and the reverse before growth.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from retain.demo import catalog
from retain.demo.clock import at
from retain.demo.lives import Life, sigmoid

FEATURE_RATES = np.array([f[5] for f in catalog.FEATURES[1:]])


@dataclass
class Person:
    """A contact of the account as the simulation sees it."""

    contact_id: int
    external_id: str
    name: str
    joined: dt.date
    propensity: float
    champion: bool


def live_days(life: Life, start: dt.date, end: dt.date) -> list[dt.date]:
    """Days in [start, end] on which the account is a customer (trial included)."""
    first = max(start, min(i.start for i in life.items))
    days = []
    day = first
    while day <= end:
        if life.alive(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def usage(
    life: Life,
    people: list[Person],
    days: list[dt.date],
    rng: np.random.Generator,
    treated_from: dt.date | None,
) -> list[tuple[int, str, dt.date, int]]:
    """Daily (contact, event, day, count) rollup rows for the account's live days."""
    if not days or not people:
        return []
    health = np.array([life.health_on(d) for d in days])
    seats = np.array([max(1, life.seats_on(d)) for d in days])
    ramp = np.array([min(1.0, 0.35 + (d - life.contract_start).days / 90) for d in days])
    weekday = np.array([0.12 if d.weekday() >= 5 else 1.0 for d in days])
    engaged = 1 / (1 + np.exp(-(0.6 + 1.3 * health)))
    prop = np.array([p.propensity for p in people])
    day_ord = np.array([d.toordinal() for d in days])
    joined = day_ord[:, None] >= np.array([p.joined.toordinal() for p in people])[None, :]
    seat_rank = np.arange(len(people))[None, :] < seats[:, None]  # unlicensed people stay out
    p_active = np.clip(
        0.62 * engaged[:, None] * ramp[:, None] * weekday[:, None] * prop[None, :], 0, 0.95
    )
    active = (rng.random(p_active.shape) < p_active) & joined & seat_rank
    d_idx, c_idx = np.nonzero(active)
    depth = 1 / (1 + np.exp(-(0.4 + 1.1 * health[d_idx])))
    allowed = np.array([_allowed(f[4], life.plan.key) for f in catalog.FEATURES[1:]])
    uses = rng.random((len(d_idx), len(FEATURE_RATES))) < (
        FEATURE_RATES[None, :] * depth[:, None] * 2.2
    )
    uses &= allowed[None, :]
    counts = 1 + rng.poisson(0.7, size=uses.shape)
    logins = 1 + rng.poisson(0.8, size=len(d_idx))
    rows: list[tuple[int, str, dt.date, int]] = []
    for k in range(len(d_idx)):
        day, person = days[d_idx[k]], people[c_idx[k]]
        rows.append((person.contact_id, "login", day, int(logins[k])))
        for f in np.nonzero(uses[k])[0]:
            rows.append((person.contact_id, catalog.FEATURES[f + 1][0], day, int(counts[k, f])))
    return rows


def _allowed(plans: str, plan: str) -> bool:
    return not plans or plan in plans.split(",")


def tickets(
    life: Life,
    days: list[dt.date],
    rng: np.random.Generator,
    treated_from: dt.date | None,
    end: dt.date,
) -> list[dict[str, object]]:
    """Support tickets: more, and more urgent, when health is low; 20% fewer with the chatbot."""
    out: list[dict[str, object]] = []
    for day in days:
        h = life.health_on(day)
        rate = 0.0025 * max(1, life.seats_on(day)) ** 0.8 * (1 + 1.4 * max(0.0, -h))
        if treated_from is not None and day >= treated_from:
            rate *= 0.8  # the planted chatbot effect
        for _ in range(rng.poisson(rate)):
            out.append(_ticket(day, h, rng, end))
    return out


def _ticket(day: dt.date, h: float, rng: np.random.Generator, end: dt.date) -> dict[str, object]:
    subject, body, kind = catalog.TICKET_TOPICS[int(rng.integers(len(catalog.TICKET_TOPICS)))]
    urgent = kind == "outage" or rng.random() < 0.05 + 0.18 * max(0.0, -h)
    priority = "urgent" if urgent else str(rng.choice(["low", "normal", "normal", "high"]))
    opened = at(day, float(rng.uniform(7, 19)))
    first = opened + dt.timedelta(hours=float(rng.lognormal(1.0, 0.9)))
    resolve_h = float(rng.lognormal(2.8 + 0.5 * max(0.0, -h), 0.9))
    resolved = opened + dt.timedelta(hours=resolve_h)
    done = resolved.date() <= end
    sat = None
    if done and rng.random() < 0.45:
        sat = int(np.clip(round(4.0 + 0.7 * h + rng.normal(0, 0.8) - resolve_h / 200), 1, 5))
    return {
        "opened": opened,
        "first": first if first.date() <= end else None,
        "resolved": resolved if done else None,
        "priority": priority,
        "status": ("closed" if rng.random() < 0.5 else "solved") if done else "open",
        "subject": subject,
        "body": body.format(who="Nobody on the team"),
        "satisfaction": sat,
    }


def conversations(
    life: Life, days: list[dt.date], rng: np.random.Generator, end: dt.date
) -> list[dict[str, object]]:
    """CSM outreach (answered or not), customer messages whose tone follows health, calls,
    meetings and QBRs."""
    out: list[dict[str, object]] = []
    by_month: dict[dt.date, list[dt.date]] = {}
    for d in days:
        by_month.setdefault(d.replace(day=1), []).append(d)
    for month, in_month in sorted(by_month.items()):
        h = life.health_on(in_month[len(in_month) // 2])
        for _ in range(rng.poisson(1.6)):
            out.append(_outreach(life, in_month, rng, end))
        for _ in range(rng.poisson(0.7 + 0.5 * max(0.0, -h))):
            out.append(_message(life, in_month, rng))
        if rng.random() < 0.35 + 0.15 * h:
            out.append(_meeting(life, in_month, rng, "call" if rng.random() < 0.5 else "meeting"))
        if life.plan.key != "starter" and month.month % 3 == 1 and rng.random() < 0.6 + 0.2 * h:
            out.append(_meeting(life, in_month, rng, "qbr"))
    return out


def _pick(days: list[dt.date], rng: np.random.Generator) -> dt.date:
    return days[int(rng.integers(len(days)))]


def _outreach(
    life: Life, days: list[dt.date], rng: np.random.Generator, end: dt.date
) -> dict[str, object]:
    day = _pick(days, rng)
    h = life.health_on(day)
    subject, text = catalog.OUTREACH[int(rng.integers(len(catalog.OUTREACH)))]
    sent = at(day, float(rng.uniform(8, 17)))
    replied = None
    if rng.random() < sigmoid(0.9 + 1.6 * h):
        reply = sent + dt.timedelta(hours=float(rng.lognormal(2.2 - 0.4 * h, 0.9)))
        replied = reply if reply.date() <= end else None
    return {
        "kind": "email",
        "direction": "outbound",
        "at": sent,
        "replied": replied,
        "subject": subject,
        "text": text,
    }


def _message(life: Life, days: list[dt.date], rng: np.random.Generator) -> dict[str, object]:
    day = _pick(days, rng)
    h = life.health_on(day) + float(rng.normal(0, 0.5))
    pool = catalog.NEGATIVE if h < -0.6 else catalog.POSITIVE if h > 0.7 else catalog.NEUTRAL
    text = pool[int(rng.integers(len(pool)))]
    kind = "chat" if rng.random() < 0.3 else "email"
    return {
        "kind": kind,
        "direction": "inbound",
        "at": at(day, float(rng.uniform(8, 18))),
        "replied": None,
        "subject": text.split(",")[0][:60],
        "text": text,
    }


def _meeting(
    life: Life, days: list[dt.date], rng: np.random.Generator, kind: str
) -> dict[str, object]:
    day = _pick(days, rng)
    h = life.health_on(day)
    notes = catalog.MEETING_NOTES
    idx = 2 if h < -0.6 else 3 if (kind == "qbr" and h > 0) else int(rng.integers(len(notes)))
    subject = {
        "call": "Check-in call",
        "meeting": "Working session",
        "qbr": "Quarterly business review",
    }
    return {
        "kind": kind,
        "direction": "outbound",
        "at": at(day, float(rng.uniform(9, 16))),
        "replied": None,
        "subject": subject[kind],
        "text": notes[idx],
    }


def nps_score(h: float, rng: np.random.Generator) -> int:
    """An NPS answer that follows health."""
    return int(np.clip(round(7.6 + 1.9 * h + rng.normal(0, 1.3)), 0, 10))


def nps_comment(score: int) -> str:
    """The comment that goes with an NPS answer."""
    band = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    options = catalog.NPS_COMMENTS[band]
    return options[score % len(options)]


def milestone_days(life: Life, rng: np.random.Generator) -> list[int | None]:
    """Days after contract start each onboarding milestone is reached (None: never)."""
    out: list[int | None] = []
    h = life.base_health
    speed = math.exp(float(rng.normal(-0.25 * h, 0.35)))
    for _, _, target, _, _ in catalog.MILESTONES:
        if rng.random() < sigmoid(-2.8 - 1.3 * h):
            out.append(None)
        else:
            out.append(max(1, round(target * speed * float(rng.uniform(0.7, 1.2)))))
    return out
