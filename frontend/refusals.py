"""The one place a refusal becomes what a person reads, on a page or on the WebSocket.

A refusal is a ``PermissionDenied`` (a rule said no; its argument is the rule's reason) or a
``ValidationError`` and its subclasses (``ClockError``, ``QueueError``, ``JuryError``, ``DPollError``,
``RateLimited``…, which carry a ``code``). Views show ``refusal_message`` (``show_refusal`` as a flash
message); the realtime side sends ``refusal`` as an error frame's code and message. A form shows a
service's ValidationError by field instead: ``frontend.forms.add_service_errors``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def refusal_message(exc: PermissionDenied | ValidationError) -> str:
    """The reason, in the reader's language: every message of a ValidationError, or the rule's reason."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc.args[0]) if exc.args and str(exc.args[0]) else _("You may not do this.")


def refusal_code(exc: PermissionDenied | ValidationError) -> str:
    """A machine-readable code: ``forbidden`` for a rule's refusal, else the error's own code or ``invalid``."""
    if isinstance(exc, PermissionDenied):
        return "forbidden"
    return getattr(exc, "code", None) or "invalid"


def refusal(exc: PermissionDenied | ValidationError) -> tuple[str, str]:
    """(code, message) of an error frame."""
    return refusal_code(exc), refusal_message(exc)


def show_refusal(request, exc: PermissionDenied | ValidationError) -> None:
    """The refusal as a flash message on the next page."""
    messages.error(request, refusal_message(exc))
