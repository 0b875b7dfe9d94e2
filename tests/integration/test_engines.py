"""Engines read the app database through the table contracts and agree with each other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import connection

from retain import analytics
from retain.analytics import engines
from retain.app import models as m
from retain.app.reset import clear_all_data
from tests.conftest import database_url

UTC = dt.UTC
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def company() -> Iterator[None]:
    """Three customers with a churn, an expansion, usage, a ticket, a survey answer."""
    a, b, c = (
        m.Account.objects.create(external_id=f"a{i}", name=n, segment=s, licensed_seats=5)
        for i, (n, s) in enumerate([("Acme", "SMB"), ("Beta", "SMB"), ("Core", "Enterprise")])
    )

    def item(acc: m.Account, ext: str, amount: str, start: dt.date, **kw: object) -> None:
        m.SubscriptionItem.objects.create(
            external_id=ext,
            account=acc,
            plan="growth",
            amount=Decimal(amount),
            start_date=start,
            **kw,
        )

    item(a, "s1", "100", dt.date(2025, 1, 1), end_date=dt.date(2026, 1, 31))  # churns in February
    item(b, "s2", "100", dt.date(2025, 1, 1))
    item(b, "s3", "50.50", dt.date(2026, 2, 10))  # expansion in February
    item(c, "s4", "12000", dt.date(2025, 6, 1), interval="year")
    user = m.Contact.objects.create(
        external_id="u1", account=b, created_at=dt.datetime(2026, 2, 1, tzinfo=UTC)
    )
    m.UsageDaily.objects.create(
        account=b, contact=user, event_name="report_created", day=dt.date(2026, 2, 3), count=4
    )
    m.Feature.objects.create(
        event_name="report_created", name="Reports", is_key_feature=True, is_key_action=True
    )
    m.Ticket.objects.create(
        external_id="t1",
        account=b,
        opened_at=dt.datetime(2026, 2, 5, 9, tzinfo=UTC),
        resolved_at=dt.datetime(2026, 2, 5, 15, tzinfo=UTC),
        priority="urgent",
        subject="Export",
    )
    nps = m.Survey.objects.create(
        external_id="nps",
        kind="nps",
        name="NPS",
        question="?",
        scale_min=0,
        scale_max=10,
        aggregation="nps",
    )
    m.SurveyResponse.objects.create(
        external_id="r1",
        survey=nps,
        account=b,
        score=10,
        answered_at=dt.datetime(2026, 2, 8, tzinfo=UTC),
    )
    yield
    clear_all_data()


def _query() -> analytics.Query:
    return analytics.Query(as_of=dt.date(2026, 2, 28), start=dt.date(2026, 1, 1))


@pytest.mark.usefixtures("company")
def test_duckdb_engine_reads_the_store() -> None:
    with engines.connect(database_url(), "duckdb") as duck:
        values = analytics.compute(_query(), engine=duck)
        smb = analytics.Query(
            as_of=dt.date(2026, 2, 28), start=dt.date(2026, 2, 1), segment={"segment": "SMB"}
        )
        smb_mrr = analytics.compute(smb, ["mrr"], engine=duck)["mrr"]
    assert values["mrr"] == {"2026-01": 1200.0, "2026-02": 1150.5}  # 100 churned, 50.50 added
    assert values["churned_mrr"]["2026-02"] == 100.0
    assert values["expansion_mrr"]["2026-02"] == 50.5
    assert values["logo_churn_rate"]["2026-02"] == pytest.approx(1 / 3)
    assert values["nps"]["2026-02"] == 100.0
    assert values["active_users"]["2026-02"] == 1.0
    assert values["time_to_resolution_hours"]["2026-02"] == 6.0
    assert smb_mrr == {"2026-02": 150.5}


@pytest.mark.usefixtures("company")
def test_postgres_engine_agrees_with_duckdb() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the postgres engine needs the PostgreSQL store (runs in the PostgreSQL pass)")
    url = database_url()
    with engines.connect(url, "duckdb") as e1, engines.connect(url, "postgres") as e2:
        duck = analytics.compute(_query(), engine=e1)
        pg = analytics.compute(_query(), engine=e2)
    assert pg == duck
