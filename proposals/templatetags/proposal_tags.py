"""Template helpers for proposals: the words and links of notifications."""

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
