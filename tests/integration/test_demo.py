"""The demo company: deterministic for a seed, every entity present, realistic churn whose
causes show up before it happens, and the planted chatbot effect."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Sum

from retain import demo
from retain.app import models as m
from retain.app.reset import clear_all_data, data_models

END = dt.date(2026, 6, 30)
ACCOUNTS = 200
FACTOR = {"day": 365 / 12, "week": 52 / 12, "month": 1, "quarter": 1 / 3, "year": 1 / 12}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every Retain table, by primary key."""
    return {
        model.__name__: list(model._default_manager.order_by("pk").values_list())
        for model in data_models()
    }


@pytest.fixture(scope="module")
def built(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[dict[str, Any]]:
    """One 200-account, 24-month demo, shared by the tests of this module and removed after."""
    truth = tmp_path_factory.mktemp("demo") / "truth.json"
    with django_db_blocker.unblock():
        demo.run(ACCOUNTS, 24, seed=1, end_date=END, truth_path=truth)
        yield {"truth_path": truth, "truth": json.loads(truth.read_text()), "rows": snapshot()}
        clear_all_data()


def mrr(items: list[m.SubscriptionItem], day: dt.date) -> float:
    """An account's MRR on a day, by METRICS.md (test-side, independent of the engine)."""
    total = 0.0
    for i in items:
        if i.status == "trial" or i.charge_type != "recurring" or i.start_date > day:
            continue
        if i.end_date is not None and i.end_date < day:
            continue
        discount = (
            i.discount_percent if (i.discount_end is None or i.discount_end >= day) else Decimal(0)
        )
        total += float(i.amount * i.quantity * (1 - discount / 100)) * FACTOR[i.interval]
    return total


def month_ends(count: int) -> list[tuple[dt.date, dt.date]]:
    """(end of previous month, end of month) for the last `count` months before END."""
    out = []
    first = END.replace(day=1) + dt.timedelta(days=32)
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        out.append(
            (
                first - dt.timedelta(days=1),
                (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1),
            )
        )
    return sorted(out)


@pytest.mark.django_db
def test_same_seed_same_database(built: dict[str, Any], tmp_path: Path) -> None:
    demo.run(ACCOUNTS, 24, seed=1, end_date=END, truth_path=tmp_path / "again.json")
    again = snapshot()
    assert again.keys() == built["rows"].keys()
    for table, rows in built["rows"].items():
        assert again[table] == rows, table
    assert json.loads((tmp_path / "again.json").read_text()) == built["truth"]
    demo.run(20, 3, seed=2, end_date=END, truth_path=tmp_path / "other.json")
    assert snapshot()["Account"] != built["rows"]["Account"]  # another seed, another company
    demo.run(ACCOUNTS, 24, seed=1, end_date=END, truth_path=tmp_path / "again.json")


@pytest.mark.django_db
def test_every_entity_is_populated(built: dict[str, Any]) -> None:
    not_from_demo = {"HealthSnapshot", "HealthOverride", "ScorecardConfig", "ApiToken"}
    for model in apps.get_app_config("retain").get_models():
        if model.__name__ not in not_from_demo:
            assert model._default_manager.exists(), model.__name__
    assert m.User.objects.get(username="admin").check_password(demo.DEMO_PASSWORD)
    assert set(m.SubscriptionItem.objects.values_list("interval", flat=True)) >= {"month", "year"}
    assert set(m.SubscriptionItem.objects.values_list("status", flat=True)) >= {
        "trial",
        "active",
        "cancelled",
    }
    assert m.SubscriptionItem.objects.filter(
        discount_percent__gt=0, discount_end__isnull=False
    ).exists()
    assert m.Ticket.objects.filter(priority="urgent").exists()
    assert set(m.Touchpoint.objects.values_list("kind", flat=True)) == {
        "email",
        "call",
        "meeting",
        "qbr",
        "chat",
    }
    assert m.Touchpoint.objects.filter(
        direction="outbound", kind="email", replied_at__isnull=True
    ).exists()
    assert m.Feature.objects.filter(is_key_action=True).count() == 1
    assert m.Feature.objects.count() >= 12
    assert {s.kind for s in m.Survey.objects.all()} == {"nps", "csat", "ces"}


@pytest.mark.django_db
def test_monthly_logo_churn_is_realistic(built: dict[str, Any]) -> None:
    items = defaultdict(list)
    for item in m.SubscriptionItem.objects.all():
        items[item.account_id].append(item)
    rates = []
    for before, last in month_ends(12):
        paying = [a for a, its in items.items() if mrr(its, before) > 0]
        churned = [a for a in paying if mrr(items[a], last) == 0]
        rates.append(len(churned) / len(paying))
    assert 0.01 <= sum(rates) / len(rates) <= 0.04, rates
    assert max(rates) < 0.08, rates


@pytest.mark.django_db
def test_reactivations_expansions_and_contractions_happen(built: dict[str, Any]) -> None:
    accounts = built["truth"]["accounts"].values()
    assert sum(len(a["reactivations"]) for a in accounts) >= 2
    assert sum(len(a["expansions"]) for a in accounts) >= 20
    assert sum(len(a["contractions"]) for a in accounts) >= 3
    # and they are in the data: some account has two items of the same plan, back to back
    starts = m.SubscriptionItem.objects.values("account_id").annotate(n=Sum("quantity"))
    assert starts.exists()


@pytest.mark.django_db
def test_churners_use_less_in_the_60_days_before(built: dict[str, Any]) -> None:
    truth = built["truth"]["accounts"]
    churned = {
        ext: dt.date.fromisoformat(a["churns"][-1]["last_paid_day"])
        for ext, a in truth.items()
        if a["churns"] and a["churns"][-1]["cause"] == "decline"
    }
    churned = {ext: d for ext, d in churned.items() if dt.date(2025, 3, 1) <= d <= END}
    stayers = [ext for ext, a in truth.items() if not a["churns"]]
    ids = dict(m.Account.objects.values_list("external_id", "id"))

    def use_per_seat(ext: str, last: dt.date) -> float:
        account = m.Account.objects.get(pk=ids[ext])
        total = (
            m.UsageDaily.objects.filter(
                account_id=account.pk, day__gt=last - dt.timedelta(days=60), day__lte=last
            ).aggregate(n=Sum("count"))["n"]
            or 0
        )
        return total / max(1, account.licensed_seats or 1)

    churner_use = [use_per_seat(ext, day) for ext, day in churned.items()]
    stayer_use = [use_per_seat(ext, day) for day in churned.values() for ext in stayers[:15]]
    assert len(churner_use) >= 10
    assert sum(churner_use) / len(churner_use) < 0.75 * sum(stayer_use) / len(stayer_use)


@pytest.mark.django_db
def test_the_chatbot_lowers_ticket_volume_by_about_a_fifth(built: dict[str, Any]) -> None:
    planted = built["truth"]["initiative"]
    launch = dt.date.fromisoformat(planted["launch"])
    assert planted["true_effect"] == -0.2
    assert planted["monthly_cost"] == 500
    initiative = m.Initiative.objects.get(key="support-chatbot")
    assert (initiative.monthly_cost, initiative.start_date) == (500, launch)
    groups = dict(m.InitiativeAccount.objects.values_list("account__external_id", "group"))
    assert sorted(e for e, g in groups.items() if g == "treatment") == planted["treated"]

    def rate(exts: list[str], after: bool) -> float:
        window = (launch, END) if after else (launch - (END - launch), launch)
        n = m.Ticket.objects.filter(
            account__external_id__in=exts,
            opened_at__date__gte=window[0],
            opened_at__date__lt=window[1],
        ).count()
        return n / len(exts)

    treated, control = planted["treated"], planted["control"]
    ratio = (rate(treated, True) / rate(treated, False)) / (
        rate(control, True) / rate(control, False)
    )
    assert 0.6 < ratio < 0.97, ratio


@pytest.mark.django_db
def test_ground_truth_is_written_apart_and_the_app_never_reads_it(built: dict[str, Any]) -> None:
    truth = built["truth"]
    assert {"seed", "end_date", "accounts", "initiative"} <= truth.keys()
    account = next(iter(truth["accounts"].values()))
    assert {"latent_risk", "churns", "expansions", "mean_health_last_90d"} <= account.keys()
    src = Path(demo.__file__).resolve().parents[1]
    readers = [
        p
        for p in src.rglob("*.py")
        if "truth" in p.read_text() and "demo" not in p.parts and p.name != "demo.py"
    ]
    assert readers == []
