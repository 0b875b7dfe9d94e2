"""An account's success rows: onboarding milestones (with CES after go-live), tasks and notes."""

from __future__ import annotations

import datetime as dt

import numpy as np

from retain.demo import behaviour, catalog
from retain.demo.clock import at
from retain.demo.lives import Life
from retain.demo.rows import Rows
from retain.demo.rows.surveys import CES

TASK_TITLES = (
    "Follow up on usage drop",
    "Prepare QBR deck",
    "Renewal call",
    "Share training material",
)


def milestones(
    rows: Rows, life: Life, account_id: int, rng: np.random.Generator, start: dt.date, end: dt.date
) -> None:
    """The onboarding milestones, reached or not; a CES survey in the app after go-live."""
    if life.contract_start < start - dt.timedelta(days=120):
        reached: list[int | None] = [5] * len(catalog.MILESTONES)  # onboarded long ago
    else:
        reached = behaviour.milestone_days(life, rng)
    for n, ((key, _, target, live, _), days) in enumerate(
        zip(catalog.MILESTONES, reached, strict=True)
    ):
        done_day = life.contract_start + dt.timedelta(days=days) if days is not None else None
        rows.add(
            "retain_account_milestone",
            external_id=f"ms-{account_id}-{key}",
            account_id=account_id,
            template_id=n + 1,
            due_date=life.contract_start + dt.timedelta(days=target),
            completed_at=at(done_day, 14) if done_day and done_day <= end else None,
        )
        if live and done_day and done_day <= end and rng.random() < 0.5:
            _ces_after_go_live(rows, life, account_id, days or 0, done_day, rng)


def _ces_after_go_live(
    rows: Rows,
    life: Life,
    account_id: int,
    days: int,
    done_day: dt.date,
    rng: np.random.Generator,
) -> None:
    """CES 2.0 in the app on the go-live day; slower onboardings score lower."""
    sent = at(done_day, 16)
    inv = rows.add(
        "retain_survey_invitation",
        external_id=f"inv-ces-{account_id}",
        survey_id=CES,
        account_id=account_id,
        contact_id=None,
        sent_at=sent,
        channel="in_app",
    )
    if rng.random() < 0.6:
        mean = 5.2 - 0.06 * days + 0.9 * life.base_health
        score = int(np.clip(round(mean + rng.normal(0, 0.9)), 1, 7))
        rows.add(
            "retain_survey_response",
            external_id=f"resp-ces-{account_id}",
            survey_id=CES,
            account_id=account_id,
            contact_id=None,
            invitation_id=inv,
            score=score,
            comment="",
            answered_at=sent + dt.timedelta(minutes=5),
            channel="in_app",
        )


def work(
    rows: Rows, life: Life, account_id: int, csm: int, rng: np.random.Generator, end: dt.date
) -> None:
    """Tasks (open, overdue, done) and notes kept by the account's CSM."""
    for n in range(int(rng.integers(1, 4))):
        created = end - dt.timedelta(days=int(rng.integers(1, 90)))
        due = created + dt.timedelta(days=int(rng.integers(3, 30)))
        done = rng.random() < 0.5 and due < end
        rows.add(
            "retain_task",
            external_id=f"task-{account_id}-{n + 1}",
            account_id=account_id,
            owner_id=csm,
            kind="follow_up",
            title=TASK_TITLES[n % 4],
            description="",
            due_date=due,
            status="done" if done else "open",
            created_at=at(created),
            completed_at=at(due) if done else None,
            outcome="Done, customer informed." if done else "",
            playbook_id=None,
        )
    if rng.random() < 0.6:
        rows.add(
            "retain_note",
            external_id=f"note-{account_id}-1",
            account_id=account_id,
            author_id=csm,
            body="Champion is the main contact; prefers email. Budget review in Q4.",
            created_at=at(max(life.contract_start, end - dt.timedelta(days=200))),
        )
