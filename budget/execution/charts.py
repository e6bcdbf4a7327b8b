"""Money decided and spent, as paired horizontal SVG bars written in Python (like governance/dashboard/charts.py):
readable on a phone, no JavaScript, the figures also in a table beside it."""

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, ROW, BAR, LABEL = 320, 30, 11, 110


def decided_and_spent(groups: list[dict], *, decided_label: str, spent_label: str) -> SafeString:
    """One row per group: its decided amount (full bar) and what was spent (the bar under it), scaled to the
    largest decided or spent amount."""
    if not groups:
        return mark_safe("")
    top = max(max(g["decided"], g["spent"]) for g in groups) or 1
    span = WIDTH - LABEL
    height = ROW * len(groups)
    parts = []
    for i, g in enumerate(groups):
        y = i * ROW
        label = conditional_escape(g["label"] or "–")
        decided_w = round(span * g["decided"] / top, 2)
        spent_w = round(span * g["spent"] / top, 2)
        parts.append(
            f'<text x="0" y="{y + 18}" class="pb-chart-label">{label}</text>'
            f'<rect x="{LABEL}" y="{y + 3}" width="{decided_w}" height="{BAR}" class="pb-bar-decided"><title>{label}: '
            f'{conditional_escape(decided_label)} {g["decided"]:,}</title></rect>'
            f'<rect x="{LABEL}" y="{y + 3 + BAR + 1}" width="{spent_w}" height="{BAR}" class="pb-bar-spent"><title>'
            f'{label}: {conditional_escape(spent_label)} {g["spent"]:,}</title></rect>')
    return mark_safe(f'<svg class="pb-chart" viewBox="0 0 {WIDTH} {height}" width="100%" aria-hidden="true" '
                     f'focusable="false" data-chart>{"".join(parts)}</svg>')
