"""Template helpers for proposals: notification text, progress toward a threshold."""

from django import template
from django.conf import settings

from ..notices import notification_text, notification_url

register = template.Library()


@register.filter
def notice_text(note) -> str:
    return notification_text(note)


@register.filter
def notice_url(note) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return base + notification_url(note)


@register.filter
def percent_of(value, total) -> int:
    """Whole percent of value toward total, capped at 100 (for progress bars)."""
    try:
        return max(0, min(100, int(int(value) * 100 / int(total))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0
