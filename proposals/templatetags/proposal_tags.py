"""Template helpers for proposals: the words and links of notifications."""

from django import template
from django.conf import settings

from ..extensions import follow_up_panels as registered_panels
from ..notices import notification_text, notification_url

register = template.Library()


@register.filter
def notice_text(note) -> str:
    return notification_text(note)


@register.filter
def notice_url(note) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return base + notification_url(note)


@register.inclusion_tag("proposals/_follow_up_panels.html", takes_context=True)
def follow_up_panels(context, follow_up):
    """The templates other apps registered for a follow-up's card (proposals.extensions), each with the item."""
    return {"follow_up": follow_up, "panels": registered_panels(), "request": context.get("request"),
            "user": context.get("user"), "perms": context.get("perms")}
