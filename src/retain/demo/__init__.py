"""The deterministic demo company: `retain demo`, tests and docs use it.

`run()` builds every table for a seed and end date, writes them in one transaction, and writes
the ground truth (latent risk, planted effects) to a separate JSON file the app never reads.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from retain.demo.company import DEMO_PASSWORD, build

__all__ = ["DEMO_PASSWORD", "DemoResult", "run"]


@dataclass(frozen=True)
class DemoResult:
    """What was built: rows per table and where the ground truth went."""

    counts: dict[str, int]
    truth_path: Path
    end_date: dt.date


def run(
    accounts: int = 500,
    months: int = 24,
    seed: int = 42,
    end_date: dt.date | None = None,
    truth_path: Path = Path("retain-demo-truth.json"),
    progress: Callable[[str, int], None] | None = None,
) -> DemoResult:
    """Build the demo into the configured database (replacing its data) and write the truth."""
    from retain.demo import writer

    if accounts < 1 or months < 1:
        raise ValueError("accounts and months must be at least 1")
    end = end_date or dt.date.today()
    demo = build(accounts, months, seed, end, writer.stage_ids())
    if progress:
        progress("simulated", sum(demo.rows.counts().values()))
    writer.write(demo.rows, progress)
    truth_path.write_text(json.dumps(demo.truth, indent=1, sort_keys=True) + "\n")
    return DemoResult(demo.rows.counts(), truth_path, end)
