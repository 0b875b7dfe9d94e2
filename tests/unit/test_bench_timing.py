"""The benchmarks' shared timer: rates, CPU share and inclusive percentiles, hand-computed."""

from __future__ import annotations

import math
import time

from retain.bench.timing import Clock, Timing


def test_rate_and_cpu_share() -> None:
    timing = Timing("import", count=300, seconds=1.5, cpu_seconds=0.75)
    assert timing.per_second == 200.0
    assert timing.cpu_share == 0.5


def test_nothing_timed_has_no_rate() -> None:
    timing = Timing("empty", count=300)
    assert timing.per_second == 0.0
    assert timing.cpu_share == 0.0


def test_inclusive_percentiles_interpolate_between_samples() -> None:
    """Five samples: p50 is the middle one; p95 sits 0.8 of the way from the 4th to the 5th
    (40 + 0.8 * 10), p99 0.96 of the way; p100 is the largest."""
    timing = Timing("page", samples_ms=[50.0, 10.0, 40.0, 20.0, 30.0])
    assert timing.percentile(25) == 20.0
    assert timing.percentile(50) == 30.0
    assert timing.percentile(95) == 48.0
    assert math.isclose(timing.percentile(99), 49.6)
    assert timing.percentile(100) == 50.0


def test_one_sample_is_every_percentile_and_none_is_nan() -> None:
    assert Timing("one", samples_ms=[7.5]).percentile(95) == 7.5
    assert math.isnan(Timing("none").percentile(50))


def test_summary_against_a_baseline() -> None:
    timing = Timing("page", samples_ms=[50.0, 10.0, 40.0, 20.0, 30.0])
    assert timing.summary(12.0) == {
        "requests": 5,
        "p50_ms": 30.0,
        "p95_ms": 48.0,
        "p99_ms": 49.6,
        "max_ms": 50.0,
        "p50_over_baseline": 2.5,
    }
    assert "p50_over_baseline" not in timing.summary()


def test_clock_reads_wall_and_cpu_time_since_its_start() -> None:
    clock = Clock(wall=time.perf_counter() - 2.0, cpu=time.process_time() - 1.0)
    timing = clock.timing("work", 10, [3.0, 1.0])
    assert 2.0 <= timing.seconds < 3.0
    assert 1.0 <= timing.cpu_seconds < 2.0
    assert 10 / 3.0 < timing.per_second <= 5.0
    assert (timing.label, timing.count, timing.samples_ms) == ("work", 10, [3.0, 1.0])
