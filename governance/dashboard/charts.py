"""Inline SVG bar charts drawn on the server: readable on a phone, no JavaScript library."""

from __future__ import annotations

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, GAP = 320, 120, 2


def bars(rows: list[tuple[str, float | int | None]]) -> dict:
    """Geometry of one bar per row (label, value), scaled to the largest value; None draws no bar."""
    values = [v for _label, v in rows if v is not None]
    top = max(values, default=0) or 1
    n = max(len(rows), 1)
    width = WIDTH / n
    out = []
    for i, (label, value) in enumerate(rows):
        h = 0 if value is None else max(1.0, HEIGHT * value / top) if value else 0
        out.append({"x": round(i * width + GAP / 2, 2), "y": round(HEIGHT - h, 2),
                    "width": round(max(width - GAP, 1), 2), "height": round(h, 2), "label": label, "value": value})
    return {"width": WIDTH, "height": HEIGHT, "bars": out}


def _shown(value) -> str:
    return "–" if value is None else conditional_escape(localize(value))


def svg(chart: dict) -> SafeString:
    """The chart's markup, written here rather than by a template loop: a page draws some twenty charts of
    twelve bars, and the loop was a quarter of the dashboard's time (docs/benchmarks.md "Governance").
    Coordinates are written as Python writes numbers (an SVG attribute must not follow a locale's decimal
    mark, and localising them was half of the remaining time); the value in a bar's title is localised as
    the template's {{ }} did."""
    width, height = chart["width"], chart["height"]
    # Numbers need no escaping; the label and the shown value are escaped as {{ }} did.
    bars_markup = "".join(
        f'<rect x="{b["x"]}" y="{b["y"]}" width="{b["width"]}" height="{b["height"]}" class="dash-bar"><title>'
        f'{conditional_escape(b["label"])}: {_shown(b["value"])}</title></rect>' for b in chart["bars"])
    return mark_safe(
        f'<svg class="dash-chart" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="none" '
        f'aria-hidden="true" focusable="false" data-chart>\n  <line x1="0" y1="{height}" x2="{width}" '
        f'y2="{height}" class="dash-axis"/>\n  {bars_markup}\n</svg>')


def display(value, unit: str) -> str:
    """A figure as the page shows it: no value is a dash; per cents with one decimal."""
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.1f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"
