"""Workloads and timers for `retain bench`; nothing at run time imports this package."""
