"""The database itself refuses bad rows: constraints hold on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from retain.app import models as m

pytestmark = pytest.mark.django_db

UTC = dt.UTC
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def account() -> m.Account:
    return m.Account.objects.create(external_id="acc-1", name="Acme")


@pytest.fixture
def nps(account: m.Account) -> m.Survey:
    return m.Survey.objects.create(
        external_id="nps",
        kind="nps",
        name="NPS",
        question="How likely are you to recommend us?",
        scale_min=0,
        scale_max=10,
        aggregation="nps",
    )


def refused(make: Callable[[], object]) -> str:
    """Run `make` in a savepoint and return the database's complaint; fail if it was accepted."""
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        make()
    return str(info.value)


def sub(account: m.Account, **kw: object) -> m.SubscriptionItem:
    fields: dict[str, object] = {
        "external_id": "s1",
        "account": account,
        "plan": "growth",
        "amount": Decimal("100"),
        "start_date": dt.date(2026, 1, 1),
    }
    return m.SubscriptionItem.objects.create(**(fields | kw))


def test_external_ids_are_unique(account: m.Account) -> None:
    refused(lambda: m.Account.objects.create(external_id="acc-1", name="Other"))
    m.Contact.objects.create(external_id="u1", account=account)
    refused(lambda: m.Contact.objects.create(external_id="u1", account=account))


def test_amounts_are_never_negative(account: m.Account) -> None:
    sub(account)  # a valid row goes in
    refused(lambda: sub(account, external_id="s2", amount=Decimal("-1")))
    refused(
        lambda: m.Purchase.objects.create(
            external_id="p", account=account, purchased_at=dt.date(2026, 1, 1), amount=-5
        )
    )
    refused(
        lambda: m.Cost.objects.create(
            external_id="c",
            category="sales",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 1, 31),
            amount=-1,
        )
    )


def test_subscription_dates_and_choices(account: m.Account) -> None:
    refused(lambda: sub(account, end_date=dt.date(2025, 12, 31)))
    refused(lambda: sub(account, interval="fortnight"))
    refused(lambda: sub(account, discount_percent=Decimal("120")))
    assert sub(account, end_date=dt.date(2026, 1, 1)).pk  # same-day end is allowed


@pytest.mark.parametrize(
    ("kind", "lo", "hi", "ok", "bad"),
    [("nps", 0, 10, 10, 11), ("csat", 1, 5, 5, 0), ("ces", 1, 7, 7, 8), ("csat", 1, 10, 6, 11)],
)
def test_response_score_within_its_survey_scale(
    account: m.Account, kind: str, lo: int, hi: int, ok: int, bad: int
) -> None:
    survey = m.Survey.objects.create(
        external_id=f"{kind}-{hi}",
        kind=kind,
        name=kind,
        question="?",
        scale_min=lo,
        scale_max=hi,
        aggregation="mean",
    )

    def answer(score: int, ext: str) -> m.SurveyResponse:
        return m.SurveyResponse.objects.create(
            external_id=ext, survey=survey, account=account, score=score, answered_at=T0
        )

    good = answer(ok, "r-ok")
    message = refused(lambda: answer(bad, "r-bad"))
    assert "response_score_in_survey_scale" in message or "outside the survey scale" in message
    good.score = bad
    refused(good.save)  # an update is checked too


def test_survey_scale_change_cannot_strand_answers(account: m.Account, nps: m.Survey) -> None:
    m.SurveyResponse.objects.create(
        external_id="r", survey=nps, account=account, score=9, answered_at=T0
    )
    message = refused(lambda: m.Survey.objects.filter(pk=nps.pk).update(kind="csat", scale_max=5))
    assert "response_score_in_survey_scale" in message or "exclude existing responses" in message


