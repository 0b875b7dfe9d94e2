"""Every KPI of METRICS.md as a registered function; importing this package registers them."""

from retain.core.metrics import customers, engagement, experience, revenue, value
from retain.core.metrics.registry import (
    REGISTRY,
    Context,
    Metric,
    MetricSettings,
    all_metrics,
    get,
    metric,
)

__all__ = [
    "REGISTRY",
    "Context",
    "Metric",
    "MetricSettings",
    "all_metrics",
    "customers",
    "engagement",
    "experience",
    "get",
    "metric",
    "revenue",
    "value",
]
