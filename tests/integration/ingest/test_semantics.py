"""identify, group and track semantics; late attribution; dedupe; quarantine replay."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from retain.app import models as m
from retain.cli.main import app

from .conftest import post

pytestmark = pytest.mark.django_db


def msg(kind: str, mid: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "messageId": mid, "timestamp": "2026-03-01T23:30:00+01:00"} | fields


def rollups() -> dict[tuple[str, str, str, str], int]:
    return {
        (u.account.external_id, u.contact.external_id, u.event_name, str(u.day)): u.count
        for u in m.UsageDaily.objects.select_related("account", "contact")
    }


def snapshot() -> tuple[Any, ...]:
    return (
        sorted(m.Event.objects.values_list("message_id", "account_id", "contact_id")),
        rollups(),
        sorted(m.Contact.objects.values_list("external_id", "account_id", "name", "email")),
        sorted(m.Account.objects.values_list("external_id", "name")),
        m.QuarantinedMessage.objects.count(),
    )


def test_identify_group_track_then_late_attribution(write_key: str) -> None:
    early = [
        msg("track", "t1", userId="ann", event="report_created"),
        msg("track", "t2", userId="ann", event="report_created"),
        msg("page", "p1", userId="ann", name="Home"),
    ]
    assert post(Client(), "/v1/batch", {"batch": early}, write_key)[0] == 200
    assert m.Event.objects.filter(account__isnull=True).count() == 3  # kept, not attributed
    assert not m.UsageDaily.objects.exists()

    identify = msg("identify", "i1", userId="ann", traits={"name": "Ann", "email": "a@x.io"})
    assert post(Client(), "/v1/identify", identify, write_key)[0] == 200
    ann = m.Contact.objects.get(external_id="ann")
    assert (ann.name, ann.email, ann.traits["email"]) == ("Ann", "a@x.io", "a@x.io")
    assert m.Event.objects.filter(contact=ann).count() == 4
    assert not m.UsageDaily.objects.exists()  # no account yet

    group = msg("group", "g1", userId="ann", groupId="acme", traits={"name": "Acme", "seats": 40})
    assert post(Client(), "/v1/group", group, write_key)[0] == 200
    acme = m.Account.objects.get(external_id="acme")
    assert (acme.name, acme.custom_attributes) == ("Acme", {"name": "Acme", "seats": 40})
    assert m.Contact.objects.get(external_id="ann").account == acme
    assert m.Event.objects.filter(account=acme).count() == 5
    # 2026-03-01T23:30+01:00 is 22:30 UTC: the UTC day is March 1st
    assert rollups() == {("acme", "ann", "report_created", "2026-03-01"): 2}

    later = msg("track", "t3", userId="ann", event="report_created")
    assert post(Client(), "/v1/track", later, write_key)[0] == 200
    assert m.Event.objects.get(message_id="t3").account == acme
    assert rollups() == {("acme", "ann", "report_created", "2026-03-01"): 3}


def test_group_traits_merge(write_key: str) -> None:
    first = msg("group", "g1", userId="ann", groupId="acme", traits={"plan": "pro", "a": 1})
    second = msg("group", "g2", anonymousId="x", groupId="acme", traits={"a": 2, "b": 3})
    post(Client(), "/v1/batch", {"batch": [first, second]}, write_key)
    acme = m.Account.objects.get(external_id="acme")
    assert acme.custom_attributes == {"plan": "pro", "a": 2, "b": 3}
    assert (acme.plan, acme.name) == ("pro", "acme")


def test_retried_batch_changes_nothing(write_key: str) -> None:
    batch = [
        msg("identify", "i1", userId="bob", traits={"name": "Bob"}),
        msg("group", "g1", userId="bob", groupId="beta"),
        *(msg("track", f"t{i}", userId="bob", event="export_run") for i in range(5)),
        msg("track", "t0", userId="bob", event="export_run"),  # a duplicate inside the batch
    ]
    status, body = post(Client(), "/v1/batch", {"batch": batch}, write_key)
    assert (status, body["duplicates"]) == (200, 1)
    before = snapshot()
    assert before[1] == {("beta", "bob", "export_run", "2026-03-01"): 5}
    status, body = post(Client(), "/v1/batch", {"batch": batch}, write_key)
    assert (status, body["duplicates"]) == (200, len(batch))
    assert snapshot() == before


def test_clock_skew_correction(write_key: str) -> None:
    body = {
        "batch": [msg("track", "t1", userId="u", event="e", timestamp="2026-03-01T10:00:00Z")],
        "sentAt": "2026-03-01T10:05:00Z",
    }
    before = dt.datetime.now(dt.UTC)
    post(Client(), "/v1/batch", body, write_key)
    event = m.Event.objects.get()
    skew = event.received_at - dt.datetime(2026, 3, 1, 10, 5, tzinfo=dt.UTC)
    assert event.timestamp == dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC) + skew
    assert event.received_at >= before


def test_fix_and_replay_from_the_cli(write_key: str) -> None:
    bad = msg("track", "t9", userId="u", event="e", timestamp="31/12/2026")
    post(Client(), "/v1/batch", {"batch": [bad]}, write_key)
    kept = m.QuarantinedMessage.objects.get()
    runner = CliRunner()
    result = runner.invoke(app, ["replay", "--id", str(kept.id)])
    assert result.exit_code == 1
    assert "still rejected" in result.output
    kept.payload = json.dumps(bad | {"timestamp": "2026-01-31T00:00:00Z"})
    kept.save()
    result = runner.invoke(app, ["replay", "--all"])
    assert result.exit_code == 0, result.output
    kept.refresh_from_db()
    assert (kept.status, kept.replayed_at is not None) == ("replayed", True)
    assert m.Event.objects.get(message_id="t9").timestamp.year == 2026
    assert runner.invoke(app, ["replay", "--all"]).output.count("replayed") == 1  # none left


def test_replay_of_an_unreadable_body_splits_it(write_key: str) -> None:
    post(Client(), "/v1/batch", b'{"batch": [{"type": "track"}, ]}', write_key)
    kept = m.QuarantinedMessage.objects.get()
    kept.payload = json.dumps(
        {"batch": [msg("track", "ok", userId="u", event="e"), {"type": "track"}]}
    )
    kept.save()
    result = CliRunner().invoke(app, ["replay", "--id", str(kept.id)])
    assert result.exit_code == 0, result.output
    assert m.Event.objects.filter(message_id="ok").exists()
    again = m.QuarantinedMessage.objects.get(status="pending")
    assert again.index == 1
    assert {"loc": ["batch", 1, "userId"], "msg": "a userId or an anonymousId is required"} in (
        again.reasons
    )


def test_sources_cli(db: None) -> None:
    runner = CliRunner()
    created = runner.invoke(app, ["sources", "create", "web"])
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    assert key.startswith("rk_")
    source = m.Source.objects.get(name="web")
    assert key not in (source.key_hash, source.key_prefix)
    assert runner.invoke(app, ["sources", "create", "web"]).exit_code == 1
    assert "web" in runner.invoke(app, ["sources", "list"]).output
    browser = runner.invoke(app, ["sources", "create", "browser", "--calls", "track, page"])
    assert browser.exit_code == 0, browser.output
    assert m.Source.objects.get(name="browser").calls == ("track", "page")
    assert "track, page" in runner.invoke(app, ["sources", "list"]).output
    refused = runner.invoke(app, ["sources", "create", "other", "--calls", "alias"])
    assert refused.exit_code == 1
    assert "unknown call type 'alias'" in refused.output
    assert runner.invoke(app, ["sources", "revoke", "web"]).exit_code == 0
    assert m.Source.objects.get(name="web").revoked
    assert post(Client(), "/v1/batch", {"batch": []}, key)[0] == 401


def test_quarantine_in_the_admin(write_key: str) -> None:
    post(Client(), "/v1/batch", {"batch": [msg("track", "t1", event="e")]}, write_key)
    admin = m.User.objects.create_superuser("root", "r@example.com", "pw-for-tests-only")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/retain/quarantinedmessage/").content.decode()
    assert "batch.0.userId: a userId or an anonymousId is required" in page
    kept = m.QuarantinedMessage.objects.get()
    detail = client.get(f"/admin/retain/quarantinedmessage/{kept.id}/change/").content.decode()
    assert "a userId or an anonymousId is required" in detail
