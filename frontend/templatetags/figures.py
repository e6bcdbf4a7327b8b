"""Figures as people read them on the report pages: p-values ("p < 0.001", never 0.000 or 1e-05)."""

import math

from django import template

register = template.Library()

SMALLEST_SHOWN = 0.001


@register.filter
def p_value(value) -> str:
    """``p = 0.034``, ``p < 0.001`` below a thousandth (three decimals would say 0.000), ``p = —`` without one."""
    try:
        p = float(value)
    except (TypeError, ValueError):
        return "p = —"
    if math.isnan(p):
        return "p = —"
    if p < SMALLEST_SHOWN:
        return "p < 0.001"
    return f"p = {min(p, 1.0):.3f}"