def test_survey_definitions_are_consistent() -> None:
    def survey(**kw: object) -> m.Survey:
        base: dict[str, object] = {
            "external_id": "s",
            "kind": "csat",
            "name": "s",
            "question": "?",
            "scale_min": 1,
            "scale_max": 5,
            "aggregation": "top_box",
        }
        return m.Survey.objects.create(**(base | kw))

    refused(lambda: survey(scale_min=5, scale_max=1))
    refused(lambda: survey(kind="nps", scale_min=1, scale_max=5, aggregation="nps"))
    refused(lambda: survey(positive_threshold=6))
    assert survey(positive_threshold=4).pk


def test_ticket_and_touchpoint_checks(account: m.Account) -> None:
    def ticket(**kw: object) -> m.Ticket:
        base: dict[str, object] = {
            "external_id": "t",
            "account": account,
            "opened_at": T0,
            "subject": "Export fails",
        }
        return m.Ticket.objects.create(**(base | kw))

    refused(lambda: ticket(resolved_at=T0 - dt.timedelta(hours=1)))
    refused(lambda: ticket(satisfaction=6))
    refused(lambda: ticket(priority="blocker"))
    refused(
        lambda: m.Touchpoint.objects.create(
            external_id="tp",
            account=account,
            kind="email",
            direction="outbound",
            occurred_at=T0,
            sentiment=1.5,
        )
    )


def test_usage_rollup_unique_and_positive(account: m.Account) -> None:
    contact = m.Contact.objects.create(external_id="u1", account=account)
    day = dt.date(2026, 1, 5)

    def rollup(count: int) -> m.UsageDaily:
        return m.UsageDaily.objects.create(
            account=account, contact=contact, event_name="report_created", day=day, count=count
        )

    refused(lambda: rollup(0))
    rollup(3)
    refused(lambda: rollup(1))


def test_events_deduplicate_by_message_id(account: m.Account) -> None:
    def event(mid: str, **kw: object) -> m.Event:
        base: dict[str, object] = {"message_id": mid, "user_id": "u1", "timestamp": T0}
        return m.Event.objects.create(**(base | kw))

    event("m1")
    refused(lambda: event("m1"))
    refused(lambda: event("m2", user_id=""))  # neither userId nor anonymousId


def test_health_snapshot_ranges(account: m.Account) -> None:
    config = m.ScorecardConfig.objects.create(version=1, name="Default", config={})

    def snap(day: int, **kw: object) -> m.HealthSnapshot:
        base: dict[str, object] = {
            "account": account,
            "date": dt.date(2026, 1, day),
            "score": 50.0,
            "band": "yellow",
            "config": config,
        }
        return m.HealthSnapshot.objects.create(**(base | kw))

    snap(1)
    refused(lambda: snap(1))
    refused(lambda: snap(2, score=101.0))
    refused(lambda: snap(3, risk_probability=1.2))
    refused(lambda: snap(4, band="blue"))


def test_task_done_needs_completion_time(account: m.Account) -> None:
    def task(**kw: object) -> m.Task:
        base: dict[str, object] = {
            "external_id": "k",
            "account": account,
            "title": "Call",
            "created_at": T0,
        }
        return m.Task.objects.create(**(base | kw))

    refused(lambda: task(status="done"))
    assert task(status="done", completed_at=T0).pk


def test_milestone_once_per_account(account: m.Account) -> None:
    template = m.MilestoneTemplate.objects.create(key="kickoff", name="Kickoff", target_days=7)
    m.AccountMilestone.objects.create(external_id="a", account=account, template=template)
    refused(
        lambda: m.AccountMilestone.objects.create(
            external_id="b", account=account, template=template
        )
    )


def test_role_and_override_checks(account: m.Account) -> None:
    refused(lambda: m.User.objects.create(username="x", role="superhero"))
    refused(
        lambda: m.HealthOverride.objects.create(
            account=account, score=80, band="green", reason="", expires_at=T0
        )
    )


def test_default_lifecycle_stages_exist() -> None:
    keys = list(m.LifecycleStage.objects.values_list("key", flat=True))
    assert keys == ["onboarding", "adoption", "value", "renewal", "expansion", "advocacy"]
