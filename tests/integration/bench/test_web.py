"""`retain bench web` on a small synthetic store (figures are reported, never judged here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RETAIN_DATABASE_URL"}
    env["COLUMNS"] = "200"  # a wide Rich table, one row per line
    cmd = [sys.executable, "-m", "retain.cli", "bench", "web", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_bench_web_reports_both_pages_and_a_baseline(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    small = ["--accounts", "60", "--requests", "10", "--days", "8", "--database", url]

    run = _bench(*small, "--format", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["accounts"] == 60
    assert report["vendor"] == "sqlite"
    assert report["errors"] == []
    assert set(report["pages"]) == {"accounts_list", "account_360"}
    for figures in report["pages"].values():
        assert figures["requests"] == 10
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
        assert figures["p50_over_baseline"] > 0
    assert report["baseline"]["path"] == "/healthz"
    assert report["baseline"]["p50_ms"] > 0

    refused = _bench(*small)
    assert refused.returncode == 1
    assert "already holds 60 accounts" in refused.stderr
    assert "--reset" in refused.stderr

    again = _bench(*small, "--reset")
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    header = next(line for line in lines if "p50 ms" in line)
    assert "p95 ms" in header
    assert "p50 / baseline" in header
    for page in ("accounts_list", "account_360", "/healthz (baseline)"):
        assert any(page in line for line in lines), again.stdout


def test_bench_web_refuses_a_bad_format(tmp_path: Path) -> None:
    run = _bench("--format", "xml", "--database", f"sqlite:///{tmp_path / 'b.sqlite3'}")
    assert run.returncode == 2
    assert "table or json" in run.stderr
