"""Telling people: in-site notifications now, emails after the commit (by a Celery task).

Each person's settings by kind (NotificationSetting, /notifications/settings/) decide: a kind turned off
is not stored for them at all, and a kind whose email is off is stored but not emailed (tasks.py).
"""

from django.db import transaction
from django.utils import timezone

from config.celery import queue_on_commit

from ..models import Follow, Notification, NotificationSetting, Proposal


def followers_of(proposal: Proposal) -> list[int]:
    """The author, every supporter and everyone following it, each once."""
    ids = set(proposal.supports.values_list("user_id", flat=True))
    ids.update(Follow.objects.filter(proposal=proposal).values_list("user_id", flat=True))
    ids.add(proposal.author_id)
    return sorted(ids)


def vote_followers(vote) -> list[int]:
    """Everyone following a vote."""
    return sorted(set(Follow.objects.filter(vote=vote).values_list("user_id", flat=True)))


def without_muted(recipients: list[int], kind: str) -> list[int]:
    """``recipients`` less those who turned this kind of notification off, each once, in order."""
    unique = sorted(set(recipients))
    if not unique:
        return []
    muted = set(NotificationSetting.objects.filter(kind=kind, in_site=False, user_id__in=unique)
                .values_list("user_id", flat=True))
    return [uid for uid in unique if uid not in muted]


def notify(*, kind: str, proposal: Proposal | None = None, follow_up=None, vote=None, state: str = "",
           recipients: list[int] | None = None) -> int:
    """Store notifications in this transaction (one per person, never to those who turned the kind off);
    email them once it commits."""
    if recipients is None:
        recipients = followers_of(proposal) if proposal is not None else []
    rows = [
        Notification(user_id=uid, kind=kind, proposal=proposal, follow_up=follow_up, vote=vote, state=state)
        for uid in without_muted(recipients, kind)
    ]
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    if created:
        from ..tasks import send_notification_emails  # in here: the task imports services (a cycle)

        ids = [n.pk for n in created]  # both PostgreSQL and SQLite >= 3.35 return the new keys

        queue_on_commit(send_notification_emails, ids)
    return len(created)


def notify_state_change(*, proposal: Proposal, state: str) -> None:
    kind = {"escalated": "escalated", "answered": "answered"}.get(state, "state_changed")
    notify(kind=kind, proposal=proposal, state=state)


def notify_vote_followers(*, vote, kind: str) -> int:
    """A followed vote opened, closed or published its results: tell its followers."""
    return notify(kind=kind, vote=vote, state=vote.state, recipients=vote_followers(vote))


def mark_all_read(*, user) -> int:
    """Mark the user's own unread notifications as read."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def save_notification_settings(*, user, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store ``{kind: (in_site, email)}``; a kind left at the default (both on) keeps no row."""
    valid = set(Notification.Kind.values)
    for kind, (in_site, email) in choices.items():
        if kind not in valid:
            raise ValueError(f"not a notification kind: {kind}")
        if in_site and email:
            NotificationSetting.objects.filter(user=user, kind=kind).delete()
        else:
            NotificationSetting.objects.update_or_create(user=user, kind=kind,
                                                         defaults={"in_site": in_site, "email": email})
