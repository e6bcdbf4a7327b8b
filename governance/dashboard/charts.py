"""Inline SVG bar charts drawn on the server: readable on a phone, no JavaScript library."""

from __future__ import annotations

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


def display(value, unit: str) -> str:
    """A figure as the page shows it: no value is a dash; per cents with one decimal."""
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.1f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"
