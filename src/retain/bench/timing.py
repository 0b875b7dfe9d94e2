"""The timer of every `retain bench` command: wall and CPU seconds of one way of doing the work,
its rate per second, and percentiles of per-request samples in ms.

Percentiles use the inclusive method (`statistics.quantiles`), so p100 is the largest sample;
with one sample every percentile is that sample, and with none it is NaN.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Timing:
    """How long one way of handling `count` items (events, requests) took, by one label."""

    label: str
    count: int = 0
    seconds: float = 0.0  # wall clock
    cpu_seconds: float = 0.0  # this process only (a server in a subprocess is not counted)
    samples_ms: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        """Items per wall-clock second (0 when nothing was timed)."""
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def cpu_share(self) -> float:
        """CPU seconds over wall seconds: under 1 means the process waited (on I/O, a server)."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile of the samples in ms (p from 1 to 99, or 100 for the largest)."""
        if not self.samples_ms:
            return math.nan
        if len(self.samples_ms) == 1 or p >= 100:
            return max(self.samples_ms)
        cuts = statistics.quantiles(self.samples_ms, n=100, method="inclusive")
        return cuts[round(p) - 1]

    def summary(self, baseline_p50: float | None = None) -> dict[str, Any]:
        """Requests, p50, p95, p99 and max in ms, and p50 over the baseline's p50 when given."""
        out: dict[str, Any] = {
            "requests": len(self.samples_ms),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "max_ms": round(self.percentile(100), 2),
        }
        if baseline_p50:
            out["p50_over_baseline"] = round(self.percentile(50) / baseline_p50, 1)
        return out


@dataclass
class Clock:
    """Wall and CPU time from its creation; `timing` reads both at once."""

    wall: float = field(default_factory=time.perf_counter)
    cpu: float = field(default_factory=time.process_time)

    def timing(self, label: str, count: int, samples_ms: Iterable[float] = ()) -> Timing:
        """The elapsed wall and CPU seconds so far, as the timing of `count` items."""
        seconds, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        return Timing(label, count, seconds, cpu, list(samples_ms))
