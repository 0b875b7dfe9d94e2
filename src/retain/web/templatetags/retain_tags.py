"""Template filters for figures: money, percentages, signed changes, inline SVG charts."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
DASH = "\u2013"  # shown for a missing figure


@register.filter
def money(value: Any) -> str:
    """1234.5 -> $1,235 (whole dollars; amounts are in the account's billing currency)."""
    if value is None or value == "":
        return DASH
    return f"${float(value):,.0f}"


@register.filter
def pct(value: Any, digits: int = 0) -> str:
    """0.123 -> 12%."""
    if value is None or value == "":
        return DASH
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def signed(value: Any) -> str:
    """3.2 -> +3; -0.4 -> -0; None -> a dash."""
    if value is None or value == "":
        return DASH
    return f"{float(value):+.0f}"


@register.filter
def words(value: Any) -> str:
    """days_to_renewal -> days to renewal (measure and kind names, for reading)."""
    return str(value or "").replace("_", " ")


@register.filter
def svg(markup: str) -> SafeString:
    """Chart markup built by retain.web.charts (which escapes every label) as safe HTML."""
    return mark_safe(markup)
