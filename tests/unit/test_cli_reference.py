"""docs/cli.md is generated from the commands; this fails when someone forgets `make docs`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from retain.cli.main import app
from retain.cli.reference import render, render_imports, render_metrics

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
METRICS_DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_cli_docs_are_current() -> None:
    assert DOCS.read_text() == render(app), "docs/cli.md is stale: run `make docs`"


def test_every_command_has_help() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("init", "demo", "import", "export", "serve", "createuser", "settings"):
        assert name in result.output
        sub = runner.invoke(app, [name, "--help"])
        assert sub.exit_code == 0, sub.output
        assert "Usage" in sub.output


def test_metrics_docs_are_current() -> None:
    assert METRICS_DOC.read_text() == render_metrics(), "docs/metrics.md is stale: run `make docs`"


def test_every_metric_is_documented_with_a_definition() -> None:
    from retain.core import metrics as m

    text = METRICS_DOC.read_text()
    for metric in m.all_metrics():
        assert metric.definition, metric.name
        assert f"`{metric.name}`" in text


def test_import_docs_are_current_and_every_kind_has_an_example() -> None:
    root = Path(__file__).resolve().parents[2]
    assert (root / "docs" / "imports.md").read_text() == render_imports(), "run `make docs`"
    from retain.imports.kinds import KINDS

    for kind in KINDS:
        assert (root / "examples" / "import" / f"{kind.name}.csv").is_file(), kind.name
