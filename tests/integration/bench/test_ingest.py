"""`retain bench ingest` at a tiny size: it posts to a `retain serve` it starts itself, times a
direct insert of the same events, and deletes everything it wrote."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from retain.app import models as m
from retain.cli.main import app
from tests.conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_bench_ingest_runs_and_cleans_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETAIN_DATABASE_URL", database_url())  # the server it starts
    args = ["bench", "ingest", "--events", "120", "--clients", "2", "--batch", "25"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "HTTP, 2 clients," in result.output
    assert "direct bulk insert" in result.output
    assert "HTTP reaches" in result.output
    assert "of the direct insert" in result.output
    for model in (m.Event, m.UsageDaily, m.Contact, m.Account, m.Source):
        assert not model.objects.exists(), model
