"""The words of a notification, rendered at display time in the reader's language."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Notification
from .states import State


def notification_text(note: Notification) -> str:
    if note.kind in VOTE_KINDS:
        return _vote_text(note)
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


VOTE_KINDS = (Notification.Kind.VOTE_OPENED, Notification.Kind.VOTE_CLOSED, Notification.Kind.VOTE_RESULTS)


def _vote_text(note: Notification) -> str:
    title = note.vote.title
    if note.kind == Notification.Kind.VOTE_OPENED:
        return _("The vote “%(title)s” you follow is open: you can vote now if you may.") % {"title": title}
    if note.kind == Notification.Kind.VOTE_CLOSED:
        return _("The vote “%(title)s” you follow has closed; the ballots are being counted.") % {"title": title}
    return _("The results of the vote “%(title)s” you follow are published.") % {"title": title}


def notification_url(note: Notification) -> str:
    if note.vote_id:
        return reverse("voting:results" if note.kind == Notification.Kind.VOTE_RESULTS else "voting:detail",
                       args=[note.vote_id])
    if note.kind == Notification.Kind.OVERDUE and note.follow_up_id:
        return reverse("proposals:follow_up_queue")
    if note.proposal_id:
        return note.proposal.get_absolute_url()
    return "/"


# What each kind means, on the notification settings page.
KIND_DESCRIPTIONS = {
    Notification.Kind.STATE_CHANGED: gettext_lazy("A proposal you wrote, support or follow changes state "
                                                  "(published, closed, put to a vote, adopted …)."),
    Notification.Kind.ESCALATED: gettext_lazy("A proposal you wrote, support or follow goes to the department "
                                              "or reaches the mayor's level."),
    Notification.Kind.ANSWERED: gettext_lazy("The department answers a proposal you wrote, support or follow."),
    Notification.Kind.PROGRESS: gettext_lazy("The department reports progress on carrying it out."),
    Notification.Kind.CLARIFICATION: gettext_lazy("The department asks you, the author, a question."),
    Notification.Kind.OVERDUE: gettext_lazy("An item in your department's queue is past its due date."),
    Notification.Kind.COMMENT_REPLY: gettext_lazy("Someone replies to your comment."),
    Notification.Kind.VOTE_OPENED: gettext_lazy("A vote you follow opens."),
    Notification.Kind.VOTE_CLOSED: gettext_lazy("A vote you follow closes."),
    Notification.Kind.VOTE_RESULTS: gettext_lazy("A vote you follow publishes its results."),
}
