"""The words of a notification, rendered at display time in the reader's language."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Notification
from .states import State


def notification_text(note: Notification) -> str:
    title = note.proposal.title if note.proposal_id else (note.follow_up.title if note.follow_up_id else "")
    if note.kind == Notification.Kind.ESCALATED:
        if note.state == "mayor":  # the level when the notice was sent, not the proposal's level now
            return _("“%(title)s” reached the mayor's level.") % {"title": title}
        return _("“%(title)s” was escalated to the department, which must answer by the due date.") % {
            "title": title}
    if note.kind == Notification.Kind.ANSWERED:
        return _("The department answered “%(title)s”.") % {"title": title}
    if note.kind == Notification.Kind.PROGRESS:
        return _("The department reported progress on “%(title)s”.") % {"title": title}
    if note.kind == Notification.Kind.CLARIFICATION:
        return _("The department asks a question about “%(title)s”. Please reply on the proposal page.") % {
            "title": title}
    if note.kind == Notification.Kind.OVERDUE:
        return _("“%(title)s” is past its due date and waiting for your department's answer.") % {"title": title}
    if note.kind == Notification.Kind.COMMENT_REPLY:
        return _("Someone replied to your comment on “%(title)s”.") % {"title": title}
    state = State(note.state).label if note.state in State.values else note.state
    return _("“%(title)s” is now: %(state)s.") % {"title": title, "state": state}


def notification_url(note: Notification) -> str:
    if note.kind == Notification.Kind.OVERDUE and note.follow_up_id:
        return reverse("proposals:follow_up_queue")
    if note.proposal_id:
        return note.proposal.get_absolute_url()
    return "/"
