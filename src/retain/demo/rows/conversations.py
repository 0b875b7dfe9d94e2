"""An account's conversation rows: support tickets and touchpoints (emails, chats, calls)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple, cast

import numpy as np

from retain.core.text import tone
from retain.demo import behaviour
from retain.demo.lives import Life
from retain.demo.rows import Rows


class Ticket(NamedTuple):
    """What the surveys after a ticket need to know of it."""

    external_id: str
    contact_id: int
    resolved_at: dt.datetime | None


def tickets(
    rows: Rows,
    life: Life,
    account_id: int,
    people: list[behaviour.Person],
    days: list[dt.date],
    rng: np.random.Generator,
    treated_from: dt.date | None,
    end: dt.date,
) -> list[Ticket]:
    """The account's tickets, written and returned (for CSAT surveys)."""
    written = []
    for n, t in enumerate(behaviour.tickets(life, days, rng, treated_from, end)):
        who = people[int(rng.integers(len(people)))].contact_id
        ext = f"ticket-{account_id}-{n + 1}"
        rows.add(
            "retain_ticket",
            external_id=ext,
            account_id=account_id,
            contact_id=who,
            opened_at=t["opened"],
            first_response_at=t["first"],
            resolved_at=t["resolved"],
            priority=t["priority"],
            status=t["status"],
            subject=t["subject"],
            body=t["body"],
            satisfaction=t["satisfaction"],
        )
        written.append(Ticket(ext, who, cast("dt.datetime | None", t["resolved"])))
    return written


_TONE: dict[str, float | None] = {}


def _tone(text: str) -> float | None:
    """Cached VADER tone: the demo's texts come from a small set of templates."""
    if text not in _TONE:
        _TONE[text] = tone(text)
    return _TONE[text]


def touchpoints(
    rows: Rows,
    life: Life,
    account_id: int,
    people: list[behaviour.Person],
    days: list[dt.date],
    rng: np.random.Generator,
    end: dt.date,
    csm: int,
) -> None:
    """The champion's conversations with the CSM; inbound texts carry their tone."""
    if not days:
        return
    champion = people[0]
    convo = sorted(behaviour.conversations(life, days, rng, end), key=lambda c: c["at"])  # type: ignore[arg-type, return-value]
    for n, c in enumerate(convo):
        text = str(c["text"]).format(name=champion.name.split()[0])
        inbound = c["direction"] == "inbound"
        rows.add(
            "retain_touchpoint",
            external_id=f"tp-{account_id}-{n + 1}",
            account_id=account_id,
            contact_id=champion.contact_id,
            user_id=None if inbound else csm,
            kind=c["kind"],
            direction=c["direction"],
            occurred_at=c["at"],
            replied_at=c["replied"],
            subject=c["subject"],
            text=text,
            sentiment=_tone(text) if inbound else None,
        )
