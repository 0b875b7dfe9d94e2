"""An account's survey rows: relationship NPS, and CSAT and CES after resolved tickets.

Survey ids follow `company._catalogue`: 1 is the NPS, 2 the support CSAT, 3 the CES.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from retain.demo import behaviour, catalog
from retain.demo.clock import at, month_start
from retain.demo.lives import Life, sigmoid
from retain.demo.rows import Rows
from retain.demo.rows.conversations import Ticket

NPS, CSAT, CES = 1, 2, 3


def nps(
    rows: Rows,
    life: Life,
    account_id: int,
    people: list[behaviour.Person],
    days: list[dt.date],
    rng: np.random.Generator,
    end: dt.date,
) -> None:
    """Relationship NPS to the first two contacts; healthier accounts answer more often."""
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
                    external_id=f"inv-{account_id}-{n}",
                    survey_id=NPS,
                    account_id=account_id,
                    contact_id=person.contact_id,
                    sent_at=sent,
                    channel="email",
                )
                h = life.health_on(sent.date())
                if rng.random() < sigmoid(0.1 + 0.7 * h) and sent.date() < end:
                    score = behaviour.nps_score(h, rng)
                    answered = min(sent + dt.timedelta(hours=float(rng.uniform(1, 96))), at(end, 0))
                    rows.add(
                        "retain_survey_response",
                        external_id=f"resp-{account_id}-{n}",
                        survey_id=NPS,
                        account_id=account_id,
                        contact_id=person.contact_id,
                        invitation_id=inv,
                        score=score,
                        comment=behaviour.nps_comment(score),
                        answered_at=answered,
                        channel="email",
                    )
        month = month_start(month, 1)


def csat(
    rows: Rows,
    life: Life,
    account_id: int,
    tickets: list[Ticket],
    rng: np.random.Generator,
    end: dt.date,
) -> None:
    """CSAT (and sometimes CES) after resolved tickets, from the ticket's own contact."""
    for ticket in tickets:
        if ticket.resolved_at is not None and rng.random() < 0.15:
            _ces_after(rows, life, account_id, ticket, ticket.resolved_at, rng, end)
        if ticket.resolved_at is None or rng.random() > 0.4:
            continue
        sent = ticket.resolved_at + dt.timedelta(hours=1)
        if sent.date() > end:
            continue
        inv = rows.add(
            "retain_survey_invitation",
            external_id=f"inv-csat-{ticket.external_id}",
            survey_id=CSAT,
            account_id=account_id,
            contact_id=ticket.contact_id,
            sent_at=sent,
            channel="email",
        )
        if rng.random() < 0.55:
            h = life.health_on(sent.date())
            score = int(np.clip(round(4.1 + 0.7 * h + rng.normal(0, 0.8)), 1, 5))
            comments = catalog.CSAT_COMMENTS["good" if score >= 4 else "bad"]
            answered = min(sent + dt.timedelta(hours=float(rng.uniform(0.5, 30))), at(end, 0))
            rows.add(
                "retain_survey_response",
                external_id=f"resp-csat-{ticket.external_id}",
                survey_id=CSAT,
                account_id=account_id,
                contact_id=ticket.contact_id,
                invitation_id=inv,
                score=score,
                comment=comments[score % 2],
                answered_at=max(answered, sent),
                channel="email",
            )


def _ces_after(
    rows: Rows,
    life: Life,
    account_id: int,
    ticket: Ticket,
    resolved: dt.datetime,
    rng: np.random.Generator,
    end: dt.date,
) -> None:
    """CES 2.0 after a resolved ticket: "Northwind made it easy to handle my issue"."""
    sent = resolved + dt.timedelta(hours=2)
    if sent.date() > end:
        return
    inv = rows.add(
        "retain_survey_invitation",
        external_id=f"inv-ces-{ticket.external_id}",
        survey_id=CES,
        account_id=account_id,
        contact_id=ticket.contact_id,
        sent_at=sent,
        channel="email",
    )
    if rng.random() < 0.5:
        h = life.health_on(sent.date())
        score = int(np.clip(round(5.0 + 0.9 * h + rng.normal(0, 1.0)), 1, 7))
        answered = min(sent + dt.timedelta(hours=float(rng.uniform(0.5, 30))), at(end, 0))
        rows.add(
            "retain_survey_response",
            external_id=f"resp-ces-{ticket.external_id}",
            survey_id=CES,
            account_id=account_id,
            contact_id=ticket.contact_id,
            invitation_id=inv,
            score=score,
            comment="",
            answered_at=max(answered, sent),
            channel="email",
        )
