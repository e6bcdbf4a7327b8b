"""Template helpers of the legal and first-hour pages: settings they show, and whether mail stays local."""

from django import template
from django.conf import settings

register = template.Library()

CONSOLE_BACKENDS = {"django.core.mail.backends.console.EmailBackend"}


@register.simple_tag
def email_printed_in_console() -> bool:
    """True when mail is printed in the server's console (the embedded default) rather than sent."""
    return settings.EMAIL_BACKEND in CONSOLE_BACKENDS


@register.simple_tag
def privacy_officer() -> dict:
    return settings.PRIVACY_OFFICER


@register.simple_tag
def site_operator() -> str:
    return settings.SITE_OPERATOR
