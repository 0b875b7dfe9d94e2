"""The core run on an engine, with no Django: engines over the store or a Parquet folder,
metrics (Query, compute, explain), health snapshot frames and backtests, CLV.

    >>> from retain import analytics
    >>> analytics.metrics_frame(as_of=date(2026, 6, 30))      # doctest: +SKIP
"""

from retain.analytics.metrics import (
    Explanation,
    Query,
    compute,
    context,
    explain,
    metrics_frame,
    open_engine,
)

__all__ = [
    "Explanation",
    "Query",
    "compute",
    "context",
    "explain",
    "metrics_frame",
    "open_engine",
]
